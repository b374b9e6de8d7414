"""The officers' jobs page: the indexing runs with their progress; members are refused."""

from __future__ import annotations

import time

from fastapi.testclient import TestClient

from kakehashi.accounts.roles import Role
from kakehashi.store import Database
from tests.factories import make_opportunity, make_organisation, make_user
from tests.web.conftest import sign_in


def test_an_officer_sees_the_indexing_runs(client: TestClient, database: Database) -> None:
    with database.session() as session:
        org = make_organisation(session)
        make_opportunity(session, org, status="published")
        officer = make_user(session, role=Role.OFFICER, email="officer@example.org")
        assert officer.id
    sign_in(client, "officer@example.org")
    deadline = time.monotonic() + 30  # the server's indexing thread runs the job after the write
    page = client.get("/jobs", headers={"accept-language": "it"})
    while 'data-status="succeeded"' not in page.text and time.monotonic() < deadline:
        time.sleep(0.1)
        page = client.get("/jobs", headers={"accept-language": "it"})
    assert page.status_code == 200
    assert 'data-testid="job-run" data-status="succeeded"' in page.text
    assert "Aggiornamento dell&#39;indice" in page.text or "Aggiornamento dell'indice" in page.text


def test_a_member_is_refused(client: TestClient, database: Database) -> None:
    with database.session() as session:
        org = make_organisation(session)
        make_user(session, organisation=org, email="member@example.org")
    sign_in(client, "member@example.org")
    assert client.get("/jobs").status_code == 403
