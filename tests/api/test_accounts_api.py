"""Accounts over the API: password change and reset, users for administrators, the audit log, rate limits."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from kakehashi.app import create_app
from kakehashi.config import Settings
from kakehashi.store import Database
from tests.api.conftest import API, World, assert_error
from tests.factories import PASSWORD
from tests.mailbox import Mailbox

NEW_PASSWORD = "ventisette gradi a Osaka"


def _me(client: TestClient, world: World, who: str) -> dict[str, object]:
    response = client.get(f"{API}/me", headers=world.auth(who))
    assert response.status_code == 200, response.text
    body: dict[str, object] = response.json()
    return body


def test_a_password_change_keeps_this_token_and_revokes_the_others(client: TestClient, world: World) -> None:
    me = _me(client, world, "member_a")
    other = client.post(f"{API}/auth/token", json={"email": me["email"], "password": PASSWORD}).json()[
        "token"
    ]
    weak = client.put(
        f"{API}/me/password",
        json={"current_password": PASSWORD, "new_password": str(me["email"])},
        headers=world.auth("member_a"),
    )
    error = assert_error(weak, 422, "validation_failed")
    assert {p["field"] for p in error["fields"]} == {"new_password"}
    changed = client.put(
        f"{API}/me/password",
        json={"current_password": PASSWORD, "new_password": NEW_PASSWORD},
        headers=world.auth("member_a"),
    )
    assert changed.status_code == 204, changed.text
    assert client.get(f"{API}/me", headers=world.auth("member_a")).status_code == 200
    assert_error(client.get(f"{API}/me", headers={"Authorization": f"Bearer {other}"}), 401)
    assert_error(client.post(f"{API}/auth/token", json={"email": me["email"], "password": PASSWORD}), 401)
    assert (
        client.post(f"{API}/auth/token", json={"email": me["email"], "password": NEW_PASSWORD}).status_code
        == 201
    )


@pytest.fixture
def mailing_client(settings: Settings, database: Database, mailbox: Mailbox) -> Iterator[TestClient]:
    configured = settings.model_copy(update={"smtp_host": mailbox.host, "smtp_port": mailbox.port})
    with TestClient(create_app(configured, database=database)) as test_client:
        yield test_client


def test_a_password_reset_over_the_api(mailing_client: TestClient, world: World, mailbox: Mailbox) -> None:
    client = mailing_client
    email = _me(client, world, "member_b")["email"]
    assert client.post(f"{API}/auth/password-reset", json={"email": email}).status_code == 204
    assert client.post(f"{API}/auth/password-reset", json={"email": "nobody@example.org"}).status_code == 204
    match = re.search(r"token=(\S+)", mailbox.only().get_content())
    assert match is not None
    token = match.group(1)
    confirm = {"token": token, "new_password": NEW_PASSWORD}
    assert client.post(f"{API}/auth/password-reset/confirm", json=confirm).status_code == 204
    assert_error(client.post(f"{API}/auth/password-reset/confirm", json=confirm), 404, "not_found")
    assert_error(client.get(f"{API}/me", headers=world.auth("member_b")), 401)  # old tokens revoked
    assert (
        client.post(f"{API}/auth/token", json={"email": email, "password": NEW_PASSWORD}).status_code == 201
    )


@pytest.mark.parametrize(("who", "status"), [("visitor", 401), ("member_a", 403), ("officer", 403)])
def test_only_administrators_manage_users(client: TestClient, world: World, who: str, status: int) -> None:
    target = _me(client, world, "member_b")["id"]
    assert_error(client.get(f"{API}/users", headers=world.auth(who)), status)
    assert_error(
        client.patch(f"{API}/users/{target}", json={"active": False}, headers=world.auth(who)), status
    )
    assert_error(client.get(f"{API}/audit", headers=world.auth(who)), status)
    assert client.get(f"{API}/me", headers=world.auth("member_b")).status_code == 200


def test_an_administrator_deactivates_and_changes_roles(client: TestClient, world: World) -> None:
    admin = world.auth("admin")
    target = _me(client, world, "member_b")["id"]
    users = client.get(f"{API}/users", headers=admin).json()
    assert len(users) == 4
    off = client.patch(f"{API}/users/{target}", json={"active": False}, headers=admin)
    assert off.status_code == 200, off.text
    assert off.json()["active"] is False
    assert_error(client.get(f"{API}/me", headers=world.auth("member_b")), 401)  # its token ended at once
    officer = client.patch(
        f"{API}/users/{target}", json={"role": "officer", "agency": "JETRO"}, headers=admin
    )
    assert officer.json()["role"] == "officer"
    assert officer.json()["agency"] == "JETRO"
    no_agency = client.patch(
        f"{API}/users/{_me(client, world, 'member_a')['id']}", json={"role": "officer"}, headers=admin
    )
    assert_error(no_agency, 422)
    me = _me(client, world, "admin")["id"]
    assert_error(client.patch(f"{API}/users/{me}", json={"active": False}, headers=admin), 409, "conflict")
    assert_error(client.patch(f"{API}/users/999999", json={"active": False}, headers=admin), 404)


def test_the_audit_log_records_and_filters(client: TestClient, world: World) -> None:
    email = _me(client, world, "member_a")["email"]
    client.post(f"{API}/auth/token", json={"email": email, "password": "a wrong guess"})
    client.post(f"{API}/auth/token", json={"email": email, "password": PASSWORD})
    client.post(f"{API}/opportunities/{world.opps['a_draft']}/submit", headers=world.auth("member_a"))
    admin = world.auth("admin")
    kinds = {e["kind"] for e in client.get(f"{API}/audit?page_size=100", headers=admin).json()["items"]}
    assert {"sign_in_failed", "sign_in", "token_issued", "opportunity_transition"} <= kinds
    failed = client.get(f"{API}/audit?kind=sign_in_failed", headers=admin).json()
    assert failed["total"] == 1
    assert failed["items"][0]["detail"]["email"] == email
    assert failed["items"][0]["address"] == "testclient"
    moved = client.get(f"{API}/audit?kind=opportunity_transition", headers=admin).json()["items"]
    assert moved[0]["target"] == f"opportunity:{world.opps['a_draft']}"
    assert moved[0]["detail"] == {"action": "submit", "from": "draft", "to": "in_review"}
    paged = client.get(f"{API}/audit?page_size=2&page=2", headers=admin).json()
    assert paged["page"] == 2
    assert len(paged["items"]) == 2
    future = client.get(f"{API}/audit?since=2999-01-01T00:00:00", headers=admin).json()
    assert future["total"] == 0


@pytest.fixture
def limited(settings: Settings, database: Database) -> Iterator[TestClient]:
    configured = settings.model_copy(
        update={"search_rate_per_minute": 1, "search_burst": 3, "api_rate_per_minute": 1, "api_burst": 8}
    )
    with TestClient(create_app(configured, database=database)) as test_client:
        yield test_client


def test_searches_and_api_calls_are_rate_limited_with_retry_after(limited: TestClient, world: World) -> None:
    # The finding: 40 searches of 2,000 characters took 53 s of CPU, nothing limited them.
    for _ in range(3):
        assert limited.get(f"{API}/opportunities", params={"q": "wafer"}).status_code == 200
    refused = limited.get(f"{API}/opportunities", params={"q": "wafer"})
    error = assert_error(refused, 429, "too_many_attempts")
    assert int(refused.headers["retry-after"]) >= 1
    assert "Try again" in error["message"]
    assert limited.get("/search", params={"q": "wafer"}).status_code == 429  # the pages share the bucket
    # Another client (its own token) has its own buckets; plain reads are limited by the API rate only.
    assert (
        limited.get(f"{API}/opportunities", params={"q": "wafer"}, headers=world.auth("officer")).status_code
        == 200
    )
    statuses = [limited.get(f"{API}/opportunities").status_code for _ in range(8)]
    assert statuses[-1] == 429
    assert limited.get("/opportunities").status_code == 200  # pages without a search are not API calls
