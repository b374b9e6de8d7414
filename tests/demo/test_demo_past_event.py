"""The demo shows the whole product: a past event in Osaka (agenda by the real scheduler and passed by the
independent checker, check-ins, meetings held and no-shows, feedback, follow-ups, the introductions they
opened), and eighteen months of agreements over six quarters for analytics; loaded once."""

from __future__ import annotations

from collections import Counter
from datetime import timedelta

from sqlalchemy import func, select

from kakehashi.demo.loader import load_demo
from kakehashi.demo.past_event import TITLE_EN
from kakehashi.events.agenda_models import CheckIn, Feedback, FollowUp, Meeting, SchedulingRun
from kakehashi.events.models import Event
from kakehashi.pipeline.models import Agreement, Interest, Introduction
from kakehashi.store import Database
from kakehashi.store.base import utcnow


def _quarter(day: object) -> tuple[int, int]:
    return day.year, (day.month - 1) // 3  # type: ignore[attr-defined]


def test_the_demo_has_a_past_event_and_quarters_of_agreements(empty_database: Database) -> None:
    load_demo(empty_database)
    today = utcnow().date()
    with empty_database.session() as session:
        event = session.scalar(select(Event).where(Event.title_en == TITLE_EN))
        assert event is not None
        assert (event.status, event.illustrative, event.time_zone) == ("held", True, "Asia/Tokyo")
        assert event.title("ja") != event.title("it") != event.title("en")
        assert event.days[0] < today - timedelta(days=90)
        [run] = session.scalars(select(SchedulingRun).where(SchedulingRun.event_id == event.id)).all()
        assert (run.status, run.proof_status) == ("succeeded", "optimal")  # checked by the checker too
        meetings = session.scalars(select(Meeting).where(Meeting.event_id == event.id)).all()
        assert len(meetings) >= 8
        assert all(m.status == "published" and m.ends_at < utcnow() for m in meetings)
        outcomes = Counter(m.outcome for m in meetings)
        assert outcomes["no_show"] == 2
        assert outcomes["happened"] == len(meetings) - 2
        ids = [m.id for m in meetings]
        assert session.scalar(select(func.count()).select_from(CheckIn)) >= 8
        assert session.scalar(select(func.count()).where(Feedback.meeting_id.in_(ids))) == 2 * (
            len(meetings) - 2
        )
        follow_ups = session.scalars(select(FollowUp).where(FollowUp.meeting_id.in_(ids))).all()
        assert len(follow_ups) == 2 * (len(meetings) - 2)  # no-shows are not asked
        assert any(f.answer is None for f in follow_ups)
        assert any(f.answer == "negotiation_started" for f in follow_ups)
        from_event = session.scalars(select(Introduction).where(Introduction.event_meeting_id.in_(ids))).all()
        assert from_event
        assert {i.origin for i in from_event} == {"event"}
        assert "negotiating" in {i.stage for i in from_event}
        # Each follow-up points at its meeting's introduction (or the one already open between the two).
        assert {i.id for i in from_event} <= {f.introduction_id for f in follow_ups if f.introduction_id}
        assert session.scalar(select(func.count()).select_from(Interest)) >= 4  # one from feedback
        agreements = session.scalars(select(Agreement)).all()
        quarters = Counter(_quarter(a.signed_on) for a in agreements)
        assert len(quarters) >= 5
        money = [a for a in agreements if a.amount is not None]
        assert {a.currency for a in money} == {"EUR", "JPY"}
        assert len({a.jpy_per_eur for a in money}) >= 5  # the rate of each day
        assert len({s for a in agreements for s in a.sectors}) >= 5
        history = [a for a in agreements if a.signed_on < today - timedelta(days=20)]
        assert len(history) >= 12
        for agreement in history:  # dated back: proposed before it was signed
            intro = session.get(Introduction, agreement.introduction_id)
            assert intro is not None
            assert intro.created_at.date() < agreement.signed_on
        counts = (
            session.scalar(select(func.count()).select_from(Event)),
            session.scalar(select(func.count()).select_from(Introduction)),
        )
    load_demo(empty_database)
    with empty_database.session() as session:
        assert (
            session.scalar(select(func.count()).select_from(Event)),
            session.scalar(select(func.count()).select_from(Introduction)),
        ) == counts
