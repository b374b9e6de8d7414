"""Matching on the store: vectors kept in step, role-aware answers, feedback — on SQLite and PostgreSQL."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from kakehashi.accounts.roles import VISITOR, Role
from kakehashi.accounts.service import SYSTEM
from kakehashi.errors import NotFound, PermissionDenied
from kakehashi.matching.embed import FakeEmbedder
from kakehashi.matching.service import MatchingService
from kakehashi.matching.tables import OpportunityVector
from kakehashi.profiles import service as profiles
from kakehashi.profiles.lifecycle import Action
from kakehashi.profiles.schemas import OpportunityPatch
from kakehashi.store import Database
from tests.factories import actor, make_opportunity, make_organisation, make_user

NEED = {
    "type": "technology_request",
    "language": "en",
    "title": "Looking for silicon carbide wafer supply",
    "description": "We need 200 mm silicon carbide wafers for power modules, low defect density.",
}
OFFER = {
    "type": "technology_offer",
    "language": "en",
    "title": "Silicon carbide wafers 200 mm supply",
    "description": "We supply 200 mm silicon carbide wafers with low defect density for power modules.",
}
UNRELATED = {
    "type": "technology_offer",
    "language": "en",
    "title": "Bioreactor scale-up for cell therapies",
    "description": "Contract development of fermentation and bioreactor processes for cell therapy.",
    "sectors": ["biotech"],
}


@pytest.fixture
def matching(database: Database) -> MatchingService:
    return MatchingService(database, FakeEmbedder(dim=64))


def _catalogue(database: Database) -> dict[str, int]:
    with database.session() as session:
        jp = make_organisation(session, country="JP", name="Kansai Power Devices")
        it = make_organisation(session, country="IT", name="Silicio Etneo")
        bio = make_organisation(session, country="IT", name="Bio Bologna", sectors=["biotech"])
        need = make_opportunity(session, jp, **NEED)
        offer = make_opportunity(session, it, **OFFER)
        unrelated = make_opportunity(session, bio, **UNRELATED)
        draft = make_opportunity(session, it, status="draft", **{**OFFER, "title": "Draft SiC wafers offer"})
        member_jp = make_user(session, organisation=jp)
        member_it = make_user(session, organisation=it)
        return {
            "jp": jp.id,
            "it": it.id,
            "need": need.id,
            "offer": offer.id,
            "unrelated": unrelated.id,
            "draft": draft.id,
            "member_jp": member_jp.id,
            "member_it": member_it.id,
        }


def _actor(database: Database, user_id: int):  # type: ignore[no-untyped-def]
    from kakehashi.accounts.models import User

    with database.session() as session:
        user = session.get(User, user_id)
        assert user is not None
        return actor(user)


def test_sync_embeds_new_and_changed_text_only(database: Database, matching: MatchingService) -> None:
    ids = _catalogue(database)
    first = matching.sync()
    assert (first.checked, first.embedded) == (4, 4)
    assert matching.sync().checked == 0
    with database.session() as session:
        profiles.update_opportunity(session, SYSTEM, ids["offer"], OpportunityPatch(trl=5))
        profiles.update_opportunity(
            session, SYSTEM, ids["unrelated"], OpportunityPatch(title="Bioreactor scale-up, new title")
        )
    report = matching.sync()
    assert (report.checked, report.embedded) == (2, 1)
    with database.session() as session:
        stored = session.scalar(select(func.count()).where(OpportunityVector.model_id == matching.model_id))
    assert stored == 4


def test_matches_are_published_complementary_and_anonymised(
    database: Database, matching: MatchingService
) -> None:
    ids = _catalogue(database)
    matching.sync()  # indexing: the worker's (or `kakehashi index rebuild`'s) work
    results = matching.matches_for_opportunity(VISITOR, ids["need"], locale="en")
    assert results[0].opportunity.id == ids["offer"]
    assert ids["draft"] not in [r.opportunity.id for r in results]
    assert all(r.opportunity.anonymised and r.opportunity.organisation is None for r in results)
    assert results[0].explanation is not None
    member_it = _actor(database, ids["member_it"])
    own = matching.matches_for_opportunity(member_it, ids["need"], locale="it")
    assert own[0].opportunity.organisation is not None  # its own offer: not hidden from itself
    assert own[0].explanation is not None
    assert own[0].explanation.locale == "it"


def test_withdrawn_counterpart_disappears(database: Database, matching: MatchingService) -> None:
    ids = _catalogue(database)
    matching.sync()  # indexing: the worker's (or `kakehashi index rebuild`'s) work
    assert (
        matching.matches_for_opportunity(SYSTEM, ids["need"], locale="en")[0].opportunity.id == ids["offer"]
    )
    with database.session() as session:
        profiles.transition(session, SYSTEM, ids["offer"], Action.WITHDRAW)
    # read before the indexer ran: the withdrawn offer is filtered out of the stored list at once
    assert ids["offer"] not in [
        r.opportunity.id for r in matching.matches_for_opportunity(SYSTEM, ids["need"], locale="en")
    ]
    matching.sync()
    after = matching.matches_for_opportunity(SYSTEM, ids["need"], locale="en")
    assert ids["offer"] not in [r.opportunity.id for r in after]


def test_drafts_are_not_readable_by_others(database: Database, matching: MatchingService) -> None:
    ids = _catalogue(database)
    with pytest.raises(NotFound):
        matching.matches_for_opportunity(_actor(database, ids["member_jp"]), ids["draft"], locale="en")


def test_dismiss_hides_and_shortlist_marks(database: Database, matching: MatchingService) -> None:
    ids = _catalogue(database)
    matching.sync()  # indexing: the worker's (or `kakehashi index rebuild`'s) work
    member_jp = _actor(database, ids["member_jp"])
    matching.record_feedback(member_jp, ids["need"], ids["offer"], "dismissed")
    shown = [r.opportunity.id for r in matching.matches_for_opportunity(member_jp, ids["need"], locale="en")]
    assert ids["offer"] not in shown
    matching.record_feedback(member_jp, ids["need"], ids["offer"], "shortlisted")
    results = matching.matches_for_opportunity(member_jp, ids["need"], locale="en")
    assert [r.shortlisted for r in results if r.opportunity.id == ids["offer"]] == [True]
    # feedback is per organisation: a visitor still sees the offer, unmarked
    visitor = matching.matches_for_opportunity(VISITOR, ids["need"], locale="en")
    assert [r.shortlisted for r in visitor if r.opportunity.id == ids["offer"]] == [False]


def test_only_the_source_organisation_judges_its_matches(
    database: Database, matching: MatchingService
) -> None:
    ids = _catalogue(database)
    with pytest.raises(PermissionDenied):
        matching.record_feedback(_actor(database, ids["member_it"]), ids["need"], ids["offer"], "dismissed")
    with pytest.raises(PermissionDenied):
        matching.record_feedback(VISITOR, ids["need"], ids["offer"], "dismissed")
    with database.session() as session:
        officer = actor(make_user(session, role=Role.OFFICER))
    matching.record_feedback(officer, ids["need"], ids["offer"], "shortlisted")


def test_organisation_matches_are_for_its_members(database: Database, matching: MatchingService) -> None:
    ids = _catalogue(database)
    matching.sync()  # indexing: the worker's (or `kakehashi index rebuild`'s) work
    member_jp = _actor(database, ids["member_jp"])
    results = matching.matches_for_organisation(member_jp, ids["jp"], locale="en")
    assert results[0].opportunity.id == ids["offer"]
    with pytest.raises(PermissionDenied):
        matching.matches_for_organisation(member_jp, ids["it"], locale="en")


def test_search_finds_the_offer(database: Database, matching: MatchingService) -> None:
    ids = _catalogue(database)
    matching.sync()  # indexing: the worker's (or `kakehashi index rebuild`'s) work
    results = [r.opportunity.id for r in matching.search(VISITOR, "silicon carbide wafers", locale="en")]
    assert results.index(ids["offer"]) < results.index(ids["unrelated"])
    offers = matching.search(
        VISITOR, "silicon carbide wafers", locale="en", types=frozenset({"technology_offer"})
    )
    assert next(r.opportunity.id for r in offers) == ids["offer"]
    assert ids["need"] not in [r.opportunity.id for r in offers]
    only_biotech = matching.search(
        VISITOR, "silicon carbide wafers", locale="en", sectors=frozenset({"biotech"})
    )
    assert [r.opportunity.id for r in only_biotech] == [ids["unrelated"]]


def test_until_indexed_matches_are_pending_and_the_worker_computes_them(
    database: Database, matching: MatchingService
) -> None:
    import time

    from kakehashi.matching.worker import EmbeddingWorker

    ids = _catalogue(database)
    pending = matching.opportunity_matches(SYSTEM, ids["need"], locale="en")
    assert (pending.ready, pending.results) == (False, [])
    worker = EmbeddingWorker(matching, poll_s=0.05)
    worker.start()
    try:
        deadline = time.monotonic() + 30
        while not matching.opportunity_matches(SYSTEM, ids["need"], locale="en").ready:
            assert time.monotonic() < deadline, "the worker did not index the backlog"
            time.sleep(0.05)
    finally:
        worker.stop()
    assert worker.status().last_error is None
    first = matching.matches_for_opportunity(SYSTEM, ids["need"], locale="en")[0]
    assert first.opportunity.id == ids["offer"]
