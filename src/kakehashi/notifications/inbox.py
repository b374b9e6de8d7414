"""A user's own notices: the unread count of the page header, the list (unread first), marking read.

Every function takes the reader's user id and touches only that user's notices: another user's notice
is "not found", never shown or changed. Marking read is a set-once conditional UPDATE (idempotent),
so concurrent clicks need no version.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Final

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from kakehashi.errors import NotFound
from kakehashi.notifications.models import Notice
from kakehashi.notifications.params import render_params
from kakehashi.notifications.render import Reader, notice_text
from kakehashi.store.base import utcnow

PAGE_SIZE: Final = 50
MAX_PAGE_SIZE: Final = 200


def unread_count(session: Session, user_id: int) -> int:
    """One COUNT on the (user_id, read_at) index."""
    query = (
        select(func.count()).select_from(Notice).where(Notice.user_id == user_id, Notice.read_at.is_(None))
    )
    return int(session.scalar(query) or 0)


@dataclass(frozen=True, slots=True)
class NoticeView:
    id: int
    kind: str
    text: str
    message_id: str
    params: dict[str, str]
    link: str | None
    created_at: datetime
    read_at: datetime | None

    @property
    def unread(self) -> bool:
        return self.read_at is None


@dataclass(frozen=True, slots=True)
class NoticePage:
    items: list[NoticeView]
    unread: int
    total: int
    page: int
    size: int


def view(notice: Notice, reader: Reader) -> NoticeView:
    return NoticeView(
        id=notice.id,
        kind=notice.kind,
        text=notice_text(notice, reader),
        message_id=notice.message,
        params=render_params(notice.params or {}, gettext=reader.gettext, formatter=reader.formatter),
        link=notice.link,
        created_at=notice.created_at,
        read_at=notice.read_at,
    )


def notice_page(
    session: Session, user_id: int, *, reader: Reader, page: int = 1, size: int = PAGE_SIZE
) -> NoticePage:
    """The user's notices, unread first, newest first within each, ``size`` per page."""
    size = max(1, min(size, MAX_PAGE_SIZE))
    page = max(1, page)
    total = int(
        session.scalar(select(func.count()).select_from(Notice).where(Notice.user_id == user_id)) or 0
    )
    query = (
        select(Notice)
        .where(Notice.user_id == user_id)
        .order_by(Notice.read_at.is_not(None), Notice.id.desc())
        .limit(size)
        .offset((page - 1) * size)
    )
    items = [view(notice, reader) for notice in session.scalars(query)]
    return NoticePage(items=items, unread=unread_count(session, user_id), total=total, page=page, size=size)


def mark_read(session: Session, user_id: int, notice_id: int) -> Notice:
    """Mark one of the user's notices read (already read: unchanged); the notice."""
    notice = session.scalar(select(Notice).where(Notice.id == notice_id, Notice.user_id == user_id))
    if notice is None:
        raise NotFound("Notice %(id)s does not exist.", params={"id": notice_id})
    session.execute(
        update(Notice)
        .where(Notice.id == notice_id, Notice.read_at.is_(None))
        .values(read_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    session.refresh(notice)
    return notice


def mark_all_read(session: Session, user_id: int) -> int:
    """Mark every unread notice of the user read; how many."""
    done = session.execute(
        update(Notice)
        .where(Notice.user_id == user_id, Notice.read_at.is_(None))
        .values(read_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    return int(done.rowcount)  # type: ignore[attr-defined]
