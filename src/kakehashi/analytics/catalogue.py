"""The catalogue's indicators: organisations and opportunities by country, sector and type; matches
suggested, shortlisted and dismissed."""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, distinct, func, select
from sqlalchemy.orm import Session

from kakehashi.analytics.scope import Scope
from kakehashi.analytics.tables import Column, Table
from kakehashi.errors import N_
from kakehashi.matching.tables import MatchFeedback, OpportunityMatch
from kakehashi.profiles.models import Opportunity, OpportunitySector, Organisation, OrganisationSector

COUNTRY = Column(key="country", label=N_("Country"), kind="code", vocabulary="country")
SECTOR = Column(key="sector", label=N_("Sector"), kind="code", vocabulary="sector")


def organisations(session: Session, scope: Scope) -> Table:
    query = (
        select(
            Organisation.country,
            OrganisationSector.sector,
            Organisation.kind,
            func.count(distinct(Organisation.id)),
        )
        .join(OrganisationSector, OrganisationSector.organisation_id == Organisation.id)
        .where(scope.in_period(Organisation.created_at), scope.organisation_ok(Organisation.id))
        .group_by(Organisation.country, OrganisationSector.sector, Organisation.kind)
        .order_by(Organisation.country, OrganisationSector.sector, Organisation.kind)
    )
    if scope.filters.sector is not None:
        query = query.where(OrganisationSector.sector == scope.filters.sector)
    return Table(
        key="organisations",
        title=N_("Organisations by country, sector and kind"),
        columns=(
            COUNTRY,
            SECTOR,
            Column(key="kind", label=N_("Kind"), kind="code", vocabulary="kind"),
            Column(key="organisations", label=N_("Organisations"), kind="count"),
        ),
        rows=tuple((c, s, k, int(n)) for c, s, k, n in session.execute(query)),
        note=N_(
            "Organisations registered in the period, by the date of their registration; an organisation "
            "with several sectors counts once in each."
        ),
    )


def catalogue(session: Session, scope: Scope) -> Table:
    query = (
        select(
            Organisation.country,
            OpportunitySector.sector,
            Opportunity.type,
            func.count(),  # an (opportunity, sector) pair is one row
            func.count(distinct(Opportunity.organisation_id)),
        )
        .join(Organisation, Organisation.id == Opportunity.organisation_id)
        .join(OpportunitySector, OpportunitySector.opportunity_id == Opportunity.id)
        .where(
            Opportunity.published_at.is_not(None),
            scope.in_period(Opportunity.published_at),
            scope.organisation_ok(Opportunity.organisation_id),
        )
        .group_by(Organisation.country, OpportunitySector.sector, Opportunity.type)
        .order_by(Organisation.country, OpportunitySector.sector, Opportunity.type)
    )
    if scope.filters.sector is not None:
        query = query.where(OpportunitySector.sector == scope.filters.sector)
    return Table(
        key="catalogue",
        title=N_("Opportunities by country, sector and type"),
        columns=(
            COUNTRY,
            SECTOR,
            Column(key="type", label=N_("Type"), kind="code", vocabulary="type"),
            Column(key="opportunities", label=N_("Opportunities"), kind="count"),
            Column(key="organisations", label=N_("Organisations publishing"), kind="count"),
        ),
        rows=tuple((c, s, t, int(n), int(o)) for c, s, t, n, o in session.execute(query)),
        note=N_(
            "Opportunities published in the period, by their first publication date (expired and withdrawn "
            "ones included); an opportunity with several sectors counts once in each."
        ),
    )


def matches(session: Session, scope: Scope) -> Table:
    # Distinct (opportunity, counterpart) pairs, counted per opportunity first: a per-source count of
    # distinct targets is grouped on the primary key's order, where a DISTINCT of every pair needed a
    # temporary B-tree of all of them (108 → 16 ms on the 100k store).
    pairs = (
        select(
            OpportunityMatch.source_id.label("source_id"),
            func.count(distinct(OpportunityMatch.target_id)).label("pairs"),
        )
        .where(scope.in_period(OpportunityMatch.computed_at))
        .group_by(OpportunityMatch.source_id)
        .subquery()
    )
    suggested = _by_source_sector(
        session, scope, pairs.c.source_id, select_from=pairs, where=None, counted=func.sum(pairs.c.pairs)
    )
    verdicts: dict[str, dict[str, int]] = {}
    for verdict in ("shortlisted", "dismissed"):
        verdicts[verdict] = _by_source_sector(
            session,
            scope,
            MatchFeedback.source_id,
            select_from=MatchFeedback,
            where=(MatchFeedback.verdict == verdict) & scope.in_period(MatchFeedback.created_at),
        )
    sectors = sorted(set(suggested) | set(verdicts["shortlisted"]) | set(verdicts["dismissed"]))
    rows = []
    for sector in sectors:
        shown, kept, dropped = (
            suggested.get(sector, 0),
            verdicts["shortlisted"].get(sector, 0),
            verdicts["dismissed"].get(sector, 0),
        )
        judged = kept + dropped
        rows.append((sector, shown, kept, dropped, (kept / judged) if judged else None))
    return Table(
        key="matches",
        title=N_("Matches suggested, shortlisted and dismissed"),
        columns=(
            SECTOR,
            Column(key="suggested", label=N_("Suggested"), kind="count"),
            Column(key="shortlisted", label=N_("Shortlisted"), kind="count"),
            Column(key="dismissed", label=N_("Dismissed"), kind="count"),
            Column(key="shortlist_ratio", label=N_("Shortlisted of judged"), kind="ratio"),
        ),
        rows=tuple(rows),
        note=N_(
            "Suggested: distinct pairs computed by the matcher in the period (what the match pages show; "
            "single views are not recorded). Shortlisted and dismissed: the readers' current verdicts "
            "given in the period. By the sector of the opportunity the matches are for."
        ),
    )


def _by_source_sector(
    session: Session,
    scope: Scope,
    source_id: object,
    *,
    select_from: object,
    where: object,
    counted: ColumnElement[Any] | None = None,
) -> dict[str, int]:
    query = (
        select(OpportunitySector.sector, counted if counted is not None else func.count())
        .select_from(select_from)  # type: ignore[arg-type]
        .join(OpportunitySector, OpportunitySector.opportunity_id == source_id)
        .join(Opportunity, Opportunity.id == source_id)
        .where(scope.organisation_ok(Opportunity.organisation_id))
        .group_by(OpportunitySector.sector)
    )
    if where is not None:
        query = query.where(where)  # type: ignore[arg-type]
    if scope.filters.sector is not None:
        query = query.where(OpportunitySector.sector == scope.filters.sector)
    return {sector: int(n) for sector, n in session.execute(query)}
