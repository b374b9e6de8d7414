"""Digest e-mails: several notices in one message, at the rhythm the user chose (daily or weekly).

For features that write notices with ``notify(..., email=False)`` and mail them in bulk (the saved-search
alerts): their job calls :func:`send_digest` per user with the notices to list. A notice goes into at
most one e-mail ever: each is claimed (``none`` → ``sending``) by a conditional UPDATE before sending.
"""

from __future__ import annotations

import smtplib
from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Final

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from kakehashi.accounts.models import User
from kakehashi.config import Settings
from kakehashi.notifications.mail import MailSender
from kakehashi.notifications.models import (
    DIGEST_WEEKLY,
    EMAIL_NONE,
    EMAIL_SENDING,
    EMAIL_SENT,
    EMAIL_SKIPPED,
    Notice,
    NoticePreferences,
)
from kakehashi.notifications.notices import family
from kakehashi.notifications.preferences import Preferences, preferences_of
from kakehashi.notifications.readers import addressee, reader_of
from kakehashi.notifications.render import digest_mail
from kakehashi.store import Database
from kakehashi.store.base import utcnow

# A digest job run at the same hour every day must not miss a day because it ran a minute earlier.
SLACK: Final = timedelta(hours=1)
MAX_ITEMS: Final = 200


def digest_due(preferences: Preferences, now: datetime) -> bool:
    """Whether the user's rhythm allows a digest at ``now`` (never sent counts as due)."""
    if preferences.last_digest_at is None:
        return True
    period = timedelta(days=7 if preferences.digest == DIGEST_WEEKLY else 1)
    return now - preferences.last_digest_at >= period - SLACK


def digest_candidates(session: Session, *, user_id: int, kind_family: str) -> list[int]:
    """The user's notices of ``kind_family`` never e-mailed (written with ``email=False``), oldest first."""
    query = (
        select(Notice.id, Notice.kind)
        .where(Notice.user_id == user_id, Notice.email_state == EMAIL_NONE)
        .order_by(Notice.id)
    )
    return [notice_id for notice_id, kind in session.execute(query) if family(kind) == kind_family]


def send_digest(
    database: Database,
    *,
    settings: Settings,
    user_id: int,
    notice_ids: Sequence[int],
    now: datetime | None = None,
    sender: MailSender | None = None,
) -> int:
    """E-mail ``user_id`` one digest of those ``notice_ids`` (its own) never e-mailed before, if its
    rhythm says a digest is due; how many notices it listed (0: not due, nothing new, or e-mail off for
    their kind). An SMTP failure raises (the calling job retries) and leaves the notices for the next one.
    """
    moment = now or utcnow()
    with database.session() as session:
        user = session.get(User, user_id)
        preferences = preferences_of(session, user_id)
        if user is None or not user.is_active or not digest_due(preferences, moment):
            return 0
        if not _take_slot(session, user_id, preferences, moment):
            return 0  # another run is sending this user's digest right now
    claimed = _claim(database, user_id, notice_ids[:MAX_ITEMS], preferences)
    if not claimed:
        _restore_slot(database, user_id, preferences, moment)
        return 0
    try:
        with database.session() as session:
            user = session.get_one(User, user_id)
            notices = list(session.scalars(select(Notice).where(Notice.id.in_(claimed)).order_by(Notice.id)))
            mail = digest_mail(
                notices, to=addressee(user), reader=reader_of(session, user), site=settings.base_url()
            )
        (sender or MailSender(settings)).send(mail)
    except (OSError, smtplib.SMTPException):
        _mark(database, claimed, EMAIL_NONE)
        _restore_slot(database, user_id, preferences, moment)
        raise
    _mark(database, claimed, EMAIL_SENT, emailed_at=moment)
    return len(claimed)


def _take_slot(session: Session, user_id: int, preferences: Preferences, moment: datetime) -> bool:
    if session.get(NoticePreferences, user_id) is None:
        # Version 0: the defaults still, as far as the account form is concerned.
        session.add(NoticePreferences(user_id=user_id, email_off=[], version=0, last_digest_at=None))
        session.flush()
    taken = session.execute(
        update(NoticePreferences)
        .where(
            NoticePreferences.user_id == user_id,
            NoticePreferences.last_digest_at.is_(None)
            if preferences.last_digest_at is None
            else NoticePreferences.last_digest_at == preferences.last_digest_at,
        )
        .values(last_digest_at=moment)
        .execution_options(synchronize_session=False)
    )
    return bool(taken.rowcount)  # type: ignore[attr-defined]


def _restore_slot(database: Database, user_id: int, preferences: Preferences, moment: datetime) -> None:
    with database.session() as session:
        session.execute(
            update(NoticePreferences)
            .where(NoticePreferences.user_id == user_id, NoticePreferences.last_digest_at == moment)
            .values(last_digest_at=preferences.last_digest_at)
        )


def _claim(
    database: Database, user_id: int, notice_ids: Sequence[int], preferences: Preferences
) -> list[int]:
    claimed: list[int] = []
    with database.session() as session:
        rows = session.execute(
            select(Notice.id, Notice.kind).where(
                Notice.id.in_(notice_ids), Notice.user_id == user_id, Notice.email_state == EMAIL_NONE
            )
        )
        kinds = {row.id: row.kind for row in rows}
    for notice_id, kind in sorted(kinds.items()):
        wanted = family(kind) not in preferences.email_off
        with database.session() as session:
            done = session.execute(
                update(Notice)
                .where(Notice.id == notice_id, Notice.email_state == EMAIL_NONE)
                .values(email_state=EMAIL_SENDING if wanted else EMAIL_SKIPPED)
            )
            if done.rowcount and wanted:  # type: ignore[attr-defined]
                claimed.append(notice_id)
    return claimed


def _mark(
    database: Database, notice_ids: Sequence[int], state: str, *, emailed_at: datetime | None = None
) -> None:
    with database.session() as session:
        session.execute(
            update(Notice)
            .where(Notice.id.in_(notice_ids), Notice.email_state == EMAIL_SENDING)
            .values(email_state=state, emailed_at=emailed_at)
        )
