"""What every indicator shares: the period (bounds and buckets, the one place where SQLite and PostgreSQL
differ), and the filters turned into SQL conditions on organisations, opportunities and introductions."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, time, timedelta
from typing import Any, Final

from sqlalchemy import (
    ColumnElement,
    Float,
    Integer,
    String,
    and_,
    cast,
    exists,
    extract,
    func,
    literal,
    or_,
    select,
    text,
    true,
    type_coerce,
)
from sqlalchemy.orm import QueryableAttribute, Session, aliased

from kakehashi.accounts.models import Agency, User
from kakehashi.analytics.tables import Filters, Granularity
from kakehashi.events.agenda_models import Meeting
from kakehashi.events.models import Registration
from kakehashi.pipeline.models import Introduction
from kakehashi.profiles.models import OpportunitySector, Organisation

AnyColumn = ColumnElement[Any] | QueryableAttribute[Any]


@dataclass(frozen=True, kw_only=True)
class Scope:
    """The filters, resolved once: the agency's country and officers, and the dialect."""

    filters: Filters
    dialect: str
    agency_country: str | None
    agency_id: int | None

    def without_organisation(self) -> Scope:
        return replace(self, filters=replace(self.filters, organisation_id=None))

    # --- the period ---------------------------------------------------------------------------------

    def in_period(self, column: AnyColumn) -> ColumnElement[bool]:
        """``column`` (a UTC timestamp) falls on a day of the period (inclusive dates)."""
        conditions: list[ColumnElement[bool]] = []
        if self.filters.start is not None:
            conditions.append(column >= datetime.combine(self.filters.start, time(), tzinfo=UTC))
        if self.filters.end is not None:
            after = datetime.combine(self.filters.end + timedelta(days=1), time(), tzinfo=UTC)
            conditions.append(column < after)
        return and_(true(), *conditions)

    def in_period_date(self, column: AnyColumn) -> ColumnElement[bool]:
        """``column`` (a date) falls in the period."""
        conditions: list[ColumnElement[bool]] = []
        if self.filters.start is not None:
            conditions.append(column >= self.filters.start)
        if self.filters.end is not None:
            conditions.append(column <= self.filters.end)
        return and_(true(), *conditions)

    def days(self, column: AnyColumn) -> ColumnElement[float]:
        return day_number(column, dialect=self.dialect)

    def bucket(self, column: AnyColumn, *, is_date: bool = False) -> ColumnElement[str]:
        """The period label of ``column``: ``2026-03``, ``2026-Q1`` or ``2026`` (UTC)."""
        return period_bucket(column, self.filters.granularity, dialect=self.dialect, is_date=is_date)

    # --- the other filters, as conditions on the rows an indicator counts ----------------------------

    def organisation_ok(self, organisation_id: AnyColumn) -> ColumnElement[bool]:
        """The organisation passes the country, agency (its country), event (registered) and organisation
        filters."""
        f = self.filters
        conditions: list[ColumnElement[bool]] = []
        if f.organisation_id is not None:
            conditions.append(organisation_id == f.organisation_id)
        countries = [c for c in (f.country, self.agency_country) if c is not None]
        for country in countries:
            org = aliased(Organisation)
            conditions.append(exists().where(org.id == organisation_id, org.country == country))
        if f.event_id is not None:
            registration = aliased(Registration)
            conditions.append(
                exists().where(
                    registration.organisation_id == organisation_id, registration.event_id == f.event_id
                )
            )
        return and_(true(), *conditions)

    def opportunity_sector_ok(self, opportunity_id: AnyColumn) -> ColumnElement[bool]:
        if self.filters.sector is None:
            return true()
        sector = aliased(OpportunitySector)
        return exists().where(sector.opportunity_id == opportunity_id, sector.sector == self.filters.sector)

    def introduction_ok(self) -> ColumnElement[bool]:
        """An introduction passes the filters: one of its organisations is of the country (or is the
        organisation), its owner's opportunity is of the sector, an officer of the agency follows it, it came
        from a meeting of the event."""
        f = self.filters
        intro = Introduction
        conditions: list[ColumnElement[bool]] = []
        if f.organisation_id is not None:
            conditions.append(
                or_(
                    intro.organisation_a_id == f.organisation_id, intro.organisation_b_id == f.organisation_id
                )
            )
        if f.country is not None:
            org = aliased(Organisation)
            conditions.append(
                exists().where(
                    org.country == f.country,
                    or_(org.id == intro.organisation_a_id, org.id == intro.organisation_b_id),
                )
            )
        if f.sector is not None:
            conditions.append(self.opportunity_sector_ok(intro.opportunity_b_id))
        if self.agency_id is not None:
            officer = aliased(User)
            conditions.append(
                exists().where(
                    officer.agency_id == self.agency_id,
                    or_(officer.id == intro.officer_a_id, officer.id == intro.officer_b_id),
                )
            )
        if f.event_id is not None:
            conditions.append(
                intro.event_meeting_id.in_(select(Meeting.id).where(Meeting.event_id == f.event_id))
            )
        return and_(true(), *conditions)


