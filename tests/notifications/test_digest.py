"""Digests: several alert notices in one e-mail, at the user's rhythm, never the same notice twice."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from kakehashi.config import Settings
from kakehashi.errors import N_
from kakehashi.notifications import notify
from kakehashi.notifications.digest import digest_candidates, send_digest
from kakehashi.notifications.models import EMAIL_SENT, Notice
from kakehashi.notifications.preferences import preferences_of, update_preferences
from kakehashi.store import Database
from tests.mailbox import Mailbox
from tests.notifications.conftest import member

NEW_COUNTERPART = N_("A new counterpart for your saved search: %(title)s.")
MONDAY = datetime(2027, 3, 1, 7, tzinfo=UTC)


def _alerts(database: Database, user_id: int, *titles: str) -> list[int]:
    ids: list[int] = []
    with database.session() as session:
        for title in titles:
            ids += notify(
                session,
                kind="alert.match",
                message=NEW_COUNTERPART,
                params={"title": title},
                link="/opportunities/7",
                users=[user_id],
                email=False,
            )
    return ids


def _candidates(database: Database, user_id: int) -> list[int]:
    with database.session() as session:
        return digest_candidates(session, user_id=user_id, kind_family="alert")


def test_one_digest_lists_every_new_notice_once(
    database: Database, mail_settings: Settings, mailbox: Mailbox
) -> None:
    with database.session() as session:
        user_id = member(session, country="JP").id
    ids = _alerts(database, user_id, "SiC wafers", "Quantum sensors")
    assert _candidates(database, user_id) == ids
    sent = send_digest(database, settings=mail_settings, user_id=user_id, notice_ids=ids, now=MONDAY)
    assert sent == 2
    body = mailbox.only().get_content()
    assert "SiC wafers" in body
    assert "Quantum sensors" in body
    assert "ダイジェスト" in str(mailbox.only()["Subject"])
    # A day later the same notices are not listed again; a new one is.
    later = MONDAY + timedelta(days=1)
    more = _alerts(database, user_id, "Power electronics")
    assert _candidates(database, user_id) == more
    assert (
        send_digest(database, settings=mail_settings, user_id=user_id, notice_ids=ids + more, now=later) == 1
    )
    assert "SiC wafers" not in mailbox.messages[1].get_content()
    with database.session() as session:
        states = set(session.scalars(select(Notice.email_state)))
    assert states == {EMAIL_SENT}


def test_weekly_rhythm_waits_and_nothing_new_sends_nothing(
    database: Database, mail_settings: Settings, mailbox: Mailbox
) -> None:
    with database.session() as session:
        user_id = member(session).id
        update_preferences(
            session, user_id, time_zone=None, email_off=[], digest="weekly", expected_version=0
        )
    first = _alerts(database, user_id, "A")
    assert send_digest(database, settings=mail_settings, user_id=user_id, notice_ids=first, now=MONDAY) == 1
    second = _alerts(database, user_id, "B")
    tuesday = MONDAY + timedelta(days=1)
    assert send_digest(database, settings=mail_settings, user_id=user_id, notice_ids=second, now=tuesday) == 0
    next_monday = MONDAY + timedelta(days=7)
    assert send_digest(database, settings=mail_settings, user_id=user_id, notice_ids=[], now=next_monday) == 0
    assert (
        send_digest(database, settings=mail_settings, user_id=user_id, notice_ids=second, now=next_monday)
        == 1
    )
    assert len(mailbox.messages) == 2
    with database.session() as session:
        assert preferences_of(session, user_id).last_digest_at == next_monday


def test_alerts_turned_off_and_other_users_notices_are_not_sent(
    database: Database, mail_settings: Settings, mailbox: Mailbox
) -> None:
    with database.session() as session:
        quiet = member(session).id
        other = member(session).id
        update_preferences(
            session, quiet, time_zone=None, email_off=["alert"], digest="daily", expected_version=0
        )
    mine = _alerts(database, quiet, "A")
    theirs = _alerts(database, other, "B")
    assert (
        send_digest(database, settings=mail_settings, user_id=quiet, notice_ids=mine + theirs, now=MONDAY)
        == 0
    )
    assert mailbox.messages == []
    assert _candidates(database, other) == theirs
