"""The cooperation dashboard: filters, the charts of every indicator (drawn on the server), their numbers a
click away, the exports, and the quarterly report (a job: the page shows its progress, then the file)."""

from __future__ import annotations

import hashlib
from datetime import date
from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, Request
from fastapi.responses import FileResponse, HTMLResponse, RedirectResponse, Response
from sqlalchemy import select

from kakehashi.analytics import export, report_jobs
from kakehashi.analytics.cells import period_label
from kakehashi.analytics.charts import chart_for
from kakehashi.analytics.dashboard import GRANULARITIES, dashboard_table, kept_dashboard_tables, parse_filters
from kakehashi.analytics.indicators import TABLE_KEYS, TITLES
from kakehashi.analytics.report import default_quarter, section
from kakehashi.errors import NotFound, ValidationFailed
from kakehashi.events.models import Event
from kakehashi.jobs.runner import JobRunner
from kakehashi.labels import AGENCIES, COUNTRIES, SECTORS
from kakehashi.store import Database
from kakehashi.web.deps import (
    DatabaseDep,
    FormDep,
    LocaleDep,
    SettingsDep,
    SignedInDep,
    TranslationsDep,
    get_formatter,
)
from kakehashi.web.forms import form_errors
from kakehashi.web.templating import PageTemplates, render

router = APIRouter()
FILTER_FIELDS = ("start", "end", "granularity", "sector", "country", "agency", "event")
EVENTS_LISTED = 200


@router.get("/analytics", response_class=HTMLResponse)
def dashboard(
    request: Request,
    actor: SignedInDep,
    database: DatabaseDep,
    settings: SettingsDep,
    locale: LocaleDep,
    translations: TranslationsDep,
) -> HTMLResponse:
    values = {name: request.query_params.get(name, "")[:40] for name in FILTER_FIELDS}
    context: dict[str, Any] = {"values": values, "errors": None, "sections": [], "query": ""}
    context |= _choices(database, locale)
    try:
        filters, kept = kept_dashboard_tables(database, settings, actor, parse_filters(values))
    except ValidationFailed as invalid:
        context["errors"] = form_errors(invalid.problems, translations)
        return render(request, "analytics/dashboard.html", context, status_code=422)
    formatter, gettext = get_formatter(request), translations.gettext
    # Only the sections whose figures are kept at the store's data version are shown at once; each of the
    # others is a request of its own (/analytics/fragments/<key>), so that the page after a write computes
    # no table. Charts are images of their own requests (/analytics/charts/<key>.svg): the page draws none.
    context["sections"] = [
        {
            "key": key,
            "title": gettext(TITLES[key]),
            "section": section(table, formatter=formatter, gettext=gettext, draw=False) if table else None,
        }
        for key, table in kept.items()
    ]
    context["query"] = _query(values)
    context["own_only"] = filters.organisation_id is not None
    context["quarter"] = default_quarter(date.today())
    return render(request, "analytics/dashboard.html", context)


@router.get("/analytics/sections/{key}", response_class=HTMLResponse)
def section_page(
    request: Request,
    key: str,
    actor: SignedInDep,
    database: DatabaseDep,
    settings: SettingsDep,
    translations: TranslationsDep,
) -> HTMLResponse:
    """One section of the dashboard on a page of its own (what a dashboard's section links to when no
    script fetches it): its one table computed, or kept, with the page's filters and scope."""
    values = {name: request.query_params.get(name, "")[:40] for name in FILTER_FIELDS}
    if key not in TABLE_KEYS:
        raise NotFound("There is no table %(key)s.", params={"key": key[:40]})
    context: dict[str, Any] = {
        "key": key,
        "title": translations.gettext(TITLES[key]),
        "query": _query(values),
    }
    try:
        filters = parse_filters(values)
        table = dashboard_table(database, settings, actor, filters, key)
    except ValidationFailed as invalid:
        context["errors"] = form_errors(invalid.problems, translations)
        return render(request, "analytics/section.html", context, status_code=422)
    context["section"] = section(
        table, formatter=get_formatter(request), gettext=translations.gettext, draw=False
    )
    context["own_only"] = not actor.is_staff
    return render(request, "analytics/section.html", context)


@router.get("/analytics/fragments/{key}", response_class=HTMLResponse)
def section_fragment(
    request: Request,
    key: str,
    actor: SignedInDep,
    database: DatabaseDep,
    settings: SettingsDep,
    locale: LocaleDep,
    translations: TranslationsDep,
) -> Response:
    """One section of the dashboard as an HTML fragment, for the page's script to put in its place: the
    same filters, scope and errors as :func:`section_page`; kept by data version with its table (an
    ``ETag``: 304 while the figures and the language are the same)."""
    values = {name: request.query_params.get(name, "")[:40] for name in FILTER_FIELDS}
    if key not in TABLE_KEYS:
        raise NotFound("There is no table %(key)s.", params={"key": key[:40]})
    context: dict[str, Any] = {"key": key, "query": _query(values)}
    status = 200
    try:
        table = dashboard_table(database, settings, actor, parse_filters(values), key)
        context["section"] = section(
            table, formatter=get_formatter(request), gettext=translations.gettext, draw=False
        )
    except ValidationFailed as invalid:
        context["errors"] = form_errors(invalid.problems, translations)
        status = 422
    templates: PageTemplates = request.app.state.templates
    template = templates.environment(locale).get_template("analytics/fragment.html")
    text = template.render(context | {"locale": locale, "fmt": get_formatter(request)})
    tag = '"' + hashlib.sha256(text.encode()).hexdigest()[:32] + '"'
    headers = {
        "cache-control": "private, no-cache",  # asked again each time: 304 while the figures are the same
        "vary": "accept-language, cookie",
    }
    if status == 200:
        headers["etag"] = tag
        if request.headers.get("if-none-match") == tag:
            return Response(status_code=304, headers=headers)
    return HTMLResponse(text, status_code=status, headers=headers)


