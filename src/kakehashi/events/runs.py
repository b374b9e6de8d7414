"""Scheduling runs: the officer starts one from the page (or the API, the CLI), a job of
:mod:`kakehashi.jobs` solves it in the background, and stores the preliminary agenda and its figures.

The request only writes the run row and enqueues the job; the job reads the event, builds the problem
(``problem_build``), solves it (``kakehashi.scheduling.solve``) reporting progress on the run row and in
``job_runs``, serves interpreters and gives tables (``placement``), checks the result with the
independent checker, and writes the meetings (``agenda_write``) and the figures in one transaction.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from kakehashi.accounts.roles import Actor
from kakehashi.errors import Conflict, FieldProblem, Infeasible, InvalidTransition, ValidationFailed
from kakehashi.events.agenda_access import event_or_404, require_organiser
from kakehashi.events.agenda_models import SchedulingRun
from kakehashi.events.agenda_write import Planned, write_result
from kakehashi.events.figures import run_figures
from kakehashi.events.interpreters import Shortage
from kakehashi.events.locks import interpreter_shortages, shortage_error
from kakehashi.events.models import Event
from kakehashi.events.problem_build import build_problem, pair_priorities
from kakehashi.events.run_inputs import RunInputs, load_inputs
from kakehashi.events.vocab import EventStatus, RunStatus
from kakehashi.scheduling.check import check_agenda
from kakehashi.scheduling.problem import Result, Status
from kakehashi.scheduling.solve import SolveOptions, solve
from kakehashi.store import Database
from kakehashi.store.base import utcnow

if TYPE_CHECKING:
    from kakehashi.jobs.registry import JobContext
    from kakehashi.jobs.runner import JobRunner

JOB_NAME = "event-schedule"
STALE_JOB_NAME = "event-stale-runs"
STALE_CRON = "*/10 * * * *"
TIME_LIMIT_MIN_S = 5
TIME_LIMIT_MAX_S = 600
TIME_LIMIT_DEFAULT_S = 60
RUNNABLE = (EventStatus.BOOKING, EventStatus.SCHEDULED, EventStatus.PUBLISHED)
ACTIVE = (RunStatus.QUEUED, RunStatus.RUNNING)
# A running run with no news this long after its time limit, or a queued one never taken this long, lost
# its worker (a stopped server or job worker): it is marked stale and another run may start.
STALE_GRACE_S = 300
QUEUED_STALE_S = 6 * 3600
STALE_ERROR = "stale: the worker stopped before the run finished"


@dataclass(frozen=True, slots=True)
class RunOptions:
    time_limit_s: int = TIME_LIMIT_DEFAULT_S
    keep_published: bool = True  # published meetings keep their slot (only what must change changes)

    def checked(self) -> RunOptions:
        if not TIME_LIMIT_MIN_S <= self.time_limit_s <= TIME_LIMIT_MAX_S:
            raise ValidationFailed(
                "The run cannot be started.",
                problems=[
                    FieldProblem(
                        "time_limit_s",
                        "Between %(min)s and %(max)s seconds.",
                        params={"min": TIME_LIMIT_MIN_S, "max": TIME_LIMIT_MAX_S},
                    )
                ],
            )
        return self


def job_key(run_id: int) -> str:
    return f"event-run-{run_id}"


def create_run(session: Session, actor: Actor, event_id: int, options: RunOptions) -> SchedulingRun:
    """The run row (queued), after the checks that need no solver: the event can be scheduled, no run is
    active, and the interpreters declared cover the locked meetings."""
    options = options.checked()
    event = event_or_404(session, event_id)
    require_organiser(actor, event)
    if event.status not in RUNNABLE:
        raise InvalidTransition(
            "The scheduler runs only once booking has opened, and until the event is held."
        )
    mark_stale(session, now=utcnow(), event_id=event.id)
    active = session.scalar(
        select(SchedulingRun.id).where(SchedulingRun.event_id == event.id, SchedulingRun.status.in_(ACTIVE))
    )
    if active is not None:
        raise Conflict(
            "Run %(id)s of this event is still going; wait for it to finish.", params={"id": active}
        )
    found: list[Shortage] = interpreter_shortages(session, event)
    if found:
        raise shortage_error(found)
    run = SchedulingRun(
        event_id=event.id,
        status=RunStatus.QUEUED,
        options={"time_limit_s": options.time_limit_s, "keep_published": options.keep_published},
        created_by_id=actor.user_id,
    )
    session.add(run)
    session.flush()
    run.job_key = job_key(run.id)
    return run


def is_stale(run: SchedulingRun, *, now: datetime) -> bool:
    """Whether ``run`` lost its worker: running with no progress written for its time limit and a grace
    (progress is written every second while it solves), or queued and never taken."""
    if run.status == RunStatus.RUNNING:
        limit = int((run.options or {}).get("time_limit_s", TIME_LIMIT_DEFAULT_S))
        last_news = max(filter(None, (run.started_at, run.updated_at, run.created_at)))
        return last_news + timedelta(seconds=limit + STALE_GRACE_S) < now
    if run.status == RunStatus.QUEUED:
        return run.created_at + timedelta(seconds=QUEUED_STALE_S) < now
    return False


def mark_stale(session: Session, *, now: datetime, event_id: int | None = None) -> list[int]:
    """Mark stale every active run (of ``event_id``, else of all events) that lost its worker, each as
    one conditional UPDATE (a run that finishes meanwhile keeps its result); the ids marked."""
    query = select(SchedulingRun).where(SchedulingRun.status.in_(ACTIVE))
    if event_id is not None:
        query = query.where(SchedulingRun.event_id == event_id)
    marked = []
    for run in session.scalars(query).all():
        if not is_stale(run, now=now):
            continue
        result = session.execute(
            update(SchedulingRun)
            .where(
                SchedulingRun.id == run.id,
                SchedulingRun.status == run.status,
                SchedulingRun.version == run.version,
            )
            .values(status=RunStatus.STALE, error=STALE_ERROR, finished_at=now, version=run.version + 1)
            .execution_options(synchronize_session=False)
        )
        if result.rowcount == 1:  # type: ignore[attr-defined]
            marked.append(run.id)
            session.expire(run)
    return marked


def mark_stale_runs(context: JobContext) -> None:
    """The periodic job: mark the runs whose worker stopped (pages and a new run also look)."""
    with context.database.session() as session:
        marked = mark_stale(session, now=utcnow())
    context.progress(len(marked), len(marked))


def start_run(database: Database, runner: JobRunner, actor: Actor, event_id: int, options: RunOptions) -> int:
    """Write the run, commit, hand it to the job runner; the run's id (the page polls it)."""
    with database.session() as session:
        run = create_run(session, actor, event_id, options)
        run_id = run.id
    runner.submit(JOB_NAME, key=job_key(run_id), arguments={"run_id": run_id})
    return run_id


