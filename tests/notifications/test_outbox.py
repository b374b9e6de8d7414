"""Notice e-mails: after the commit, through a real SMTP server, in the recipient's language and zone,
each at most once, nothing for a rolled-back change."""

from __future__ import annotations

import threading
from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from kakehashi.config import Settings
from kakehashi.errors import N_
from kakehashi.jobs.registry import JOBS, NOTICES_SEND, execute
from kakehashi.labels import Label
from kakehashi.matching.embed import get_embedder
from kakehashi.matching.service import MatchingService
from kakehashi.notifications import notify
from kakehashi.notifications.dispatch import NoticeMailDispatch
from kakehashi.notifications.models import (
    EMAIL_FAILED,
    EMAIL_NONE,
    EMAIL_PENDING,
    EMAIL_SENT,
    EMAIL_SKIPPED,
    Notice,
)
from kakehashi.notifications.outbox import MailNotSent, deliver_pending
from kakehashi.notifications.preferences import update_preferences
from kakehashi.store import Database
from tests.mailbox import Mailbox
from tests.notifications.conftest import member

MEETING = N_("Your meeting on %(sector)s starts at %(start_at)s.")
START = datetime(2027, 10, 30, 8, tzinfo=UTC)  # 10:00 in Rome (CEST), 17:00 in Tokyo


def _states(database: Database) -> list[str]:
    with database.session() as session:
        return list(session.scalars(select(Notice.email_state).order_by(Notice.id)))


def _notify_meeting(database: Database, user_ids: list[int], **extra: object) -> list[int]:
    with database.session() as session:
        return notify(
            session,
            kind="event.meeting.moved",
            message=MEETING,
            params={"sector": Label("sector", "ai"), "start_at": START},
            link="/events/1/agenda",
            users=user_ids,
            **extra,  # type: ignore[arg-type]
        )


def test_each_recipient_reads_its_language_and_zone(
    database: Database, mail_settings: Settings, mailbox: Mailbox
) -> None:
    with database.session() as session:
        italian = member(session, country="IT", email="rossi@example.it")
        japanese = member(session, country="JP", email="sato@example.jp")
        elsewhere = member(session, country="IT", email="smith@example.org")
        elsewhere.locale, elsewhere.time_zone = "en", "America/New_York"
        ids = [italian.id, japanese.id, elsewhere.id]
    _notify_meeting(database, ids)
    delivery = deliver_pending(database, settings=mail_settings)
    assert delivery.sent == 3
    mails = {str(m["To"]): m for m in mailbox.messages}
    rossi = mails["rossi@example.it"].get_content()
    assert "Gentile" in rossi
    assert "Intelligenza artificiale" in rossi
    assert "30 ott 2027, 10:00 (CEST)" in rossi
    assert "http://127.0.0.1:8000/events/1/agenda" in rossi
    sato = mails["sato@example.jp"].get_content()
    assert "人工知能" in sato
    assert "2027/10/30 17:00 (JST)" in sato
    smith = mails["smith@example.org"].get_content()
    assert "Artificial intelligence" in smith
    assert "Oct 30, 2027, 4:00\u202fAM (EDT)" in smith
    assert str(mails["rossi@example.it"]["Subject"]).startswith("Kakehashi: ")
    assert _states(database) == [EMAIL_SENT] * 3


def test_both_zones_when_the_notice_names_the_other_one(
    database: Database, mail_settings: Settings, mailbox: Mailbox
) -> None:
    with database.session() as session:
        user_id = member(session, country="IT").id
        notify(
            session,
            kind="event.meeting.moved",
            message=N_("Moved to %(start_at)s."),
            params={"start_at": START, "other_zone": "Asia/Tokyo"},
            users=[user_id],
        )
    deliver_pending(database, settings=mail_settings)
    assert "30 ott 2027, 10:00 (CEST) · 17:00 (JST)" in mailbox.only().get_content()


def test_never_sent_twice(database: Database, mail_settings: Settings, mailbox: Mailbox) -> None:
    with database.session() as session:
        users = [member(session).id for _ in range(4)]
    _notify_meeting(database, users)
    senders = [
        threading.Thread(target=deliver_pending, args=(database,), kwargs={"settings": mail_settings})
        for _ in range(3)
    ]
    for sender in senders:
        sender.start()
    for sender in senders:
        sender.join()
    deliver_pending(database, settings=mail_settings)  # a retried job finds nothing left
    assert sorted(str(m["To"]) for m in mailbox.messages) == sorted({str(m["To"]) for m in mailbox.messages})
    assert len(mailbox.messages) == 4
    assert _states(database) == [EMAIL_SENT] * 4


