"""The demo's illustrative event: open for requests, registrations and requests in every state, loaded
once however often the demo runs."""

from __future__ import annotations

from collections import Counter

from sqlalchemy import select

from kakehashi.accounts.roles import VISITOR
from kakehashi.demo.events import TITLE_EN
from kakehashi.demo.loader import load_demo
from kakehashi.events import requests, service
from kakehashi.events.models import Event, MeetingRequest, Registration
from kakehashi.store import Database
from kakehashi.store.base import utcnow


def test_the_demo_event_shows_the_workflow(empty_database: Database) -> None:
    load_demo(empty_database)
    load_demo(empty_database)
    with empty_database.session() as session:
        [event] = session.scalars(select(Event).where(Event.title_en == TITLE_EN)).all()
        assert event.illustrative
        assert event.status == "booking"
        assert service.booking_open(event)
        assert sorted(event.organisers) == ["ICE", "JETRO"]
        statuses = Counter(
            r.status for r in session.scalars(select(Registration).where(Registration.event_id == event.id))
        )
        assert statuses == {"approved": 11, "pending": 2, "declined": 1}
        now = utcnow()
        marks = Counter(requests.effective_status(r, now) for r in session.scalars(select(MeetingRequest)))
        assert {"pending", "accepted", "declined", "expired", "recorded"} <= set(marks)
        assert service.event_view(session, VISITOR, event).participants == 11
