"""The tables whose work moved into the store (issue 12's cold dashboard) give the figures the earlier code
gave, on a random store (the benchmark's generator, small) and on both stores, for the dashboard's filters:
the funnel's stages and days (a Python loop per introduction before), the distinct suggested pairs of the
matches table (a DISTINCT of every pair before) and the trends (each period bucketed in the store before,
months added up now). The earlier code is kept here, as it was, as the reference."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from datetime import UTC, date, datetime, time
from typing import Any

import pytest
from benchmarks.analytics import generate
from sqlalchemy import String, case, cast, delete, func, literal, select
from sqlalchemy.orm import Session

from kakehashi.analytics import catalogue, pipeline, trends
from kakehashi.analytics.pipeline import FUNNEL, LAST, MOVED_TO, RANK
from kakehashi.analytics.scope import Scope, resolve
from kakehashi.analytics.stats import median
from kakehashi.analytics.tables import Filters
from kakehashi.audit.models import AuditEvent
from kakehashi.audit.service import AuditKind
from kakehashi.matching.tables import OpportunityMatch
from kakehashi.pipeline.models import Introduction
from kakehashi.pipeline.vocab import Stage
from kakehashi.profiles.models import Opportunity, OpportunitySector
from kakehashi.store.database import Database

FILTERS = (
    Filters(),
    Filters(start=date(2025, 1, 1), end=date(2025, 12, 31)),
    Filters(start=date(2024, 3, 15), end=date(2026, 2, 10), granularity="month"),
    Filters(granularity="year", sector="semiconductors"),
    Filters(country="JP"),
    Filters(agency="ICE", start=date(2026, 1, 1)),
    Filters(organisation_id=3),
)


@pytest.fixture
def store(database: Database) -> Iterator[Session]:
    generate(database, scale=0.01)  # 1,000 opportunities, 200 introductions with their moves, 100 agreements
    with database.session() as session:
        yield session


@pytest.mark.parametrize("filters", FILTERS, ids=range(len(FILTERS)))
def test_the_funnel_is_the_one_of_the_loop_over_introductions(store: Session, filters: Filters) -> None:
    scope = resolve(store, filters)
    table = pipeline.funnel(store, scope)
    assert sum(row[1] for row in table.rows[:1]) > 0 or filters.organisation_id is not None
    assert table.rows == loop_funnel(store, scope)


@pytest.mark.parametrize("filters", FILTERS, ids=range(len(FILTERS)))
def test_suggested_matches_count_each_distinct_pair_once(store: Session, filters: Filters) -> None:
    scope = resolve(store, filters)
    table = catalogue.matches(store, scope)
    assert {row[0]: row[1] for row in table.rows} == distinct_pairs_by_sector(store, scope)


@pytest.mark.parametrize("filters", FILTERS, ids=range(len(FILTERS)))
def test_trends_added_up_from_months_are_those_bucketed_by_period(store: Session, filters: Filters) -> None:
    scope = resolve(store, filters)
    table = trends.trends(store, scope)
    by_period = bucketed_counts(store, scope)
    assert {row[0]: row[1] for row in table.rows if row[1]} == by_period


def test_a_second_move_and_a_stage_without_moves_count_as_before(database: Database) -> None:
    """An introduction that entered a stage twice spends its days from the first entry (the loop's "first
    entry of the audit trail with that stage"); one whose moves are not in the trail (an import) still
    reached its current stage and those before it."""
    generate(database, scale=0.005)
    with database.session() as session:
        far = session.scalars(
            select(Introduction.id).where(Introduction.stage.in_(("negotiating", "agreement"))).limit(3)
        ).all()
        assert far
        session.execute(delete(AuditEvent).where(AuditEvent.target.in_([f"introduction:{i}" for i in far])))
        moved = session.execute(
            select(AuditEvent.target, AuditEvent.at, AuditEvent.detail)
            .where(AuditEvent.kind == AuditKind.INTRODUCTION_STAGE.value)
            .limit(1)
        ).one()
        session.add(
            AuditEvent(
                kind=AuditKind.INTRODUCTION_STAGE.value,
                target=moved.target,
                at=datetime(2026, 11, 30, tzinfo=UTC),
                detail=dict(moved.detail),
            )
        )
        session.commit()
        scope = resolve(session, Filters())
        assert pipeline.funnel(session, scope).rows == loop_funnel(session, scope)


# --- the earlier code, as it was ---------------------------------------------------------------------


def loop_funnel(session: Session, scope: Scope) -> tuple[tuple[Any, ...], ...]:
    to_stage = AuditEvent.detail["to"].as_string()
    moves_query = (
        select(
            AuditEvent.target.label("target"),
            *(func.min(case((to_stage == stage, AuditEvent.at))).label(stage) for stage in MOVED_TO),
        )
        .where(AuditEvent.kind == AuditKind.INTRODUCTION_STAGE.value)
        .group_by(AuditEvent.target)
    )
    if scope.filters.start is not None:
        moves_query = moves_query.where(
            AuditEvent.at >= datetime.combine(scope.filters.start, time(), tzinfo=UTC)
        )
    moves = moves_query.subquery("moves")
    target = literal("introduction:").concat(cast(Introduction.id, String))
    query = (
        select(
            Introduction.stage,
            scope.days(Introduction.created_at),
            scope.days(Introduction.disclosed_at),
            *(scope.days(moves.c[stage]) for stage in MOVED_TO),
        )
        .outerjoin(moves, moves.c.target == target)
        .where(scope.in_period(Introduction.created_at), scope.introduction_ok())
    )
    reached = [0] * len(FUNNEL)
    current: dict[str, int] = defaultdict(int)
    durations: list[list[float]] = [[] for _ in FUNNEL]
    moved_ranks = tuple(RANK.get(stage, LAST) for stage in MOVED_TO)
    for stage, proposed, accepted, *moved in session.execute(query):
        current[stage] += 1
        entered = [(rank, day) for rank, day in zip(moved_ranks, moved, strict=True) if day is not None]
        entered.append((0, proposed))
        if accepted is not None:
            entered.append((1, accepted))
        top = max([rank for rank, _ in entered if rank < LAST] + [RANK.get(stage, 0)])
        for rank in range(top + 1):
            reached[rank] += 1
        for rank, day in entered:
            if rank >= LAST or day is None:
                continue
            later = [t for r, t in entered if r > rank and t >= day]
            if later:
                durations[rank].append(min(later) - day)
    rows: list[tuple[Any, ...]] = []
    for rank, stage_ in enumerate(FUNNEL):
        conversion = (reached[rank] / reached[rank - 1]) if rank and reached[rank - 1] else None
        rows.append((stage_.value, reached[rank], current[stage_.value], conversion, median(durations[rank])))
    closed = current[Stage.CLOSED.value]
    rows.append((Stage.CLOSED.value, closed, closed, None, None))
    return tuple(rows)


def distinct_pairs_by_sector(session: Session, scope: Scope) -> dict[str, int]:
    pairs = (
        select(OpportunityMatch.source_id, OpportunityMatch.target_id)
        .where(scope.in_period(OpportunityMatch.computed_at))
        .distinct()
        .subquery()
    )
    query = (
        select(OpportunitySector.sector, func.count())
        .select_from(pairs)
        .join(OpportunitySector, OpportunitySector.opportunity_id == pairs.c.source_id)
        .join(Opportunity, Opportunity.id == pairs.c.source_id)
        .where(scope.organisation_ok(Opportunity.organisation_id))
        .group_by(OpportunitySector.sector)
    )
    if scope.filters.sector is not None:
        query = query.where(OpportunitySector.sector == scope.filters.sector)
    return {sector: int(n) for sector, n in session.execute(query)}


def bucketed_counts(session: Session, scope: Scope) -> dict[str, int]:
    """New opportunities per period of the filter's granularity, bucketed in the store."""
    bucket = scope.bucket(Opportunity.published_at)
    query = (
        select(bucket, func.count())
        .where(
            Opportunity.published_at.is_not(None),
            scope.in_period(Opportunity.published_at),
            scope.organisation_ok(Opportunity.organisation_id),
            scope.opportunity_sector_ok(Opportunity.id),
        )
        .group_by(bucket)
    )
    return {period: int(n) for period, n in session.execute(query) if period is not None}
