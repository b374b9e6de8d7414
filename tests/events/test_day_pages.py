"""The scheduling page, the agendas, the desk and the feedback through the pages (TestClient)."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from icalendar import Calendar
from sqlalchemy import select

from kakehashi.app import create_app
from kakehashi.config import Settings
from kakehashi.events import runs
from kakehashi.events.agenda_models import CheckIn, Feedback, Meeting, SchedulingRun
from kakehashi.store import Database
from tests.events.day_world import DayWorld, build_day_world
from tests.web.conftest import post_form, sign_in


class _Recorder:
    """The job runner of the pages, recording instead of running: the test runs the job itself."""

    def __init__(self) -> None:
        self.submitted: list[tuple[str, object]] = []

    def submit(self, name: str, *, key: str | None, arguments: object) -> bool:
        self.submitted.append((name, arguments))
        return True

    def drain(self, *, timeout_s: float) -> None:
        """Nothing runs in this process (the test runs the jobs itself)."""


@pytest.fixture
def app(settings: Settings, database: Database) -> FastAPI:
    built = create_app(settings, database=database)
    built.state.job_runner = _Recorder()
    return built


@pytest.fixture
def world(database: Database) -> DayWorld:
    world = build_day_world(database)
    with database.session() as session:
        from kakehashi.events import locks

        locks.set_interpreters(session, world.officer, world.event_id, {(t, "it-ja"): 1 for t in range(8)})
    return world


def _client(
    app: FastAPI, email: str, language: str = "en", *, lifespan: bool = False
) -> Iterator[TestClient]:
    """A signed-in browser; only the first client of an app runs the app's lifespan (as one server)."""
    client = TestClient(app, headers={"accept-language": language})
    if lifespan:
        with client:
            sign_in(client, email)
            yield client
        return
    sign_in(client, email)
    yield client
    client.close()


@pytest.fixture
def officer(app: FastAPI, world: DayWorld) -> Iterator[TestClient]:
    yield from _client(app, world.emails["officer"], lifespan=True)


def _scheduled(database: Database, world: DayWorld) -> None:
    """What the job does once the officer pressed the button (the run row exists, queued)."""
    with database.session() as session:
        run_id = session.scalar(select(SchedulingRun.id).where(SchedulingRun.status == "queued"))
    assert run_id is not None
    runs.execute_run(database, run_id)


def test_the_officer_schedules_and_publishes_from_the_page(
    app: FastAPI, officer: TestClient, world: DayWorld, database: Database
) -> None:
    submitted = app.state.job_runner.submitted
    page = officer.get(f"/events/{world.event_id}/schedule")
    assert page.status_code == 200
    assert 'data-testid="run-form"' in page.text
    started = post_form(officer, f"/events/{world.event_id}/schedule/run", {"time_limit_s": "5"})
    assert started.status_code == 303
    assert submitted
    assert submitted[0][0] == "event-schedule"
    running = officer.get(f"/events/{world.event_id}/schedule")
    assert 'data-testid="run-progress"' in running.text
    assert 'http-equiv="refresh"' in running.text
    _scheduled(database, world)
    done = officer.get(f"/events/{world.event_id}/schedule")
    assert 'data-testid="run-figures"' in done.text
    assert re.search(r'data-testid="meetings-held">5 / 5<', done.text)
    published = post_form(officer, f"/events/{world.event_id}/agenda/publish", {})
    assert published.status_code == 303
    with database.session() as session:
        assert all(m.status == "published" for m in session.scalars(select(Meeting)))


def test_a_move_page_says_whether_the_move_is_valid(
    officer: TestClient, world: DayWorld, database: Database
) -> None:
    post_form(officer, f"/events/{world.event_id}/schedule/run", {"time_limit_s": "5"})
    _scheduled(database, world)
    meeting = world.meeting(database, "ferro", "sakura")
    other = world.meeting(database, "vetro", "sakura")
    bad = officer.get(
        f"/events/{world.event_id}/meetings/{meeting.id}/move?slot={other.slot + 1}&table={meeting.table_id}"
    )
    assert 'data-valid="false"' in bad.text
    assert "already has a meeting in this slot" in bad.text
    outside = officer.get(f"/events/{world.event_id}/meetings/{meeting.id}/move?slot=99&table=online")
    assert "is outside the event" in outside.text


