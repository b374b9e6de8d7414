"""Reports asked for from the dashboard: the request is recorded and handed to the job runner (the PDF is
never made on the request path); its progress is the job's run row; its file is offered to whoever asked
(and to officers) once written."""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path

from sqlalchemy import select

from kakehashi.accounts.roles import Actor
from kakehashi.analytics.dashboard import scoped
from kakehashi.analytics.report import (
    JOB_NAME,
    ReportRequest,
    job_key,
    new_token,
    read_request,
    record_request,
    report_file,
)
from kakehashi.analytics.tables import Filters
from kakehashi.config import Settings
from kakehashi.errors import PermissionDenied
from kakehashi.jobs.models import JobRun
from kakehashi.jobs.runner import JobRunner
from kakehashi.store import Database


@dataclass(frozen=True, slots=True)
class ReportStatus:
    token: str
    report: ReportRequest
    status: str  # waiting, running, succeeded, failed
    done: int
    total: int
    ready: bool


def request_report(
    settings: Settings, runner: JobRunner, actor: Actor, *, quarter: str, locale: str, filters: Filters
) -> str:
    """Record the report ``actor`` asks for (its figures scoped as the dashboard's) and enqueue it."""
    allowed = scoped(actor, filters)
    report = ReportRequest(
        quarter=quarter,
        locale=locale,
        organisation_id=allowed.organisation_id,
        sector=allowed.sector,
        country=allowed.country,
        agency=allowed.agency,
        event_id=allowed.event_id,
    ).checked()
    token = new_token()
    record_request(settings, token, report, user_id=actor.user_id)
    runner.submit(JOB_NAME, key=job_key(token), arguments={"token": token})
    return token


def report_status(database: Database, settings: Settings, actor: Actor, token: str) -> ReportStatus:
    report = _readable(settings, actor, token)
    ready = report_file(settings, token) is not None
    with database.session() as session:
        run = session.scalars(
            select(JobRun)
            .where(JobRun.task == JOB_NAME, JobRun.key == job_key(token))
            .order_by(JobRun.id.desc())
        ).first()
        status, done, total = ("waiting", 0, 0) if run is None else (run.status, run.done, run.total)
    if ready:
        status = "succeeded"
    elif status == "succeeded" or status == "lost":
        status = "running"  # the file is being moved into place, or a worker takes the job again
    return ReportStatus(token=token, report=report, status=status, done=done, total=total, ready=ready)


def readable_file(settings: Settings, actor: Actor, token: str) -> tuple[Path, ReportRequest] | None:
    report = _readable(settings, actor, token)
    path = report_file(settings, token)
    return (path, report) if path is not None else None


def _readable(settings: Settings, actor: Actor, token: str) -> ReportRequest:
    """Officers read every report; anyone else only the reports they asked for."""
    scoped(actor, Filters())
    user_id, report = read_request(settings, token)
    if not actor.is_staff and user_id != actor.user_id:
        raise PermissionDenied("This report was asked for by someone else.")
    return replace(report)
