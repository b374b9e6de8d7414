"""The quarterly report as a PDF: WeasyPrint over a Jinja2 template of the pages, with the dashboard's
charts (SVG, text kept as text in the CJK font), the tables behind them and a summary in the reader's
language built from the figures (this quarter against the one before).

Produced by ``kakehashi analytics report`` and by the job :data:`JOB_NAME` that the dashboard enqueues
(never on the request path); the job writes the file under ``data_dir/reports`` and the page offers it.
"""

from __future__ import annotations

import json
import os
import secrets
from collections.abc import Callable
from dataclasses import asdict, dataclass, replace
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final

from kakehashi.analytics.cells import Gettext, format_cell, number_of, numeric_columns, period_label
from kakehashi.analytics.charts import Chart, chart_for, outline
from kakehashi.analytics.dashboard import indicator_tables, previous_quarter, quarter_bounds, quarter_name
from kakehashi.analytics.tables import Filters, Table
from kakehashi.errors import FieldProblem, NotFound, ValidationFailed
from kakehashi.formatting import LocaleFormatter
from kakehashi.store import Database

if TYPE_CHECKING:
    from kakehashi.config import Settings
    from kakehashi.jobs.registry import JobContext

JOB_NAME: Final = "analytics-report"
LOCALES: Final = ("it", "ja", "en")
ZONES: Final = {"it": "Europe/Rome", "ja": "Asia/Tokyo", "en": "Europe/London"}
SUMMARY_TABLES: Final = 6
TOKEN_BYTES: Final = 18


@dataclass(frozen=True, slots=True)
class ReportRequest:
    """What a report shows: a quarter, a language and the dashboard's other filters (JSON-safe)."""

    quarter: str
    locale: str
    organisation_id: int | None = None
    sector: str | None = None
    country: str | None = None
    agency: str | None = None
    event_id: int | None = None

    def checked(self) -> ReportRequest:
        quarter_bounds(self.quarter)
        if self.locale not in LOCALES:
            raise ValidationFailed(
                "The report cannot be made.",
                problems=[
                    FieldProblem("lang", "Choose one of: %(allowed)s.", params={"allowed": "it, ja, en"})
                ],
            )
        return self

    def filters(self) -> Filters:
        start, end = quarter_bounds(self.quarter)
        return Filters(
            start=start,
            end=end,
            granularity="month",
            sector=self.sector,
            country=self.country,
            agency=self.agency,
            event_id=self.event_id,
            organisation_id=self.organisation_id,
        )


@dataclass(frozen=True, slots=True)
class Section:
    key: str
    title: str
    note: str
    chart: Chart
    headers: list[str]
    rows: list[list[str]]
    numeric: list[bool]


def render_pdf(
    database: Database, request: ReportRequest, *, progress: Callable[[int, int], None] | None = None
) -> bytes:
    """The report's PDF bytes (the figures read now from the store)."""
    report = request.checked()
    step = progress or (lambda _done, _total: None)
    step(0, 4)
    current = indicator_tables(database, report.filters())
    start, _end = quarter_bounds(report.quarter)
    before_start, before_end = previous_quarter(start)
    before = indicator_tables(database, replace(report.filters(), start=before_start, end=before_end))
    step(1, 4)
    html = render_html(report, current=current, before=before)
    step(2, 4)
    from weasyprint import HTML

    pdf: bytes = HTML(string=html, base_url=str(Path(__file__).parent)).write_pdf()
    step(4, 4)
    return pdf


def render_html(report: ReportRequest, *, current: tuple[Table, ...], before: tuple[Table, ...]) -> str:
    from kakehashi.web.i18n import load_translations
    from kakehashi.web.templating import PageTemplates

    translations = load_translations()
    gettext: Gettext = translations[report.locale].gettext
    formatter = LocaleFormatter(locale=report.locale, viewer_zone=ZONES[report.locale])
    start, end = quarter_bounds(report.quarter)
    template = PageTemplates(translations).environment(report.locale).get_template("analytics/report.html")
    return template.render(
        locale=report.locale,
        fmt=formatter,
        quarter=period_label(report.quarter, gettext),
        start=start,
        end=end,
        summary=summary(current, before, quarter=report.quarter, formatter=formatter, gettext=gettext),
        sections=[section(table, formatter=formatter, gettext=gettext) for table in current],
    )


def section(table: Table, *, formatter: LocaleFormatter, gettext: Gettext, draw: bool = True) -> Section:
    """A table with its chart, every cell written for the reader (shared by the page and the report).
    ``draw=False``: the chart's kind and text alternative only (the page shows the drawing as an image
    of its own request)."""
    make_chart = chart_for if draw else outline
    numbers = set(numeric_columns(table))
    return Section(
        key=table.key,
        title=gettext(table.title),
        note=gettext(table.note) % table.note_params if table.note else "",
        chart=make_chart(table, formatter=formatter, gettext=gettext),
        headers=[gettext(column.label) for column in table.columns],
        rows=[
            [
                format_cell(column, cell, formatter, gettext)
                for column, cell in zip(table.columns, row, strict=True)
            ]
            for row in table.rows
        ],
        numeric=[i in numbers for i in range(len(table.columns))],
    )