def schedule_event(context: JobContext, *, run_id: int) -> None:
    """The job: solve run ``run_id`` and store its agenda and figures (idempotent: a finished run is left
    as it is)."""
    execute_run(context.database, run_id, progress=context.progress)


def execute_run(
    database: Database, run_id: int, *, progress: Callable[[int, int], None] | None = None
) -> None:
    with database.session() as session:
        claimed = session.execute(
            update(SchedulingRun)
            .where(SchedulingRun.id == run_id, SchedulingRun.status == RunStatus.QUEUED)
            .values(status=RunStatus.RUNNING, started_at=utcnow(), version=SchedulingRun.version + 1)
            .execution_options(synchronize_session=False)
        )
        if claimed.rowcount != 1:  # type: ignore[attr-defined]
            return  # taken by another worker, or finished: a job runs a run once
        run = session.get(SchedulingRun, run_id)
        assert run is not None
        options = dict(run.options or {})
        event = event_or_404(session, run.event_id)
        inputs = load_inputs(session, event, keep_published=bool(options.get("keep_published", True)))
    limit = int(options.get("time_limit_s", TIME_LIMIT_DEFAULT_S))
    reporter = _Reporter(database, run_id, limit, progress)
    try:
        figures, placed_rows = _solve(inputs, limit, reporter)
        with database.session() as session:
            event = event_or_404(session, inputs.event_id)
            run = session.get(SchedulingRun, run_id, with_for_update=True)
            assert run is not None
            if run.status != RunStatus.RUNNING:
                return  # marked stale meanwhile: an officer may have started another run
            changes = write_result(session, event, run_id, placed_rows)
            figures["changes"] = changes
            run.status, run.finished_at = RunStatus.SUCCEEDED, utcnow()
            run.figures, run.proof_status = figures, figures["status"]
            run.done = run.total = limit
            _mark_scheduled(session, event)
    except Exception as error:
        _failed(database, run_id, error)
        raise


