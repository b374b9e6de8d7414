"""``kakehashi events …``: create and move events, register organisations, decide registrations, mark
and answer meeting requests, expire the requests nobody answered. The CLI acts as the system (an
administrator): it is the operators' tool."""

from __future__ import annotations

import json
from pathlib import Path
from zoneinfo import ZoneInfo

import typer

from kakehashi.accounts.service import SYSTEM
from kakehashi.cli.common import console, open_database, settings
from kakehashi.errors import FieldProblem, ValidationFailed

events_app = typer.Typer(
    help="B2B matchmaking events, registrations and meeting requests.", no_args_is_help=True
)


@events_app.command("list")
def list_events() -> None:
    """Every event with its status, days and approved participants."""
    from kakehashi.events import service

    with open_database(settings()) as database, database.session() as session:
        for view in service.list_events(session, SYSTEM):
            days = ", ".join(d.isoformat() for d in view.days)
            console.print(f"{view.id}\t{view.status}\t{view.title}\t{days}\t{view.participants} participants")


@events_app.command("create")
def create(
    file: Path = typer.Argument(..., exists=True, dir_okay=False, help="The event as JSON (API body)."),
) -> None:
    """Create an event (a draft) from a JSON file shaped like the body of ``POST /api/v1/events``."""
    from kakehashi.events import service
    from kakehashi.events.schemas import EventInput
    from kakehashi.profiles.schemas import validate_input

    try:
        body = json.loads(file.read_text(encoding="utf-8"))
    except (ValueError, UnicodeDecodeError) as error:
        raise ValidationFailed(
            "The file is not valid JSON.",
            problems=[FieldProblem("file", "The request body is not valid JSON.")],
        ) from error
    data = validate_input(EventInput, body, what="event")
    with open_database(settings()) as database, database.session() as session:
        event = service.create_event(session, SYSTEM, data)
        console.print(f"Event {event.id} created as a draft ({len(service.grid_of(event))} slots).")


@events_app.command("show")
def show(event_id: int = typer.Argument(..., min=1)) -> None:
    """An event and its slot grid (venue time and UTC)."""
    from kakehashi.events import service

    with open_database(settings()) as database, database.session() as session:
        event = service.readable_event(session, SYSTEM, event_id)
        view = service.event_view(session, SYSTEM, event)
        console.print(f"{view.title} — {view.status} — {view.venue}, {view.city} ({view.time_zone})")
        console.print(f"organisers: {', '.join(view.organisers)}; actions: {', '.join(view.actions)}")
        for slot in service.grid_of(event).slots:
            local = slot.starts_at.astimezone(ZoneInfo(event.time_zone))
            console.print(
                f"  slot {slot.index + 1}\t{local:%Y-%m-%d %H:%M}\t{slot.starts_at:%H:%M} UTC\t{slot.part}"
            )


@events_app.command("move")
def move(
    event_id: int = typer.Argument(..., min=1),
    action: str = typer.Argument(
        ...,
        help="open_registration, open_booking, reopen_booking, mark_scheduled, publish, mark_held or close.",
    ),
) -> None:
    """Move an event along its lifecycle."""
    from kakehashi.events import service
    from kakehashi.events.lifecycle import EventAction

    try:
        chosen = EventAction(action.replace("-", "_"))
    except ValueError:
        raise ValidationFailed(
            "Unknown action.", problems=[FieldProblem("action", "This value is not valid.")]
        ) from None
    with open_database(settings()) as database, database.session() as session:
        event = service.transition(session, SYSTEM, event_id, chosen)
        console.print(f"Event {event.id} is now {event.status}.")


