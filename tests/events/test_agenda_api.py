"""The agenda API: runs (202, status), the agenda as JSON and ICS, check-in, outcomes, feedback; a member
never sees another organisation's agenda nor any feedback."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from icalendar import Calendar
from sqlalchemy import select

from kakehashi.accounts.models import User
from kakehashi.accounts.service import issue_token
from kakehashi.app import create_app
from kakehashi.config import Settings
from kakehashi.events import locks, runs
from kakehashi.events.agenda_models import SchedulingRun
from kakehashi.store import Database
from tests.events.day_world import DayWorld, build_day_world

API = "/api/v1"


class _Recorder:
    def submit(self, name: str, *, key: str | None, arguments: object) -> bool:
        return True

    def drain(self, *, timeout_s: float) -> None:
        """Nothing runs in this process (the test runs the jobs itself)."""


@pytest.fixture
def world(database: Database) -> DayWorld:
    world = build_day_world(database)
    with database.session() as session:
        locks.set_interpreters(session, world.officer, world.event_id, {(t, "it-ja"): 1 for t in range(8)})
    return world


@pytest.fixture
def client(settings: Settings, database: Database) -> Iterator[TestClient]:
    app = create_app(settings, database=database)
    app.state.job_runner = _Recorder()
    with TestClient(app) as test_client:
        yield test_client


def _auth(database: Database, email: str) -> dict[str, str]:
    with database.session() as session:
        user = session.scalar(select(User).where(User.email == email))
        assert user is not None
        return {"Authorization": f"Bearer {issue_token(session, user, max_age_s=3600, label='tests')}"}


def _schedule_and_publish(client: TestClient, database: Database, world: DayWorld) -> dict[str, str]:
    officer = _auth(database, world.emails["officer"])
    started = client.post(f"{API}/events/{world.event_id}/runs", json={"time_limit_s": 5}, headers=officer)
    assert started.status_code == 202, started.text
    run_id = started.json()["run_id"]
    assert (
        client.get(f"{API}/events/{world.event_id}/runs/{run_id}", headers=officer).json()["status"]
        == "queued"
    )
    runs.execute_run(database, run_id)
    status = client.get(f"{API}/events/{world.event_id}/runs/{run_id}", headers=officer).json()
    assert status["status"] == "succeeded"
    assert status["figures"]["meetings_held"] == 5
    published = client.post(f"{API}/events/{world.event_id}/agenda/publish", headers=officer)
    assert published.json() == {"published": 5}
    return officer


def test_a_member_reads_its_own_agenda_only(client: TestClient, database: Database, world: DayWorld) -> None:
    _schedule_and_publish(client, database, world)
    ferro = _auth(database, world.emails["ferro"])
    mine = client.get(f"{API}/events/{world.event_id}/agenda", headers=ferro).json()
    assert mine["participant"]["name"] == "Ferro S.p.A."
    assert {e["counterpart"]["name"] for e in mine["entries"]} == {"Sakura KK", "Fuji KK"}
    assert all(
        e["own"]["zone"] == "Europe/Rome" and e["counterpart"]["zone"] == "Asia/Tokyo"
        for e in mine["entries"]
    )
    other = client.get(
        f"{API}/events/{world.event_id}/registrations/{world.registrations['vetro']}/agenda", headers=ferro
    )
    assert other.status_code == 403
    assert client.get(f"{API}/events/{world.event_id}/feedback", headers=ferro).status_code == 403
    assert client.get(f"{API}/events/{world.event_id}/runs", headers=ferro).status_code == 403
    assert client.get(f"{API}/events/{world.event_id}/agenda", headers={}).status_code == 401
    jetro = _auth(database, world.emails["jetro"])  # an officer, but not of an organising agency
    assert client.get(f"{API}/events/{world.event_id}/feedback", headers=jetro).status_code == 403


def test_the_ics_keeps_its_uid_and_raises_its_sequence_when_a_meeting_moves(
    client: TestClient, database: Database, world: DayWorld
) -> None:
    officer = _schedule_and_publish(client, database, world)
    ferro = _auth(database, world.emails["ferro"])

    def events() -> dict[str, tuple[int, object]]:
        body = client.get(f"{API}/events/{world.event_id}/agenda.ics", headers=ferro).content
        return {
            str(e["UID"]): (int(e.decoded("SEQUENCE")), e.decoded("DTSTART"))
            for e in Calendar.from_ical(body).walk("VEVENT")
        }

    before = events()
    meeting = world.meeting(database, "ferro", "sakura")
    busy = {
        m.slot for m in (world.meeting(database, "ferro", "fuji"), world.meeting(database, "vetro", "sakura"))
    }
    free = next(t for t in range(8) if t not in busy and t != meeting.slot)
    check = client.get(
        f"{API}/events/{world.event_id}/meetings/{meeting.id}/move-check",
        params={"slot": free + 1, "table_id": meeting.table_id},
        headers=officer,
    ).json()
    assert check["valid"], check
    moved = client.post(
        f"{API}/events/{world.event_id}/meetings/{meeting.id}/move",
        json={"slot": free + 1, "table_id": meeting.table_id},
        headers={**officer, "If-Match": f'"{meeting.version}"'},
    )
    assert moved.status_code == 200, moved.text
    after = events()
    assert set(after) == set(before)
    assert after[meeting.uid][0] == before[meeting.uid][0] + 1
    assert after[meeting.uid][1] != before[meeting.uid][1]
    stale = client.post(
        f"{API}/events/{world.event_id}/meetings/{meeting.id}/move",
        json={"slot": free + 1, "table_id": meeting.table_id},
        headers={**officer, "If-Match": f'"{meeting.version}"'},
    )
    assert stale.status_code == 409


def test_check_in_outcome_and_feedback_through_the_api(
    client: TestClient, database: Database, world: DayWorld
) -> None:
    officer = _schedule_and_publish(client, database, world)
    sakura = _auth(database, world.emails["sakura"])
    agenda = client.get(f"{API}/events/{world.event_id}/agenda", headers=sakura).json()
    meeting_id = agenda["entries"][0]["meeting_id"]
    from kakehashi.events.checkin import participant_pass

    with database.session() as session:
        token = participant_pass(
            session, world.officer, "test-secret-key", world.event_id, world.registrations["sakura"]
        ).token
    done = client.post(f"{API}/events/{world.event_id}/checkins", json={"token": token}, headers=officer)
    assert done.status_code == 201, done.text
    assert (
        client.post(
            f"{API}/events/{world.event_id}/checkins", json={"token": token}, headers=officer
        ).status_code
        == 409
    )
    undone = client.delete(f"{API}/events/{world.event_id}/checkins/{done.json()['id']}", headers=officer)
    assert undone.json()["undone"] is True
    happened = client.put(
        f"{API}/events/{world.event_id}/meetings/{meeting_id}/outcome",
        json={"outcome": "happened"},
        headers=sakura,
    )
    assert happened.json()["outcome"] == "happened"
    no_show = client.put(
        f"{API}/events/{world.event_id}/meetings/{meeting_id}/outcome",
        json={"outcome": "no_show"},
        headers=officer,
    )
    assert no_show.json()["outcome"] == "no_show"  # "did not happen" wins
    sent = client.put(
        f"{API}/events/{world.event_id}/meetings/{meeting_id}/feedback",
        json={"rating": "cooperation_possible", "comment": "Ottimo"},
        headers=sakura,
    )
    assert sent.status_code == 200
    seen = client.get(f"{API}/events/{world.event_id}/feedback", headers=officer).json()
    assert [(f["organisation_name"], f["rating"]) for f in seen] == [("Sakura KK", "cooperation_possible")]
    with database.session() as session:
        assert session.scalar(select(SchedulingRun.status)) == "succeeded"
