"""Sign-in throttling that cannot lock a user out, trusted proxies, and the e-mailed password reset."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import select

from kakehashi.accounts.models import PasswordReset
from kakehashi.accounts.throttle import SignInThrottle, ThrottlePolicy
from kakehashi.app import create_app
from kakehashi.config import Settings
from kakehashi.store import Database
from tests.factories import PASSWORD, make_organisation, make_user
from tests.mailbox import Mailbox
from tests.web.conftest import csrf_token, post_form, sign_in

EMAIL = "member@example.org"
NEW_PASSWORD = "ventisette gradi a Osaka"


class Clock:
    def __init__(self) -> None:
        self.now = 2_000_000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def member(database: Database) -> int:
    with database.session() as session:
        return make_user(session, organisation=make_organisation(session), email=EMAIL).id


@pytest.fixture
def clock(app: FastAPI) -> Clock:
    clock = Clock()
    app.state.sign_in_throttle = SignInThrottle(ThrottlePolicy(), clock=clock)
    return clock


def _try(client: TestClient, password: str, **headers: str) -> int:
    form = {"email": EMAIL, "password": password, "csrf_token": csrf_token(client)}
    return client.post("/signin", data=form, headers=headers, follow_redirects=False).status_code


def test_the_right_password_gets_in_once_the_short_wait_is_over(
    client: TestClient, member: int, clock: Clock
) -> None:
    for _ in range(5):
        assert _try(client, "a wrong guess") == 401
    refused = post_form(client, "/signin", {"email": EMAIL, "password": PASSWORD})
    assert refused.status_code == 429
    assert refused.headers["retry-after"] == "1"
    assert 'data-testid="signin-throttled"' in refused.text
    clock.now += 1
    assert _try(client, PASSWORD) == 303  # the finding: locked for everyone, the right password included


def test_an_attacker_can_delay_the_owner_by_at_most_the_bound(
    client: TestClient, member: int, clock: Clock, settings: Settings
) -> None:
    failures = 0
    while failures < 30:  # an attacker keeps guessing, waiting out each delay
        if _try(client, "a wrong guess") == 429:
            clock.now += settings.sign_in_max_delay_s
        else:
            failures += 1
    refused = post_form(client, "/signin", {"email": EMAIL, "password": PASSWORD})
    assert int(refused.headers["retry-after"]) <= settings.sign_in_max_delay_s
    clock.now += settings.sign_in_max_delay_s
    assert _try(client, PASSWORD) == 303


def test_x_forwarded_for_from_an_untrusted_peer_is_ignored(
    client: TestClient, member: int, clock: Clock
) -> None:
    # The finding: a client chose a new address per try in X-Forwarded-For and escaped the address count.
    for n in range(20):
        form = {"email": f"nobody{n}@example.org", "password": "x", "csrf_token": csrf_token(client)}
        client.post("/signin", data=form, headers={"x-forwarded-for": f"203.0.113.{n}"})
    other = {"email": "someone@example.org", "password": "x", "csrf_token": csrf_token(client)}
    assert client.post("/signin", data=other, headers={"x-forwarded-for": "198.51.100.7"}).status_code == 429


@pytest.fixture
def proxied(settings: Settings, database: Database) -> Iterator[TestClient]:
    app = create_app(settings.model_copy(update={"trusted_proxies": "127.0.0.0/8"}), database=database)
    with TestClient(app, client=("127.0.0.1", 50000), headers={"accept-language": "en"}) as test_client:
        yield test_client


def test_a_trusted_proxy_reports_the_real_client(proxied: TestClient, member: int) -> None:
    for n in range(20):
        form = {"email": f"nobody{n}@example.org", "password": "x", "csrf_token": csrf_token(proxied)}
        proxied.post("/signin", data=form, headers={"x-forwarded-for": "203.0.113.5"})
    form = {"email": "someone@example.org", "password": "x", "csrf_token": csrf_token(proxied)}
    assert proxied.post("/signin", data=form, headers={"x-forwarded-for": "203.0.113.5"}).status_code == 429
    # Another client behind the same proxy is not held back by the first one's failures.
    form = {"email": EMAIL, "password": PASSWORD, "csrf_token": csrf_token(proxied)}
    assert (
        proxied.post(
            "/signin", data=form, headers={"x-forwarded-for": "198.51.100.7"}, follow_redirects=False
        ).status_code
        == 303
    )


@pytest.fixture
def mailing_client(settings: Settings, database: Database, mailbox: Mailbox) -> Iterator[TestClient]:
    configured = settings.model_copy(
        update={
            "smtp_host": mailbox.host,
            "smtp_port": mailbox.port,
            "public_url": "https://kakehashi.example.org",
        }
    )
    with TestClient(
        create_app(configured, database=database), headers={"accept-language": "en"}
    ) as test_client:
        yield test_client


_LINK = re.compile(r"https://kakehashi\.example\.org/password/reset\?token=(\S+)")


def test_a_forgotten_password_is_reset_by_an_emailed_one_time_link(
    mailing_client: TestClient, member: int, mailbox: Mailbox, database: Database
) -> None:
    client = mailing_client
    sent = post_form(client, "/password/forgot", {"email": EMAIL})
    assert sent.status_code == 200
    assert 'data-testid="reset-sent"' in sent.text
    mail = mailbox.only()
    assert mail["To"] == EMAIL
    match = _LINK.search(mail.get_content())
    assert match is not None, mail.get_content()
    token = match.group(1)
    with database.session() as session:
        stored = session.scalars(select(PasswordReset.token_hash)).all()
    assert token not in stored  # only a hash is kept
    assert client.get(f"/password/reset?token={token}").status_code == 200
    done = post_form(
        client,
        "/password/reset",
        {"token": token, "new_password": NEW_PASSWORD, "confirm_password": NEW_PASSWORD},
    )
    assert done.status_code == 303, done.text
    sign_in(client, EMAIL, NEW_PASSWORD)
    again = post_form(
        client,
        "/password/reset",
        {
            "token": token,
            "new_password": "another fine passphrase",
            "confirm_password": "another fine passphrase",
        },
    )
    assert again.status_code == 404  # single use
    assert client.get(f"/password/reset?token={token}").status_code == 404


def test_an_unknown_email_gets_the_same_answer_and_no_mail(
    mailing_client: TestClient, member: int, mailbox: Mailbox
) -> None:
    answer = post_form(mailing_client, "/password/forgot", {"email": "nobody@example.org"})
    assert answer.status_code == 200
    assert 'data-testid="reset-sent"' in answer.text
    assert mailbox.messages == []
