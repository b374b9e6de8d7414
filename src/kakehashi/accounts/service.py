"""Accounts service: users, agencies, authentication and API tokens."""

from __future__ import annotations

import hashlib
import re
import secrets
from datetime import datetime, timedelta
from functools import lru_cache

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from kakehashi.accounts.models import Agency, ApiToken, User
from kakehashi.accounts.passwords import hash_password, password_problems, verify_password
from kakehashi.accounts.roles import Actor, Role
from kakehashi.audit import service as audit
from kakehashi.audit.service import AuditKind
from kakehashi.errors import (
    AuthenticationRequired,
    Conflict,
    FieldProblem,
    PermissionDenied,
    ValidationFailed,
)
from kakehashi.store.base import utcnow

# The command line acts with full rights: whoever runs it owns the installation.
SYSTEM = Actor(role=Role.ADMIN)

AGENCIES = (
    (
        "ICE",
        "ICE – Agenzia per la promozione all'estero e l'internazionalizzazione delle imprese italiane",
        "IT",
    ),
    ("JETRO", "JETRO – Japan External Trade Organization (日本貿易振興機構)", "JP"),
)

_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
TOKEN_PREFIX = "kk_"
TOKEN_TOUCH_EVERY = timedelta(minutes=1)  # how often a token's last_used_at is written


def ensure_agencies(session: Session) -> None:
    """Create the two trade agencies if they are not there yet."""
    existing = set(session.scalars(select(Agency.code)))
    for code, name, country in AGENCIES:
        if code not in existing:
            session.add(Agency(code=code, name=name, country=country))
    session.flush()


def create_user(
    session: Session,
    actor: Actor,
    *,
    email: str,
    password: str,
    display_name: str,
    role: Role,
    organisation_id: int | None = None,
    agency_code: str | None = None,
    locale: str | None = None,
) -> User:
    if actor.role != Role.ADMIN:
        raise PermissionDenied("Only an administrator can create users.")
    email = email.strip().lower()
    problems = _user_problems(email, password, display_name, role, organisation_id, agency_code)
    if problems:
        raise ValidationFailed("The user is not valid.", problems=problems)
    if session.scalar(select(User.id).where(User.email == email)) is not None:
        raise Conflict(
            "A user with e-mail %(email)s exists already.",
            params={"email": email},
            problems=[FieldProblem("email", "already registered")],
        )
    agency_id = None
    if agency_code is not None:
        ensure_agencies(session)
        agency_id = session.scalar(select(Agency.id).where(Agency.code == agency_code.upper()))
    user = User(
        email=email,
        display_name=display_name.strip(),
        password_hash=hash_password(password),
        role=role.value,
        organisation_id=organisation_id if role == Role.MEMBER else None,
        agency_id=agency_id,
        locale=locale,
    )
    session.add(user)
    session.flush()
    audit.record(
        session,
        AuditKind.USER_CREATED,
        actor_user_id=actor.user_id,
        target=f"user:{user.id}",
        detail={"email": user.email, "role": user.role},
    )
    return user


def _user_problems(
    email: str,
    password: str,
    display_name: str,
    role: Role,
    organisation_id: int | None,
    agency_code: str | None,
) -> list[FieldProblem]:
    problems = []
    if not _EMAIL.match(email):
        problems.append(FieldProblem("email", "is not an e-mail address"))
    problems.extend(password_problems(password, email=email, display_name=display_name))
    if not display_name.strip():
        problems.append(FieldProblem("display_name", "must not be empty"))
    if role == Role.VISITOR:
        problems.append(FieldProblem("role", "visitors have no account"))
    if role == Role.MEMBER and organisation_id is None:
        problems.append(FieldProblem("organisation", "a member belongs to an organisation"))
    if role == Role.OFFICER and (agency_code or "").upper() not in {code for code, _, _ in AGENCIES}:
        problems.append(FieldProblem("agency", "an officer belongs to ICE or JETRO"))
    return problems


def authenticate(session: Session, *, email: str, password: str) -> User:
    if "\x00" in email:  # no account has one, and PostgreSQL refuses it in a query
        raise AuthenticationRequired("Wrong e-mail or password.")
    user = session.scalar(select(User).where(User.email == email.strip().lower()))
    # Verify against a dummy hash when the user is unknown so that timing does not reveal accounts.
    stored = user.password_hash if user is not None else _dummy_hash()
    if not verify_password(stored, password) or user is None or not user.is_active:
        raise AuthenticationRequired("Wrong e-mail or password.")
    return user


@lru_cache(maxsize=1)
def _dummy_hash() -> str:
    return hash_password(secrets.token_hex(16))


def actor_for(user: User) -> Actor:
    return Actor(
        role=Role(user.role),
        user_id=user.id,
        organisation_id=user.organisation_id,
        agency_code=user.agency.code if user.agency is not None else None,
    )


def get_user(session: Session, user_id: int) -> User | None:
    user = session.get(User, user_id)
    return user if user is not None and user.is_active else None


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def issue_token(session: Session, user: User, *, max_age_s: int, label: str = "") -> str:
    """Create an API token; the plain token is returned once and only its hash is stored."""
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    now = utcnow()
    session.add(
        ApiToken(
            user_id=user.id,
            token_hash=_token_hash(token),
            label=label,
            created_at=now,
            expires_at=now + timedelta(seconds=max_age_s),
        )
    )
    session.flush()
    audit.record(
        session,
        AuditKind.TOKEN_ISSUED,
        actor_user_id=user.id,
        actor_email=user.email,
        target=f"user:{user.id}",
        detail={"label": label},
    )
    return token


def actor_for_token(session: Session, token: str) -> Actor:
    row = session.scalar(select(ApiToken).where(ApiToken.token_hash == _token_hash(token)))
    now = utcnow()
    if row is None or row.expires_at <= now or not row.user.is_active:
        raise AuthenticationRequired("The API token is unknown or expired.")
    if row.last_used_at is None or now - row.last_used_at >= TOKEN_TOUCH_EVERY:
        # At most once a minute: written on every request, it made every API read a write, and on SQLite
        # 50 clients then queued for the one writer until requests failed ("database is locked", soak).
        row.last_used_at = now
    return actor_for(row.user)


def token_expiry(session: Session, token: str) -> datetime | None:
    """When ``token`` stops working (None for an unknown token)."""
    return session.scalar(select(ApiToken.expires_at).where(ApiToken.token_hash == _token_hash(token)))


def revoke_token(session: Session, token: str) -> None:
    row = session.scalar(select(ApiToken).where(ApiToken.token_hash == _token_hash(token)))
    if row is not None:
        audit.record(
            session,
            AuditKind.TOKEN_REVOKED,
            actor_user_id=row.user_id,
            target=f"user:{row.user_id}",
            detail={"label": row.label},
        )
        session.delete(row)


def revoke_all_tokens(session: Session, user_id: int, *, keep: str | None = None) -> None:
    """Revoke every API token of a user (but ``keep``, the token of the request that asked)."""
    query = delete(ApiToken).where(ApiToken.user_id == user_id)
    if keep is not None:
        query = query.where(ApiToken.token_hash != _token_hash(keep))
    session.execute(query)
