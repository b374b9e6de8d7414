"""Several processes over one PostgreSQL, for real: three ``kakehashi serve`` and two ``kakehashi worker``
subprocesses. A write through one web process is read through another at once; a job enqueued twice runs
once; a worker killed mid-job (SIGKILL) loses nothing: another worker runs the job again, its result
appears once. Skipped without ``KAKEHASHI_TEST_DATABASE_URL``."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, TypeVar

import httpx
import pytest
from sqlalchemy import select, text

from kakehashi.accounts.roles import Role
from kakehashi.jobs.models import JobRun
from kakehashi.store import Database
from tests.api.payloads import NEW_ORGANISATION
from tests.conftest import PG_URL
from tests.factories import PASSWORD, make_user

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not PG_URL, reason="needs KAKEHASHI_TEST_DATABASE_URL (PostgreSQL)"),
]
KAKEHASHI = str(Path(sys.executable).with_name("kakehashi"))
T = TypeVar("T")


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _wait_for(what: Callable[[], T | None], *, timeout_s: float = 60.0, every_s: float = 0.2) -> T:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        found = what()
        if found:
            return found
        time.sleep(every_s)
    raise AssertionError(f"still waiting after {timeout_s} s")


@pytest.fixture
def migrated() -> Iterator[Database]:
    """The test database with the real migrations (the job queue's schema among them); left as the other
    PostgreSQL tests expect it (tables from the models) afterwards."""
    database = Database(PG_URL)
    with database.engine.begin() as connection:
        connection.execute(text("DROP SCHEMA public CASCADE"))
        connection.execute(text("CREATE SCHEMA public"))
    database.upgrade()
    yield database
    with database.engine.begin() as connection:
        connection.execute(text("DROP SCHEMA public CASCADE"))
        connection.execute(text("CREATE SCHEMA public"))
    database.create_all()
    database.dispose()


@pytest.fixture
def environment(tmp_path: Path) -> dict[str, str]:
    return {
        **os.environ,
        "KAKEHASHI_DATABASE_URL": PG_URL,
        "KAKEHASHI_DATA_DIR": str(tmp_path / "data"),
        "KAKEHASHI_SECRET_KEY": "test-secret-key",
        "KAKEHASHI_EMBEDDER": "fake",
        "KAKEHASHI_JOBS_RUNNER": "workers",
        "KAKEHASHI_JOBS_HEARTBEAT_S": "0.5",
        "KAKEHASHI_JOBS_STALLED_AFTER_S": "2",
        "KAKEHASHI_LOG_FORMAT": "json",
    }


@pytest.fixture
def processes(tmp_path: Path) -> Iterator[list[subprocess.Popen[bytes]]]:
    started: list[subprocess.Popen[bytes]] = []
    yield started
    for process in started:
        if process.poll() is None:
            process.terminate()
    for process in started:
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def _start(
    processes: list[subprocess.Popen[bytes]], env: dict[str, str], log: Path, *args: str
) -> subprocess.Popen[bytes]:
    with log.open("wb") as output:  # the child keeps its own copy of the descriptor
        process = subprocess.Popen([KAKEHASHI, *args], env=env, stdout=output, stderr=subprocess.STDOUT)
    processes.append(process)
    return process


def _ready(port: int) -> bool:
    try:
        return httpx.get(f"http://127.0.0.1:{port}/readyz", timeout=2).status_code == 200
    except httpx.HTTPError:
        return False


def _web(
    processes: list[subprocess.Popen[bytes]], env: dict[str, str], tmp_path: Path, count: int
) -> list[int]:
    ports = [_free_port() for _ in range(count)]
    for port in ports:
        _start(processes, env, tmp_path / f"web-{port}.log", "serve", "--port", str(port))
    for port in ports:
        _wait_for(lambda port=port: _ready(port))  # type: ignore[misc]
    return ports


def _runs(database: Database, key: str) -> list[JobRun]:
    with database.session() as session:
        return list(session.scalars(select(JobRun).where(JobRun.key == key).order_by(JobRun.id)))


def _enqueue(env: dict[str, str], name: str, *, key: str, arguments: str) -> str:
    done = subprocess.run(
        [KAKEHASHI, "jobs", "enqueue", name, "--key", key, "--args", arguments],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    return done.stdout


def test_a_write_through_one_web_process_is_read_through_the_others(
    migrated: Database, environment: dict[str, str], processes: list[Any], tmp_path: Path
) -> None:
    with migrated.session() as session:
        officer = make_user(session, role=Role.OFFICER)
        email = officer.email
    ports = _web(processes, environment, tmp_path, 3)
    first, *others = (f"http://127.0.0.1:{port}/api/v1" for port in ports)
    token = httpx.post(f"{first}/auth/token", json={"email": email, "password": PASSWORD}).json()["token"]
    headers = {"Authorization": f"Bearer {token}"}  # a token issued by one process works on every one
    created = httpx.post(f"{first}/organisations", json=NEW_ORGANISATION, headers=headers)
    assert created.status_code == 201, created.text
    organisation_id = created.json()["id"]
    for other in others:
        read = httpx.get(f"{other}/organisations/{organisation_id}", headers=headers)
        assert read.status_code == 200
        assert read.json()["name"] == NEW_ORGANISATION["name"]


def test_a_job_enqueued_twice_runs_once_and_a_killed_worker_loses_nothing(
    migrated: Database, environment: dict[str, str], processes: list[Any], tmp_path: Path
) -> None:
    workers = [_start(processes, environment, tmp_path / f"worker-{n}.log", "worker") for n in range(2)]
    # Enqueued twice while the first waits: the second is dropped; had it slipped in, the key would skip it.
    assert "queued as job" in _enqueue(environment, "probe", key="twice", arguments='{"seconds": 0.2}')
    _enqueue(environment, "probe", key="twice", arguments='{"seconds": 0.2}')
    _wait_for(lambda: [r for r in _runs(migrated, "twice") if r.status == "succeeded"])
    assert [r.status for r in _runs(migrated, "twice")] == ["succeeded"]

    # A long job; its worker is killed while it runs; the other worker takes it over.
    _enqueue(environment, "probe", key="killed", arguments='{"seconds": 4}')
    running = _wait_for(
        lambda: [r for r in _runs(migrated, "killed") if r.status == "running" and r.done > 0]
    )
    assert running[0].worker is not None
    victim_pid = int(running[0].worker.rsplit(":", 1)[1])
    victim = next(w for w in workers if w.pid == victim_pid)
    os.kill(victim.pid, signal.SIGKILL)
    victim.wait(timeout=10)
    _wait_for(lambda: [r for r in _runs(migrated, "killed") if r.status == "succeeded"], timeout_s=90)
    runs = _runs(migrated, "killed")
    assert [r.status for r in runs] == ["lost", "succeeded"]
    assert runs[1].worker != runs[0].worker
    with migrated.session() as session:
        statuses = session.execute(
            text("SELECT status::text FROM procrastinate_jobs WHERE args->>'key' = 'killed'")
        )
        assert [row[0] for row in statuses] == ["succeeded"]  # one job, done once