def test_the_member_reads_its_agenda_downloads_the_ics_and_reports(
    app: FastAPI, officer: TestClient, world: DayWorld, database: Database
) -> None:
    post_form(officer, f"/events/{world.event_id}/schedule/run", {"time_limit_s": "5"})
    _scheduled(database, world)
    post_form(officer, f"/events/{world.event_id}/agenda/publish", {})
    for member in _client(app, world.emails["ferro"], "it"):
        page = member.get(f"/events/{world.event_id}/agenda")
        assert page.status_code == 200
        assert page.text.count('data-testid="agenda-entry"') == 2
        assert "<svg" in page.text
        assert "KH1-E" in page.text
        ics = member.get(f"/events/{world.event_id}/agenda.ics")
        assert ics.headers["content-type"].startswith("text/calendar")
        calendar = Calendar.from_ical(ics.content)
        assert len(calendar.walk("VEVENT")) == 2
        assert calendar.walk("VTIMEZONE")
        other = member.get(f"/events/{world.event_id}/agenda/{world.registrations['vetro']}")
        assert other.status_code == 403
        meeting = world.meeting(database, "ferro", "sakura")
        assert (
            post_form(
                member, f"/events/{world.event_id}/meetings/{meeting.id}/outcome", {"outcome": "no_show"}
            ).status_code
            == 303
        )
        sent = post_form(
            member,
            f"/events/{world.event_id}/meetings/{meeting.id}/feedback",
            {"rating": "not_held", "comment": "Nessuno"},
        )
        assert sent.status_code == 303
        assert member.get(f"/events/{world.event_id}/feedback").status_code == 403
    with database.session() as session:
        assert session.get(Meeting, meeting.id).outcome == "no_show"  # type: ignore[union-attr]
        assert session.scalar(select(Feedback.comment)) == "Nessuno"
    assert "Nessuno" in officer.get(f"/events/{world.event_id}/feedback").text


def test_the_desk_checks_in_by_the_pass_and_undoes(
    app: FastAPI, officer: TestClient, world: DayWorld, database: Database
) -> None:
    for member in _client(app, world.emails["sakura"]):
        code = re.search(
            r'data-testid="checkin-code">([^<]+)<', member.get(f"/events/{world.event_id}/agenda").text
        )
    assert code is not None
    token = code.group(1)
    assert post_form(officer, f"/events/{world.event_id}/desk/checkin", {"token": token}).status_code == 303
    post_form(officer, f"/events/{world.event_id}/desk/checkin", {"token": token})
    again = officer.get(f"/events/{world.event_id}/desk")
    assert "already checked in" in again.text
    forged = post_form(
        officer,
        f"/events/{world.event_id}/desk/checkin",
        {"token": token[:-1] + ("A" if token[-1] != "A" else "B")},
    )
    assert forged.status_code == 303
    with database.session() as session:
        rows = session.scalars(select(CheckIn)).all()
        assert len(rows) == 1
        check_in_id = rows[0].id
    assert (
        post_form(officer, f"/events/{world.event_id}/desk/checkins/{check_in_id}/undo", {}).status_code
        == 303
    )
    with database.session() as session:
        assert session.get(CheckIn, check_in_id).undone_at is not None  # type: ignore[union-attr]


def test_print_pages_render_one_sheet_per_participant_and_table(
    officer: TestClient, world: DayWorld, database: Database
) -> None:
    post_form(officer, f"/events/{world.event_id}/schedule/run", {"time_limit_s": "5"})
    _scheduled(database, world)
    participants = officer.get(f"/events/{world.event_id}/print/participants")
    assert participants.text.count('data-testid="agenda-sheet"') == 5
    tables = officer.get(f"/events/{world.event_id}/print/tables")
    assert tables.status_code == 200
    assert "events-agenda.css" in tables.text
