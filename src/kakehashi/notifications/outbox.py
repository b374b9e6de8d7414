"""The e-mail outbox: notices written ``pending`` are e-mailed by the ``notifications.send`` job.

Each notice is claimed by one conditional UPDATE (pending → sending) in its own transaction before the
SMTP conversation, so two senders never both send it, and a retried job skips what was sent. An SMTP
failure puts it back to pending (tried again by the job's retry, up to ``notices_email_attempts``);
a sender that dies mid-conversation leaves it "sending": never sent twice, rather than maybe twice.
"""

from __future__ import annotations

import logging
import smtplib
from dataclasses import dataclass

from sqlalchemy import select, update

from kakehashi.accounts.models import User
from kakehashi.config import Settings
from kakehashi.notifications.mail import MailSender
from kakehashi.notifications.models import (
    EMAIL_FAILED,
    EMAIL_PENDING,
    EMAIL_SENDING,
    EMAIL_SENT,
    EMAIL_SKIPPED,
    Notice,
)
from kakehashi.notifications.notices import family
from kakehashi.notifications.preferences import preferences_of
from kakehashi.notifications.readers import addressee, reader_of
from kakehashi.notifications.render import notice_mail
from kakehashi.store import Database
from kakehashi.store.base import utcnow

log = logging.getLogger(__name__)
BATCH = 100


class MailNotSent(Exception):
    """Some notices could not be e-mailed this time (the SMTP server refused or was away); they stay
    pending, and the job's retry sends them."""


@dataclass
class Delivery:
    sent: int = 0
    skipped: int = 0
    retry: int = 0
    failed: int = 0


def has_pending(database: Database) -> bool:
    """Whether some notice waits to be e-mailed (one indexed look-up: the sweeper asks it often)."""
    with database.session() as session:
        return (
            session.scalar(select(Notice.id).where(Notice.email_state == EMAIL_PENDING).limit(1)) is not None
        )


def deliver_pending(database: Database, *, settings: Settings, sender: MailSender | None = None) -> Delivery:
    """E-mail every pending notice once; raises :class:`MailNotSent` at the end if some must be retried."""
    mailer = sender if sender is not None else MailSender(settings)
    delivery = Delivery()
    after = 0  # in id order, each notice once per run (one put back for a retry waits for the next run)
    while True:
        with database.session() as session:
            ids = list(
                session.scalars(
                    select(Notice.id)
                    .where(Notice.email_state == EMAIL_PENDING, Notice.id > after)
                    .order_by(Notice.id)
                    .limit(BATCH)
                )
            )
        if not ids:
            break
        for notice_id in ids:
            _deliver_one(database, notice_id, settings=settings, mailer=mailer, delivery=delivery)
        after = ids[-1]
    if delivery.retry:
        raise MailNotSent(f"{delivery.retry} notice e-mails wait for a retry")
    return delivery


def _claim(database: Database, notice_id: int) -> bool:
    with database.session() as session:
        claimed = session.execute(
            update(Notice)
            .where(Notice.id == notice_id, Notice.email_state == EMAIL_PENDING)
            .values(email_state=EMAIL_SENDING, email_attempts=Notice.email_attempts + 1)
        )
        return bool(claimed.rowcount)  # type: ignore[attr-defined]


def _finish(database: Database, notice_id: int, state: str) -> None:
    with database.session() as session:
        values: dict[str, object] = {"email_state": state}
        if state == EMAIL_SENT:
            values["emailed_at"] = utcnow()
        session.execute(
            update(Notice).where(Notice.id == notice_id, Notice.email_state == EMAIL_SENDING).values(**values)
        )


def _deliver_one(
    database: Database, notice_id: int, *, settings: Settings, mailer: MailSender, delivery: Delivery
) -> None:
    if not _claim(database, notice_id):
        return  # another sender has it, or it was sent meanwhile
    with database.session() as session:
        notice = session.get_one(Notice, notice_id)
        user = session.get_one(User, notice.user_id)
        wanted = user.is_active and family(notice.kind) not in preferences_of(session, user.id).email_off
        mail = (
            notice_mail(notice, to=addressee(user), reader=reader_of(session, user), site=settings.base_url())
            if wanted
            else None
        )
        attempts = notice.email_attempts
    if mail is None:
        _finish(database, notice_id, EMAIL_SKIPPED)
        delivery.skipped += 1
        return
    try:
        mailer.send(mail)
    except (OSError, smtplib.SMTPException):
        log.exception("Could not e-mail notice %s (attempt %s)", notice_id, attempts)
        if attempts >= settings.notices_email_attempts:
            _finish(database, notice_id, EMAIL_FAILED)
            delivery.failed += 1
        else:
            _finish(database, notice_id, EMAIL_PENDING)
            delivery.retry += 1
        return
    _finish(database, notice_id, EMAIL_SENT)
    delivery.sent += 1