def test_nothing_is_sent_for_a_rolled_back_change(
    database: Database, mail_settings: Settings, mailbox: Mailbox
) -> None:
    submitted: list[int] = []
    dispatch = NoticeMailDispatch(database, submit=lambda: submitted.append(1), sweep_s=3600)
    dispatch.start()
    try:
        with database.session() as session:
            user_id = member(session).id
        assert submitted == []  # the sweep found nothing pending; writing a user is no notice
        submitted.clear()
        session = database.sessionmaker()
        notify(session, kind="event.meeting.moved", message=MEETING, users=[user_id])
        session.rollback()
        session.close()
        assert submitted == []
        deliver_pending(database, settings=mail_settings)
        assert mailbox.messages == []
        _notify_meeting(database, [user_id])
        assert submitted == [1]  # after the commit, the job is started
    finally:
        dispatch.stop()
    deliver_pending(database, settings=mail_settings)
    assert len(mailbox.messages) == 1


def test_in_app_only_and_turned_off_families_are_not_mailed(
    database: Database, mail_settings: Settings, mailbox: Mailbox
) -> None:
    with database.session() as session:
        quiet = member(session)
        loud = member(session)
        update_preferences(
            session, quiet.id, time_zone=None, email_off=["event"], digest="daily", expected_version=0
        )
        ids = [quiet.id, loud.id]
    _notify_meeting(database, ids)
    _notify_meeting(database, [loud.id], email=False)
    deliver_pending(database, settings=mail_settings)
    assert [str(m["To"]) for m in mailbox.messages] == [loud.email]
    assert _states(database) == [EMAIL_SKIPPED, EMAIL_SENT, EMAIL_NONE]


def test_a_refusing_server_is_retried_then_given_up(
    database: Database, settings: Settings, mailbox: Mailbox
) -> None:
    closed = settings.model_copy(
        update={"smtp_host": "127.0.0.1", "smtp_port": _closed_port(), "notices_email_attempts": 2}
    )
    with database.session() as session:
        user_id = member(session).id
    _notify_meeting(database, [user_id])
    with pytest.raises(MailNotSent):
        deliver_pending(database, settings=closed)
    assert _states(database) == [EMAIL_PENDING]
    reachable = closed.model_copy(update={"smtp_port": mailbox.port})
    deliver_pending(database, settings=reachable)
    assert len(mailbox.messages) == 1
    _notify_meeting(database, [user_id])
    with pytest.raises(MailNotSent):
        deliver_pending(database, settings=closed)
    assert deliver_pending(database, settings=closed).failed == 1  # the second of two attempts
    assert _states(database) == [EMAIL_SENT, EMAIL_FAILED]


def test_the_job_of_the_registry_sends(database: Database, mail_settings: Settings, mailbox: Mailbox) -> None:
    with database.session() as session:
        user_id = member(session, country="JP").id
    _notify_meeting(database, [user_id])
    matching = MatchingService(database, get_embedder("fake"))
    assert execute(
        JOBS[NOTICES_SEND], database=database, matching=matching, arguments={}, settings=mail_settings
    )
    assert "人工知能" in mailbox.only().get_content()


def _closed_port() -> int:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
    return port


def test_the_queue_runs_the_send_job_with_the_workers_settings(
    database: Database, mail_settings: Settings, mailbox: Mailbox
) -> None:
    """The procrastinate task of ``notifications.send`` (in-memory connector; PostgreSQL in production)
    gets the worker's settings and sends; a second enqueue while one waits is dropped."""
    from concurrent.futures import ThreadPoolExecutor

    from procrastinate.testing import InMemoryConnector

    from kakehashi.jobs.queue import build_app, defer

    with database.session() as session:
        user_id = member(session).id
    _notify_meeting(database, [user_id])
    matching = MatchingService(database, get_embedder("fake"))
    app = build_app(InMemoryConnector(), database=database, matching=matching, settings=mail_settings)

    def enqueue_and_work() -> tuple[int | None, int | None]:
        with app.open():
            deferred = (defer(app, NOTICES_SEND), defer(app, NOTICES_SEND))
            app.run_worker(wait=False, install_signal_handlers=False, listen_notify=False)
        return deferred

    with ThreadPoolExecutor(max_workers=1) as pool:  # procrastinate's sync calls want a loop-free thread
        first, second = pool.submit(enqueue_and_work).result()
    assert first is not None
    assert second is None
    assert len(mailbox.messages) == 1
    assert _states(database) == [EMAIL_SENT]
