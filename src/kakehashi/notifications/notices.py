"""``notify``: the one call by which a feature tells users something (in-app, and by e-mail after commit).

The notice is written in the caller's session and transaction: it exists exactly when the change it
reports is committed. E-mail goes through an outbox: a notice to be e-mailed is written ``pending``;
after the commit the ``notifications.send`` job (or the in-process sender) sends what is pending,
each notice at most once. A rollback leaves nothing to send.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Final

from sqlalchemy.orm import Session

from kakehashi.notifications.models import EMAIL_NONE, EMAIL_PENDING, Notice
from kakehashi.notifications.params import NoticeParam, encode_params
from kakehashi.notifications.recipients import resolve_recipients

MAX_KIND: Final = 60
MAX_LINK: Final = 500
# Set in a session that wrote notices to e-mail; read after its commit (see ``dispatch``).
PENDING_MAIL: Final = "kakehashi.notifications.pending_mail"


def notify(
    session: Session,
    *,
    kind: str,
    message: str,
    params: Mapping[str, NoticeParam] | None = None,
    link: str | None = None,
    users: Iterable[int] = (),
    organisations: Iterable[int] = (),
    agencies: Iterable[str] = (),
    exclude_user: int | None = None,
    email: bool = True,
) -> list[int]:
    """Write one notice per recipient in ``session`` (flushed, not committed); their ids.

    ``kind`` is a stable dotted name whose first part is its family (``event.request.received``: the
    recipient's e-mail preference for "event" applies). ``message`` is an English gettext id marked with
    ``N_`` with ``%(name)s`` placeholders filled from ``params`` when the notice is read. ``link`` is a
    site-relative path. Recipients: ``users`` ids, the members of ``organisations``, the officers of
    ``agencies`` (codes), each once, never ``exclude_user`` (the actor), inactive users never.
    """
    _check(kind=kind, message=message, link=link)
    stored = encode_params(params)
    recipients = resolve_recipients(
        session, users=users, organisations=organisations, agencies=agencies, exclude_user=exclude_user
    )
    notices = [
        Notice(
            user_id=user_id,
            kind=kind,
            message=message,
            params=stored,
            link=link,
            email_state=EMAIL_PENDING if email else EMAIL_NONE,
        )
        for user_id in recipients
    ]
    if not notices:
        return []
    session.add_all(notices)
    session.flush()
    if email:
        session.info[PENDING_MAIL] = True
    return [notice.id for notice in notices]


def _check(*, kind: str, message: str, link: str | None) -> None:
    # Programming errors of the calling feature, not user input: they fail loudly in its tests.
    if not kind or len(kind) > MAX_KIND or not all(part.isidentifier() for part in kind.split(".")):
        raise ValueError(f"notice kind {kind!r}: dotted identifiers, at most {MAX_KIND} characters")
    if not message.strip():
        raise ValueError("a notice needs a message")
    if link is not None and (
        not link.startswith("/") or link.startswith("//") or len(link) > MAX_LINK or "\\" in link
    ):
        raise ValueError(f"notice link {link!r}: a site-relative path such as /events/3")


def family(kind: str) -> str:
    """The e-mail preference family of a kind: its first dotted part."""
    return kind.partition(".")[0]
