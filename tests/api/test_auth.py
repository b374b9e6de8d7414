"""Tokens: sign in, who am I, sign out; and every way a token can be wrong."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from fastapi.testclient import TestClient
from sqlalchemy import update

from kakehashi.accounts.models import ApiToken
from kakehashi.config import Settings
from kakehashi.store import Database
from tests.api.conftest import API, World, assert_error, field_names
from tests.factories import PASSWORD, make_organisation, make_user


def test_sign_in_returns_a_working_token_that_expires_as_configured(
    client: TestClient, database: Database, settings: Settings
) -> None:
    with database.session() as session:
        org = make_organisation(session)
        make_user(session, organisation=org, email="mario@example.it")
    before = datetime.now(UTC)
    response = client.post(f"{API}/auth/token", json={"email": " Mario@Example.it ", "password": PASSWORD})
    assert response.status_code == 201, response.text
    body = response.json()
    assert body["token_type"] == "bearer"
    expires_at = datetime.fromisoformat(body["expires_at"])
    lifetime = timedelta(seconds=settings.api_token_max_age_s)
    assert before + lifetime <= expires_at <= datetime.now(UTC) + lifetime

    me = client.get(f"{API}/me", headers={"Authorization": f"Bearer {body['token']}"})
    assert me.status_code == 200, me.text
    assert me.json()["email"] == "mario@example.it"
    assert me.json()["role"] == "member"
    assert me.json()["organisation_id"] == org.id


def test_wrong_password_and_unknown_user_get_the_same_401(client: TestClient, database: Database) -> None:
    with database.session() as session:
        make_user(session, organisation=make_organisation(session), email="known@example.org")
    wrong = client.post(f"{API}/auth/token", json={"email": "known@example.org", "password": "not it at all"})
    unknown = client.post(f"{API}/auth/token", json={"email": "nobody@example.org", "password": PASSWORD})
    assert assert_error(wrong, 401, "authentication_required") == assert_error(
        unknown, 401, "authentication_required"
    )


def test_sign_in_without_password_is_a_422_naming_the_field(client: TestClient) -> None:
    error = assert_error(client.post(f"{API}/auth/token", json={"email": "a@b.it"}), 422, "validation_failed")
    assert field_names(error) == {"password"}


def test_me_describes_an_officer_with_the_agency(client: TestClient, world: World) -> None:
    body = client.get(f"{API}/me", headers=world.auth("officer")).json()
    assert body["role"] == "officer"
    assert body["agency"] == "ICE"
    assert body["organisation_id"] is None


def test_me_needs_a_token(client: TestClient) -> None:
    response = client.get(f"{API}/me")
    assert_error(response, 401, "authentication_required")
    assert response.headers["WWW-Authenticate"] == "Bearer"


def test_unknown_token_is_401_not_a_visitor(client: TestClient, world: World) -> None:
    # Even on a public list: a client with a bad token must learn it, not silently browse anonymised.
    response = client.get(f"{API}/opportunities", headers={"Authorization": "Bearer kk_not-a-token"})
    assert_error(response, 401, "authentication_required")


def test_malformed_authorization_header_is_401(client: TestClient, world: World) -> None:
    for header in ("Basic dXNlcjpwYXNz", "Bearer", "Bearer    ", world.tokens["member_a"]):
        response = client.get(f"{API}/me", headers={"Authorization": header})
        assert_error(response, 401, "authentication_required")


def test_expired_token_is_401(client: TestClient, world: World, database: Database) -> None:
    assert client.get(f"{API}/me", headers=world.auth("member_a")).status_code == 200
    with database.session() as session:
        session.execute(update(ApiToken).values(expires_at=datetime.now(UTC) - timedelta(seconds=1)))
    assert_error(client.get(f"{API}/me", headers=world.auth("member_a")), 401, "authentication_required")


def test_sign_out_revokes_only_that_token(client: TestClient, world: World) -> None:
    response = client.delete(f"{API}/auth/token", headers=world.auth("member_a"))
    assert response.status_code == 204
    assert response.content == b""
    assert_error(client.get(f"{API}/me", headers=world.auth("member_a")), 401)
    assert client.get(f"{API}/me", headers=world.auth("member_b")).status_code == 200


def test_sign_out_needs_a_token(client: TestClient) -> None:
    assert_error(client.delete(f"{API}/auth/token"), 401, "authentication_required")


def test_repeated_wrong_passwords_are_throttled_even_for_the_right_one(
    client: TestClient, database: Database
) -> None:
    with database.session() as session:
        make_user(session, organisation=make_organisation(session), email="target@example.org")
    guess = {"email": "target@example.org", "password": "wrong guess"}
    for _ in range(5):
        assert_error(client.post(f"{API}/auth/token", json=guess), 401)
    right = {"email": "target@example.org", "password": PASSWORD}
    error = assert_error(client.post(f"{API}/auth/token", json=right), 429, "too_many_attempts")
    assert "Try again" in error["message"]