@events_app.command("register")
def register_organisation(
    event_id: int = typer.Argument(..., min=1),
    organisation: int = typer.Option(..., "--organisation", min=1, help="The organisation's id."),
    representative: list[str] = typer.Option(
        ..., "--representative", help='"Name:it,en" (repeat for each person).'
    ),
    unavailable: str = typer.Option("", help="Slots it cannot attend, 1-based, comma separated."),
    online_zone: str | None = typer.Option(None, help="Takes part online from this IANA zone."),
) -> None:
    """Register an organisation (approved: the CLI acts for the organisers)."""
    from kakehashi.events import registrations
    from kakehashi.events.schemas import RegistrationInput
    from kakehashi.profiles.schemas import validate_input

    reps = []
    for text in representative:
        name, _, languages = text.partition(":")
        reps.append({"name": name, "languages": [c for c in languages.split(",") if c] or ["en"]})
    slots = [int(s) - 1 for s in unavailable.split(",") if s.strip().isdigit()]
    body: dict[str, object] = {"representatives": reps, "unavailable_slots": slots}
    if online_zone:
        body.update(attendance="online", time_zone=online_zone)
    data = validate_input(RegistrationInput, body, what="registration")
    with open_database(settings()) as database, database.session() as session:
        registration = registrations.register(session, SYSTEM, event_id, data, organisation_id=organisation)
        console.print(f"Registration {registration.id}: {registration.status}.")


@events_app.command("registrations")
def list_registrations(event_id: int = typer.Argument(..., min=1)) -> None:
    """Every registration of an event."""
    from kakehashi.events import registrations

    with open_database(settings()) as database, database.session() as session:
        for registration in registrations.list_registrations(session, SYSTEM, event_id):
            view = registrations.registration_view(session, SYSTEM, registration)
            names = "; ".join(f"{r.name} ({','.join(r.languages)})" for r in view.representatives)
            console.print(f"{view.id}\t{view.status}\t{view.organisation_name} ({view.country})\t{names}")


@events_app.command("decide")
def decide(
    registration_id: int = typer.Argument(..., min=1),
    approve: bool = typer.Option(..., "--approve/--decline", help="Approve, or decline (with --reason)."),
    reason: str | None = typer.Option(None, help="Why it is declined (shown to the organisation)."),
) -> None:
    """Approve or decline a registration."""
    from kakehashi.events import registrations

    with open_database(settings()) as database, database.session() as session:
        registration = registrations.decide(session, SYSTEM, registration_id, approve=approve, reason=reason)
        console.print(f"Registration {registration.id}: {registration.status}.")


@events_app.command("requests")
def list_requests(event_id: int = typer.Argument(..., min=1)) -> None:
    """Every mark and request of an event, with its status as of now (expired ones shown as such)."""
    from kakehashi.events import requests

    with open_database(settings()) as database, database.session() as session:
        found = requests.list_requests(session, SYSTEM, event_id)
        for view in requests.request_views(session, SYSTEM, found):
            console.print(
                f"{view.id}\t{view.from_organisation} → {view.to_organisation}\t{view.mark}\t{view.status}\t{view.note}"
            )


@events_app.command("mark")
def mark(
    event_id: int = typer.Argument(..., min=1),
    sender: int = typer.Option(..., "--from", min=1, help="The registration that marks."),
    receiver: int = typer.Option(..., "--to", min=1, help="The registration it marks."),
    choice: str = typer.Option("meet", "--mark", help="must_meet, meet or no_thanks."),
    note: str = typer.Option("", help="A note for the other side."),
) -> None:
    """Mark a participant for another one (a request, or a no-thanks)."""
    from kakehashi.events import requests
    from kakehashi.events.schemas import MarkInput
    from kakehashi.profiles.schemas import validate_input

    data = validate_input(
        MarkInput,
        {"to_registration_id": receiver, "from_registration_id": sender, "mark": choice, "note": note},
        what="request",
    )
    with open_database(settings()) as database, database.session() as session:
        found = requests.mark(session, SYSTEM, event_id, data)
        console.print(f"Request {found.id}: {found.mark}, {found.status}.")


@events_app.command("answer")
def answer(
    request_id: int = typer.Argument(..., min=1),
    accept: bool = typer.Option(..., "--accept/--decline"),
) -> None:
    """Accept or decline a pending request (for the participant it is addressed to)."""
    from kakehashi.events import requests

    with open_database(settings()) as database, database.session() as session:
        found = requests.answer(session, SYSTEM, request_id, accept=accept)
        console.print(f"Request {found.id}: {found.status}.")


@events_app.command("expire-requests")
def expire_requests() -> None:
    """Write "expired" on the pending requests past their time (pages already show them as expired)."""
    from kakehashi.events import requests

    with open_database(settings()) as database, database.session() as session:
        console.print(f"{requests.expire_due(session)} requests expired.")


def register(app: typer.Typer) -> None:
    app.add_typer(events_app, name="events")
