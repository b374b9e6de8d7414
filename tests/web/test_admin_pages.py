"""Administrators' pages: users (role, deactivation) and the audit log with filters and export."""

from __future__ import annotations

import json
from typing import Any

import pytest
from fastapi.testclient import TestClient

from kakehashi.accounts.roles import Role
from kakehashi.store import Database
from tests.factories import make_organisation, make_user
from tests.web.conftest import post_form, sign_in


@pytest.fixture
def people(database: Database) -> dict[str, Any]:
    with database.session() as session:
        org = make_organisation(session)
        member = make_user(session, organisation=org, email="member@example.org")
        make_user(session, role=Role.OFFICER, email="officer@example.org")
        make_user(session, role=Role.ADMIN, email="admin@example.org")
        return {"member": member.id, "org": org.id}


@pytest.mark.parametrize("who", ["member@example.org", "officer@example.org"])
def test_others_are_refused(client: TestClient, people: dict[str, Any], who: str) -> None:
    sign_in(client, who)
    assert client.get("/admin/users").status_code == 403
    assert client.get("/admin/audit").status_code == 403
    assert post_form(client, f"/admin/users/{people['member']}/deactivate", {}).status_code == 403


def test_visitors_are_sent_to_sign_in(client: TestClient, people: dict[str, Any]) -> None:
    assert client.get("/admin/users", follow_redirects=False).status_code == 303


def test_an_administrator_deactivates_a_user_who_is_then_signed_out(
    client: TestClient, people: dict[str, Any]
) -> None:
    victim = TestClient(client.app, headers={"accept-language": "en"})
    sign_in(victim, "member@example.org")
    sign_in(client, "admin@example.org")
    listing = client.get("/admin/users")
    assert "member@example.org" in listing.text
    assert post_form(client, f"/admin/users/{people['member']}/deactivate", {}).status_code == 303
    assert victim.get("/account/password", follow_redirects=False).status_code == 303
    assert "Deactivated" in client.get("/admin/users").text
    changed = post_form(
        client, f"/admin/users/{people['member']}/role", {"role": "officer", "agency": "JETRO"}
    )
    assert changed.status_code == 303
    assert post_form(client, f"/admin/users/{people['member']}/activate", {}).status_code == 303


def test_the_audit_page_filters_pages_and_exports(client: TestClient, people: dict[str, Any]) -> None:
    post_form(client, "/signin", {"email": "member@example.org", "password": "a wrong guess"})
    sign_in(client, "admin@example.org")
    page = client.get("/admin/audit")
    assert page.status_code == 200
    assert "sign_in_failed" in page.text
    only = client.get("/admin/audit", params={"kind": "sign_in_failed"})
    assert only.text.count('data-testid="audit-row"') == 1
    exported = client.get("/admin/audit/export", params={"format": "jsonl", "kind": "sign_in_failed"})
    assert exported.headers["content-type"].startswith("application/x-ndjson")
    (line,) = exported.text.splitlines()
    assert json.loads(line)["detail"]["email"] == "member@example.org"
    as_csv = client.get("/admin/audit/export", params={"format": "csv"})
    assert as_csv.text.splitlines()[0] == "id,at,kind,actor_user_id,actor_email,target,address,detail"
