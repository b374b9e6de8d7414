"""The audit trail of one introduction (and of the interest it came from), for the agencies: read from
the platform's append-only audit log, exportable as CSV."""

from __future__ import annotations

from collections.abc import Iterator

from sqlalchemy import select
from sqlalchemy.orm import Session

from kakehashi.accounts.roles import Actor
from kakehashi.audit.models import AuditEvent
from kakehashi.audit.service import to_csv
from kakehashi.errors import PermissionDenied
from kakehashi.pipeline.introductions import readable


def _targets(session: Session, actor: Actor, introduction_id: int) -> list[str]:
    if not actor.is_staff:
        raise PermissionDenied("The audit trail of an introduction is for agency officers.")
    intro = readable(session, actor, introduction_id)
    targets = [f"introduction:{intro.id}"]
    if intro.interest_id is not None:
        targets.append(f"interest:{intro.interest_id}")
    return targets


def events(session: Session, actor: Actor, introduction_id: int) -> list[AuditEvent]:
    """Every entry about the introduction and its interest, oldest first."""
    targets = _targets(session, actor, introduction_id)
    return list(
        session.scalars(select(AuditEvent).where(AuditEvent.target.in_(targets)).order_by(AuditEvent.id))
    )


def export_csv(session: Session, actor: Actor, introduction_id: int) -> Iterator[str]:
    return to_csv(events(session, actor, introduction_id))
