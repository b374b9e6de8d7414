"""A lifecycle transition is one conditional UPDATE: a move made by someone else between our read and
our write wins, ours is refused (409) and nothing of ours is written; the answers never contradict."""

from __future__ import annotations

from typing import Any

import pytest

from kakehashi.accounts.service import SYSTEM
from kakehashi.errors import StaleVersion
from kakehashi.profiles import service
from kakehashi.profiles.lifecycle import Action
from kakehashi.profiles.models import Opportunity
from kakehashi.store import Database
from tests.factories import make_opportunity, make_organisation


def test_a_withdrawal_between_the_read_and_the_write_of_a_publication_wins(
    database: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    with database.session() as session:
        opp_id = make_opportunity(session, make_organisation(session), status="in_review").id
    checked = service.require_version

    def withdraw_meanwhile(current: int, expected: int | None) -> None:
        checked(current, expected)
        monkeypatch.setattr(service, "require_version", checked)  # only once
        with database.session() as other:  # the owner, in another transaction, commits first
            assert service.transition(other, SYSTEM, opp_id, Action.WITHDRAW).status == "withdrawn"

    monkeypatch.setattr(service, "require_version", withdraw_meanwhile)
    with pytest.raises(StaleVersion), database.session() as session:
        service.transition(session, SYSTEM, opp_id, Action.PUBLISH)
    with database.session() as session:
        opp = session.get(Opportunity, opp_id)
        assert opp is not None
        assert (opp.status, opp.published_at, opp.version) == ("withdrawn", None, 3)


def test_an_edit_between_the_read_and_the_write_of_another_edit_is_not_lost(
    database: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    from kakehashi.profiles.schemas import OpportunityPatch

    with database.session() as session:
        opp_id = make_opportunity(session, make_organisation(session), status="draft").id
    checked = service.require_version

    def edit_meanwhile(current: int, expected: int | None) -> Any:
        checked(current, expected)
        monkeypatch.setattr(service, "require_version", checked)
        with database.session() as other:
            service.update_opportunity(other, SYSTEM, opp_id, OpportunityPatch(trl=2))

    monkeypatch.setattr(service, "require_version", edit_meanwhile)
    with pytest.raises(StaleVersion), database.session() as session:
        service.update_opportunity(session, SYSTEM, opp_id, OpportunityPatch(partner_sought="Ours"))
    with database.session() as session:
        opp = session.get(Opportunity, opp_id)
        assert opp is not None
        assert (opp.trl, opp.partner_sought, opp.version) == (2, "", 2)
