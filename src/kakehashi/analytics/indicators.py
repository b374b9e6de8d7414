"""Every indicator of the cooperation, computed from the store for one filter: one :class:`Table` per chart.

Counts are SQL aggregates in the store (nothing is stored twice); only medians and money conversions,
which need each row's own values, are finished in Python over one column of rows.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, fields

from sqlalchemy.orm import Session

from kakehashi.analytics import agreements, catalogue, events, pipeline, trends
from kakehashi.analytics.scope import Scope, resolve
from kakehashi.analytics.tables import Filters, Table
from kakehashi.errors import N_
from kakehashi.store.data_version import DATA, MATCHING


@dataclass(frozen=True, kw_only=True)
class Indicators:
    """The tables behind the dashboard's charts, in display order."""

    organisations: Table
    catalogue: Table
    matches: Table
    interests: Table
    funnel: Table
    sector_country: Table
    trends: Table
    events: Table
    agreements: Table
    time_to_agreement: Table

    def tables(self) -> tuple[Table, ...]:
        return tuple(getattr(self, f.name) for f in fields(self))

    def table(self, key: str) -> Table:
        """The table ``key`` (``KeyError`` when there is none)."""
        for table in self.tables():
            if table.key == key:
                return table
        raise KeyError(key)


TABLE_KEYS: tuple[str, ...] = tuple(f.name for f in fields(Indicators))


TableMaker = Callable[[Session, Scope], Table]
MAKERS: dict[str, TableMaker] = {
    "organisations": catalogue.organisations,
    "catalogue": catalogue.catalogue,
    "matches": catalogue.matches,
    "interests": pipeline.interests,
    "funnel": pipeline.funnel,
    "sector_country": pipeline.sector_country,
    "trends": trends.trends,
    "events": events.events,
    "agreements": agreements.agreements,
    "time_to_agreement": agreements.time_to_agreement,
}


# Each table's title (the one its maker gives it), for a page naming a section before its figures are
# computed (``tests/analytics`` checks that they agree).
TITLES: dict[str, str] = {
    "organisations": N_("Organisations by country, sector and kind"),
    "catalogue": N_("Opportunities by country, sector and type"),
    "matches": N_("Matches suggested, shortlisted and dismissed"),
    "interests": N_("Expressions of interest and their acceptance"),
    "funnel": N_("Introductions by stage"),
    "sector_country": N_("Introductions and agreements by sector and country"),
    "trends": N_("Trends by period"),
    "events": N_("Event outcomes"),
    "agreements": N_("Agreements by type"),
    "time_to_agreement": N_("Time from first contact to agreement"),
}


# The groups of tables (kakehashi.store.data_version) each table reads besides the main one: a write to the
# stored matches (the indexing thread's, all the time) makes only the matches table computed again.
READS_ALSO: dict[str, tuple[int, ...]] = {"matches": (MATCHING,)}


def groups_read(key: str) -> tuple[int, ...]:
    return (DATA, *READS_ALSO.get(key, ()))


def compute_table(session: Session, filters: Filters, key: str) -> Table:
    """Only the table ``key`` (a page showing one chart, an export): ``KeyError`` for an unknown key."""
    return MAKERS[key](session, resolve(session, filters))


def compute(session: Session, filters: Filters) -> Indicators:
    """Every indicator for ``filters`` (the caller has checked who may see them: an organisation's member
    passes its ``organisation_id``)."""
    scope = resolve(session, filters)
    return Indicators(**{key: make(session, scope) for key, make in MAKERS.items()})
