"""The pipeline's indicators: expressions of interest and their acceptance, introductions as a funnel
(stages reached, conversion, time per stage), and introductions by sector and country."""

from __future__ import annotations

from collections import defaultdict
from datetime import UTC, datetime, time
from typing import Any, Final

from sqlalchemy import (
    ColumnElement,
    Select,
    String,
    Subquery,
    and_,
    case,
    cast,
    distinct,
    func,
    literal,
    or_,
    select,
)
from sqlalchemy.orm import Session

from kakehashi.analytics.catalogue import COUNTRY, SECTOR
from kakehashi.analytics.scope import Scope, greatest, least_of_present
from kakehashi.analytics.stats import median
from kakehashi.analytics.tables import Column, Table
from kakehashi.audit.models import AuditEvent
from kakehashi.audit.service import AuditKind
from kakehashi.errors import N_
from kakehashi.pipeline.models import Agreement, Interest, Introduction
from kakehashi.pipeline.vocab import InterestStatus, Stage
from kakehashi.profiles.models import OpportunitySector, Organisation

FUNNEL: Final = (Stage.PROPOSED, Stage.ACCEPTED, Stage.MET, Stage.NEGOTIATING, Stage.AGREEMENT)
RANK: Final = {stage.value: n for n, stage in enumerate(FUNNEL)}
LAST: Final = len(FUNNEL)  # the rank of closed: after every stage of the funnel
INTEREST_STATUSES: Final = tuple(status.value for status in InterestStatus)


def interests(session: Session, scope: Scope) -> Table:
    counts = [func.count(case((Interest.status == status, 1))) for status in INTEREST_STATUSES]
    query = (
        select(OpportunitySector.sector, func.count(), *counts)
        .select_from(Interest)
        .join(OpportunitySector, OpportunitySector.opportunity_id == Interest.opportunity_id)
        .where(scope.in_period(Interest.created_at), _interest_ok(scope))
        .group_by(OpportunitySector.sector)
        .order_by(OpportunitySector.sector)
    )
    if scope.filters.sector is not None:
        query = query.where(OpportunitySector.sector == scope.filters.sector)
    rows = []
    for sector, expressed, *by_status in session.execute(query):
        n = dict(zip(INTEREST_STATUSES, (int(v) for v in by_status), strict=True))
        decided = n["accepted"] + n["declined"] + n["referred"]
        rows.append(
            (
                sector,
                int(expressed),
                n["accepted"],
                n["declined"],
                n["referred"],
                n["withdrawn"],
                n["pending"],
                (n["accepted"] / decided) if decided else None,
            )
        )
    return Table(
        key="interests",
        title=N_("Expressions of interest and their acceptance"),
        columns=(
            SECTOR,
            Column(key="expressed", label=N_("Expressed"), kind="count"),
            Column(key="accepted", label=N_("Accepted"), kind="count"),
            Column(key="declined", label=N_("Declined"), kind="count"),
            Column(key="referred", label=N_("Referred to the agency"), kind="count"),
            Column(key="withdrawn", label=N_("Withdrawn"), kind="count"),
            Column(key="pending", label=N_("Pending"), kind="count"),
            Column(key="acceptance", label=N_("Acceptance ratio"), kind="ratio"),
        ),
        rows=tuple(rows),
        note=N_(
            "Expressions of interest made in the period, by the sector of the opportunity asked about, in "
            "their current status. Acceptance ratio: accepted of those answered (accepted, declined or "
            "referred)."
        ),
    )


def _interest_ok(scope: Scope) -> ColumnElement[bool]:
    """The asking organisation passes the filters; an organisation sees the interests it made and those
    made about its opportunities."""
    organisation_id = scope.filters.organisation_id
    if organisation_id is None:
        return scope.organisation_ok(Interest.from_organisation_id)
    return and_(
        or_(
            Interest.from_organisation_id == organisation_id,
            Interest.owner_organisation_id == organisation_id,
        ),
        scope.without_organisation().organisation_ok(Interest.from_organisation_id),
    )


MOVED_TO: Final = (Stage.MET.value, Stage.NEGOTIATING.value, Stage.AGREEMENT.value, Stage.CLOSED.value)


def _moves(scope: Scope) -> Subquery:
    """When each introduction first entered each stage it reached by a move (from the audit trail). The
    stage moved to is read from the entry's JSON once, in an inner query, not once per stage."""
    entries = select(
        AuditEvent.target.label("target"),
        AuditEvent.at.label("at"),
        AuditEvent.detail["to"].as_string().label("to_stage"),
    ).where(AuditEvent.kind == AuditKind.INTRODUCTION_STAGE.value)
    if scope.filters.start is not None:  # an introduction of the period moved after it started
        entries = entries.where(AuditEvent.at >= datetime.combine(scope.filters.start, time(), tzinfo=UTC))
    moved = entries.subquery("entries")
    query = select(
        moved.c.target,
        *(func.min(case((moved.c.to_stage == stage, moved.c.at))).label(stage) for stage in MOVED_TO),
    ).group_by(moved.c.target)
    return query.subquery("moves")


