"""The role rules of the profiles service, on every backend."""

from __future__ import annotations

import pytest

from kakehashi.accounts.roles import VISITOR, Role
from kakehashi.errors import InvalidTransition, NotFound, PermissionDenied
from kakehashi.profiles import service
from kakehashi.profiles.lifecycle import Action
from kakehashi.profiles.schemas import OpportunityFilters, OpportunityPatch, OrganisationPatch
from kakehashi.store import Database
from tests.factories import actor, make_opportunity, make_organisation, make_user


def test_visitor_sees_published_anonymised_and_never_drafts(database: Database) -> None:
    with database.session() as session:
        org = make_organisation(session, name="Hidden Wafers S.p.A.")
        published = make_opportunity(session, org, status="published")
        draft = make_opportunity(session, org, status="draft")
    with database.session() as session:
        page = service.list_opportunities(session, VISITOR, OpportunityFilters())
        assert [item.id for item in page.items] == [published.id]
        view = page.items[0]
        assert view.anonymised
        assert view.organisation is None
        assert "Hidden Wafers" not in view.model_dump_json()
        with pytest.raises(NotFound):
            service.get_opportunity(session, VISITOR, draft.id)


def test_member_of_a_never_reads_b_drafts_nor_writes_b(database: Database) -> None:
    with database.session() as session:
        org_a, org_b = make_organisation(session), make_organisation(session, country="JP")
        member_a = actor(make_user(session, organisation=org_a))
        b_draft = make_opportunity(session, org_b, status="draft")
        b_published = make_opportunity(session, org_b, status="published")
    with database.session() as session:
        with pytest.raises(NotFound):
            service.get_opportunity(session, member_a, b_draft.id)
        listed = service.list_opportunities(session, member_a, OpportunityFilters())
        assert b_draft.id not in {item.id for item in listed.items}
        with pytest.raises(PermissionDenied):
            service.update_organisation(session, member_a, org_b.id, OrganisationPatch(city="Osaka"))
        with pytest.raises(PermissionDenied):
            service.transition(session, member_a, b_published.id, Action.WITHDRAW)
        with pytest.raises(PermissionDenied):
            service.update_opportunity(session, member_a, b_published.id, OpportunityPatch(trl=3))
        view = service.get_opportunity(session, member_a, b_published.id)
        assert view.anonymised


def test_lifecycle_owner_submits_officer_publishes(database: Database) -> None:
    with database.session() as session:
        org = make_organisation(session)
        member = actor(make_user(session, organisation=org))
        officer = actor(make_user(session, role=Role.OFFICER, agency="JETRO"))
        opp = make_opportunity(session, org, status="draft")
    with database.session() as session:
        with pytest.raises(PermissionDenied):
            service.transition(session, member, opp.id, Action.PUBLISH)
        service.transition(session, member, opp.id, Action.SUBMIT)
        with pytest.raises(InvalidTransition):
            service.update_opportunity(session, member, opp.id, OpportunityPatch(trl=5))
        published = service.transition(session, officer, opp.id, Action.PUBLISH)
        assert published.status == "published"
        assert published.published_at is not None
        with pytest.raises(InvalidTransition):
            service.transition(session, officer, opp.id, Action.PUBLISH)
