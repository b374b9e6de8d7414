"""What the organisers read and do around runs: the runs of an event with their progress and figures,
and publishing the agenda (scheduled → published, the participants told)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from kakehashi.accounts.roles import Actor
from kakehashi.errors import InvalidTransition, NotFound, StaleVersion
from kakehashi.events import agenda_write
from kakehashi.events.agenda_access import event_or_404, require_organiser
from kakehashi.events.agenda_models import SchedulingRun
from kakehashi.events.models import Event
from kakehashi.events.runs import mark_stale
from kakehashi.events.vocab import EventStatus
from kakehashi.store.base import utcnow


@dataclass(frozen=True, slots=True)
class RunView:
    id: int
    event_id: int
    status: str  # queued, running, succeeded, failed, cancelled, stale (its worker stopped)
    done: int
    total: int
    options: dict[str, Any]
    figures: dict[str, Any] | None
    proof_status: str | None
    error: str | None
    created_at: datetime
    started_at: datetime | None
    finished_at: datetime | None

    @property
    def finished(self) -> bool:
        return self.status not in ("queued", "running")


def _view(run: SchedulingRun) -> RunView:
    return RunView(
        id=run.id,
        event_id=run.event_id,
        status=run.status,
        done=run.done,
        total=run.total,
        options=dict(run.options or {}),
        figures=run.figures,
        proof_status=run.proof_status,
        error=run.error,
        created_at=run.created_at,
        started_at=run.started_at,
        finished_at=run.finished_at,
    )


def event_runs(session: Session, actor: Actor, event_id: int, *, limit: int = 20) -> list[RunView]:
    event = event_or_404(session, event_id)
    require_organiser(actor, event)
    mark_stale(session, now=utcnow(), event_id=event.id)
    rows = session.scalars(
        select(SchedulingRun)
        .where(SchedulingRun.event_id == event.id)
        .order_by(SchedulingRun.id.desc())
        .limit(limit)
    )
    return [_view(run) for run in rows]


def get_run(session: Session, actor: Actor, event_id: int, run_id: int) -> RunView:
    event = event_or_404(session, event_id)
    require_organiser(actor, event)
    run = session.get(SchedulingRun, run_id)
    if run is None or run.event_id != event.id:
        raise NotFound("Run %(id)s does not exist.", params={"id": run_id})
    return _view(run)


def publish_agenda(session: Session, actor: Actor, event_id: int, *, version: int | None = None) -> int:
    """Publish the preliminary agenda (the event becomes published); how many meetings were published."""
    event = event_or_404(session, event_id)
    require_organiser(actor, event)
    if version is not None and event.version != version:
        raise StaleVersion("The event was changed by someone else meanwhile; nothing was saved.")
    if event.status not in (EventStatus.SCHEDULED, EventStatus.PUBLISHED, EventStatus.HELD):
        raise InvalidTransition("Run the scheduler before publishing the agenda.")
    _to_published(session, event)
    return agenda_write.publish(session, event)


def _to_published(session: Session, event: Event) -> None:
    session.execute(
        update(Event)
        .where(Event.id == event.id, Event.status == EventStatus.SCHEDULED)
        .values(status=EventStatus.PUBLISHED, status_changed_at=utcnow(), version=Event.version + 1)
        .execution_options(synchronize_session=False)
    )
    session.expire(event)
