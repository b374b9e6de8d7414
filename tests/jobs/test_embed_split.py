"""A backlog of embedding split into ranges of ids, one ``index-embed`` job each, that any job worker takes;
the refresh that follows the last range matches. Here on procrastinate's in-memory connector (the same
tasks as on PostgreSQL) and in-process; with real workers on PostgreSQL in test_embed_split_workers.py."""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import TypeVar

import pytest
from procrastinate.testing import InMemoryConnector
from sqlalchemy import func, select

from kakehashi.config import Settings
from kakehashi.jobs import registry
from kakehashi.jobs.models import JobRun
from kakehashi.jobs.queue import build_app, defer
from kakehashi.matching.embed import get_embedder
from kakehashi.matching.service import MatchingService
from kakehashi.matching.tables import OpportunityMatch, OpportunityVector
from kakehashi.matching.vectors import IdRange, plan_ranges
from kakehashi.profiles.models import Opportunity
from kakehashi.store import Database
from tests.factories import make_opportunity, make_organisation

T = TypeVar("T")


def test_ranges_are_aligned_blocks_that_hold_a_stale_id() -> None:
    assert plan_ranges([], size=10) == []
    assert plan_ranges([1, 2, 9], size=10) == [IdRange(0, 10)]
    assert plan_ranges([9, 10, 35, 39], size=10) == [IdRange(0, 10), IdRange(10, 20), IdRange(30, 40)]
    # The same backlog, planned again with some of it done, names the same ranges (the queue runs each once).
    assert plan_ranges([35], size=10) == [IdRange(30, 40)]
    with pytest.raises(ValueError, match="at least one"):
        plan_ranges([1], size=0)


@pytest.fixture
def matching(database: Database) -> MatchingService:
    return MatchingService(database, get_embedder("fake"))


def publish_batch(database: Database, count: int) -> list[int]:
    """``count`` drafts (Italian offers, Japanese requests: they match across), then published at once
    (also the batch of the two-worker tests, ``test_embed_split_workers.py``)."""
    with database.session() as session:
        sides = [
            (make_organisation(session, country=country), kind)
            for country, kind in (("IT", "technology_offer"), ("JP", "technology_request"))
        ]
        ids = [
            make_opportunity(session, sides[n % 2][0], status="draft", type=sides[n % 2][1]).id
            for n in range(count)
        ]
    with database.session() as session:  # published at once, as an officer's batch
        for opportunity in session.scalars(select(Opportunity)):
            opportunity.status = "published"
    return ids


def _in_own_thread(work: Callable[[], T]) -> T:
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(work).result()


def _runs(database: Database, task: str) -> list[JobRun]:
    with database.session() as session:
        return list(session.scalars(select(JobRun).where(JobRun.task == task).order_by(JobRun.id)))


def test_the_split_is_planned_only_for_a_backlog_or_while_ranges_run(
    database: Database, matching: MatchingService
) -> None:
    ids = publish_batch(database, 12)
    assert matching.embedding_split(size=20, busy=False) == []  # small: the refresh embeds it itself
    assert matching.embedding_split(size=20, busy=True) == plan_ranges(ids, size=20)
    assert matching.embedding_split(size=5, busy=False) == plan_ranges(ids, size=5)
    matching.sync()
    assert matching.embedding_split(size=5, busy=True) == []  # nothing left to embed


def test_a_range_run_again_writes_nothing_twice(database: Database, matching: MatchingService) -> None:
    ids = publish_batch(database, 6)
    whole = IdRange(0, max(ids) + 1)
    assert matching.embed_range(whole).embedded == 6
    assert matching.embed_range(whole).embedded == 0
    with database.session() as session:
        first = session.get(Opportunity, ids[0])
        assert first is not None
        first.title = "Gallium nitride epitaxy, offered"  # edited since: only it is embedded again
    assert matching.embed_range(whole).embedded == 1
    with database.session() as session:
        current = session.execute(
            select(func.count())
            .select_from(OpportunityVector)
            .join(Opportunity, Opportunity.id == OpportunityVector.opportunity_id)
            .where(OpportunityVector.updated_at == Opportunity.updated_at)
        ).scalar_one()
    assert current == 6


def test_the_queue_embeds_a_backlog_by_ranges_then_matches_once(
    database: Database, matching: MatchingService
) -> None:
    ids = publish_batch(database, 23)
    settings = Settings(jobs_embed_range=5)
    app = build_app(InMemoryConnector(), database=database, matching=matching, settings=settings)

    def enqueue_and_work() -> None:
        with app.open():
            defer(app, "index-refresh")
            app.run_worker(wait=False, install_signal_handlers=False, listen_notify=False)

    _in_own_thread(enqueue_and_work)
    embeds = _runs(database, "index-embed")
    assert len(embeds) == len(plan_ranges(ids, size=5))
    assert {run.status for run in embeds} == {"succeeded"}
    assert sum(run.total for run in embeds) == 23  # each opportunity embedded by one range
    refreshes = _runs(database, "index-refresh")
    assert [run.status for run in refreshes] == ["succeeded"] * len(refreshes)
    assert refreshes[0].total == len(embeds)  # the first one queued the ranges
    with database.session() as session:
        vectors = session.execute(
            select(
                OpportunityVector.opportunity_id, OpportunityVector.matched_version, Opportunity.updated_at
            ).join(Opportunity, Opportunity.id == OpportunityVector.opportunity_id)
        ).all()
        sources = set(session.scalars(select(OpportunityMatch.source_id)))
    assert sorted(v.opportunity_id for v in vectors) == ids
    assert all(v.matched_version == v.updated_at for v in vectors)  # every one matched, on its version
    assert sources == set(ids)


def test_in_process_the_refresh_embeds_the_whole_backlog_itself(
    database: Database, matching: MatchingService
) -> None:
    ids = publish_batch(database, 12)
    registry.run_inline("index-refresh", database=database, matching=matching, progress=lambda _d, _t: None)
    assert _runs(database, "index-embed") == []
    with database.session() as session:
        count = session.scalar(select(func.count()).select_from(OpportunityVector))
    assert count == len(ids)
