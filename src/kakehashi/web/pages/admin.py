"""Administrators' pages: users (role, deactivation) and the audit log (filters, pages, export)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from math import ceil
from typing import Annotated, Literal

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response, StreamingResponse

from kakehashi.accounts import admin
from kakehashi.accounts.roles import Role
from kakehashi.audit import service as audit
from kakehashi.audit.service import AuditFilter, AuditKind
from kakehashi.errors import FieldProblem, StaleVersion, ValidationFailed
from kakehashi.limits import MAX_ID, MAX_PAGE
from kakehashi.web.deps import AdminDep, DatabaseDep, FormDep, TranslationsDep, set_notice
from kakehashi.web.forms import FormErrors, form_errors, form_version, stale_problem
from kakehashi.web.ids import RecordId
from kakehashi.web.templating import render

router = APIRouter()

AUDIT_PAGE_SIZE = 50
AuditUser = Annotated[int | None, Query(ge=1, le=MAX_ID)]


def _users_page(
    request: Request, actor: AdminDep, database: DatabaseDep, *, errors: FormErrors | None, status_code: int
) -> HTMLResponse:
    with database.session() as session:
        users = admin.list_users(session, actor)
        rows = [
            {
                "id": u.id,
                "email": u.email,
                "name": u.display_name,
                "role": u.role,
                "agency": u.agency.code if u.agency else "",
                "organisation_id": u.organisation_id,
                "active": u.is_active,
                "version": u.version,
            }
            for u in users
        ]
    context = {"users": rows, "roles": [r.value for r in Role if r != Role.VISITOR], "errors": errors}
    return render(request, "admin/users.html", context, status_code=status_code)


@router.get("/admin/users", response_class=HTMLResponse)
def users_page(request: Request, actor: AdminDep, database: DatabaseDep) -> HTMLResponse:
    return _users_page(request, actor, database, errors=None, status_code=200)


def _stale_users_page(
    request: Request,
    actor: AdminDep,
    database: DatabaseDep,
    stale: StaleVersion,
    translations: TranslationsDep,
) -> HTMLResponse:
    """Another administrator changed the user since this page was read: nothing was written; the page
    shows every user as they are now (with their current versions), so that the change can be made again."""
    errors = form_errors(stale_problem(stale), translations)
    return _users_page(request, actor, database, errors=errors, status_code=409)


def _optional_int(form: FormDep, name: str) -> int | None:
    raw = str(form.get(name) or "").strip()
    if not raw:
        return None
    if not raw.isdigit() or len(raw) > 12:
        raise ValidationFailed(
            "The role is not valid.", problems=[FieldProblem(name, "Give a whole number.")]
        )
    return int(raw)


@router.post("/admin/users/{user_id}/role")
def change_role(
    user_id: RecordId,
    actor: AdminDep,
    form: FormDep,
    database: DatabaseDep,
    request: Request,
    translations: TranslationsDep,
) -> Response:
    try:
        role = Role(str(form.get("role") or ""))
    except ValueError as bad:
        raise ValidationFailed(
            "The role is not valid.", problems=[FieldProblem("role", "Choose one of the values offered.")]
        ) from bad
    try:
        with database.session() as session:
            admin.set_role(
                session,
                actor,
                user_id,
                role=role,
                organisation_id=_optional_int(form, "organisation_id"),
                agency_code=str(form.get("agency") or "").strip()[:8] or None,
                expected_version=form_version(form),
            )
    except StaleVersion as stale:
        return _stale_users_page(request, actor, database, stale, translations)
    set_notice(request, translations.gettext("The user's role has been changed."))
    return RedirectResponse("/admin/users", status_code=303)


@router.post("/admin/users/{user_id}/{change}")
def change_active(
    user_id: RecordId,
    change: Literal["deactivate", "activate"],
    actor: AdminDep,
    form: FormDep,
    database: DatabaseDep,
    request: Request,
    translations: TranslationsDep,
) -> Response:
    try:
        with database.session() as session:
            admin.set_active(
                session, actor, user_id, active=change == "activate", expected_version=form_version(form)
            )
    except StaleVersion as stale:
        return _stale_users_page(request, actor, database, stale, translations)
    if change == "activate":
        set_notice(request, translations.gettext("The user has been reactivated."))
    else:
        set_notice(
            request,
            translations.gettext("The user has been deactivated; their sessions and tokens have ended."),
        )
    return RedirectResponse("/admin/users", status_code=303)


def _when(raw: str | None) -> datetime | None:
    if not raw:
        return None
    try:
        moment = datetime.fromisoformat(raw[:32])
    except ValueError as bad:
        raise ValidationFailed(
            "The filter is not valid.", problems=[FieldProblem("since", "Give a date like 2026-11-30.")]
        ) from bad
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def _filter(kind: str | None, user: int | None, since: str | None, until: str | None) -> AuditFilter:
    end = _when(until)
    if end is not None and until is not None and len(until) == 10:
        end += timedelta(days=1)  # "until 30 November" includes that day
    return AuditFilter(
        kind=kind if kind in {k.value for k in AuditKind} else None,
        user_id=user,
        since=_when(since),
        until=end,
    )


@router.get("/admin/audit", response_class=HTMLResponse)
def audit_page(
    request: Request,
    actor: AdminDep,
    database: DatabaseDep,
    kind: str | None = None,
    user: AuditUser = None,
    since: str | None = None,
    until: str | None = None,
    page: Annotated[int, Query(ge=1, le=MAX_PAGE)] = 1,
) -> HTMLResponse:
    where = _filter(kind, user, since, until)
    page = max(1, min(page, 1_000_000))
    with database.session() as session:
        events, total = audit.list_events(session, actor, where, page=page, page_size=AUDIT_PAGE_SIZE)
        rows = [{**audit.as_dict(event), "when": event.at} for event in events]
    context = {
        "events": rows,
        "total": total,
        "page": page,
        "pages": max(1, ceil(total / AUDIT_PAGE_SIZE)),
        "kinds": [k.value for k in AuditKind],
        "filters": {"kind": where.kind or "", "user": user or "", "since": since or "", "until": until or ""},
        "query": request.url.query,
    }
    return render(request, "admin/audit.html", context)


@router.get("/admin/audit/export")
def audit_export(
    actor: AdminDep,
    database: DatabaseDep,
    format: Literal["csv", "jsonl"] = "csv",
    kind: str | None = None,
    user: AuditUser = None,
    since: str | None = None,
    until: str | None = None,
) -> StreamingResponse:
    where = _filter(kind, user, since, until)

    def lines() -> Iterator[str]:
        with database.session() as session:
            events = audit.iter_events(session, actor, where)
            yield from audit.to_csv(events) if format == "csv" else audit.to_jsonl(events)

    media = "text/csv; charset=utf-8" if format == "csv" else "application/x-ndjson; charset=utf-8"
    headers = {"content-disposition": f'attachment; filename="kakehashi-audit.{format}"'}
    return StreamingResponse(lines(), media_type=media, headers=headers)
