"""Jobs through the API: who sees them, the in-process indexing runs; the health and readiness probes."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

import pytest
from fastapi.testclient import TestClient

from kakehashi.config import Settings
from kakehashi.store import Database
from tests.api.conftest import World

T = TypeVar("T")


def _eventually(what: Callable[[], T | None], timeout_s: float = 30.0) -> T:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        found = what()
        if found:
            return found
        time.sleep(0.05)
    raise AssertionError("never happened")


@pytest.mark.parametrize(
    ("who", "status"), [("visitor", 401), ("member_a", 403), ("officer", 200), ("admin", 200)]
)
def test_only_staff_see_the_jobs(client: TestClient, world: World, who: str, status: int) -> None:
    response = client.get("/api/v1/jobs", headers=world.auth(who))
    assert response.status_code == status, response.text


def test_officers_see_the_in_process_indexing_runs(client: TestClient, world: World) -> None:
    def indexed() -> list[dict[str, object]]:
        body = client.get("/api/v1/jobs", headers=world.auth("officer")).json()
        return [
            run for run in body["runs"] if run["task"] == "index-refresh" and run["status"] == "succeeded"
        ]

    run = _eventually(indexed)[0]  # the world's published opportunities, embedded by the job
    assert run["done"] == run["total"]
    assert client.get("/api/v1/jobs", headers=world.auth("officer")).json()["waiting"] == []


def test_health_and_readiness(client: TestClient) -> None:
    assert client.get("/healthz").json() == {"status": "ok"}
    behind = client.get("/readyz")  # the test store is made from the models, not by the migrations
    assert behind.status_code == 503
    assert behind.json()["migrations"] == "behind"


def test_ready_once_migrated(empty_database: Database, tmp_path: Path) -> None:
    from kakehashi.app import create_app

    settings = Settings(data_dir=tmp_path, database_url=empty_database.url, secret_key="k", embedder="fake")
    empty_database.upgrade()
    with TestClient(create_app(settings, database=empty_database)) as client:
        ready = client.get("/readyz")
    assert ready.status_code == 200
    assert ready.json() == {"status": "ok", "database": "reachable", "migrations": "at head"}


def test_an_officer_enqueues_a_probe_that_runs_once_per_key(
    client: TestClient, world: World, database: Database
) -> None:
    officer = world.auth("officer")
    body = {"job": "probe", "arguments": {"seconds": 0}, "key": "check-1"}
    assert client.post("/api/v1/jobs", json=body, headers=officer).json() == {"queued": True}

    def probes() -> list[dict[str, object]]:
        runs = client.get("/api/v1/jobs", headers=officer).json()["runs"]
        return [run for run in runs if run["task"] == "probe" and run["status"] == "succeeded"]

    _eventually(probes)
    client.post("/api/v1/jobs", json=body, headers=officer)  # the key has succeeded: nothing runs again
    time.sleep(0.2)
    assert len(probes()) == 1


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"job": "probe", "arguments": {"seconds": 600}}, "arguments"),
        ({"job": "probe", "arguments": {"loud": True}}, "arguments"),
        ({"job": "index-rebuild", "arguments": {"full": "yes"}}, "arguments"),
        ({"job": "fly"}, "job"),
    ],
)
def test_bad_job_requests_name_the_field(
    client: TestClient, world: World, body: dict[str, object], field: str
) -> None:
    response = client.post("/api/v1/jobs", json=body, headers=world.auth("admin"))
    assert response.status_code == 422, response.text
    assert [problem["field"].split(".")[0] for problem in response.json()["error"]["fields"]] == [field]
