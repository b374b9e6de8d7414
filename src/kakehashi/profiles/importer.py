"""Importers: organisations and opportunities (CSV, JSON Lines, Excel), and the real Wikipedia companies.

Every importer reads the file twice as a stream, in bounded memory: a first pass validates every line
and reports every bad line and field (nothing written); only a clean file is then written, in batches,
inside the caller's one transaction, so an error leaves the store as it was. Records carry a stable
``external_id``: importing the same file again updates rather than duplicates.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final, TypeVar

from pydantic import BaseModel, ValidationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from kakehashi.accounts.roles import Actor
from kakehashi.errors import FieldProblem, PermissionDenied, ValidationFailed
from kakehashi.profiles.companies import company_record, is_excluded
from kakehashi.profiles.models import Opportunity, Organisation
from kakehashi.profiles.records import (
    Record,
    Source,
    blank_to_none,
    csv_cell_list,
    gather_translations,
    open_source,
)
from kakehashi.profiles.schemas import OpportunityInput, OrganisationInput, problems_from
from kakehashi.profiles.service import apply_opportunity, apply_organisation, set_translations, write
from kakehashi.profiles.vocab import Status
from kakehashi.store.base import utcnow

BATCH: Final = 1000
# A file with thousands of bad lines is reported by its first ones (and how many there are in all).
MAX_REPORTED_PROBLEMS: Final = 200


@dataclass
class ImportReport:
    what: str
    created: int = 0
    updated: int = 0
    encoding: str | None = None

    def summary(self) -> str:
        read_as = f" (read as {self.encoding})" if self.encoding else ""
        return f"{self.what}: {self.created} created, {self.updated} updated{read_as}"


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
Parse = Callable[[dict[str, Any]], Item]


class _Problems:
    """Every problem counted, the first ``MAX_REPORTED_PROBLEMS`` kept (memory stays bounded)."""

    def __init__(self) -> None:
        self.kept: list[FieldProblem] = []
        self.total = 0
        self.unreadable: list[FieldProblem] = []

    def add(self, problems: Iterable[FieldProblem]) -> None:
        for problem in problems:
            self.total += 1
            if len(self.kept) < MAX_REPORTED_PROBLEMS:
                self.kept.append(problem)

    def add_unreadable(self, problem: FieldProblem) -> None:
        self.add([problem])
        if len(self.unreadable) < MAX_REPORTED_PROBLEMS:
            self.unreadable.append(problem)

    def raise_if_any(self, source: Source) -> None:
        if self.unreadable:
            # Lines that cannot even be read come first: the rest may only be their consequences.
            raise ValidationFailed(
                "%(source)s has malformed lines; nothing was imported.",
                params={"source": source.path.name},
                problems=self.unreadable,
            )
        if self.total:
            raise ValidationFailed(
                "%(source)s: %(count)s problem(s); nothing was imported.",
                params={"source": source.path.name, "count": self.total},
                problems=self.kept,
            )


def _parsed(source: Source, parse: Parse[Item], problems: _Problems) -> Iterator[tuple[int, Item]]:
    for record in source.records():
        if isinstance(record, FieldProblem):
            problems.add_unreadable(record)
            continue
        try:
            yield record.line, parse(record.data)
        except ValidationError as error:
            problems.add(problems_from(error, line=record.line))


def _validate_all(
    source: Source, parse: Parse[Item], check: Callable[[int, Item], None] | None = None
) -> None:
    """The first pass: every line validated, external ids unique in the file; keeps only the ids."""
    problems = _Problems()
    seen: dict[str, int] = {}
    for line, item in _parsed(source, parse, problems):
        key = str(getattr(item, "external_id", ""))
        if key in seen:
            problems.add(
                [
                    FieldProblem(
                        "external_id",
                        "%(key)s repeats line %(first)s",
                        line=line,
                        params={"key": repr(key), "first": seen[key]},
                    )
                ]
            )
        seen[key] = line
        if check is not None:
            check(line, item)
    problems.raise_if_any(source)


def _batches(source: Source, parse: Parse[Item]) -> Iterator[list[Item]]:
    """The second pass (the file is known to be clean): the items, ``BATCH`` at a time."""
    batch: list[Item] = []
    for _, item in _parsed(source, parse, _Problems()):
        batch.append(item)
        if len(batch) == BATCH:
            yield batch
            batch = []
    if batch:
        yield batch


# --- organisations ----------------------------------------------------------------------------------


def _organisation_data(data: dict[str, Any]) -> OrganisationRecord:
    data = blank_to_none(data)
    if "sectors" in data:
        data["sectors"] = csv_cell_list(data["sectors"]) or []
    for optional in ("illustrative", "description"):  # an empty cell: "not given", the default applies
        if data.get(optional) is None:
            data.pop(optional, None)
    return OrganisationRecord.model_validate(data)


def import_organisations(
    session: Session, actor: Actor, path: Path, *, encoding: str | None = None
) -> ImportReport:
    _require_staff(actor)
    return _import_organisations(
        session, open_source(path, encoding=encoding), _organisation_data, "organisations"
    )


def _import_organisations(
    session: Session, source: Source, parse: Parse[OrganisationRecord], what: str
) -> ImportReport:
    _validate_all(source, parse)
    report = ImportReport(what, encoding=None if source.encoding == "xlsx" else source.encoding)
    for batch in _batches(source, parse):
        _add(report, upsert_organisations(session, batch, what=what))
    return report


def _add(report: ImportReport, batch: ImportReport) -> None:
    report.created += batch.created
    report.updated += batch.updated


def upsert_organisations(session: Session, items: list[OrganisationRecord], *, what: str) -> ImportReport:
    """Create or update the organisations (matched on external id); written, then let go of."""
    report = ImportReport(what)
    existing = _by_external_id(session, Organisation, [item.external_id for item in items])
    written = []
    for item in items:
        org = existing.get(item.external_id)
        if org is None:
            org = Organisation()
            session.add(org)
            report.created += 1
        else:
            report.updated += 1
        apply_organisation(org, item.model_dump(exclude={"sectors"}), item.sectors)
        written.append(org)
    write(session)
    for org in written:
        session.expunge(org)
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


def import_opportunities(
    session: Session, actor: Actor, path: Path, *, encoding: str | None = None
) -> ImportReport:
    _require_staff(actor)
    source = open_source(path, encoding=encoding)
    owners_by_line: dict[int, str] = {}

    def remember_owner(line: int, item: OpportunityRecord) -> None:
        owners_by_line[line] = item.organisation

    _validate_all(source, _opportunity_data, remember_owner)
    owners = _owners(session, sorted(set(owners_by_line.values())))
    problems = _Problems()
    problems.add(
        FieldProblem(
            "organisation",
            "no organisation with external_id %(external_id)s",
            line=line,
            params={"external_id": repr(owner)},
        )
        for line, owner in owners_by_line.items()
        if owner not in owners
    )
    problems.raise_if_any(source)
    report = ImportReport("opportunities", encoding=None if source.encoding == "xlsx" else source.encoding)
    for batch in _batches(source, _opportunity_data):
        existing = _by_external_id(session, Opportunity, [item.external_id for item in batch])
        written = []
        for item in batch:
            opp = existing.get(item.external_id)
            if opp is None:
                opp = Opportunity(created_by_id=actor.user_id)
                session.add(opp)
                report.created += 1
            else:
                report.updated += 1
            _apply_opportunity_record(opp, item, owners[item.organisation])
            written.append(opp)
        write(session)
        for opp in written:
            session.expunge(opp)
    return report


@dataclass(frozen=True, slots=True)
class _Owner:
    id: int
    illustrative: bool


def _owners(session: Session, keys: list[str]) -> dict[str, _Owner]:
    found: dict[str, _Owner] = {}
    for start in range(0, len(keys), 500):
        rows = session.execute(
            select(Organisation.external_id, Organisation.id, Organisation.illustrative).where(
                Organisation.external_id.in_(keys[start : start + 500])
            )
        )
        for external_id, org_id, illustrative in rows:
            found[str(external_id)] = _Owner(org_id, illustrative)
    return found


def _apply_opportunity_record(opp: Opportunity, item: OpportunityRecord, owner: _Owner) -> None:
    values = item.model_dump(exclude={"sectors", "translations", "organisation", "status"})
    apply_opportunity(opp, values, item.sectors)
    set_translations(opp, item.translations)
    opp.organisation_id = owner.id
    # What a fictional organisation posts is fictional too, whatever the line says.
    opp.illustrative = item.illustrative or owner.illustrative
    opp.status = item.status.value
    if item.status == Status.PUBLISHED and opp.published_at is None:
        opp.published_at = utcnow()


# --- the real companies (Wikipedia) ----------------------------------------------------------------


def _company_data(data: dict[str, Any]) -> OrganisationRecord:
    return OrganisationRecord.model_validate(company_record(data))


def import_companies(
    session: Session, actor: Actor, path: Path, *, encoding: str | None = None
) -> ImportReport:
    """The Wikipedia company list of ``shared/data/companies-wikipedia`` (see its SOURCE.txt), without
    the rows known to be wrong (``companies.EXCLUDED``)."""
    _require_staff(actor)
    source = open_source(path, encoding=encoding)
    return _import_organisations(
        session, _CompanySource(source.path, source.encoding), _company_data, "companies"
    )


class _CompanySource(Source):
    """The company list less the rows known to be wrong (their line numbers stay those of the file)."""

    def records(self) -> Iterator[Record | FieldProblem]:
        for record in super().records():
            if isinstance(record, FieldProblem) or not is_excluded(record.data):
                yield record


def _by_external_id(session: Session, model: Any, keys: list[str]) -> dict[str, Any]:
    found: dict[str, Any] = {}
    for start in range(0, len(keys), 500):
        chunk = keys[start : start + 500]
        for row in session.scalars(select(model).where(model.external_id.in_(chunk))):
            found[row.external_id] = row
    return found
