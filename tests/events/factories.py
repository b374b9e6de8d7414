"""Events factories: an event in a given status with approved participants, through the real services."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, time, timedelta
from typing import Any

from sqlalchemy.orm import Session

from kakehashi.accounts.models import User
from kakehashi.accounts.roles import Actor, Role
from kakehashi.events import registrations, service
from kakehashi.events.lifecycle import EventAction
from kakehashi.events.models import Event, Registration
from kakehashi.events.schemas import EventInput, RegistrationInput
from kakehashi.profiles.models import Organisation
from tests.factories import actor, make_organisation, make_user

PATH: dict[str, list[EventAction]] = {
    "draft": [],
    "registration": [EventAction.OPEN_REGISTRATION],
    "booking": [EventAction.OPEN_REGISTRATION, EventAction.OPEN_BOOKING],
    "scheduled": [EventAction.OPEN_REGISTRATION, EventAction.OPEN_BOOKING, EventAction.MARK_SCHEDULED],
    "closed": [EventAction.CLOSE],
}

DAY = date(2027, 10, 28)  # a Thursday; Europe leaves summer time on Sunday 31 October 2027


def event_input(**overrides: Any) -> EventInput:
    data: dict[str, Any] = {
        "title_en": "Italy–Japan Semiconductor Days",
        "title_it": "Giornate Italia–Giappone dei semiconduttori",
        "title_ja": "日伊半導体デー",
        "venue": "Palazzo dei Congressi",
        "city": "Roma",
        "time_zone": "Europe/Rome",
        "days": [DAY.isoformat(), (DAY + timedelta(days=4)).isoformat()],
        "sessions": [
            {"part": "morning", "starts": "09:00", "ends": "12:00", "online": True},
            {"part": "afternoon", "starts": "14:00", "ends": "17:00"},
        ],
        "slot_minutes": 30,
        "tables": 5,
        "online_capacity": 3,
        "request_cap": 5,
    }
    data.update(overrides)
    return EventInput.model_validate(data)


def make_officer(session: Session, agency: str = "ICE") -> Actor:
    return actor(make_user(session, role=Role.OFFICER, agency=agency))


def make_event(session: Session, officer: Actor, *, status: str = "draft", **overrides: Any) -> Event:
    event = service.create_event(session, officer, event_input(**overrides))
    for action in PATH[status]:
        service.transition(session, officer, event.id, action)
    return event


def representatives(language: str = "it") -> list[dict[str, Any]]:
    return [{"name": "Giulia Rossi" if language == "it" else "佐藤 花子", "languages": [language, "en"]}]


@dataclass
class Member:
    organisation: Organisation
    user: User
    actor: Actor
    registration: Registration | None = None


@dataclass
class EventWorld:
    officer: Actor
    event: Event
    members: dict[str, Member] = field(default_factory=dict)


def make_member(session: Session, *, country: str = "IT", **org: Any) -> Member:
    organisation = make_organisation(session, country=country, **org)
    user = make_user(session, organisation=organisation)
    return Member(organisation, user, actor(user))


def register(
    session: Session, member: Member, event: Event, *, approve: Actor | None = None, **data: Any
) -> Registration:
    language = "it" if member.organisation.country == "IT" else "ja"
    payload: dict[str, Any] = {"representatives": representatives(language)}
    payload.update(data)
    registration = registrations.register(
        session, member.actor, event.id, RegistrationInput.model_validate(payload)
    )
    if approve is not None:
        registrations.decide(session, approve, registration.id, approve=True)
    member.registration = registration
    return registration


def booking_world(
    session: Session, *, countries: tuple[str, ...] = ("IT", "IT", "JP", "JP"), **event: Any
) -> EventWorld:
    """An event open for requests with approved participants it1, it2, jp1, jp2 (by country)."""
    officer = make_officer(session)
    created = make_event(session, officer, status="registration", **event)
    world = EventWorld(officer=officer, event=created)
    counts: dict[str, int] = {}
    for country in countries:
        counts[country] = counts.get(country, 0) + 1
        name = f"{country.lower()}{counts[country]}"
        member = make_member(session, country=country, name=f"Org {name}")
        register(session, member, created, approve=officer)
        world.members[name] = member
    service.transition(session, officer, created.id, EventAction.OPEN_BOOKING)
    return world


ON_SITE = time(9, 0)
