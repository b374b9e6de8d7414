"""``kakehashi analytics report``: the quarterly report as a PDF, from the command line (a command added to
the ``analytics`` group of :mod:`kakehashi.cli.analytics`)."""

from __future__ import annotations

import time
from pathlib import Path

import typer

from kakehashi.cli.analytics import analytics_app
from kakehashi.cli.common import console, open_database, settings


def report(
    quarter: str = typer.Option(..., help="The quarter, e.g. 2026Q3."),
    lang: str = typer.Option("en", help="The report's language: it, ja or en."),
    out: Path = typer.Option(Path("report.pdf"), help="Where to write the PDF."),
    sector: str | None = typer.Option(None, help="Only this sector (a code, e.g. semiconductors)."),
    country: str | None = typer.Option(None, help="Only this country (IT or JP)."),
    agency: str | None = typer.Option(None, help="Only this agency (ICE or JETRO)."),
    event: int | None = typer.Option(None, help="Only this event (its id)."),
) -> None:
    """Write the quarterly report (summary, charts and tables) as a PDF."""
    from kakehashi.analytics.dashboard import parse_filters
    from kakehashi.analytics.report import ReportRequest, render_pdf

    filters = parse_filters(
        {"sector": sector or "", "country": country or "", "agency": agency or "", "event": str(event or "")}
    )
    request = ReportRequest(
        quarter=quarter,
        locale=lang,
        sector=filters.sector,
        country=filters.country,
        agency=filters.agency,
        event_id=filters.event_id,
    ).checked()
    config = settings()
    started = time.perf_counter()
    with open_database(config) as database:
        pdf = render_pdf(database, request)
    out.write_bytes(pdf)
    console.print(f"{out} ({len(pdf):,} bytes, {time.perf_counter() - started:.1f} s)")


def register(_app: typer.Typer) -> None:
    """Adds ``report`` to the ``analytics`` group (which ``kakehashi.cli.analytics`` registers)."""
    if not any(command.name == "report" for command in analytics_app.registered_commands):
        analytics_app.command("report")(report)
