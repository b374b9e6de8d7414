"""``kakehashi analytics show|export``: the cooperation figures on the terminal or as a CSV/XLSX file.
The operator of the server sees everything; ``--as`` an e-mail shows what that user may see."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime
from pathlib import Path

import typer
from rich.table import Table as RichTable
from sqlalchemy import select
from sqlalchemy.orm import Session

from kakehashi.accounts.models import User
from kakehashi.accounts.roles import Actor
from kakehashi.accounts.service import SYSTEM, actor_for
from kakehashi.analytics import export as exports
from kakehashi.analytics import service
from kakehashi.analytics.indicators import TABLE_KEYS
from kakehashi.analytics.tables import Filters, Granularity, Table
from kakehashi.cli.common import console, open_database, settings
from kakehashi.errors import FieldProblem, Gettext, ValidationFailed

analytics_app = typer.Typer(help="Cooperation figures: indicators and their exports.", no_args_is_help=True)

START = typer.Option(None, help="First day of the period (YYYY-MM-DD, UTC).")
END = typer.Option(None, help="Last day of the period (YYYY-MM-DD, UTC).")
GRANULARITY = typer.Option("quarter", help="Periods of the trends: month, quarter or year.")
SECTOR = typer.Option(None, help="Only this sector (ai, semiconductors, quantum, energy, …).")
COUNTRY = typer.Option(None, help="Only this country (IT, JP).")
AGENCY = typer.Option(None, help="Only this agency's figures (ICE, JETRO).")
EVENT = typer.Option(None, min=1, max=2**31 - 1, help="Only this event (id).")
ORGANISATION = typer.Option(None, min=1, max=2**31 - 1, help="Only this organisation (id).")
AS = typer.Option(None, "--as", help="Show what this user (e-mail) may see; default: everything.")
LANGUAGE = typer.Option("en", help="Language of titles and labels: it, ja or en.")


def _day(text: str | None, field: str) -> date | None:
    if text is None:
        return None
    try:
        return datetime.strptime(text, "%Y-%m-%d").date()
    except ValueError:
        raise ValidationFailed(
            "The filters of the figures are not valid.",
            problems=[FieldProblem(field, "Write a date as YYYY-MM-DD.")],
        ) from None


def _choice(value: str | None, field: str, allowed: tuple[str, ...]) -> str | None:
    if value is not None and value not in allowed:
        raise ValidationFailed(
            "The filters of the figures are not valid.",
            problems=[
                FieldProblem(field, "Choose one of: %(allowed)s.", params={"allowed": ", ".join(allowed)})
            ],
        )
    return value


def filters(
    *,
    start: str | None,
    end: str | None,
    granularity: str,
    sector: str | None,
    country: str | None,
    agency: str | None,
    event: int | None,
    organisation: int | None,
) -> Filters:
    from kakehashi.labels import SECTORS

    chosen: Granularity = _choice(granularity, "granularity", ("month", "quarter", "year")) or "quarter"  # type: ignore[assignment]
    return Filters(
        start=_day(start, "start"),
        end=_day(end, "end"),
        granularity=chosen,
        sector=_choice(sector, "sector", tuple(SECTORS)),
        country=_choice(country, "country", ("IT", "JP")),
        agency=_choice(agency, "agency", ("ICE", "JETRO")),
        event_id=event,
        organisation_id=organisation,
    )


@contextmanager
def reading(email: str | None) -> Iterator[tuple[Session, Actor]]:
    with open_database(settings()) as database, database.session() as session:
        if email is None:
            yield session, SYSTEM
            return
        user = session.scalar(select(User).where(User.email == email.strip().lower()))
        if user is None or not user.is_active:
            raise ValidationFailed(
                "Unknown user.", problems=[FieldProblem("as", "No active user %(id)s.", params={"id": email})]
            )
        yield session, actor_for(user)


def _gettext(language: str) -> Gettext:
    from kakehashi.web.i18n import load_translations

    _choice(language, "language", ("it", "ja", "en"))
    return load_translations()[language].gettext


def _print(table: Table, gettext: Gettext) -> None:
    shown = RichTable(title=gettext(table.title), caption=gettext(table.note) if table.note else None)
    for column in table.columns:
        numeric = column.kind in {"count", "ratio", "eur", "jpy", "days"}
        shown.add_column(gettext(column.label), justify="right" if numeric else "left")
    for row in exports.values(table, gettext):
        shown.add_row(
            *(_text(value, kind) for value, kind in zip(row, (c.kind for c in table.columns), strict=True))
        )
    console.print(shown)


def _text(value: object, kind: str) -> str:
    if value is None:
        return "–"
    if kind == "ratio" and isinstance(value, float):
        return f"{value:.1%}"
    return str(value)


@analytics_app.command("show")
def show(
    table: str | None = typer.Option(None, help=f"Only this table: {', '.join(TABLE_KEYS)}."),
    start: str | None = START,
    end: str | None = END,
    granularity: str = GRANULARITY,
    sector: str | None = SECTOR,
    country: str | None = COUNTRY,
    agency: str | None = AGENCY,
    event: int | None = EVENT,
    organisation: int | None = ORGANISATION,
    as_: str | None = AS,
    language: str = LANGUAGE,
) -> None:
    """Print the indicator tables."""
    _choice(table, "table", TABLE_KEYS)
    gettext = _gettext(language)
    wanted = filters(
        start=start,
        end=end,
        granularity=granularity,
        sector=sector,
        country=country,
        agency=agency,
        event=event,
        organisation=organisation,
    )
    with reading(as_) as (session, actor):
        if table is not None:
            _print(service.table(session, actor, wanted, table), gettext)
            return
        for shown in service.indicators(session, actor, wanted).tables():
            _print(shown, gettext)


@analytics_app.command("export")
def export(
    table: str = typer.Option(..., help=f"The table: {', '.join(TABLE_KEYS)}."),
    file_format: str = typer.Option("csv", "--format", help="csv or xlsx."),
    out: Path = typer.Option(..., help="The file to write."),
    start: str | None = START,
    end: str | None = END,
    granularity: str = GRANULARITY,
    sector: str | None = SECTOR,
    country: str | None = COUNTRY,
    agency: str | None = AGENCY,
    event: int | None = EVENT,
    organisation: int | None = ORGANISATION,
    as_: str | None = AS,
    language: str = LANGUAGE,
) -> None:
    """Write one indicator table as CSV (UTF-8 with BOM) or XLSX."""
    _choice(table, "table", TABLE_KEYS)
    fmt: exports.ExportFormat = "xlsx" if _choice(file_format, "format", exports.FORMATS) == "xlsx" else "csv"
    gettext = _gettext(language)
    wanted = filters(
        start=start,
        end=end,
        granularity=granularity,
        sector=sector,
        country=country,
        agency=agency,
        event=event,
        organisation=organisation,
    )
    with reading(as_) as (session, actor):
        chosen = service.table(session, actor, wanted, table)
    out.write_bytes(exports.export(chosen, fmt, gettext=gettext))
    console.print(f"{out} ({len(chosen.rows)} rows)")


def register(app: typer.Typer) -> None:
    app.add_typer(analytics_app, name="analytics")