def resolve(session: Session, filters: Filters) -> Scope:
    dialect = session.get_bind().dialect.name
    if dialect == "postgresql":
        # The indicators' grouped queries are estimated far above their real size (joins on computed keys,
        # a store without statistics), so PostgreSQL compiled them with its JIT: about 30 ms of compiling
        # per query for a few milliseconds of work. For this transaction only.
        session.execute(text("SET LOCAL jit = off"))
    agency = None
    if filters.agency is not None:
        agency = session.scalar(select(Agency).where(Agency.code == filters.agency))
    return Scope(
        filters=filters,
        dialect=dialect,
        agency_country=agency.country if agency is not None else None,
        agency_id=agency.id if agency is not None else (-1 if filters.agency is not None else None),
    )


def period_bucket(
    column: AnyColumn, granularity: Granularity, *, dialect: str, is_date: bool = False
) -> ColumnElement[str]:
    """The one dialect-dependent helper: a sortable period label of a UTC timestamp or a date."""
    if dialect == "postgresql":
        value: Any = column if is_date else func.timezone("UTC", column)
        pattern = {"month": "YYYY-MM", "quarter": 'YYYY-"Q"Q', "year": "YYYY"}[granularity]
        return func.to_char(value, pattern)
    year = func.strftime("%Y", column)
    if granularity == "year":
        return year
    if granularity == "month":
        return func.strftime("%Y-%m", column)
    quarter = (cast(func.strftime("%m", column), Integer) + 2) // 3
    return year.concat(literal("-Q")).concat(cast(quarter, String))


def day_number(column: AnyColumn, *, dialect: str) -> ColumnElement[float]:
    """A timestamp or date as a number of days (fractional) since a fixed origin: differences of two are
    durations in days, computed in the store (no timestamps parsed in Python)."""
    if dialect == "postgresql":
        return type_coerce(cast(extract("epoch", column), Float) / 86_400.0, Float)
    return type_coerce(func.julianday(column), Float)


# Larger than any day number of either store (julianday ≈ 2.46 million; epoch days ≈ 20,000).
NO_DAY: Final = 1.0e9


def greatest(values: Sequence[ColumnElement[Any]], *, dialect: str) -> ColumnElement[Any]:
    """The largest of ``values`` (none of them ``NULL``): SQLite's scalar ``max(…)``, PostgreSQL's
    ``greatest(…)``."""
    return func.greatest(*values) if dialect == "postgresql" else func.max(*values)


def least_of_present(values: Sequence[ColumnElement[Any]], *, dialect: str) -> ColumnElement[float]:
    """The smallest of the day numbers ``values`` that are not ``NULL`` (``NULL`` when all are): SQLite's
    scalar ``min(…)`` is ``NULL`` as soon as one argument is, so the missing ones count as ``NO_DAY``
    first."""
    if len(values) == 1:
        return values[0]
    present = [func.coalesce(value, NO_DAY) for value in values]
    smallest = func.least(*present) if dialect == "postgresql" else func.min(*present)
    return type_coerce(func.nullif(smallest, NO_DAY), Float)


def period_of(day: date, granularity: Granularity) -> str:
    """The label :func:`period_bucket` gives to ``day`` (for filling empty periods)."""
    if granularity == "year":
        return f"{day.year}"
    if granularity == "month":
        return f"{day.year}-{day.month:02d}"
    return f"{day.year}-Q{(day.month + 2) // 3}"
