"""Importers: organisations and opportunities (CSV, JSON Lines), and the real Wikipedia companies.

Every importer validates the whole file first and reports every bad line and field; only a clean file
is written, inside the caller's transaction, so an error leaves the store as it was. Records carry a
stable ``external_id``: importing the same file again updates rather than duplicates.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from kakehashi.accounts.roles import Actor
from kakehashi.errors import FieldProblem, PermissionDenied, ValidationFailed
from kakehashi.profiles.companies import company_record, is_excluded
from kakehashi.profiles.models import Opportunity, Organisation
from kakehashi.profiles.records import Record, blank_to_none, csv_cell_list, gather_translations, read_records
from kakehashi.profiles.schemas import OpportunityInput, OrganisationInput, problems_from
from kakehashi.profiles.service import apply_opportunity, apply_organisation, set_translations
from kakehashi.profiles.vocab import Status
from kakehashi.store.base import utcnow


@dataclass
class ImportReport:
    what: str
    created: int = 0
    updated: int = 0

    def summary(self) -> str:
        return f"{self.what}: {self.created} created, {self.updated} updated"


class OrganisationRecord(OrganisationInput):
    external_id: str


class OpportunityRecord(OpportunityInput):
    external_id: str
    organisation: str
    status: Status = Status.DRAFT


def _require_staff(actor: Actor) -> None:
    if not actor.is_staff:
        raise PermissionDenied("Only agency officers and administrators import data.")


Item = TypeVar("Item", bound=BaseModel)


def _validate_all(
    records: Iterable[Record],
    parse: Callable[[dict[str, Any]], Item],
    source: str,
) -> list[tuple[int, Item]]:
    parsed: list[tuple[int, Item]] = []
    problems: list[FieldProblem] = []
    seen: dict[str, int] = {}
    for record in records:
        try:
            item = parse(record.data)
        except ValidationError as error:
            problems.extend(problems_from(error, line=record.line))
            continue
        key = str(getattr(item, "external_id", ""))
        if key in seen:
            problems.append(
                FieldProblem(
                    "external_id",
                    "%(key)s repeats line %(first)s",
                    line=record.line,
                    params={"key": repr(key), "first": seen[key]},
                )
            )
        seen[key] = record.line
        parsed.append((record.line, item))
    if problems:
        raise ValidationFailed(
            "%(source)s: %(count)s problem(s); nothing was imported.",
            params={"source": source, "count": len(problems)},
            problems=problems,
        )
    return parsed


# --- organisations ----------------------------------------------------------------------------------


def _organisation_data(data: dict[str, Any]) -> OrganisationRecord:
    data = blank_to_none(data)
    if "sectors" in data:
        data["sectors"] = csv_cell_list(data["sectors"]) or []
    if data.get("illustrative") is None:
        data.pop("illustrative", None)
    return OrganisationRecord.model_validate(data)


def import_organisations(session: Session, actor: Actor, path: Path) -> ImportReport:
    _require_staff(actor)
    parsed = _validate_all(read_records(path), _organisation_data, path.name)
    return upsert_organisations(session, [item for _, item in parsed], what="organisations")


def upsert_organisations(session: Session, items: list[OrganisationRecord], *, what: str) -> ImportReport:
    report = ImportReport(what)
    existing = _by_external_id(session, Organisation, [item.external_id for item in items])
    for item in items:
        org = existing.get(item.external_id)
        if org is None:
            org = Organisation()
            session.add(org)
            report.created += 1
        else:
            report.updated += 1
        apply_organisation(org, item.model_dump(exclude={"sectors"}), item.sectors)
    session.flush()
    return report


# --- opportunities ----------------------------------------------------------------------------------


def _opportunity_data(data: dict[str, Any]) -> OpportunityRecord:
    data = gather_translations(blank_to_none(data))
    for key in ("sectors", "keywords"):
        if key in data:
            data[key] = csv_cell_list(data[key]) or []
    if data.get("status") is None:
        data.pop("status", None)
    if data.get("illustrative") is None:
        data.pop("illustrative", None)
    return OpportunityRecord.model_validate(data)


def import_opportunities(session: Session, actor: Actor, path: Path) -> ImportReport:
    _require_staff(actor)
    parsed = _validate_all(read_records(path), _opportunity_data, path.name)
    owners = _by_external_id(session, Organisation, sorted({item.organisation for _, item in parsed}))
    problems = [
        FieldProblem(
            "organisation",
            "no organisation with external_id %(external_id)s",
            line=line,
            params={"external_id": repr(item.organisation)},
        )
        for line, item in parsed
        if item.organisation not in owners
    ]
    if problems:
        raise ValidationFailed(
            "%(source)s: %(count)s problem(s); nothing was imported.",
            params={"source": path.name, "count": len(problems)},
            problems=problems,
        )
    report = ImportReport("opportunities")
    existing = _by_external_id(session, Opportunity, [item.external_id for _, item in parsed])
    for _, item in parsed:
        opp = existing.get(item.external_id)
        if opp is None:
            opp = Opportunity(created_by_id=actor.user_id)
            session.add(opp)
            report.created += 1
        else:
            report.updated += 1
        _apply_opportunity_record(opp, item, owners[item.organisation])
    session.flush()
    return report


def _apply_opportunity_record(opp: Opportunity, item: OpportunityRecord, owner: Organisation) -> None:
    values = item.model_dump(exclude={"sectors", "translations", "organisation", "status"})
    apply_opportunity(opp, values, item.sectors)
    set_translations(opp, item.translations)
    opp.organisation = owner
    # What a fictional organisation posts is fictional too, whatever the line says.
    opp.illustrative = item.illustrative or owner.illustrative
    opp.status = item.status.value
    if item.status == Status.PUBLISHED and opp.published_at is None:
        opp.published_at = utcnow()


# --- the real companies (Wikipedia) ----------------------------------------------------------------


def import_companies(session: Session, actor: Actor, path: Path) -> ImportReport:
    """The Wikipedia company list of ``shared/data/companies-wikipedia`` (see its SOURCE.txt), without
    the rows known to be wrong (``companies.EXCLUDED``)."""
    _require_staff(actor)
    records = [record for record in read_records(path) if not is_excluded(record.data)]
    parsed = _validate_all(
        records, lambda data: OrganisationRecord.model_validate(company_record(data)), path.name
    )
    return upsert_organisations(session, [item for _, item in parsed], what="companies")


def _by_external_id(session: Session, model: Any, keys: list[str]) -> dict[str, Any]:
    found: dict[str, Any] = {}
    for start in range(0, len(keys), 500):
        chunk = keys[start : start + 500]
        for row in session.scalars(select(model).where(model.external_id.in_(chunk))):
            found[row.external_id] = row
    return found
