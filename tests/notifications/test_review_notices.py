"""An officer's review of an opportunity is notified to its organisation's members (not to the officer)."""

from __future__ import annotations

from sqlalchemy import select

from kakehashi.accounts.roles import Role
from kakehashi.accounts.service import SYSTEM
from kakehashi.notifications.models import Notice
from kakehashi.profiles import service
from kakehashi.profiles.lifecycle import Action
from kakehashi.store import Database
from tests.factories import actor, make_opportunity, make_organisation, make_user


def _notices(database: Database) -> list[tuple[int, str]]:
    with database.session() as session:
        return [
            (row.user_id, row.kind)
            for row in session.execute(select(Notice.user_id, Notice.kind).order_by(Notice.id))
        ]


def test_publish_and_send_back_tell_the_members(database: Database) -> None:
    with database.session() as session:
        organisation = make_organisation(session, country="JP")
        members = [make_user(session, organisation=organisation) for _ in range(2)]
        make_user(session, organisation=make_organisation(session))  # another organisation: nothing
        officer = make_user(session, role=Role.OFFICER, agency="JETRO")
        first = make_opportunity(session, organisation, status="in_review")
        second = make_opportunity(session, organisation, status="in_review")
        service.transition(session, actor(officer), first.id, Action.PUBLISH)
        service.transition(session, actor(officer), second.id, Action.SEND_BACK, note="Add the TRL, please.")
    published = [(m.id, "opportunity.publish") for m in members]
    sent_back = [(m.id, "opportunity.send_back") for m in members]
    assert _notices(database) == published + sent_back
    with database.session() as session:
        note = session.scalars(select(Notice.params).where(Notice.kind == "opportunity.send_back")).first()
    assert note is not None
    assert note["note"]["v"] == "Add the TRL, please."


def test_imports_and_the_demo_notify_nobody(database: Database) -> None:
    with database.session() as session:
        organisation = make_organisation(session)
        make_user(session, organisation=organisation)
        make_opportunity(session, organisation, status="published")  # moved by the system actor
        assert SYSTEM.user_id is None
    assert _notices(database) == []
