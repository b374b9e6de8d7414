"""Password reset links: hashed, single use (even under a race), expiring, voided by a password change,
and not a way to flood someone's inbox."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from sqlalchemy import update

from kakehashi.accounts.models import PasswordReset
from kakehashi.accounts.recovery import (
    MAX_LIVE_RESET_LINKS,
    ResetLink,
    change_password,
    request_reset,
    reset_password,
)
from kakehashi.errors import NotFound, ValidationFailed
from kakehashi.store import Database
from kakehashi.store.base import utcnow
from tests.factories import PASSWORD, make_organisation, make_user

EMAIL = "member@example.org"
NEW = "ventisette gradi a Osaka"


@pytest.fixture
def member(database: Database) -> int:
    with database.session() as session:
        return make_user(session, organisation=make_organisation(session), email=EMAIL).id


def _link(database: Database) -> ResetLink:
    with database.session() as session:
        link = request_reset(session, email=EMAIL, max_age_s=600)
    assert link is not None
    return link


def test_an_expired_link_does_not_work(database: Database, member: int) -> None:
    link = _link(database)
    with database.session() as session:
        session.execute(update(PasswordReset).values(expires_at=utcnow() - timedelta(seconds=1)))
    with pytest.raises(NotFound), database.session() as session:
        reset_password(session, token=link.token, new_password=NEW)


def test_a_weak_password_does_not_use_up_the_link(database: Database, member: int) -> None:
    link = _link(database)
    with pytest.raises(ValidationFailed), database.session() as session:
        reset_password(session, token=link.token, new_password="password")
    with database.session() as session:
        reset_password(session, token=link.token, new_password=NEW)


def test_a_password_change_voids_earlier_links(database: Database, member: int) -> None:
    link = _link(database)
    with database.session() as session:
        change_password(session, member, current_password=PASSWORD, new_password=NEW)
    with pytest.raises(NotFound), database.session() as session:
        reset_password(session, token=link.token, new_password="another fine passphrase")


def test_only_a_few_links_are_live_at_once(database: Database, member: int) -> None:
    for _ in range(MAX_LIVE_RESET_LINKS):
        _link(database)
    with database.session() as session:
        assert request_reset(session, email=EMAIL, max_age_s=600) is None
        assert request_reset(session, email="nobody@example.org", max_age_s=600) is None


def test_two_requests_with_one_link_cannot_both_succeed(database: Database, member: int) -> None:
    link = _link(database)
    outcomes: list[str] = []
    barrier = threading.Barrier(2)

    def use(password: str) -> None:
        barrier.wait()
        try:
            with database.session() as session:
                reset_password(session, token=link.token, new_password=password)
            outcomes.append("ok")
        except NotFound:
            outcomes.append("refused")
        except Exception as error:  # SQLite may refuse the second writer outright: still not a success
            outcomes.append(type(error).__name__)

    threads = [threading.Thread(target=use, args=(p,)) for p in (NEW, "another fine passphrase")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert outcomes.count("ok") == 1, outcomes
