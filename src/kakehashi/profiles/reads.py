"""Opportunities read for showing, with plain column queries: no ORM objects.

The list page, the list API and the opportunity page read opportunities only to show them. Loaded as ORM
objects, each came with its organisation (joined), and three relationship queries (its sectors, its
translations, and its organisation's sectors, which a view never shows), and identity-map bookkeeping:
about 5 ms of CPU for a page of 20. Here a page is one query for the opportunities with the few
organisation columns a view needs, one for their sectors and one for their translations; the records
quack like :class:`~kakehashi.profiles.models.Opportunity` for :func:`~kakehashi.profiles.views.opportunity_view`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from sqlalchemy import Select, select
from sqlalchemy.orm import Session, aliased

from kakehashi.profiles.models import (
    Opportunity,
    OpportunitySector,
    OpportunityTranslation,
    Organisation,
    in_vocabulary_order,
)


@dataclass(frozen=True, slots=True)
class OrganisationRecord:
    """What a view of an opportunity shows of its organisation (and what the anonymity check compares)."""

    id: int
    name: str
    name_ja: str | None
    name_en: str | None
    country: str
    kind: str
    city: str | None
    website: str | None
    illustrative: bool


@dataclass(frozen=True, slots=True)
class TranslationRecord:
    language: str
    title: str
    description: str
    provided_by: str


@dataclass(slots=True)
class OpportunityRecord:
    """An opportunity as read for showing: the columns of the table, its organisation, sectors and
    translations (in language order, as the model's relationship orders them)."""

    id: int
    external_id: str | None
    organisation_id: int
    type: str
    language: str
    title: str
    description: str
    keywords: list[str]
    trl: int | None
    partner_sought: str
    deadline: date | None
    status: str
    review_note: str | None
    published_at: datetime | None
    created_at: datetime
    updated_at: datetime
    illustrative: bool
    version: int
    organisation: OrganisationRecord
    sector_values: list[str] = field(default_factory=list)
    translation_rows: list[TranslationRecord] = field(default_factory=list)

    @property
    def sectors(self) -> list[str]:
        return in_vocabulary_order(self.sector_values)

    @property
    def translations(self) -> dict[str, dict[str, str]]:
        return {t.language: {"title": t.title, "description": t.description} for t in self.translation_rows}

    @property
    def translation_providers(self) -> dict[str, str]:
        return {t.language: t.provided_by for t in self.translation_rows}


_OPPORTUNITY_COLUMNS = (
    Opportunity.id,
    Opportunity.external_id,
    Opportunity.organisation_id,
    Opportunity.type,
    Opportunity.language,
    Opportunity.title,
    Opportunity.description,
    Opportunity.keywords,
    Opportunity.trl,
    Opportunity.partner_sought,
    Opportunity.deadline,
    Opportunity.status,
    Opportunity.review_note,
    Opportunity.published_at,
    Opportunity.created_at,
    Opportunity.updated_at,
    Opportunity.illustrative,
    Opportunity.version,
)
# An alias: filters on the organisation (country, name) are subqueries of the plain table, which must
# not be correlated with this join.
_ORG = aliased(Organisation, name="shown_organisation")
_ORGANISATION_COLUMNS = (
    _ORG.name.label("org_name"),
    _ORG.name_ja.label("org_name_ja"),
    _ORG.name_en.label("org_name_en"),
    _ORG.country.label("org_country"),
    _ORG.kind.label("org_kind"),
    _ORG.city.label("org_city"),
    _ORG.website.label("org_website"),
    _ORG.illustrative.label("org_illustrative"),
)


def record_select() -> Select[*tuple[Any, ...]]:
    """The columns of a record, opportunity joined with its organisation: filter, order and limit it like
    ``select(Opportunity)``, then give it to :func:`load_records`."""
    return select(*_OPPORTUNITY_COLUMNS, *_ORGANISATION_COLUMNS).join(
        _ORG, _ORG.id == Opportunity.organisation_id
    )


def load_records(session: Session, query: Select[*tuple[Any, ...]]) -> list[OpportunityRecord]:
    """The records of the rows of ``query`` (a :func:`record_select`), in its order."""
    records = [_record(row) for row in session.execute(query)]
    _attach(session, records)
    return records


def records_by_id(session: Session, ids: Sequence[int]) -> dict[int, OpportunityRecord]:
    """The records of the opportunities ``ids`` (those that exist)."""
    if not ids:
        return {}
    return {r.id: r for r in load_records(session, record_select().where(Opportunity.id.in_(list(ids))))}


def _record(row: Any) -> OpportunityRecord:
    organisation = OrganisationRecord(
        id=row.organisation_id,
        name=row.org_name,
        name_ja=row.org_name_ja,
        name_en=row.org_name_en,
        country=row.org_country,
        kind=row.org_kind,
        city=row.org_city,
        website=row.org_website,
        illustrative=row.org_illustrative,
    )
    return OpportunityRecord(
        id=row.id,
        external_id=row.external_id,
        organisation_id=row.organisation_id,
        type=row.type,
        language=row.language,
        title=row.title,
        description=row.description,
        keywords=list(row.keywords or []),
        trl=row.trl,
        partner_sought=row.partner_sought,
        deadline=row.deadline,
        status=row.status,
        review_note=row.review_note,
        published_at=row.published_at,
        created_at=row.created_at,
        updated_at=row.updated_at,
        illustrative=row.illustrative,
        version=row.version,
        organisation=organisation,
    )


def _attach(session: Session, records: list[OpportunityRecord]) -> None:
    """Sectors and translations of ``records``: one query each."""
    if not records:
        return
    by_id = {r.id: r for r in records}
    ids = list(by_id)
    sectors = session.execute(
        select(OpportunitySector.opportunity_id, OpportunitySector.sector).where(
            OpportunitySector.opportunity_id.in_(ids)
        )
    )
    for opportunity_id, sector in sectors:
        by_id[opportunity_id].sector_values.append(sector)
    translations = session.execute(
        select(
            OpportunityTranslation.opportunity_id,
            OpportunityTranslation.language,
            OpportunityTranslation.title,
            OpportunityTranslation.description,
            OpportunityTranslation.provided_by,
        )
        .where(OpportunityTranslation.opportunity_id.in_(ids))
        .order_by(OpportunityTranslation.opportunity_id, OpportunityTranslation.language)
    )
    for row in translations:
        by_id[row.opportunity_id].translation_rows.append(
            TranslationRecord(
                language=row.language,
                title=row.title,
                description=row.description,
                provided_by=row.provided_by,
            )
        )