def funnel(session: Session, scope: Scope) -> Table:
    """Each introduction's furthest stage and the days it spent in each stage are worked out in the store
    (:func:`_stages`); Python only counts and takes the medians, over plain columns."""
    per_introduction = _stages(scope)
    reached = [0] * len(FUNNEL)
    current: dict[str, int] = defaultdict(int)
    durations: list[list[float]] = [[] for _ in FUNNEL]
    for stage, top, *spent in session.execute(per_introduction):
        current[stage] += 1
        reached[int(top)] += 1
        for rank, days in enumerate(spent):
            if days is not None:
                durations[rank].append(days)
    for rank in range(len(FUNNEL) - 2, -1, -1):  # reached a stage = its furthest stage is this or later
        reached[rank] += reached[rank + 1]
    rows = []
    for rank, stage in enumerate(FUNNEL):
        conversion = (reached[rank] / reached[rank - 1]) if rank and reached[rank - 1] else None
        rows.append((stage.value, reached[rank], current[stage.value], conversion, median(durations[rank])))
    closed = current[Stage.CLOSED.value]
    rows.append((Stage.CLOSED.value, closed, closed, None, None))
    return Table(
        key="funnel",
        title=N_("Introductions by stage"),
        columns=(
            Column(key="stage", label=N_("Stage"), kind="code", vocabulary="stage"),
            Column(key="reached", label=N_("Reached"), kind="count"),
            Column(key="current", label=N_("Now at this stage"), kind="count"),
            Column(key="conversion", label=N_("Conversion from the previous stage"), kind="ratio"),
            Column(key="median_days", label=N_("Median days in the stage"), kind="days"),
        ),
        rows=tuple(rows),
        note=N_(
            "Introductions proposed in the period. Reached: those that reached the stage or a later one "
            "(a closed introduction counts for the stages it passed). Days in a stage: from entering it to "
            "entering the next one, for the introductions that left it (from the audit trail)."
        ),
    )


def _stages(scope: Scope) -> Select[Any]:
    """One row per introduction of the period: its current stage, the rank of the furthest funnel stage it
    reached (a stage entered, or its current one; closed adds none), and for each funnel stage it entered
    and later left the days spent in it: from entering it to the earliest entry, on or after that day, of a
    later stage or of closed (``None`` when it never left it).

    This was a Python loop over every introduction (20,000 on the large store: most of the funnel's time);
    the same arithmetic on the same day numbers (``Scope.days``), so the same figures."""
    moves = _moves(scope)
    target = literal("introduction:").concat(cast(Introduction.id, String))
    # Day entered of: proposed, accepted, met, negotiating, agreement, closed (ranks 0..5), worked out once
    # per introduction (materialised: the expressions below read each several times).
    days = (
        select(
            Introduction.stage.label("stage"),
            scope.days(Introduction.created_at).label("d0"),
            scope.days(Introduction.disclosed_at).label("d1"),
            *(scope.days(moves.c[stage]).label(f"d{rank}") for rank, stage in enumerate(MOVED_TO, start=2)),
        )
        .outerjoin(moves, moves.c.target == target)
        .where(scope.in_period(Introduction.created_at), scope.introduction_ok())
        .cte("entered")
        .prefix_with("MATERIALIZED")
    )
    entered = [days.c[f"d{rank}"] for rank in range(LAST + 1)]
    current_rank = case(
        *((days.c.stage == stage.value, rank) for rank, stage in enumerate(FUNNEL) if rank), else_=0
    )
    top = greatest(
        [current_rank, *(case((entered[rank].is_not(None), rank), else_=0) for rank in range(1, LAST))],
        dialect=scope.dialect,
    )
    spent = []
    for rank in range(LAST):
        day = entered[rank]
        later = [case((entered[after] >= day, entered[after])) for after in range(rank + 1, LAST + 1)]
        spent.append(least_of_present(later, dialect=scope.dialect) - day)
    return select(days.c.stage, top, *spent)


def sector_country(session: Session, scope: Scope) -> Table:
    owner = Organisation
    intro_counts = _matrix(
        session,
        scope,
        select(OpportunitySector.sector, owner.country, func.count(distinct(Introduction.id)))
        .select_from(Introduction)
        .where(scope.in_period(Introduction.created_at)),
    )
    agreement_counts = _matrix(
        session,
        scope,
        select(OpportunitySector.sector, owner.country, func.count(distinct(Agreement.id)))
        .select_from(Agreement)
        .join(Introduction, Introduction.id == Agreement.introduction_id)
        .where(scope.in_period_date(Agreement.signed_on)),
    )
    keys = sorted(set(intro_counts) | set(agreement_counts))
    return Table(
        key="sector_country",
        title=N_("Introductions and agreements by sector and country"),
        columns=(
            SECTOR,
            COUNTRY,
            Column(key="introductions", label=N_("Introductions"), kind="count"),
            Column(key="agreements", label=N_("Agreements"), kind="count"),
        ),
        rows=tuple((s, c, intro_counts.get((s, c), 0), agreement_counts.get((s, c), 0)) for s, c in keys),
        note=N_(
            "By the sector of the opportunity asked about and the country of its owner. Introductions "
            "proposed in the period; agreements signed in the period."
        ),
    )


def _matrix(session: Session, scope: Scope, query: object) -> dict[tuple[str, str], int]:
    q = (
        query.join(  # type: ignore[attr-defined]
            OpportunitySector, OpportunitySector.opportunity_id == Introduction.opportunity_b_id
        )
        .join(Organisation, Organisation.id == Introduction.organisation_b_id)
        .where(scope.introduction_ok())
        .group_by(OpportunitySector.sector, Organisation.country)
    )
    if scope.filters.sector is not None:
        q = q.where(OpportunitySector.sector == scope.filters.sector)
    return {(s, c): int(n) for s, c, n in session.execute(q)}
