"""A participant's agenda as an ``.ics`` file (evsched's builder, ``events.ics``): the venue's zone with
its ``VTIMEZONE``, one stable ``UID`` per meeting, its ``SEQUENCE``, cancellations kept as cancelled so
that calendars remove them. Text in the reader's language (``gettext`` from the edge)."""

from __future__ import annotations

from sqlalchemy.orm import Session

from kakehashi.accounts.roles import Actor
from kakehashi.errors import N_, Gettext, format_message
from kakehashi.events.agenda import AgendaEntry, participant_agenda
from kakehashi.events.agenda_access import event_or_404
from kakehashi.events.ics import CalendarMeeting, ParticipantCalendar, build_calendar
from kakehashi.store.base import utcnow

TITLE = N_("Meeting with %(counterpart)s")
TABLE = N_("Table %(table)s")
ONLINE = N_("Online")
CALENDAR_NAME = N_("%(event)s: agenda of %(participant)s")
PROFILE = N_("Profile of %(counterpart)s: %(link)s")
INTERPRETER = N_("An interpreter (%(pair)s) joins this meeting.")


def _calendar_meeting(entry: AgendaEntry, gettext: Gettext, base_url: str) -> CalendarMeeting:
    if entry.online:
        location = entry.online_link or gettext(ONLINE)
    else:
        location = format_message(TABLE, {"table": entry.table or ""}, gettext)
    profile = f"{base_url}/organisations/{entry.counterpart.organisation_id}"
    lines = [format_message(PROFILE, {"counterpart": entry.counterpart.name, "link": profile}, gettext)]
    if entry.interpreter_pair:
        lines.append(format_message(INTERPRETER, {"pair": entry.interpreter_pair}, gettext))
    return CalendarMeeting(
        uid=entry.uid,
        sequence=entry.sequence,
        start_utc=entry.starts_at,
        end_utc=entry.ends_at,
        title=format_message(TITLE, {"counterpart": entry.counterpart.name}, gettext),
        location=location,
        description="\n".join(lines),
        url=entry.online_link if entry.online else None,
        cancelled=entry.cancelled,
    )


def participant_ics(
    session: Session,
    actor: Actor,
    event_id: int,
    registration_id: int,
    *,
    gettext: Gettext,
    language: str,
    base_url: str = "",
) -> bytes:
    agenda = participant_agenda(session, actor, event_id, registration_id)
    event = event_or_404(session, event_id)
    meetings = tuple(
        _calendar_meeting(entry, gettext, base_url)
        for entry in agenda.entries
        if entry.status != "scheduled"  # preliminary meetings are not in anyone's calendar
    )
    name = format_message(
        CALENDAR_NAME, {"event": event.title(language), "participant": agenda.participant.name}, gettext
    )
    return build_calendar(
        ParticipantCalendar(name=name, venue_zone=event.time_zone, meetings=meetings), stamp=utcnow()
    )
