"""What the scheduler is asked to hold: for each pair of approved participants, whether and how much they
want to meet, from their marks (the input of a scheduling run; read, never written here).

A pair is wanted when at least one side's request is accepted (in automatic mode requests are accepted at
once); pending, declined, withdrawn and expired requests do not count, and a "no thanks" from either side
excludes the pair whatever the other side asked. The priority is 2 for a "must meet", 1 for a "meet",
plus 1 when both sides asked.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from kakehashi.events.models import MeetingRequest, Registration
from kakehashi.events.requests import effective_status
from kakehashi.events.vocab import Mark, RegistrationStatus, RequestStatus
from kakehashi.store.base import utcnow

MUST_MEET_PRIORITY = 2
MEET_PRIORITY = 1
MUTUAL_BONUS = 1


@dataclass(frozen=True, slots=True)
class Wish:
    """A pair to schedule: registrations ``a`` < ``b``, its priority, and who asked."""

    a: int
    b: int
    priority: int
    must_meet: bool
    mutual: bool


def meeting_wishes(session: Session, event_id: int, *, now: datetime | None = None) -> list[Wish]:
    moment = now or utcnow()
    approved = set(
        session.scalars(
            select(Registration.id).where(
                Registration.event_id == event_id, Registration.status == RegistrationStatus.APPROVED.value
            )
        )
    )
    rows = session.scalars(select(MeetingRequest).where(MeetingRequest.event_id == event_id)).all()
    refused: set[tuple[int, int]] = set()
    asked: dict[tuple[int, int], list[str]] = {}
    for row in rows:
        if row.from_registration_id not in approved or row.to_registration_id not in approved:
            continue
        pair = (
            min(row.from_registration_id, row.to_registration_id),
            max(row.from_registration_id, row.to_registration_id),
        )
        if row.mark == Mark.NO_THANKS.value:
            refused.add(pair)
        elif effective_status(row, moment) == RequestStatus.ACCEPTED.value:
            asked.setdefault(pair, []).append(row.mark)
    wishes = []
    for pair, marks in sorted(asked.items()):
        if pair in refused:
            continue
        must = Mark.MUST_MEET.value in marks
        mutual = len(marks) > 1
        priority = (MUST_MEET_PRIORITY if must else MEET_PRIORITY) + (MUTUAL_BONUS if mutual else 0)
        wishes.append(Wish(a=pair[0], b=pair[1], priority=priority, must_meet=must, mutual=mutual))
    return wishes
