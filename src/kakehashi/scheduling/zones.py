"""Slot times and working hours across time zones, with ``zoneinfo`` so daylight saving is right.

An event's slots are UTC instants; a participant works ``start``..``end`` local time in its zone on
``days``. An online meeting may use a slot only if the whole slot lies inside both parties' hours.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from kakehashi.errors import FieldProblem, ValidationFailed


def zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as error:
        raise ValidationFailed(
            "unknown time zone",
            problems=[FieldProblem("zone", "%(zone)s is not a time zone", params={"zone": repr(name)})],
        ) from error


@dataclass(frozen=True, slots=True)
class WorkingHours:
    zone: str
    start: time = time(9, 0)
    end: time = time(18, 0)
    weekdays: frozenset[int] = frozenset(range(5))  # Monday = 0

    def covers(self, begin_utc: datetime, end_utc: datetime) -> bool:
        """Whether [begin, end) lies inside one working day of this participant."""
        tz = zone(self.zone)
        local_begin = begin_utc.astimezone(tz)
        local_end = end_utc.astimezone(tz)
        if local_begin.weekday() not in self.weekdays:
            return False
        day = local_begin.date()
        day_start = datetime.combine(day, self.start, tz)
        day_end = datetime.combine(day, self.end, tz)
        return day_start <= local_begin and local_end <= day_end


@dataclass(frozen=True, slots=True)
class SlotGrid:
    """Start instant (UTC) of every slot and the slot length."""

    starts: tuple[datetime, ...]
    minutes: int

    def __post_init__(self) -> None:
        if any(s.tzinfo is None for s in self.starts):
            raise ValidationFailed(
                "slot times need a zone", problems=[FieldProblem("starts", "naive datetime")]
            )

    def interval(self, t: int) -> tuple[datetime, datetime]:
        begin = self.starts[t].astimezone(UTC)
        return begin, begin + timedelta(minutes=self.minutes)

    @classmethod
    def day(
        cls, first: datetime, *, n_slots: int, minutes: int, morning_slots: int | None = None, lunch: int = 0
    ) -> SlotGrid:
        """Consecutive slots from ``first`` (zone-aware), with a lunch gap after the morning slots."""
        starts = []
        for t in range(n_slots):
            gap = lunch if morning_slots is not None and t >= morning_slots else 0
            starts.append((first + timedelta(minutes=t * minutes + gap)).astimezone(UTC))
        return cls(tuple(starts), minutes)

    @classmethod
    def days(
        cls,
        dates: tuple[date, ...],
        *,
        first: time,
        venue_zone: str,
        slots_per_day: int,
        minutes: int,
        morning_slots: int | None = None,
        lunch: int = 0,
    ) -> SlotGrid:
        """The same day grid on each of ``dates``, from ``first`` local time at the venue (each day's
        UTC offset from zoneinfo, so a grid across a daylight-saving change stays at the same local
        times). Slot ``d * slots_per_day + k`` is slot k of day d."""
        tz = zone(venue_zone)
        starts: list[datetime] = []
        for day in dates:
            one = cls.day(
                datetime.combine(day, first, tz),
                n_slots=slots_per_day,
                minutes=minutes,
                morning_slots=morning_slots,
                lunch=lunch,
            )
            starts.extend(one.starts)
        return cls(tuple(starts), minutes)


def online_slots(grid: SlotGrid, a: WorkingHours, b: WorkingHours) -> frozenset[int]:
    """Slots inside both parties' working hours."""
    return frozenset(
        t for t in range(len(grid.starts)) if a.covers(*grid.interval(t)) and b.covers(*grid.interval(t))
    )


def overlap(day: date, a: WorkingHours, b: WorkingHours) -> timedelta:
    """Length of the common working time of ``a`` and ``b`` on ``day`` (a's calendar date)."""
    tz_a, tz_b = zone(a.zone), zone(b.zone)
    a_begin = datetime.combine(day, a.start, tz_a)
    a_end = datetime.combine(day, a.end, tz_a)
    best = timedelta(0)
    for shift in (-1, 0, 1):  # b's working day that can meet a's
        b_day = day + timedelta(days=shift)
        b_begin = datetime.combine(b_day, b.start, tz_b)
        b_end = datetime.combine(b_day, b.end, tz_b)
        common = min(a_end, b_end) - max(a_begin, b_begin)
        best = max(best, common)
    return best
