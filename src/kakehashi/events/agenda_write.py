"""Writing the agenda: a run's result, a move by hand, publishing. One rule for participants' calendars:
a meeting's ``uid`` never changes (one per pair of participants), and its ``sequence`` increases on every
change a participant can see (time, table, online link, cancellation, reinstatement), so that the
calendar updates the same entry. Every change to a published meeting is told to the people it touches
(``notices``), never silently.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from kakehashi.events import agenda_notices as notices
from kakehashi.events.agenda_models import Meeting
from kakehashi.events.models import Event
from kakehashi.events.vocab import MeetingStatus
from kakehashi.store.base import utcnow


def meeting_uid(event_id: int, a: int, b: int) -> str:
    """Stable per pair: a meeting cancelled and scheduled again is the same calendar entry."""
    return f"kakehashi-event{event_id}-{min(a, b)}-{max(a, b)}@kakehashi"


def online_link(event: Event, uid: str) -> str | None:
    if not event.online_link_template:
        return None
    return event.online_link_template.replace("{uid}", uid.split("@")[0])


@dataclass(frozen=True, slots=True)
class Planned:
    """A meeting of a run's result, ready to be written."""

    a: int  # registration ids, a < b
    b: int
    slot: int
    starts_at: datetime
    ends_at: datetime
    table_id: int | None  # None: online
    interpreter_pair: str | None
    priority: int

    @property
    def online(self) -> bool:
        return self.table_id is None


def _visible_change(meeting: Meeting, row: Planned) -> bool:
    return meeting.slot != row.slot or meeting.table_id != row.table_id or meeting.online != row.online


def _apply(event: Event, meeting: Meeting, row: Planned) -> None:
    meeting.slot = row.slot
    meeting.starts_at = row.starts_at
    meeting.ends_at = row.ends_at
    meeting.table_id = row.table_id
    meeting.online = row.online
    meeting.online_link = online_link(event, meeting.uid) if row.online else None
    meeting.interpreter_pair = row.interpreter_pair
    meeting.priority = row.priority


def write_result(session: Session, event: Event, run_id: int, rows: Sequence[Planned]) -> dict[str, int]:
    """Make the event's agenda the run's: new pairs are added (preliminary), preliminary ones follow the
    run, published ones that moved or dropped are changed and their people told."""
    existing = {
        (m.registration_a_id, m.registration_b_id): m
        for m in session.scalars(select(Meeting).where(Meeting.event_id == event.id))
    }
    changes = {"added": 0, "moved": 0, "cancelled": 0, "kept": 0, "removed": 0}
    wanted = {(r.a, r.b): r for r in rows}
    for pair, row in wanted.items():
        meeting = existing.get(pair)
        if meeting is None:
            meeting = Meeting(
                event_id=event.id,
                registration_a_id=pair[0],
                registration_b_id=pair[1],
                uid=meeting_uid(event.id, *pair),
                status=MeetingStatus.SCHEDULED,
                sequence=0,
            )
            _apply(event, meeting, row)
            meeting.run_id = run_id
            session.add(meeting)
            changes["added"] += 1
            continue
        meeting.run_id = run_id
        if meeting.status == MeetingStatus.CANCELLED:
            _apply(event, meeting, row)
            meeting.status, meeting.cancelled_at = MeetingStatus.SCHEDULED, None
            if meeting.published_at is not None:
                meeting.sequence += 1
            changes["added"] += 1
        elif _visible_change(meeting, row):
            _apply(event, meeting, row)
            if meeting.status == MeetingStatus.PUBLISHED:
                meeting.sequence += 1
                notices.meeting_changed(session, event, meeting)
            changes["moved"] += 1
        else:
            _apply(event, meeting, row)
            changes["kept"] += 1
    for pair, meeting in existing.items():
        if pair in wanted or meeting.status == MeetingStatus.CANCELLED:
            continue
        if meeting.published_at is None:
            session.delete(meeting)  # preliminary, never seen by anyone
            changes["removed"] += 1
        else:
            cancel(session, event, meeting)
            changes["cancelled"] += 1
    session.flush()
    return changes


def cancel(session: Session, event: Event, meeting: Meeting) -> None:
    was_published = meeting.status == MeetingStatus.PUBLISHED
    meeting.status, meeting.cancelled_at, meeting.locked = MeetingStatus.CANCELLED, utcnow(), False
    meeting.sequence += 1
    if was_published:
        notices.meeting_cancelled(session, event, meeting)


def publish(session: Session, event: Event) -> int:
    """Every preliminary meeting becomes published (a reinstated one with a higher sequence); how many."""
    now = utcnow()
    count = 0
    touched: set[int] = set()
    for meeting in session.scalars(
        select(Meeting).where(Meeting.event_id == event.id, Meeting.status == MeetingStatus.SCHEDULED)
    ):
        if meeting.published_at is not None:
            meeting.sequence += 1
        meeting.status, meeting.published_at = MeetingStatus.PUBLISHED, now
        touched.update({meeting.registration_a_id, meeting.registration_b_id})
        count += 1
    session.flush()
    if touched:
        notices.agenda_published(session, event, touched)
    return count
