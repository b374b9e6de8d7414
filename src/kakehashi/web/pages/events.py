"""Event pages: the list, one event (its grid in the venue's zone and the viewer's), the officers' form to
create and edit it, and its lifecycle buttons."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from starlette.datastructures import FormData

from kakehashi.errors import FieldProblem, KakehashiError, StaleVersion, ValidationFailed
from kakehashi.events import registrations, service
from kakehashi.events.lifecycle import EventAction
from kakehashi.events.models import Event
from kakehashi.events.schemas import EventInput, EventPatch
from kakehashi.profiles.schemas import validate_input
from kakehashi.scheduling.zones import zone
from kakehashi.web.deps import (
    ActorDep,
    DatabaseDep,
    FormDep,
    LocaleDep,
    StaffDep,
    TranslationsDep,
    set_notice,
)
from kakehashi.web.forms import form_errors, form_version, stale_problem
from kakehashi.web.ids import RecordId
from kakehashi.web.templating import render

router = APIRouter()

ERROR_KEY = "events_error"
_TEXT = (
    "title_en",
    "title_it",
    "title_ja",
    "description",
    "venue",
    "city",
    "time_zone",
    "online_link_template",
)
_NUMBERS = ("slot_minutes", "tables", "online_capacity", "request_cap", "must_meet_cap")
_WINDOWS = ("registration_opens_at", "registration_closes_at", "booking_opens_at", "booking_closes_at")
_UNITS = {"minutes": 1, "hours": 60, "days": 1440}


def set_error(request: Request, message: str) -> None:
    """A one-time error shown at the top of the next events page (already in the interface language)."""
    request.session[ERROR_KEY] = message


def pop_error(request: Request) -> str | None:
    message = request.session.pop(ERROR_KEY, None)
    return message if isinstance(message, str) else None


@router.get("/events", response_class=HTMLResponse)
def event_list(request: Request, actor: ActorDep, database: DatabaseDep, locale: LocaleDep) -> HTMLResponse:
    with database.session() as session:
        events = service.list_events(session, actor, locale=locale)
    return render(request, "events/list.html", {"events": events, "can_create": actor.is_staff})


@router.get("/events/new", response_class=HTMLResponse)
def new_event(request: Request, actor: StaffDep) -> HTMLResponse:
    values = {
        "time_zone": "Europe/Rome",
        "slot_minutes": 30,
        "tables": 10,
        "online_capacity": 0,
        "request_cap": 20,
        "expiry_value": 2,
        "expiry_unit": "days",
        "organisers": [actor.agency_code] if actor.agency_code else [],
        "morning_starts": "09:00",
        "morning_ends": "12:30",
        "afternoon_starts": "14:00",
        "afternoon_ends": "17:30",
        "request_mode": "opt_in",
        "meeting_rule": "italy_japan",
    }
    return render(request, "events/form.html", {"event": None, "values": values, "errors": None})


@router.post("/events/new")
def create_event(
    request: Request, actor: StaffDep, database: DatabaseDep, form: FormDep, translations: TranslationsDep
) -> Response:
    values = _values(form)
    try:
        data = validate_input(EventInput, event_data(form), what="event")
        with database.session() as session:
            event_id = service.create_event(session, actor, data).id
    except ValidationFailed as invalid:
        context = {"event": None, "values": values, "errors": form_errors(invalid.problems, translations)}
        return render(request, "events/form.html", context, status_code=422)
    set_notice(request, translations.gettext("The event is saved as a draft."))
    return RedirectResponse(f"/events/{event_id}", status_code=303)


@router.get("/events/{event_id}", response_class=HTMLResponse)
def event_page(
    event_id: RecordId, request: Request, actor: ActorDep, database: DatabaseDep, locale: LocaleDep
) -> HTMLResponse:
    translations = request.app.state.translations[locale]
    with database.session() as session:
        event = service.readable_event(session, actor, event_id)
        view = service.event_view(session, actor, event, locale=locale)
        own = registrations.own_registration(session, actor, event_id)
        own_view = (
            registrations.registration_view(session, actor, own, locale=locale, gettext=translations.gettext)
            if own is not None
            else None
        )
        grid = service.grid_of(event)
    return render(
        request,
        "events/detail.html",
        {
            "event": view,
            "grid": grid,
            "own": own_view,
            "is_member": actor.organisation_id is not None and actor.belongs_to(actor.organisation_id),
            "error": pop_error(request),
        },
    )


@router.get("/events/{event_id}/edit", response_class=HTMLResponse)
def edit_event(event_id: RecordId, request: Request, actor: StaffDep, database: DatabaseDep) -> HTMLResponse:
    with database.session() as session:
        event = service.managed_event(session, actor, event_id)
        values = form_values(event)
    return render(request, "events/form.html", {"event": values, "values": values, "errors": None})


@router.post("/events/{event_id}/edit")
def update_event(
    event_id: RecordId,
    request: Request,
    actor: StaffDep,
    database: DatabaseDep,
    form: FormDep,
    translations: TranslationsDep,
) -> Response:
    values = _values(form)
    try:
        patch = validate_input(EventPatch, event_data(form), what="event")
        with database.session() as session:
            service.update_event(session, actor, event_id, patch, expected_version=form_version(form))
    except (ValidationFailed, StaleVersion) as invalid:
        problems = stale_problem(invalid) if isinstance(invalid, StaleVersion) else invalid.problems
        with database.session() as session:
            current = form_values(service.managed_event(session, actor, event_id))
        context = {
            "event": current,
            "values": {**values, "version": current["version"]},
            "errors": form_errors(problems, translations),
        }
        return render(
            request,
            "events/form.html",
            context,
            status_code=409 if isinstance(invalid, StaleVersion) else 422,
        )
    set_notice(request, translations.gettext("Your changes are saved."))
    return RedirectResponse(f"/events/{event_id}", status_code=303)


@router.post("/events/{event_id}/transition")
def move_event(
    event_id: RecordId,
    request: Request,
    actor: StaffDep,
    database: DatabaseDep,
    form: FormDep,
    translations: TranslationsDep,
) -> Response:
    action_text = form.get("action")
    try:
        action = EventAction(action_text if isinstance(action_text, str) else "")
    except ValueError:
        raise ValidationFailed(
            "Unknown action.", problems=[FieldProblem("action", "This value is not valid.")]
        ) from None
    try:
        with database.session() as session:
            service.transition(session, actor, event_id, action, expected_version=form_version(form))
    except KakehashiError as refused:
        if isinstance(refused, ValidationFailed) and not refused.problems:
            raise
        set_error(request, _sentence(refused, translations.gettext))
    else:
        set_notice(request, translations.gettext("The event's status is changed."))
    return RedirectResponse(f"/events/{event_id}", status_code=303)


def _sentence(error: KakehashiError, gettext: Any) -> str:
    text = error.localised(gettext)
    if error.problems:
        text += " " + " ".join(problem.text(gettext) for problem in error.problems)
    return text


# --- the form -------------------------------------------------------------------------------------


def _text(form: FormData, name: str) -> str:
    value = form.get(name)
    return value.strip() if isinstance(value, str) else ""


def _values(form: FormData) -> dict[str, Any]:
    """What the officer typed, to show again after a problem."""
    values: dict[str, Any] = {name: _text(form, name) for name in form.keys()}  # noqa: SIM118
    values["organisers"] = [v for v in form.getlist("organisers") if isinstance(v, str)]
    for part in ("morning", "afternoon"):
        values[f"{part}_online"] = bool(_text(form, f"{part}_online"))
    return values


def event_data(form: FormData) -> dict[str, Any]:
    """The event form as the input model's fields; local times of the windows are in the venue's zone."""
    data: dict[str, Any] = {name: _text(form, name) for name in _TEXT if name in form}
    for name in ("title_it", "title_ja", "description", "venue", "city"):
        data.setdefault(name, "")
    if not data.get("online_link_template"):
        data["online_link_template"] = None
    for name in _NUMBERS:
        if name in form:
            data[name] = _text(form, name) or None
    organisers = [v for v in form.getlist("organisers") if isinstance(v, str)]
    if organisers:
        data["organisers"] = organisers
    for name in ("request_mode", "meeting_rule"):
        if _text(form, name):
            data[name] = _text(form, name)
    if "days" in form:
        data["days"] = [d for d in _text(form, "days").replace(",", " ").split() if d]
    sessions = []
    for part in ("morning", "afternoon"):
        starts, ends = _text(form, f"{part}_starts"), _text(form, f"{part}_ends")
        if starts or ends:
            sessions.append(
                {"part": part, "starts": starts, "ends": ends, "online": bool(_text(form, f"{part}_online"))}
            )
    if sessions or "morning_starts" in form:
        data["sessions"] = sessions
    if "table_names" in form:
        names = [line.strip() for line in _text(form, "table_names").splitlines()]
        data["table_names"] = names if any(names) else None
    expiry = _text(form, "expiry_value")
    if expiry:
        unit = _UNITS.get(_text(form, "expiry_unit"), 1)
        data["request_expiry_minutes"] = (
            int(expiry) * unit if expiry.isdigit() and len(expiry) < 7 else expiry
        )
    venue_zone = data.get("time_zone") or "Europe/Rome"
    for name in _WINDOWS:
        if name in form:
            data[name] = _window(_text(form, name), venue_zone)
    return data


def _window(text: str, venue_zone: str) -> Any:
    """A datetime-local value (wall-clock time at the venue) as an aware datetime; invalid text is passed on
    for the model to reject with its message."""
    if not text:
        return None
    try:
        local = datetime.fromisoformat(text)
    except ValueError:
        return text
    try:
        tz = zone(venue_zone)
    except KakehashiError:
        tz = ZoneInfo("UTC")
    return local.replace(tzinfo=tz) if local.tzinfo is None else local


def form_values(event: Event) -> dict[str, Any]:
    tz = ZoneInfo(event.time_zone)

    def local(value: datetime | None) -> str:
        return value.astimezone(tz).strftime("%Y-%m-%dT%H:%M") if value is not None else ""

    template = {s.part: s for s in event.sessions if event.days and s.day == event.days[0]}
    minutes = event.request_expiry_minutes
    unit = "days" if minutes % 1440 == 0 else "hours" if minutes % 60 == 0 else "minutes"
    values: dict[str, Any] = {
        "id": event.id,
        "status": event.status,
        "version": event.version,
        **{name: getattr(event, name) or "" for name in _TEXT},
        **{
            name: getattr(event, name) if getattr(event, name) is not None else ""
            for name in _NUMBERS
            if name != "tables"
        },
        "tables": len(event.tables),
        "table_names": "\n".join(t.name for t in event.tables),
        "organisers": event.organisers,
        "days": " ".join(d.isoformat() for d in event.days),
        "request_mode": event.request_mode,
        "meeting_rule": event.meeting_rule,
        "expiry_value": minutes // _UNITS[unit],
        "expiry_unit": unit,
        **{name: local(getattr(event, name)) for name in _WINDOWS},
    }
    for part in ("morning", "afternoon"):
        session = template.get(part)
        values[f"{part}_starts"] = session.starts.strftime("%H:%M") if session else ""
        values[f"{part}_ends"] = session.ends.strftime("%H:%M") if session else ""
        values[f"{part}_online"] = bool(session and session.online)
    return values
