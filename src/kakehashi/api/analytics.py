"""The cooperation figures (issue 12): every indicator table as JSON, and any one of them as CSV or XLSX.
Thin: the filters are bounded query parameters; :mod:`kakehashi.analytics.service` decides who sees what."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from enum import StrEnum
from typing import Annotated

from fastapi import APIRouter, Depends, Path, Query, Request, Response
from pydantic import BaseModel

from kakehashi.accounts.roles import Actor
from kakehashi.analytics import export
from kakehashi.analytics import service as analytics
from kakehashi.analytics.indicators import TABLE_KEYS
from kakehashi.analytics.service import AgencyCode
from kakehashi.analytics.tables import Filters, Granularity, Table
from kakehashi.api.deps import DatabaseDep, SettingsDep, SignedInDep
from kakehashi.api.errors import request_gettext
from kakehashi.api.openapi import errors
from kakehashi.config import Settings
from kakehashi.errors import Gettext, format_message
from kakehashi.limits import MAX_ID
from kakehashi.profiles.vocab import Country, Sector
from kakehashi.store import Database

router = APIRouter(tags=["analytics"])

TableKey = StrEnum("TableKey", {key: key for key in TABLE_KEYS})  # type: ignore[misc]
FIRST_DAY = date(2000, 1, 1)
LAST_DAY = date(2100, 12, 31)


class FileFormat(StrEnum):
    CSV = "csv"
    XLSX = "xlsx"


class FiltersQuery(BaseModel):
    start: date | None = None
    end: date | None = None
    granularity: Granularity = "quarter"
    sector: Sector | None = None
    country: Country | None = None
    agency: AgencyCode | None = None
    event_id: int | None = None
    organisation_id: int | None = None


def filters_query(
    start: Annotated[
        date | None, Query(ge=FIRST_DAY, le=LAST_DAY, description="First day of the period (UTC).")
    ] = None,
    end: Annotated[
        date | None, Query(ge=FIRST_DAY, le=LAST_DAY, description="Last day of the period (UTC).")
    ] = None,
    granularity: Annotated[Granularity, Query(description="Periods of the trends.")] = "quarter",
    sector: Annotated[Sector | None, Query()] = None,
    country: Annotated[Country | None, Query()] = None,
    agency: Annotated[AgencyCode | None, Query()] = None,
    event_id: Annotated[int | None, Query(ge=1, le=MAX_ID)] = None,
    organisation_id: Annotated[
        int | None, Query(ge=1, le=MAX_ID, description="Officers: one organisation's figures.")
    ] = None,
) -> Filters:
    return Filters(
        start=start,
        end=end,
        granularity=granularity,
        sector=sector.value if sector else None,
        country=country.value if country else None,
        agency=agency.value if agency else None,
        event_id=event_id,
        organisation_id=organisation_id,
    )


FiltersDep = Annotated[Filters, Depends(filters_query)]
Cell = str | int | float | Decimal | date | None


class ColumnOut(BaseModel):
    key: str
    label: str
    kind: str
    vocabulary: str | None


class TableOut(BaseModel):
    key: str
    title: str
    note: str
    columns: list[ColumnOut]
    rows: list[list[Cell]]


class IndicatorsOut(BaseModel):
    filters: FiltersQuery
    tables: list[TableOut]


def table_out(table: Table, gettext: Gettext) -> TableOut:
    return TableOut(
        key=table.key,
        title=gettext(table.title),
        note=format_message(table.note, table.note_params, gettext) if table.note else "",
        columns=[
            ColumnOut(key=c.key, label=gettext(c.label), kind=c.kind, vocabulary=c.vocabulary)
            for c in table.columns
        ],
        rows=[list(row) for row in table.rows],
    )


def _indicators(
    database: Database, settings: Settings, actor: Actor, filters: Filters
) -> tuple[Filters, list[Table]]:
    with database.session() as session:
        scoped = analytics.visible_filters(actor, filters)
        found = analytics.indicators(session, actor, filters, cache=analytics.cache_for(settings))
        return scoped, list(found.tables())


@router.get(
    "/analytics",
    summary="Every cooperation indicator (officers: all; members: their organisation's)",
    response_model=IndicatorsOut,
    responses=errors(401, 403, 422),
)
def all_indicators(
    request: Request, actor: SignedInDep, database: DatabaseDep, settings: SettingsDep, filters: FiltersDep
) -> IndicatorsOut:
    scoped, tables = _indicators(database, settings, actor, filters)
    gettext = request_gettext(request)
    return IndicatorsOut(
        filters=FiltersQuery(**{k: getattr(scoped, k) for k in FiltersQuery.model_fields}),
        tables=[table_out(table, gettext) for table in tables],
    )


@router.get(
    "/analytics/{table_key}.{file_format}",
    summary="One indicator table as CSV (UTF-8 with BOM) or XLSX, in the reader's language",
    response_class=Response,
    responses={
        200: {
            "content": {
                "text/csv": {"schema": {"type": "string", "format": "binary"}},
                export.MEDIA_TYPES["xlsx"]: {"schema": {"type": "string", "format": "binary"}},
            }
        },
        **errors(401, 403, 422),
    },
)
def export_table(
    request: Request,
    actor: SignedInDep,
    database: DatabaseDep,
    settings: SettingsDep,
    filters: FiltersDep,
    table_key: Annotated[TableKey, Path(description="The table's key.")],
    file_format: Annotated[FileFormat, Path(description="csv or xlsx.")],
) -> Response:
    with database.session() as session:
        table = analytics.table(session, actor, filters, table_key.value, cache=analytics.cache_for(settings))
    fmt: export.ExportFormat = "csv" if file_format == FileFormat.CSV else "xlsx"
    body = export.export(table, fmt, gettext=request_gettext(request))
    return Response(
        content=body,
        media_type=export.MEDIA_TYPES[fmt],
        headers={"Content-Disposition": f'attachment; filename="{export.filename(table, fmt)}"'},
    )
