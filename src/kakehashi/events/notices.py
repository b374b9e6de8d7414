"""Every notice the events feature sends, in one place (the platform's notification service).

Each function writes the notice in the caller's transaction (nothing is sent if the change is rolled
back); the recipients read it in their own language and zone.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from sqlalchemy.orm import Session

from kakehashi.accounts.roles import Actor
from kakehashi.errors import N_
from kakehashi.events.models import Event, MeetingRequest, Registration
from kakehashi.notifications import NoticeParam, notify
from kakehashi.notifications.params import Localised
from kakehashi.profiles.models import Organisation


def _notify(
    session: Session,
    *,
    kind: str,
    message: str,
    params: Mapping[str, NoticeParam],
    link: str,
    actor: Actor,
    organisations: Iterable[int] = (),
    agencies: Iterable[str] = (),
) -> None:
    notify(
        session,
        kind=kind,
        message=message,
        params=dict(params),
        link=link,
        organisations=list(organisations),
        agencies=list(agencies),
        exclude_user=actor.user_id,
    )


def event_title(event: Event) -> Localised:
    """The event's title in each reader's language (of the titles it was given; else English, Italian,
    Japanese), so a notice and its e-mail name the event in the reader's language."""
    return Localised({"it": event.title_it, "ja": event.title_ja, "en": event.title_en})


_title = event_title


def registration_received(session: Session, event: Event, org: Organisation, *, actor: Actor) -> None:
    _notify(
        session,
        kind="event.registration.received",
        message=N_("%(organisation)s registered for %(event)s and waits for approval."),
        params={"organisation": org.name, "event": _title(event)},
        link=f"/events/{event.id}/registrations",
        actor=actor,
        agencies=event.organisers,
    )


def registration_decided(session: Session, event: Event, registration: Registration, *, actor: Actor) -> None:
    approved = registration.status == "approved"
    _notify(
        session,
        kind="event.registration.decided",
        message=(
            N_("Your registration for %(event)s is approved: you may now request meetings.")
            if approved
            else N_("Your registration for %(event)s is declined: %(reason)s")
        ),
        params={"event": _title(event), "reason": registration.decline_reason or ""},
        link=f"/events/{event.id}",
        actor=actor,
        organisations=[registration.organisation_id],
    )


def _organisation_of(session: Session, registration_id: int) -> tuple[int, str]:
    registration = session.get(Registration, registration_id)
    assert registration is not None
    org = session.get(Organisation, registration.organisation_id)
    assert org is not None
    return org.id, org.name


def request_received(session: Session, event: Event, request: MeetingRequest, *, actor: Actor) -> None:
    _, sender = _organisation_of(session, request.from_registration_id)
    addressee, _ = _organisation_of(session, request.to_registration_id)
    _notify(
        session,
        kind="event.request.received",
        message=(
            N_("%(organisation)s asks to meet you at %(event)s; please answer before %(expires_at)s.")
            if request.status == "pending"
            else N_("%(organisation)s asks to meet you at %(event)s.")
        ),
        params={
            "organisation": sender,
            "event": _title(event),
            **({"expires_at": request.expires_at} if request.expires_at is not None else {}),
        },
        link=f"/events/{event.id}/requests",
        actor=actor,
        organisations=[addressee],
    )


def request_answered(session: Session, event: Event, request: MeetingRequest, *, actor: Actor) -> None:
    sender, _ = _organisation_of(session, request.from_registration_id)
    _, addressee = _organisation_of(session, request.to_registration_id)
    _notify(
        session,
        kind="event.request.answered",
        message=(
            N_("%(organisation)s accepted your meeting request at %(event)s.")
            if request.status == "accepted"
            else N_("%(organisation)s declined your meeting request at %(event)s.")
        ),
        params={"organisation": addressee, "event": _title(event)},
        link=f"/events/{event.id}/requests",
        actor=actor,
        organisations=[sender],
    )
