"""Order statistics of durations (pure): the one place medians and percentiles are computed, the way
PostgreSQL's ``percentile_cont`` does (linear interpolation between the closest ranks)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, date, datetime, time

SECONDS_PER_DAY = 86_400


def percentile(values: Sequence[float], fraction: float) -> float | None:
    """The ``fraction`` (0..1) percentile of ``values``, rounded to a tenth; ``None`` when there are none."""
    if not values:
        return None
    ordered = sorted(values)
    position = fraction * (len(ordered) - 1)
    low = int(position)
    high = min(low + 1, len(ordered) - 1)
    value = ordered[low] + (ordered[high] - ordered[low]) * (position - low)
    return round(value, 1)


def median(values: Sequence[float]) -> float | None:
    return percentile(values, 0.5)


def days_between(start: datetime | date, end: datetime | date) -> float:
    """Days from ``start`` to ``end``; a date counts as its midnight UTC."""
    return (_instant(end) - _instant(start)).total_seconds() / SECONDS_PER_DAY


def _instant(value: datetime | date) -> datetime:
    if isinstance(value, datetime):
        return value if value.tzinfo is not None else value.replace(tzinfo=UTC)
    return datetime.combine(value, time(), tzinfo=UTC)
