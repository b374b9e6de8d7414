"""From an event meeting into the pipeline: both sides wanting to continue (follow-up or feedback) opens one
proposed introduction linked to the meeting, without presuming consent; feedback can express interest;
the board filters by event; both stores."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from kakehashi.errors import ValidationFailed
from kakehashi.events import agenda_write, feedback, followups, locks, runs
from kakehashi.events.agenda_models import FollowUp
from kakehashi.events.feedback import InterestWish
from kakehashi.events.models import Event
from kakehashi.notifications.models import Notice
from kakehashi.pipeline import introductions
from kakehashi.pipeline.from_meetings import wants_to_continue
from kakehashi.pipeline.introductions import BoardFilters
from kakehashi.pipeline.models import Interest, Introduction
from kakehashi.store import Database
from kakehashi.store.base import utcnow
from tests.events.day_world import DayWorld, build_day_world
from tests.factories import make_opportunity

TODAY = date(2027, 2, 1)


def _held(database: Database) -> tuple[DayWorld, int]:
    """The day world scheduled and published; the id of the meeting ferro–sakura."""
    world = build_day_world(database)
    with database.session() as session:
        locks.set_interpreters(session, world.officer, world.event_id, {(t, "it-ja"): 1 for t in range(8)})
    with database.session() as session:
        run_id = runs.create_run(session, world.officer, world.event_id, runs.RunOptions(time_limit_s=5)).id
    runs.execute_run(database, run_id)
    with database.session() as session:
        event = session.get(Event, world.event_id)
        assert event is not None
        agenda_write.publish(session, event)
    return world, world.meeting(database, "ferro", "sakura").id


def test_a_side_wants_to_continue_by_its_latest_word() -> None:
    assert wants_to_continue(None, "cooperation_possible")
    assert not wants_to_continue(None, "informative")
    assert wants_to_continue("negotiation_started", "informative")
    assert not wants_to_continue("no_further_contact", "cooperation_possible")  # the later word wins


def test_both_sides_follow_ups_open_one_proposed_introduction_linked_to_the_meeting(
    database: Database,
) -> None:
    world, meeting_id = _held(database)
    with database.session() as session:
        followups.ask_due(session, now=utcnow(), after_days=0)
    with database.session() as session:
        first = followups.answer_follow_up(
            session, world.members["ferro"], world.event_id, meeting_id, answer="negotiation_started"
        )
        assert first.introduction_id is None  # one side alone proposes nothing
        assert session.scalars(select(Introduction)).all() == []
        second = followups.answer_follow_up(
            session, world.members["sakura"], world.event_id, meeting_id, answer="valuable_contact"
        )
        assert second.introduction_id is not None
    with database.session() as session:
        [intro] = session.scalars(select(Introduction)).all()
        assert (intro.origin, intro.stage, intro.event_meeting_id) == ("event", "proposed", meeting_id)
        # Consent is not presumed: nothing is disclosed until both accept in the pipeline.
        assert (intro.consent_a_at, intro.consent_b_at, intro.disclosed_at) == (None, None, None)
        links = {
            row.introduction_id
            for row in session.scalars(select(FollowUp).where(FollowUp.meeting_id == meeting_id))
        }
        assert links == {intro.id}
        told = session.scalars(select(Notice).where(Notice.kind == "intro.proposed")).all()
        assert told  # both organisations and the organising agency (ICE)
        assert all("Sakura" not in str(n.params) and "Ferro" not in str(n.params) for n in told)
        # Answered again, nothing new is opened.
        followups.answer_follow_up(
            session, world.members["ferro"], world.event_id, meeting_id, answer="agreement_reached"
        )
        assert len(session.scalars(select(Introduction)).all()) == 1
        intro_id = intro.id
    with database.session() as session:
        by_event = introductions.board(
            session, world.officer, BoardFilters(event_id=world.event_id), today=TODAY
        )
        assert [v.id for v in by_event["proposed"]] == [intro_id]
        other = introductions.board(
            session, world.officer, BoardFilters(event_id=world.event_id + 1), today=TODAY
        )
        assert other["proposed"] == []


def test_both_sides_feedback_cooperation_possible_proposes_and_a_no_show_does_not(database: Database) -> None:
    world, meeting_id = _held(database)
    with database.session() as session:
        feedback.give_feedback(
            session, world.members["ferro"], world.event_id, meeting_id, rating="cooperation_possible"
        )
        feedback.give_feedback(
            session, world.members["sakura"], world.event_id, meeting_id, rating="cooperation_possible"
        )
        assert len(session.scalars(select(Introduction)).all()) == 1
    other = world.meeting(database, "vetro", "fuji").id
    with database.session() as session:
        feedback.give_feedback(session, world.members["vetro"], world.event_id, other, rating="not_held")
        feedback.give_feedback(
            session, world.members["fuji"], world.event_id, other, rating="cooperation_possible"
        )
        assert len(session.scalars(select(Introduction)).all()) == 1


def test_feedback_can_express_interest_in_the_counterparts_opportunity(database: Database) -> None:
    world, meeting_id = _held(database)
    with database.session() as session:
        from kakehashi.profiles.models import Organisation

        sakura = session.get(Organisation, world.organisations["sakura"])
        ferro = session.get(Organisation, world.organisations["ferro"])
        assert sakura is not None
        assert ferro is not None
        wanted = make_opportunity(session, sakura, title="SiC modules for rail").id
        own = make_opportunity(session, ferro, title="Our own offer").id
    with database.session() as session:
        with pytest.raises(ValidationFailed):  # not the counterpart's opportunity: nothing is saved
            feedback.give_feedback(
                session,
                world.members["ferro"],
                world.event_id,
                meeting_id,
                rating="informative",
                interest=InterestWish(opportunity_id=own),
            )
        session.rollback()
    with database.session() as session:
        feedback.give_feedback(
            session,
            world.members["ferro"],
            world.event_id,
            meeting_id,
            rating="informative",
            interest=InterestWish(note="Campioni a marzo?"),
        )
    with database.session() as session:
        [interest] = session.scalars(select(Interest)).all()
        assert (interest.opportunity_id, interest.from_organisation_id) == (
            wanted,
            world.organisations["ferro"],
        )
        assert interest.note == "Campioni a marzo?"
        assert interest.status == "pending"
