"""Writing and reading the audit log. There is deliberately no update and no delete here."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any, Final

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from kakehashi.accounts.roles import Actor, Role
from kakehashi.audit.models import AuditEvent
from kakehashi.errors import PermissionDenied
from kakehashi.store.base import utcnow


class AuditKind(StrEnum):
    SIGN_IN = "sign_in"
    SIGN_IN_FAILED = "sign_in_failed"
    SIGN_IN_THROTTLED = "sign_in_throttled"
    SIGN_OUT = "sign_out"
    PASSWORD_CHANGED = "password_changed"
    PASSWORD_RESET_REQUESTED = "password_reset_requested"
    PASSWORD_RESET = "password_reset"
    USER_CREATED = "user_created"
    ROLE_CHANGED = "role_changed"
    USER_DEACTIVATED = "user_deactivated"
    USER_ACTIVATED = "user_activated"
    TOKEN_ISSUED = "token_issued"
    TOKEN_REVOKED = "token_revoked"
    OPPORTUNITY_TRANSITION = "opportunity_transition"
    EVENT_TRANSITION = "event_transition"
    REGISTRATION_DECIDED = "registration_decided"
    INTEREST_EXPRESSED = "interest_expressed"
    INTEREST_ACCEPTED = "interest_accepted"
    INTEREST_DECLINED = "interest_declined"
    INTEREST_REFERRED = "interest_referred"
    INTEREST_WITHDRAWN = "interest_withdrawn"
    INTRODUCTION_PROPOSED = "introduction_proposed"
    CONSENT_GIVEN = "consent_given"
    CONSENT_WITHDRAWN = "consent_withdrawn"
    IDENTITIES_DISCLOSED = "identities_disclosed"
    INTRODUCTION_STAGE = "introduction_stage"
    INTRODUCTION_FOLLOWED = "introduction_followed"
    AGREEMENT_RECORDED = "agreement_recorded"
    AGREEMENT_CONFIRMED = "agreement_confirmed"
    MESSAGE_SENT = "message_sent"


EXPORT_COLUMNS: Final = ("id", "at", "kind", "actor_user_id", "actor_email", "target", "address", "detail")


def record(
    session: Session,
    kind: AuditKind,
    *,
    actor_user_id: int | None = None,
    actor_email: str | None = None,
    target: str | None = None,
    address: str | None = None,
    detail: Mapping[str, Any] | None = None,
) -> None:
    """Append one entry (in the caller's transaction: it is written only if the action is)."""
    session.add(
        AuditEvent(
            at=utcnow(),
            kind=kind.value,
            actor_user_id=actor_user_id,
            actor_email=actor_email[:254] if actor_email else None,
            target=target[:100] if target else None,
            address=address[:64] if address else None,
            detail=dict(detail or {}),
        )
    )
    session.flush()


@dataclass(frozen=True, slots=True)
class AuditFilter:
    kind: str | None = None
    user_id: int | None = None
    target: str | None = None
    since: datetime | None = None
    until: datetime | None = None


def _require_admin(actor: Actor) -> None:
    if actor.role != Role.ADMIN:
        raise PermissionDenied("Only an administrator can read the audit log.")


def _query(where: AuditFilter) -> Select[AuditEvent]:
    query = select(AuditEvent)
    if where.kind:
        query = query.where(AuditEvent.kind == where.kind)
    if where.user_id is not None:
        query = query.where(AuditEvent.actor_user_id == where.user_id)
    if where.target:
        query = query.where(AuditEvent.target == where.target)
    if where.since is not None:
        query = query.where(AuditEvent.at >= where.since)
    if where.until is not None:
        query = query.where(AuditEvent.at < where.until)
    return query


def list_events(
    session: Session, actor: Actor, where: AuditFilter, *, page: int, page_size: int
) -> tuple[list[AuditEvent], int]:
    """One page of entries, newest first, and how many match in all."""
    _require_admin(actor)
    query = _query(where)
    total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
    rows = session.scalars(
        query.order_by(AuditEvent.id.desc()).offset((page - 1) * page_size).limit(page_size)
    ).all()
    return list(rows), int(total)


def iter_events(session: Session, actor: Actor, where: AuditFilter) -> Iterator[AuditEvent]:
    """Every matching entry, oldest first, streamed in batches (for exports)."""
    _require_admin(actor)
    yield from session.scalars(_query(where).order_by(AuditEvent.id).execution_options(yield_per=500))


def as_dict(event: AuditEvent) -> dict[str, Any]:
    return {
        "id": event.id,
        "at": event.at.isoformat(),
        "kind": event.kind,
        "actor_user_id": event.actor_user_id,
        "actor_email": event.actor_email,
        "target": event.target,
        "address": event.address,
        "detail": event.detail,
    }


def to_jsonl(events: Iterable[AuditEvent]) -> Iterator[str]:
    for event in events:
        yield json.dumps(as_dict(event), ensure_ascii=False) + "\n"


def _cell(value: object) -> object:
    """A spreadsheet must not run a formula planted in an e-mail field (CSV injection)."""
    if value is None:
        return ""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


def to_csv(events: Iterable[AuditEvent]) -> Iterator[str]:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(EXPORT_COLUMNS)
    for event in events:
        row = as_dict(event)
        row["detail"] = json.dumps(row["detail"], ensure_ascii=False, sort_keys=True)
        writer.writerow([_cell(row[name]) for name in EXPORT_COLUMNS])
        yield buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()
    yield buffer.getvalue()
