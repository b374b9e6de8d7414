"""Browser sessions live in the store: they end at sign-out, password change, deactivation and timeouts.

The issue's finding: a copied session cookie still worked after sign-out (a stateless signed cookie for
14 days), and the cookie was not Secure and there was no HSTS over HTTPS.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select, update

from kakehashi.accounts.admin import set_active
from kakehashi.accounts.models import UserSession
from kakehashi.accounts.roles import Role
from kakehashi.accounts.service import SYSTEM
from kakehashi.app import SESSION_COOKIE, create_app
from kakehashi.config import Settings
from kakehashi.store import Database
from kakehashi.store.base import utcnow
from tests.factories import PASSWORD, make_organisation, make_user
from tests.web.conftest import csrf_token, post_form, sign_in

EMAIL = "member@example.org"
NEW_PASSWORD = "ventisette gradi a Osaka"


@pytest.fixture
def member(database: Database) -> int:
    with database.session() as session:
        return make_user(session, organisation=make_organisation(session), email=EMAIL).id


def _signed_in(client: TestClient) -> bool:
    """Whether this client's cookie opens a page that needs an account."""
    return client.get("/account/password", follow_redirects=False).status_code == 200


def _copy(app_client: TestClient, cookie: str) -> TestClient:
    thief = TestClient(app_client.app, headers={"accept-language": "en"})
    thief.cookies.set(SESSION_COOKIE, cookie)
    return thief


def test_a_copied_cookie_stops_working_at_sign_out(client: TestClient, member: int) -> None:
    sign_in(client, EMAIL)
    copied = client.cookies[SESSION_COOKIE]
    assert _signed_in(_copy(client, copied))
    assert post_form(client, "/signout", {}).status_code == 303
    assert not _signed_in(client)
    assert not _signed_in(_copy(client, copied))  # the finding: it still worked


def test_the_cookie_holds_only_an_id_and_the_store_only_its_hash(
    client: TestClient, member: int, database: Database
) -> None:
    sign_in(client, EMAIL)
    cookie = client.cookies[SESSION_COOKIE]
    assert EMAIL not in cookie
    with database.session() as session:
        (row,) = session.scalars(select(UserSession)).all()
        assert row.user_id == member
        assert len(row.id_hash) == 64
        assert row.id_hash not in cookie


def test_the_session_id_is_new_at_sign_in_and_the_old_one_is_worthless(
    client: TestClient, member: int, database: Database
) -> None:
    sign_in(client, EMAIL)
    first = client.cookies[SESSION_COOKIE]
    sign_in(client, EMAIL)  # signing in again, as a fixation attack would make a victim do
    assert client.cookies[SESSION_COOKIE] != first
    assert not _signed_in(_copy(client, first))
    assert _signed_in(client)


def test_the_csrf_token_is_bound_to_the_session(client: TestClient, member: int) -> None:
    before = csrf_token(client)
    sign_in(client, EMAIL)
    after = csrf_token(client, "/account/password")
    assert after != before
    refused = client.post("/signout", data={"csrf_token": before}, follow_redirects=False)
    assert refused.status_code == 403
    assert _signed_in(client)


def test_a_password_change_ends_every_other_session(client: TestClient, member: int) -> None:
    other = TestClient(client.app, headers={"accept-language": "en"})
    sign_in(other, EMAIL)
    sign_in(client, EMAIL)
    changed = post_form(
        client,
        "/account/password",
        {"current_password": PASSWORD, "new_password": NEW_PASSWORD, "confirm_password": NEW_PASSWORD},
    )
    assert changed.status_code == 303, changed.text
    assert _signed_in(client)  # this browser goes on in a fresh session
    assert not _signed_in(other)
    sign_in(other, EMAIL, NEW_PASSWORD)


def test_a_weak_new_password_is_refused_with_the_field_named(client: TestClient, member: int) -> None:
    sign_in(client, EMAIL)
    refused = post_form(
        client,
        "/account/password",
        {"current_password": PASSWORD, "new_password": "password", "confirm_password": "password"},
    )
    assert refused.status_code == 422
    assert 'data-testid="field-error-new_password"' in refused.text
    assert "At least 12 characters." in refused.text
    wrong = post_form(
        client,
        "/account/password",
        {"current_password": "not it at all", "new_password": NEW_PASSWORD, "confirm_password": NEW_PASSWORD},
    )
    assert wrong.status_code == 422
    assert "The current password is wrong." in wrong.text


def test_deactivation_ends_the_sessions(client: TestClient, member: int, database: Database) -> None:
    sign_in(client, EMAIL)
    with database.session() as session:
        make_user(session, role=Role.ADMIN)
        set_active(session, SYSTEM, member, active=False)
    assert not _signed_in(client)
    with database.session() as session:
        set_active(session, SYSTEM, member, active=True)
    assert not _signed_in(client)  # reactivation does not bring old sessions back


def test_idle_and_absolute_timeouts(
    client: TestClient, member: int, database: Database, settings: Settings
) -> None:
    sign_in(client, EMAIL)
    with database.session() as session:
        session.execute(
            update(UserSession).values(
                last_seen_at=utcnow() - timedelta(seconds=settings.session_idle_timeout_s + 1)
            )
        )
    assert not _signed_in(client)
    sign_in(client, EMAIL)
    with database.session() as session:
        session.execute(
            update(UserSession)
            .where(UserSession.revoked_at.is_(None))
            .values(expires_at=utcnow() - timedelta(seconds=1))
        )
    assert not _signed_in(client)


@pytest.fixture
def https_client(settings: Settings, database: Database) -> Iterator[TestClient]:
    app = create_app(settings.model_copy(update={"https": True}), database=database)
    with TestClient(app, base_url="https://testserver", headers={"accept-language": "en"}) as test_client:
        yield test_client


def test_over_https_cookies_are_secure_and_hsts_is_sent(https_client: TestClient, member: int) -> None:
    page = https_client.get("/signin")
    assert page.headers["strict-transport-security"].startswith("max-age=31536000")
    assert "secure" in page.headers["set-cookie"].lower()


def test_the_local_demo_over_http_has_no_hsts(client: TestClient) -> None:
    page = client.get("/signin")
    assert "strict-transport-security" not in page.headers
    assert "secure" not in page.headers["set-cookie"].lower()
