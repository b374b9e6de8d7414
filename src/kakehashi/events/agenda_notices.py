"""Every notice of the agenda and the day goes out from here, through the platform's one notification
service (``kakehashi.notifications.notify``): in the recipients' language and zone, in the same
transaction as the change it reports, e-mailed after commit. Nothing about an agenda changes silently.
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import select
from sqlalchemy.orm import Session

from kakehashi.errors import N_
from kakehashi.events.agenda_models import Meeting
from kakehashi.events.models import Event, Registration
from kakehashi.events.notices import event_title
from kakehashi.notifications import notify
from kakehashi.notifications.params import Localised
from kakehashi.profiles.models import Organisation

MEETING_CHANGED = N_("Your meeting with %(counterpart)s at %(event)s now starts at %(starts_at)s.")
MEETING_CANCELLED = N_("Your meeting with %(counterpart)s at %(event)s on %(starts_at)s is cancelled.")
AGENDA_PUBLISHED = N_("Your agenda for %(event)s is published.")
FOLLOW_UP = N_("What came of your meeting with %(counterpart)s at %(event)s? Tell the agencies in one click.")


def agenda_link(event: Event) -> str:
    return f"/events/{event.id}/agenda"


def _event_title(event: Event) -> Localised:
    """The event's title in each reader's language (the titles it was given)."""
    return event_title(event)


def _sides(session: Session, meeting: Meeting) -> list[tuple[int, str]]:
    """(organisation to tell, counterpart's name) for both sides of ``meeting``."""
    rows = session.execute(
        select(Registration.id, Organisation.id, Organisation.name)
        .join(Organisation, Organisation.id == Registration.organisation_id)
        .where(Registration.id.in_([meeting.registration_a_id, meeting.registration_b_id]))
    ).all()
    by_registration = {reg_id: (org_id, name) for reg_id, org_id, name in rows}
    a, b = by_registration[meeting.registration_a_id], by_registration[meeting.registration_b_id]
    return [(a[0], b[1]), (b[0], a[1])]


def _per_side(session: Session, event: Event, meeting: Meeting, *, kind: str, message: str) -> None:
    for organisation_id, counterpart in _sides(session, meeting):
        notify(
            session,
            kind=kind,
            message=message,
            params={"counterpart": counterpart, "event": _event_title(event), "starts_at": meeting.starts_at},
            link=agenda_link(event),
            organisations=[organisation_id],
        )


def meeting_changed(session: Session, event: Event, meeting: Meeting) -> None:
    _per_side(session, event, meeting, kind="event.meeting.changed", message=MEETING_CHANGED)


def meeting_cancelled(session: Session, event: Event, meeting: Meeting) -> None:
    _per_side(session, event, meeting, kind="event.meeting.cancelled", message=MEETING_CANCELLED)


def agenda_published(session: Session, event: Event, registration_ids: Iterable[int]) -> None:
    organisations = session.scalars(
        select(Registration.organisation_id).where(Registration.id.in_(list(registration_ids)))
    ).all()
    notify(
        session,
        kind="event.agenda.published",
        message=AGENDA_PUBLISHED,
        params={"event": _event_title(event)},
        link=agenda_link(event),
        organisations=sorted(set(organisations)),
    )


def follow_up_question(session: Session, event: Event, meeting: Meeting, registration_id: int) -> None:
    """Ask one side of ``meeting`` what came of it (the periodic follow-up job)."""
    for organisation_id, counterpart in _sides(session, meeting):
        registration = session.get(Registration, registration_id)
        if registration is None or registration.organisation_id != organisation_id:
            continue
        notify(
            session,
            kind="event.followup",
            message=FOLLOW_UP,
            params={"counterpart": counterpart, "event": _event_title(event)},
            link=f"/events/{event.id}/meetings/{meeting.id}/follow-up",
            organisations=[organisation_id],
        )
