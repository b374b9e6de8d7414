"""Scheduling from the page, in the store: a run (as the job runs it) stores the preliminary agenda and
its figures; locks, interpreters, moves, re-runs and publishing keep their rules; both stores."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from kakehashi.errors import Conflict, PermissionDenied, ValidationFailed
from kakehashi.events import agenda_write, locks, moves, runs
from kakehashi.events.agenda import participant_agenda, whole_agenda
from kakehashi.events.agenda_models import InterpreterSupply, Meeting, SchedulingRun
from kakehashi.events.models import Event, Registration
from kakehashi.store import Database
from tests.events.day_world import DayWorld, build_day_world


def _interpreters(database: Database, world: DayWorld, count: int = 1) -> None:
    with database.session() as session:
        locks.set_interpreters(
            session, world.officer, world.event_id, {(t, "it-ja"): count for t in range(8)}
        )


def _run(database: Database, world: DayWorld, *, keep_published: bool = True) -> SchedulingRun:
    with database.session() as session:
        run = runs.create_run(
            session,
            world.officer,
            world.event_id,
            runs.RunOptions(time_limit_s=5, keep_published=keep_published),
        )
        run_id = run.id
    runs.execute_run(database, run_id)
    with database.session() as session:
        stored = session.get(SchedulingRun, run_id)
        assert stored is not None
        session.expunge(stored)
        return stored


def _publish(database: Database, world: DayWorld) -> int:
    with database.session() as session:
        event = session.get(Event, world.event_id)
        assert event is not None
        return agenda_write.publish(session, event)


def test_a_run_stores_the_agenda_and_its_figures(database: Database) -> None:
    world = build_day_world(database)
    _interpreters(database, world)
    run = _run(database, world)
    assert run.status == "succeeded", run.error
    figures = run.figures or {}
    assert figures["meetings_held"] == 5
    assert figures["priority_held"] <= figures["priority_bound"]
    assert {u["reason"] for u in figures["unmet"]} <= {"capacity", "no_common_slot"}
    with database.session() as session:
        meetings = session.scalars(select(Meeting).where(Meeting.event_id == world.event_id)).all()
        assert all(m.status == "scheduled" for m in meetings)
        assert len({m.uid for m in meetings}) == len(meetings)
        vetro = world.registrations["vetro"]
        assert all(m.slot != 0 for m in meetings if vetro in (m.registration_a_id, m.registration_b_id))
        assert all(
            m.online
            for m in meetings
            if world.registrations["kyoto"] in (m.registration_a_id, m.registration_b_id)
        )
        assert session.get(Event, world.event_id).status == "scheduled"  # type: ignore[union-attr]
        # The declined request is not in the agenda.
        pair = tuple(sorted((world.registrations["ferro"], world.registrations["kyoto"])))
        assert pair not in {(m.registration_a_id, m.registration_b_id) for m in meetings}


def test_without_interpreters_the_pairs_without_a_language_are_unmet_and_say_why(database: Database) -> None:
    world = build_day_world(database)
    run = _run(database, world)
    figures = run.figures or {}
    assert figures["meetings_held"] == 1  # only Ferro and Sakura share a language (English)
    assert {u["reason"] for u in figures["unmet"]} == {"no_interpreter"}


def test_members_and_other_agencies_cannot_run_the_scheduler(database: Database) -> None:
    world = build_day_world(database)
    for who in (world.members["ferro"], world.other_officer):
        with database.session() as session, pytest.raises(PermissionDenied):
            runs.create_run(session, who, world.event_id, runs.RunOptions())


def test_a_second_run_waits_for_the_first(database: Database) -> None:
    world = build_day_world(database)
    with database.session() as session:
        runs.create_run(session, world.officer, world.event_id, runs.RunOptions(time_limit_s=5))
    with database.session() as session, pytest.raises(Conflict):
        runs.create_run(session, world.officer, world.event_id, runs.RunOptions(time_limit_s=5))


def test_fewer_interpreters_than_locked_meetings_need_is_refused_and_changes_nothing(
    database: Database,
) -> None:
    world = build_day_world(database)
    _interpreters(database, world)
    _run(database, world)
    vetro_fuji = world.meeting(database, "vetro", "fuji")
    with database.session() as session:
        locks.set_locked(session, world.officer, world.event_id, vetro_fuji.id, locked=True, version=None)
    with database.session() as session, pytest.raises(ValidationFailed) as error:
        locks.set_interpreters(session, world.officer, world.event_id, {(vetro_fuji.slot, "it-ja"): 0})
    assert error.value.message_id.startswith("The interpreters declared are fewer")
    assert error.value.problems[0].params["slot"] == vetro_fuji.slot + 1
    with database.session() as session:
        assert (
            session.scalar(
                select(InterpreterSupply.count).where(
                    InterpreterSupply.event_id == world.event_id, InterpreterSupply.slot == vetro_fuji.slot
                )
            )
            == 1
        )


def test_a_slot_outside_the_event_is_refused(database: Database) -> None:
    world = build_day_world(database)
    with database.session() as session, pytest.raises(ValidationFailed) as error:
        locks.set_interpreters(session, world.officer, world.event_id, {(99, "it-ja"): 1})
    assert error.value.problems[0].message == "Slot %(slot)s is outside the event (1 to %(max)s)."


def test_a_move_is_judged_before_it_is_saved(database: Database) -> None:
    world = build_day_world(database)
    _interpreters(database, world)
    _run(database, world)
    ferro_sakura = world.meeting(database, "ferro", "sakura")
    vetro_sakura = world.meeting(database, "vetro", "sakura")
    with database.session() as session:
        busy = moves.judge_move(
            session,
            world.officer,
            world.event_id,
            ferro_sakura.id,
            slot=vetro_sakura.slot,
            table_id=ferro_sakura.table_id,
        )
        outside = moves.judge_move(
            session, world.officer, world.event_id, ferro_sakura.id, slot=40, table_id=None
        )
    assert not busy.valid
    assert any(p.message == "%(name)s already has a meeting in this slot." for p in busy.problems)
    assert not outside.valid
    free = _free_slot(database, world, ferro_sakura)
    with database.session() as session:
        verdict = moves.judge_move(
            session, world.officer, world.event_id, ferro_sakura.id, slot=free, table_id=ferro_sakura.table_id
        )
        assert verdict.valid, verdict.problems
        moved = moves.move_meeting(
            session,
            world.officer,
            world.event_id,
            ferro_sakura.id,
            slot=free,
            table_id=ferro_sakura.table_id,
            version=ferro_sakura.version,
        )
        assert moved.locked
        assert moved.slot == free


def _free_slot(database: Database, world: DayWorld, meeting: Meeting) -> int:
    with database.session() as session:
        taken = {
            m.slot
            for m in session.scalars(select(Meeting).where(Meeting.event_id == world.event_id))
            if {m.registration_a_id, m.registration_b_id}
            & {meeting.registration_a_id, meeting.registration_b_id}
        }
    return next(t for t in range(8) if t not in taken)


def test_publish_then_rerun_keeps_published_meetings_and_uids(database: Database) -> None:
    world = build_day_world(database)
    _interpreters(database, world)
    _run(database, world)
    assert _publish(database, world) == 5
    before = {m.uid: (m.slot, m.sequence) for m in _meetings(database, world)}
    with database.session() as session:  # a participant leaves: only its meetings change
        reg = session.get(Registration, world.registrations["kyoto"])
        assert reg is not None
        reg.status = "withdrawn"
    run = _run(database, world)
    assert run.status == "succeeded", run.error
    after = {m.uid: (m.slot, m.sequence, m.status) for m in _meetings(database, world)}
    assert set(after) == set(before)
    changed = {uid for uid in before if after[uid][:2] != before[uid]}
    assert len(changed) == 1
    (gone,) = changed
    assert after[gone][2] == "cancelled"
    assert after[gone][1] == before[gone][1] + 1
    assert (run.figures or {})["changes"]["cancelled"] == 1


def _meetings(database: Database, world: DayWorld) -> list[Meeting]:
    with database.session() as session:
        found = list(session.scalars(select(Meeting).where(Meeting.event_id == world.event_id)))
        session.expunge_all()
        return found


def test_a_member_sees_only_its_published_meetings(database: Database) -> None:
    world = build_day_world(database)
    _interpreters(database, world)
    _run(database, world)
    with database.session() as session:
        before = participant_agenda(
            session, world.members["ferro"], world.event_id, world.registrations["ferro"]
        )
        assert before.entries == []
    _publish(database, world)
    with database.session() as session:
        mine = participant_agenda(
            session, world.members["ferro"], world.event_id, world.registrations["ferro"]
        )
        assert {e.counterpart.name for e in mine.entries} == {"Sakura KK", "Fuji KK"}
        assert all(e.own.zone == "Europe/Rome" and e.counterpart.zone == "Asia/Tokyo" for e in mine.entries)
        with pytest.raises(PermissionDenied):
            participant_agenda(session, world.members["ferro"], world.event_id, world.registrations["vetro"])
        with pytest.raises(PermissionDenied):
            whole_agenda(session, world.members["ferro"], world.event_id)