@router.get("/analytics/exports/{key}.{file_format}")
def export_table(
    request: Request,
    key: str,
    file_format: str,
    actor: SignedInDep,
    database: DatabaseDep,
    settings: SettingsDep,
    translations: TranslationsDep,
) -> Response:
    """The numbers behind one chart as CSV or XLSX (the same filters and scope as the page)."""
    values = {name: request.query_params.get(name, "")[:40] for name in FILTER_FIELDS}
    if file_format not in export.FORMATS:
        raise NotFound("There is no %(format)s export.", params={"format": file_format[:10]})
    if key not in TABLE_KEYS:
        raise NotFound("There is no table %(key)s.", params={"key": key[:40]})
    table = dashboard_table(database, settings, actor, parse_filters(values), key)
    fmt: export.ExportFormat = "xlsx" if file_format == "xlsx" else "csv"
    return Response(
        content=export.export(table, fmt, gettext=translations.gettext),
        media_type=export.MEDIA_TYPES[fmt],
        headers={"content-disposition": f'attachment; filename="{export.filename(table, fmt)}"'},
    )


@router.get("/analytics/charts/{key}.svg")
def chart_image(
    request: Request,
    key: str,
    actor: SignedInDep,
    database: DatabaseDep,
    settings: SettingsDep,
    translations: TranslationsDep,
) -> Response:
    """One chart of the dashboard as an SVG image in the reader's language (the same filters and scope as
    the page): one table computed or kept, drawn once per (table content, language) and kept."""
    values = {name: request.query_params.get(name, "")[:40] for name in FILTER_FIELDS}
    if key not in TABLE_KEYS:
        raise NotFound("There is no table %(key)s.", params={"key": key[:40]})
    table = dashboard_table(database, settings, actor, parse_filters(values), key)
    chart = chart_for(table, formatter=get_formatter(request), gettext=translations.gettext)
    if not chart.svg:
        raise NotFound("There is no chart for this selection.")
    tag = '"' + hashlib.sha256(chart.svg.encode()).hexdigest()[:32] + '"'
    headers = {
        "etag": tag,
        "cache-control": "private, no-cache",  # asked again each time: 304 while the figures are the same
        "vary": "accept-language, cookie",
        # An image: its own styles only, nothing fetched, no script.
        "content-security-policy": "default-src 'none'; style-src 'unsafe-inline'; img-src data:",
    }
    if request.headers.get("if-none-match") == tag:
        return Response(status_code=304, headers=headers)
    return Response(content=chart.svg, media_type="image/svg+xml", headers=headers)


@router.post("/analytics/reports")
def ask_report(
    request: Request,
    actor: SignedInDep,
    settings: SettingsDep,
    form: FormDep,
    locale: LocaleDep,
    database: DatabaseDep,
    translations: TranslationsDep,
) -> Response:
    values = {name: str(form.get(name) or "")[:40] for name in FILTER_FIELDS}
    quarter = str(form.get("quarter") or "")[:10]
    language = str(form.get("lang") or locale)[:5]
    runner: JobRunner = request.app.state.job_runner
    try:
        filters = parse_filters(values)
        token = report_jobs.request_report(
            settings, runner, actor, quarter=quarter, locale=language, filters=filters
        )
    except ValidationFailed as invalid:
        context: dict[str, Any] = {"values": values, "errors": form_errors(invalid.problems, translations)}
        context |= _choices(database, locale) | {"sections": [], "query": "", "quarter": quarter}
        return render(request, "analytics/dashboard.html", context, status_code=422)
    return RedirectResponse(f"/analytics/reports/{token}", status_code=303)


@router.get("/analytics/reports/{token}", response_class=HTMLResponse)
def report_page(
    request: Request,
    token: str,
    actor: SignedInDep,
    database: DatabaseDep,
    settings: SettingsDep,
    translations: TranslationsDep,
) -> HTMLResponse:
    status = report_jobs.report_status(database, settings, actor, token[:80])
    quarter_label = period_label(status.report.quarter, translations.gettext)
    return render(request, "analytics/report_status.html", {"report": status, "quarter_label": quarter_label})


@router.get("/analytics/reports/{token}/file")
def report_download(token: str, actor: SignedInDep, settings: SettingsDep) -> Response:
    found = report_jobs.readable_file(settings, actor, token[:80])
    if found is None:
        return RedirectResponse(f"/analytics/reports/{token[:80]}", status_code=303)
    path, report = found
    name = f"kakehashi-report-{report.quarter}-{report.locale}.pdf"
    return FileResponse(path, media_type="application/pdf", filename=name)


def _query(values: dict[str, str]) -> str:
    return urlencode({name: value for name, value in values.items() if value})


def _choices(database: Database, locale: str) -> dict[str, Any]:
    with database.session() as session:
        events = session.scalars(select(Event).order_by(Event.id.desc()).limit(EVENTS_LISTED)).all()
        listed = [(event.id, event.title(locale)) for event in events]
    return {
        "granularities": GRANULARITIES,
        "sectors": tuple(SECTORS),
        "countries": tuple(COUNTRIES),
        "agencies": tuple(AGENCIES),
        "events": listed,
    }
