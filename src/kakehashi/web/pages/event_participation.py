"""Taking part in an event: a member registers its organisation, officers approve or decline, the
participant list with the best counterparts first, marks and requests with their answers."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from starlette.datastructures import FormData

from kakehashi.errors import KakehashiError, StaleVersion, ValidationFailed
from kakehashi.events import counterparts, registrations, requests, service
from kakehashi.events.schemas import MarkInput, RegistrationInput, RegistrationPatch
from kakehashi.limits import MAX_ID
from kakehashi.matching.service import MatchingService
from kakehashi.profiles.schemas import validate_input
from kakehashi.store.base import utcnow
from kakehashi.web.deps import (
    DatabaseDep,
    FormDep,
    LocaleDep,
    MemberDep,
    SignedInDep,
    StaffDep,
    TranslationsDep,
    set_notice,
)
from kakehashi.web.forms import form_errors, form_version, stale_problem
from kakehashi.web.ids import RecordId
from kakehashi.web.pages.events import pop_error, set_error
from kakehashi.web.templating import render

router = APIRouter()
REPRESENTATIVE_ROWS = 3


def _text(form: FormData, name: str) -> str:
    value = form.get(name)
    return value.strip() if isinstance(value, str) else ""


def _sentence(error: KakehashiError, translations: Any) -> str:
    text: str = error.localised(translations.gettext)
    if error.problems:
        text += " " + " ".join(problem.text(translations.gettext) for problem in error.problems)
    return text


# --- registering ----------------------------------------------------------------------------------


def registration_data(form: FormData) -> dict[str, Any]:
    reps = []
    for n in range(REPRESENTATIVE_ROWS):
        name = _text(form, f"rep_name_{n}")
        if name:
            languages = [v for v in form.getlist(f"rep_languages_{n}") if isinstance(v, str)]
            reps.append({"name": name, "job_title": _text(form, f"rep_title_{n}"), "languages": languages})
    data: dict[str, Any] = {
        "representatives": reps,
        "attendance": _text(form, "attendance") or "on_site",
        "note": _text(form, "note"),
        "unavailable_slots": [
            int(v) for v in form.getlist("unavailable") if isinstance(v, str) and v.isdigit() and len(v) < 6
        ],
    }
    if data["attendance"] == "online":
        for name in ("time_zone", "work_starts", "work_ends"):
            data[name] = _text(form, name) or None
    return data


def _registration_page(
    request: Request,
    database: Any,
    actor: Any,
    event_id: int,
    values: dict[str, Any],
    errors: Any,
    status: int = 200,
) -> HTMLResponse:
    with database.session() as session:
        event = service.readable_event(session, actor, event_id)
        view = service.event_view(session, actor, event)
        grid = service.grid_of(event)
    context = {"event": view, "grid": grid, "values": values, "errors": errors, "rows": REPRESENTATIVE_ROWS}
    return render(request, "events/register.html", context, status_code=status)


@router.get("/events/{event_id}/register", response_class=HTMLResponse)
def register_page(
    event_id: RecordId, request: Request, actor: MemberDep, database: DatabaseDep
) -> HTMLResponse:
    with database.session() as session:
        own = registrations.own_registration(session, actor, event_id)
        values: dict[str, Any] = {"attendance": "on_site", "unavailable_slots": [], "representatives": []}
        if own is not None and own.status in ("pending", "approved"):
            values = {
                "attendance": own.attendance,
                "time_zone": own.time_zone or "",
                "work_starts": own.work_starts.strftime("%H:%M") if own.work_starts else "",
                "work_ends": own.work_ends.strftime("%H:%M") if own.work_ends else "",
                "note": own.note,
                "unavailable_slots": own.unavailable_slots,
                "representatives": [
                    {"name": r.name, "job_title": r.job_title, "languages": r.languages}
                    for r in own.representatives
                ],
                "version": own.version,
                "registration_id": own.id,
            }
    return _registration_page(request, database, actor, event_id, values, None)


@router.post("/events/{event_id}/register")
def register(
    event_id: RecordId,
    request: Request,
    actor: MemberDep,
    database: DatabaseDep,
    form: FormDep,
    translations: TranslationsDep,
) -> Response:
    data = registration_data(form)
    try:
        checked = validate_input(RegistrationInput, data, what="registration")
        with database.session() as session:
            own = registrations.own_registration(session, actor, event_id)
            if own is not None and own.status in ("pending", "approved"):
                patch = RegistrationPatch.model_validate(checked.model_dump())
                registrations.update_registration(
                    session, actor, own.id, patch, expected_version=form_version(form)
                )
                message = translations.gettext("Your registration is updated.")
            else:
                registrations.register(session, actor, event_id, checked)
                message = translations.gettext("Your registration is sent; the organisers will approve it.")
    except (ValidationFailed, StaleVersion) as invalid:
        problems = stale_problem(invalid) if isinstance(invalid, StaleVersion) else invalid.problems
        values = {**data, "version": form_version(form)}
        return _registration_page(
            request, database, actor, event_id, values, form_errors(problems, translations), status=422
        )
    except KakehashiError as refused:
        set_error(request, _sentence(refused, translations))
        return RedirectResponse(f"/events/{event_id}", status_code=303)
    set_notice(request, message)
    return RedirectResponse(f"/events/{event_id}", status_code=303)


@router.post("/events/{event_id}/registration/withdraw")
def withdraw_registration(
    event_id: RecordId,
    request: Request,
    actor: MemberDep,
    database: DatabaseDep,
    form: FormDep,
    translations: TranslationsDep,
) -> Response:
    try:
        with database.session() as session:
            own = registrations.own_registration(session, actor, event_id)
            if own is None:
                service.readable_event(session, actor, event_id)
                raise ValidationFailed("Register your organisation for this event first.")
            registrations.withdraw(session, actor, own.id, expected_version=form_version(form))
    except KakehashiError as refused:
        set_error(request, _sentence(refused, translations))
    else:
        set_notice(request, translations.gettext("Your registration is withdrawn."))
    return RedirectResponse(f"/events/{event_id}", status_code=303)


# --- the organisers' decisions --------------------------------------------------------------------


@router.get("/events/{event_id}/registrations", response_class=HTMLResponse)
def registrations_page(
    event_id: RecordId, request: Request, actor: StaffDep, database: DatabaseDep, locale: LocaleDep
) -> HTMLResponse:
    translations = request.app.state.translations[locale]
    with database.session() as session:
        event = service.readable_event(session, actor, event_id)
        view = service.event_view(session, actor, event, locale=locale)
        rows = [
            registrations.registration_view(session, actor, r, locale=locale, gettext=translations.gettext)
            for r in registrations.list_registrations(session, actor, event_id)
        ]
    return render(
        request, "events/registrations.html", {"event": view, "rows": rows, "error": pop_error(request)}
    )


@router.post("/events/{event_id}/registrations/{registration_id}/decide")
def decide(
    event_id: RecordId,
    registration_id: RecordId,
    request: Request,
    actor: StaffDep,
    database: DatabaseDep,
    form: FormDep,
    translations: TranslationsDep,
) -> Response:
    approve = _text(form, "decision") == "approve"
    try:
        with database.session() as session:
            registration = registrations.get_registration(session, actor, registration_id)
            if registration.event_id != event_id:
                service.readable_event(session, actor, event_id)
            registrations.decide(
                session,
                actor,
                registration_id,
                approve=approve,
                reason=_text(form, "reason") or None,
                expected_version=form_version(form),
            )
    except KakehashiError as refused:
        set_error(request, _sentence(refused, translations))
    else:
        approved = translations.gettext("The registration is approved.")
        set_notice(request, approved if approve else translations.gettext("The registration is declined."))
    return RedirectResponse(f"/events/{event_id}/registrations", status_code=303)


# --- the participant list and the requests --------------------------------------------------------


@router.get("/events/{event_id}/participants", response_class=HTMLResponse, response_model=None)
def participants_page(
    event_id: RecordId,
    request: Request,
    actor: SignedInDep,
    database: DatabaseDep,
    locale: LocaleDep,
    registration: Annotated[int | None, Query(ge=1, le=MAX_ID)] = None,
) -> Response:
    matching = request.app.state.matching
    assert isinstance(matching, MatchingService)
    if registration is None and actor.is_staff:
        return RedirectResponse(f"/events/{event_id}/registrations", status_code=303)
    with database.session() as session:
        event = service.readable_event(session, actor, event_id)
        view = service.event_view(session, actor, event, locale=locale)
        own = counterparts.viewing_registration(session, actor, event_id, registration)
        listed = counterparts.counterparts(
            session, actor, event_id, model_id=matching.model_id, locale=locale, registration_id=own.id
        )
        sent = requests.open_count(session, own.id, utcnow())
    context = {
        "event": view,
        "rows": listed,
        "own_id": own.id,
        "as_staff": registration is not None,
        "sent": sent,
        "error": pop_error(request),
    }
    return render(request, "events/participants.html", context)


@router.post("/events/{event_id}/marks")
def set_mark(
    event_id: RecordId,
    request: Request,
    actor: SignedInDep,
    database: DatabaseDep,
    form: FormDep,
    translations: TranslationsDep,
) -> Response:
    target, sender = _text(form, "to"), _text(form, "from")
    back = f"/events/{event_id}/participants" + (
        f"?registration={sender}" if sender and actor.is_staff else ""
    )
    try:
        data = validate_input(
            MarkInput,
            {
                "to_registration_id": target or None,
                "mark": _text(form, "mark"),
                "note": _text(form, "note"),
                "from_registration_id": (sender or None) if actor.is_staff else None,
            },
            what="request",
        )
        with database.session() as session:
            requests.mark(session, actor, event_id, data)
    except KakehashiError as refused:
        set_error(request, _sentence(refused, translations))
    else:
        set_notice(request, translations.gettext("Your choice is saved."))
    return RedirectResponse(back, status_code=303)


@router.get("/events/{event_id}/requests", response_class=HTMLResponse)
def requests_page(
    event_id: RecordId, request: Request, actor: SignedInDep, database: DatabaseDep, locale: LocaleDep
) -> HTMLResponse:
    with database.session() as session:
        event = service.readable_event(session, actor, event_id)
        view = service.event_view(session, actor, event, locale=locale)
        rows = requests.request_views(
            session, actor, requests.list_requests(session, actor, event_id), locale=locale
        )
    incoming = [r for r in rows if r.incoming]
    outgoing = [r for r in rows if not r.incoming]
    context = {
        "event": view,
        "incoming": incoming,
        "outgoing": outgoing,
        "staff": actor.is_staff,
        "error": pop_error(request),
    }
    return render(request, "events/requests.html", context)


@router.post("/events/{event_id}/requests/{request_id}/answer")
def answer_request(
    event_id: RecordId,
    request_id: RecordId,
    request: Request,
    actor: SignedInDep,
    database: DatabaseDep,
    form: FormDep,
    translations: TranslationsDep,
) -> Response:
    choice = _text(form, "answer")
    try:
        with database.session() as session:
            found = requests.get_request(session, actor, request_id)
            if found.event_id != event_id:
                service.readable_event(session, actor, event_id)
            version = form_version(form)
            if choice == "withdraw":
                requests.withdraw(session, actor, request_id, expected_version=version)
            else:
                requests.answer(
                    session,
                    actor,
                    request_id,
                    accept=choice == "accept",
                    note=_text(form, "note"),
                    expected_version=version,
                )
    except KakehashiError as refused:
        set_error(request, _sentence(refused, translations))
    else:
        set_notice(request, translations.gettext("Your answer is saved."))
    return RedirectResponse(f"/events/{event_id}/requests", status_code=303)
