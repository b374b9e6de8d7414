"""The pipeline's periodic work, run as jobs of :mod:`kakehashi.jobs` (never on a request)."""

from __future__ import annotations

from datetime import date

from kakehashi.config import Settings
from kakehashi.matching.service import MatchingService
from kakehashi.pipeline import alerts, introductions
from kakehashi.store import Database
from kakehashi.store.base import utcnow


def report_overdue(database: Database, *, today: date | None = None) -> int:
    """Notify the officers of every introduction whose next step became overdue."""
    with database.session() as session:
        return introductions.report_overdue(session, today=today or utcnow().date())


def run_alerts(database: Database, matching: MatchingService, *, settings: Settings | None) -> int:
    """Run the saved searches and followed matches; e-mail the digests that are due (with ``settings``)."""
    return alerts.run_alerts(database, matching, settings=settings)
