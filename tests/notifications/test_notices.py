"""notify(): notices written in the caller's transaction, one per recipient, typed parameters."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from kakehashi.accounts.models import User
from kakehashi.accounts.roles import Role
from kakehashi.errors import N_
from kakehashi.labels import Label
from kakehashi.notifications import notify
from kakehashi.notifications.models import EMAIL_NONE, EMAIL_PENDING, Notice
from kakehashi.notifications.params import decode_params
from kakehashi.store import Database
from tests.factories import make_organisation, make_user

MESSAGE = N_("A meeting with %(name)s at %(start_at)s.")


def _member(session: Session, **overrides: Any) -> User:
    return make_user(session, organisation=make_organisation(session), **overrides)


def test_one_notice_per_recipient_without_the_actor(database: Database) -> None:
    with database.session() as session:
        italian = make_organisation(session, country="IT")
        japanese = make_organisation(session, country="JP")
        alice, bruno = make_user(session, organisation=italian), make_user(session, organisation=italian)
        kenji = make_user(session, organisation=japanese)
        officer = make_user(session, role=Role.OFFICER, agency="JETRO")
        make_user(session, role=Role.OFFICER, agency="ICE")
        ids = notify(
            session,
            kind="event.request.received",
            message=MESSAGE,
            params={"name": "Kenji", "start_at": datetime(2027, 10, 30, 8, tzinfo=UTC)},
            link="/events/3",
            users=[kenji.id, alice.id],
            organisations=[italian.id],
            agencies=["JETRO"],
            exclude_user=alice.id,
        )
        expected = sorted([bruno.id, kenji.id, officer.id])
    with database.session() as session:
        notices = session.scalars(select(Notice).order_by(Notice.user_id)).all()
    assert [n.user_id for n in notices] == expected
    assert sorted(ids) == sorted(n.id for n in notices)
    assert {n.email_state for n in notices} == {EMAIL_PENDING}
    assert decode_params(notices[0].params)["start_at"] == datetime(2027, 10, 30, 8, tzinfo=UTC)


def test_nothing_is_written_when_the_caller_rolls_back(database: Database) -> None:
    with database.session() as session:
        user_id = _member(session).id
    with pytest.raises(RuntimeError):
        _notify_then_fail(database, user_id)
    with database.session() as session:
        assert session.scalar(select(Notice.id)) is None


def _notify_then_fail(database: Database, user_id: int) -> None:
    with database.session() as session:
        notify(session, kind="intro.stage", message=MESSAGE, users=[user_id])
        raise RuntimeError("the change failed")


def test_in_app_only_and_typed_params(database: Database) -> None:
    with database.session() as session:
        user = _member(session)
        _member(session, email="inactive@example.org").is_active = False
        [notice_id] = notify(
            session,
            kind="alert.match",
            message=MESSAGE,
            params={"day": date(2027, 1, 2), "sector": Label("sector", "ai"), "n": 3, "share": 0.5},
            users=[user.id],
            email=False,
        )
    with database.session() as session:
        notice = session.get_one(Notice, notice_id)
    assert notice.email_state == EMAIL_NONE
    assert decode_params(notice.params) == {
        "day": date(2027, 1, 2),
        "sector": Label("sector", "ai"),
        "n": 3,
        "share": 0.5,
    }


def test_inactive_users_get_nothing(database: Database) -> None:
    with database.session() as session:
        user = _member(session)
        user.is_active = False
        session.flush()
        assert notify(session, kind="intro.stage", message=MESSAGE, users=[user.id]) == []


@pytest.mark.parametrize(
    ("kind", "link", "params"),
    [
        ("", None, {}),
        ("bad kind", None, {}),
        ("intro.stage", "https://evil.example/", {}),
        ("intro.stage", "//evil.example/", {}),
        ("intro.stage", None, {"when": datetime(2027, 1, 1)}),  # naive
        ("intro.stage", None, {"flag": True}),
        ("intro.stage", None, {"other_zone": "Mars/Olympus"}),
        ("intro.stage", None, {"sector": Label("nope", "x")}),
    ],
)
def test_programming_errors_fail_loudly(
    database: Database, kind: str, link: str | None, params: dict[str, object]
) -> None:
    with database.session() as session:
        user = _member(session)
        with pytest.raises((ValueError, TypeError)):
            notify(session, kind=kind, message=MESSAGE, link=link, params=params, users=[user.id])  # type: ignore[arg-type]