def headline(table: Table) -> float | None:
    """The one figure a table stands for: a funnel's first stage, else the total of its first count."""
    counts = [i for i in numeric_columns(table) if table.columns[i].kind == "count"]
    if not counts:
        return None
    if any(column.vocabulary == "stage" for column in table.columns):
        return number_of(table.rows[0][counts[0]]) if table.rows else 0.0
    if any(column.kind == "period" for column in table.columns):
        return None  # a trend is read in its own chart, not summed
    return sum(number_of(row[counts[0]]) for row in table.rows)


def summary(
    current: tuple[Table, ...],
    before: tuple[Table, ...],
    *,
    quarter: str,
    formatter: LocaleFormatter,
    gettext: Gettext,
) -> list[str]:
    """Sentences such as "Introductions: from 4 in 2026Q2 to 6 in 2026Q3 (+50%)."."""
    earlier = {table.key: table for table in before}
    start, _end = quarter_bounds(quarter)
    previous = quarter_name(previous_quarter(start)[0])
    sentences: list[str] = []
    for table in current:
        now = headline(table)
        if now is None or len(sentences) >= SUMMARY_TABLES:
            continue
        then = headline(earlier[table.key]) if table.key in earlier else None
        values = {
            "measure": gettext(table.title),
            "now": formatter.number(round(now)),
            "quarter": period_label(quarter, gettext),
            "previous": period_label(previous, gettext),
        }
        if then is None or (then == 0 and now == 0):
            sentences.append(gettext("%(measure)s: %(now)s in quarter %(quarter)s.") % values)
            continue
        if then == 0:
            sentences.append(
                gettext("%(measure)s: %(now)s in quarter %(quarter)s (none in quarter %(previous)s).")
                % values
            )
            continue
        change = (now - then) / then
        values |= {
            "then": formatter.number(round(then)),
            "change": ("+" if change >= 0 else "") + formatter.percent(change),
        }
        if now > then:
            sentences.append(
                gettext(
                    "%(measure)s grew from %(then)s in %(previous)s to %(now)s in %(quarter)s (%(change)s)."
                )
                % values
            )
        elif now < then:
            sentences.append(
                gettext(
                    "%(measure)s fell from %(then)s in %(previous)s to %(now)s in %(quarter)s (%(change)s)."
                )
                % values
            )
        else:
            sentences.append(
                gettext("%(measure)s: %(now)s in quarter %(quarter)s, as in quarter %(previous)s.") % values
            )
    return sentences


# The report job and its files -------------------------------------------------------------------------


def reports_dir(settings: Settings) -> Path:
    return settings.data_dir / "reports"


def new_token() -> str:
    return secrets.token_urlsafe(TOKEN_BYTES)


def job_key(token: str) -> str:
    return f"{JOB_NAME}-{token}"


def valid_token(token: str) -> bool:
    return 16 <= len(token) <= 64 and all(c.isalnum() or c in "-_" for c in token)


def record_request(settings: Settings, token: str, report: ReportRequest, *, user_id: int | None) -> None:
    """The request's record beside the file to come: who asked (only they and officers may download)."""
    folder = reports_dir(settings)
    folder.mkdir(parents=True, exist_ok=True)
    record = {"user_id": user_id, "report": asdict(report.checked())}
    (folder / f"{token}.json").write_text(json.dumps(record), encoding="utf-8")


def read_request(settings: Settings, token: str) -> tuple[int | None, ReportRequest]:
    path = reports_dir(settings) / f"{token}.json"
    if not valid_token(token) or not path.is_file():
        raise NotFound("This report does not exist.")
    record: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return record.get("user_id"), ReportRequest(**record["report"])


def report_file(settings: Settings, token: str) -> Path | None:
    path = reports_dir(settings) / f"{token}.pdf"
    return path if valid_token(token) and path.is_file() else None


def write_report(
    database: Database, settings: Settings, token: str, *, progress: Callable[[int, int], None]
) -> Path:
    """Render the recorded request ``token`` into its file (written whole or not at all)."""
    _user_id, report = read_request(settings, token)
    pdf = render_pdf(database, report, progress=progress)
    target = reports_dir(settings) / f"{token}.pdf"
    partial = target.with_suffix(".pdf.part")
    partial.write_bytes(pdf)
    os.replace(partial, target)
    return target


def report_job(context: JobContext, *, token: str) -> None:
    """The job: make the report recorded under ``token`` (idempotent: a made report is left as it is)."""
    if context.settings is None:
        raise RuntimeError("the report job needs the settings (data folder)")
    if report_file(context.settings, token) is not None:
        return
    write_report(context.database, context.settings, token, progress=context.progress)


def default_quarter(today: date) -> str:
    """The last finished quarter (what a quarterly report usually covers)."""
    start = date(today.year, 3 * ((today.month - 1) // 3) + 1, 1)
    return quarter_name(previous_quarter(start)[0])
