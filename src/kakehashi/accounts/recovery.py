"""Changing a password, and resetting a forgotten one with an e-mailed one-time link.

Either ends every session and API token of the user (the one making the change keeps a fresh session or
its own token), so whoever held the old password is out at once. Reset tokens are stored hashed, work
once and expire; asking for a reset says the same whether or not the e-mail has an account.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import timedelta
from urllib.parse import quote

from babel.support import Translations
from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import Session

from kakehashi.accounts.models import PasswordReset, User
from kakehashi.accounts.passwords import hash_password, password_problems, verify_password
from kakehashi.accounts.service import revoke_all_tokens
from kakehashi.accounts.sessions import end_all_sessions
from kakehashi.audit import service as audit
from kakehashi.audit.service import AuditKind
from kakehashi.config import Settings
from kakehashi.errors import AuthenticationRequired, FieldProblem, NotFound, ValidationFailed
from kakehashi.notifications.mail import Mail, password_reset_mail
from kakehashi.notifications.recipients import user_language
from kakehashi.store.base import utcnow
from kakehashi.store.versions import flush_versioned, require_version

MAX_LIVE_RESET_LINKS = 3


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _set_password(session: Session, user: User, new_password: str, *, keep_token: str | None) -> None:
    problems = password_problems(new_password, email=user.email, display_name=user.display_name)
    if problems:
        raise ValidationFailed(
            "The new password is not acceptable.",
            problems=[FieldProblem("new_password", p.message, params=p.params) for p in problems],
        )
    user.password_hash = hash_password(new_password)
    end_all_sessions(session, user.id)
    revoke_all_tokens(session, user.id, keep=keep_token)
    # Links asked for before the change must not undo it.
    session.execute(
        update(PasswordReset)
        .where(PasswordReset.user_id == user.id, PasswordReset.used_at.is_(None))
        .values(used_at=utcnow())
    )
    flush_versioned(session)


def change_password(
    session: Session,
    user_id: int,
    *,
    current_password: str,
    new_password: str,
    address: str | None = None,
    keep_token: str | None = None,
    expected_version: int | None = None,
) -> User:
    """The signed-in user changes their own password, proving they know the current one (and, when
    ``expected_version`` is given, that the account is as they last read it)."""
    user = session.get(User, user_id)
    if user is None or not user.is_active:
        raise AuthenticationRequired("Please sign in.")
    require_version(user.version, expected_version)
    if not verify_password(user.password_hash, current_password):
        raise ValidationFailed(
            "The current password is wrong.",
            problems=[FieldProblem("current_password", "The current password is wrong.")],
        )
    _set_password(session, user, new_password, keep_token=keep_token)
    audit.record(
        session,
        AuditKind.PASSWORD_CHANGED,
        actor_user_id=user.id,
        actor_email=user.email,
        target=f"user:{user.id}",
        address=address,
    )
    return user


@dataclass(frozen=True, slots=True)
class ResetLink:
    """What the edge needs to mail a reset link: the plain token appears only here, once."""

    email: str
    display_name: str
    locale: str | None
    token: str


def reset_mail(link: ResetLink, *, translations: Mapping[str, Translations], settings: Settings) -> Mail:
    """The e-mail that carries ``link``, in its account's language (else the default one)."""
    locale = (
        link.locale if link.locale is not None and link.locale in translations else settings.default_locale
    )
    return password_reset_mail(
        translations[locale],
        to=link.email,
        name=link.display_name,
        link=f"{settings.base_url()}/password/reset?token={quote(link.token)}",
        valid_minutes=settings.password_reset_max_age_s // 60,
    )


def request_reset(
    session: Session, *, email: str, max_age_s: int, address: str | None = None
) -> ResetLink | None:
    """A one-time reset token for an active account's e-mail (None for an unknown or inactive one)."""
    user = session.scalar(select(User).where(User.email == email.strip().lower()))
    audit.record(
        session,
        AuditKind.PASSWORD_RESET_REQUESTED,
        actor_user_id=user.id if user is not None else None,
        address=address,
        detail={"email": email.strip().lower()[:254], "known": user is not None and user.is_active},
    )
    if user is None or not user.is_active:
        return None
    now = utcnow()
    live = session.scalar(
        select(func.count())
        .select_from(PasswordReset)
        .where(
            PasswordReset.user_id == user.id,
            PasswordReset.used_at.is_(None),
            PasswordReset.expires_at > now,
        )
    )
    if (live or 0) >= MAX_LIVE_RESET_LINKS:
        # Nobody can flood an inbox through this form: the links already sent still work.
        return None
    session.execute(
        delete(PasswordReset).where(PasswordReset.user_id == user.id, PasswordReset.expires_at <= now)
    )
    token = secrets.token_urlsafe(32)
    session.add(
        PasswordReset(
            token_hash=_hash(token),
            user_id=user.id,
            created_at=now,
            expires_at=now + timedelta(seconds=max_age_s),
        )
    )
    session.flush()
    # The language notices use too: the account's own, else its organisation's country's.
    language = user_language(session, user)
    return ResetLink(email=user.email, display_name=user.display_name, locale=language, token=token)


def _live_reset(session: Session, token: str) -> PasswordReset:
    row = session.scalar(select(PasswordReset).where(PasswordReset.token_hash == _hash(token)))
    if row is None or row.used_at is not None or row.expires_at <= utcnow():
        raise NotFound("This password reset link is unknown, used or expired; ask for a new one.")
    return row


def check_reset_token(session: Session, token: str) -> None:
    """Raise NotFound unless ``token`` is a live reset link (so the page can say so before the form)."""
    _live_reset(session, token)


def reset_password(session: Session, *, token: str, new_password: str, address: str | None = None) -> User:
    """Set a new password with a live reset link; the link is used up."""
    row = _live_reset(session, token)
    user = session.get(User, row.user_id)
    # Claimed in one conditional UPDATE: of two requests with the same link only one gets through.
    claimed = session.execute(
        update(PasswordReset)
        .where(PasswordReset.id == row.id, PasswordReset.used_at.is_(None))
        .values(used_at=utcnow())
    )
    if user is None or not user.is_active or getattr(claimed, "rowcount", 0) != 1:
        raise NotFound("This password reset link is unknown, used or expired; ask for a new one.")
    _set_password(session, user, new_password, keep_token=None)
    audit.record(
        session,
        AuditKind.PASSWORD_RESET,
        actor_user_id=user.id,
        actor_email=user.email,
        target=f"user:{user.id}",
        address=address,
    )
    return user


def set_password_by_operator(session: Session, user_id: int, new_password: str) -> User:
    """The command line (whoever runs it owns the installation) sets a password without the old one."""
    user = session.get(User, user_id)
    if user is None:
        raise NotFound("User %(id)s does not exist.", params={"id": user_id})
    _set_password(session, user, new_password, keep_token=None)
    audit.record(session, AuditKind.PASSWORD_RESET, target=f"user:{user.id}", detail={"by": "command line"})
    return user
