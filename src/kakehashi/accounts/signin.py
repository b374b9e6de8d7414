"""Signing in through the throttle, with every outcome in the audit log; signing out.

The pages and the API share this, so failures on either count together. The throttle is asked first (a
try during a wait is refused before the password is even checked); a failure is counted in a transaction of
its own, because the sign-in's own transaction is rolled back.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from sqlalchemy.orm import Session

from kakehashi.accounts.models import User
from kakehashi.accounts.service import authenticate
from kakehashi.accounts.sessions import end_session
from kakehashi.accounts.throttle import SignInThrottle
from kakehashi.audit import service as audit
from kakehashi.audit.service import AuditKind
from kakehashi.errors import AuthenticationRequired, FieldProblem, TooManyAttempts, ValidationFailed
from kakehashi.limits import CONTROL_CHARACTERS_MESSAGE, has_control_characters
from kakehashi.store import Database

T = TypeVar("T")


def sign_in(
    database: Database,
    throttle: SignInThrottle,
    *,
    email: str,
    password: str,
    address: str | None,
    then: Callable[[Session, User], T],
    channel: str,
) -> T:
    """Authenticate and run ``then`` (start a session, issue a token) in the same transaction."""
    email = email.strip()[:254]
    if has_control_characters(email, multi_line=False):
        # Never a key of the throttle or the audit log (PostgreSQL refuses a NUL byte in text).
        raise ValidationFailed(
            "The sign-in is not valid.", problems=[FieldProblem("email", CONTROL_CHARACTERS_MESSAGE)]
        )
    try:
        with database.session() as session:
            throttle.check(session, email, address)
    except TooManyAttempts:
        with database.session() as session:
            audit.record(
                session,
                AuditKind.SIGN_IN_THROTTLED,
                address=address,
                detail={"email": email.lower(), "channel": channel},
            )
        raise
    try:
        with database.session() as session:
            user = authenticate(session, email=email, password=password)
            throttle.succeeded(session, email)
            audit.record(
                session,
                AuditKind.SIGN_IN,
                actor_user_id=user.id,
                actor_email=user.email,
                address=address,
                detail={"channel": channel},
            )
            return then(session, user)
    except AuthenticationRequired:
        with database.session() as session:
            throttle.failed(session, email, address)
            audit.record(
                session,
                AuditKind.SIGN_IN_FAILED,
                address=address,
                detail={"email": email.lower(), "channel": channel},
            )
        raise


def sign_out(session: Session, session_id: str, *, address: str | None) -> None:
    """End one browser session (its cookie is worthless afterwards)."""
    user_id = end_session(session, session_id)
    if user_id is not None:
        audit.record(session, AuditKind.SIGN_OUT, actor_user_id=user_id, address=address)
