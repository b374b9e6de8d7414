"""One participant's calendar of an event as iCalendar (RFC 5545): a pure function, no I/O.

Times are written in the venue's zone with a ``TZID`` and a ``VTIMEZONE`` generated from ``zoneinfo``
for the event's dates (so the daylight-saving rules the calendar needs are inside the file, and a
calendar program does not guess them); each meeting keeps one ``UID`` for life and the caller raises its
``SEQUENCE`` at every change, so that a re-import updates the entry; a cancelled meeting is kept with
``STATUS:CANCELLED`` so that the calendar removes it. Text (title, location, description) comes in
already translated into the participant's language.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from icalendar import Calendar, Event, Timezone

from kakehashi.errors import FieldProblem, ValidationFailed

PRODUCT_ID = "-//Kakehashi//Matchmaking events//EN"


@dataclass(frozen=True, slots=True)
class CalendarMeeting:
    """One meeting as the calendar shows it. ``uid`` never changes for the meeting; ``sequence`` grows
    by at least one at every change the participant is told about (time, place, cancellation)."""

    uid: str
    sequence: int
    start_utc: datetime
    end_utc: datetime
    title: str
    location: str  # the table ("Table 12") or the online link, already translated
    description: str = ""
    url: str | None = None  # the online meeting link, when there is one
    cancelled: bool = False


@dataclass(frozen=True, slots=True)
class ParticipantCalendar:
    """A participant's meetings at one event; ``venue_zone`` is an IANA zone such as ``Europe/Rome``."""

    name: str  # calendar name shown by the calendar program, already translated
    venue_zone: str
    meetings: tuple[CalendarMeeting, ...]


def build_calendar(calendar: ParticipantCalendar, *, stamp: datetime) -> bytes:
    """The ``.ics`` file (UTF-8, CRLF lines). ``stamp`` (aware) is the ``DTSTAMP`` of every entry:
    when this version of the calendar was produced."""
    tz = _zone(calendar.venue_zone)
    _check(calendar, stamp)
    cal = Calendar()
    cal.add("prodid", PRODUCT_ID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    cal.add("x-wr-calname", calendar.name)
    cal.add("x-wr-timezone", calendar.venue_zone)
    if calendar.meetings:
        first, last = _date_span(calendar.meetings, tz)
        cal.add_component(Timezone.from_tzid(calendar.venue_zone, first_date=first, last_date=last))
    for meeting in sorted(calendar.meetings, key=lambda m: (m.start_utc, m.uid)):
        cal.add_component(_event(meeting, tz, stamp))
    data: bytes = cal.to_ical()
    return data


def _event(meeting: CalendarMeeting, tz: ZoneInfo, stamp: datetime) -> Event:
    event = Event()
    event.add("uid", meeting.uid)
    event.add("sequence", meeting.sequence)
    event.add("dtstamp", stamp.astimezone(UTC))
    event.add("dtstart", meeting.start_utc.astimezone(tz))
    event.add("dtend", meeting.end_utc.astimezone(tz))
    event.add("summary", meeting.title)
    event.add("location", meeting.location)
    if meeting.description:
        event.add("description", meeting.description)
    if meeting.url:
        event.add("url", meeting.url)
    event.add("status", "CANCELLED" if meeting.cancelled else "CONFIRMED")
    event.add("transp", "TRANSPARENT" if meeting.cancelled else "OPAQUE")
    return event


def _date_span(meetings: Sequence[CalendarMeeting], tz: ZoneInfo) -> tuple[date, date]:
    """The local dates to cover, a day wider each side (a transition on the first or last day counts)."""
    days = [m.start_utc.astimezone(tz).date() for m in meetings]
    days += [m.end_utc.astimezone(tz).date() for m in meetings]
    return min(days) - timedelta(days=1), max(days) + timedelta(days=1)


def _zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as error:
        raise ValidationFailed(
            "unknown time zone",
            problems=[FieldProblem("venue_zone", "%(zone)s is not a time zone", params={"zone": repr(name)})],
        ) from error


def _check(calendar: ParticipantCalendar, stamp: datetime) -> None:
    problems: list[FieldProblem] = []
    if stamp.tzinfo is None:
        problems.append(FieldProblem("stamp", "naive datetime"))
    for i, meeting in enumerate(calendar.meetings):
        where = f"meetings[{i + 1}]"
        if meeting.start_utc.tzinfo is None or meeting.end_utc.tzinfo is None:
            problems.append(FieldProblem(where, "naive datetime"))
        elif meeting.end_utc <= meeting.start_utc:
            problems.append(FieldProblem(where, "must end after it starts"))
        if meeting.sequence < 0:
            problems.append(FieldProblem(where, "The value must be at least %(n)s.", params={"n": 0}))
    if problems:
        raise ValidationFailed("The request is invalid.", problems=problems)