def _solve(inputs: RunInputs, limit: int, reporter: _Reporter) -> tuple[dict[str, Any], list[Planned]]:
    started = time.monotonic()
    priorities = pair_priorities(inputs.marks, automatic=inputs.automatic, now=utcnow())
    built = build_problem(
        inputs.frame, inputs.participants, priorities, kept=inputs.kept, supply=inputs.supply
    )
    reporter(0)
    if built.problem.meetings:
        result = solve(
            built.problem,
            SolveOptions(time_limit=float(limit), fairness=None),
            progress=lambda _text: reporter(time.monotonic() - started),
        )
    else:
        result = Result(Status.OPTIMAL, (), 0, 0, 0, (), 0.0)
    if result.status == Status.INFEASIBLE:
        raise Infeasible(
            "The locked meetings cannot all be held: %(why)s", params={"why": result.explanation or ""}
        )
    report = check_agenda(built.problem, result.assignments, fairness=None)
    if not report.ok:
        raise Infeasible(
            "The agenda failed the independent check: %(why)s",
            params={"why": "; ".join(report.violations[:5])},
        )
    figures = run_figures(built, result, inputs.names, seconds=time.monotonic() - started)
    length = timedelta(minutes=inputs.frame.minutes)
    rows = [
        Planned(
            a=built.pairs[a.meeting][0],
            b=built.pairs[a.meeting][1],
            slot=a.slot,
            starts_at=inputs.frame.starts[a.slot],
            ends_at=inputs.frame.starts[a.slot] + length,
            table_id=None if a.table is None else inputs.table_ids[a.table],
            interpreter_pair=None if a.interpreter is None else "-".join(a.interpreter),
            priority=built.problem.meetings[a.meeting].priority,
        )
        for a in sorted(result.assignments, key=lambda a: a.meeting)
    ]
    return figures, rows


class _Reporter:
    """Progress in seconds of the time limit, on the run row and in ``job_runs`` (at most once a second)."""

    def __init__(
        self, database: Database, run_id: int, limit: int, progress: Callable[[int, int], None] | None
    ) -> None:
        self.database, self.run_id, self.limit, self.progress = database, run_id, limit, progress
        self.last = -1.0

    def __call__(self, elapsed: float) -> None:
        now = time.monotonic()
        if now - self.last < 1.0:
            return
        self.last = now
        done = min(self.limit, int(elapsed))
        if self.progress is not None:
            self.progress(done, self.limit)
        with self.database.session() as session:
            session.execute(
                update(SchedulingRun)
                .where(SchedulingRun.id == self.run_id)
                .values(done=done, total=self.limit)
                .execution_options(synchronize_session=False)
            )


def _failed(database: Database, run_id: int, error: BaseException) -> None:
    with database.session() as session:
        session.execute(
            update(SchedulingRun)
            .where(SchedulingRun.id == run_id)
            .values(
                status=RunStatus.FAILED, error=f"{type(error).__name__}: {error}"[:2000], finished_at=utcnow()
            )
            .execution_options(synchronize_session=False)
        )


def _mark_scheduled(session: Session, event: Event) -> None:
    """booking → scheduled, as one conditional update (a later state stays)."""
    session.execute(
        update(Event)
        .where(Event.id == event.id, Event.status == EventStatus.BOOKING)
        .values(status=EventStatus.SCHEDULED, status_changed_at=utcnow(), version=Event.version + 1)
        .execution_options(synchronize_session=False)
    )
