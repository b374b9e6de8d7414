"""The slot grid of an event, derived from its sessions and slot length in the venue's zone (pure).

Slots are numbered 0.. in time order across the whole event. A slot's start is a wall-clock time in the
venue's zone, turned into a UTC instant with ``zoneinfo`` (so a day after the end of daylight saving time
in Europe is right); each session holds as many whole slots as fit between its start and end.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from kakehashi.scheduling.zones import SlotGrid, zone


@dataclass(frozen=True, slots=True)
class SessionSpec:
    day: date
    part: str
    starts: time
    ends: time
    online: bool = False


@dataclass(frozen=True, slots=True)
class Slot:
    index: int
    day: date
    part: str
    session: int  # index of the session (in time order)
    starts_at: datetime  # UTC
    ends_at: datetime  # UTC
    online: bool  # online meetings possible in this slot


@dataclass(frozen=True, slots=True)
class EventGrid:
    time_zone: str
    minutes: int
    slots: tuple[Slot, ...]

    def __len__(self) -> int:
        return len(self.slots)

    @property
    def days(self) -> list[date]:
        return sorted({slot.day for slot in self.slots})

    @property
    def online_slots(self) -> frozenset[int]:
        return frozenset(slot.index for slot in self.slots if slot.online)

    def contains(self, index: int) -> bool:
        return 0 <= index < len(self.slots)

    def scheduling_grid(self) -> SlotGrid:
        """The grid as :mod:`kakehashi.scheduling.zones` takes it (working-hours checks)."""
        return SlotGrid(tuple(slot.starts_at for slot in self.slots), self.minutes)

    def slots_of_day(self, day: date) -> list[Slot]:
        return [slot for slot in self.slots if slot.day == day]


def slots_in(starts: time, ends: time, minutes: int) -> int:
    """How many whole slots of ``minutes`` fit between two wall-clock times of one day."""
    length = (ends.hour * 60 + ends.minute) - (starts.hour * 60 + starts.minute)
    return max(0, length // minutes) if minutes > 0 else 0


def build_grid(time_zone: str, minutes: int, sessions: Sequence[SessionSpec]) -> EventGrid:
    tz = zone(time_zone)
    ordered = sorted(sessions, key=lambda s: (s.day, s.starts))
    slots: list[Slot] = []
    for number, session in enumerate(ordered):
        first = datetime.combine(session.day, session.starts)
        for k in range(slots_in(session.starts, session.ends, minutes)):
            # Wall-clock arithmetic on the naive local time, then the zone: a slot at 10:00 local stays
            # at 10:00 local whatever the UTC offset of that day.
            local = (first + timedelta(minutes=k * minutes)).replace(tzinfo=tz)
            begin = local.astimezone(UTC)
            slots.append(
                Slot(
                    index=len(slots),
                    day=session.day,
                    part=session.part,
                    session=number,
                    starts_at=begin,
                    ends_at=begin + timedelta(minutes=minutes),
                    online=session.online,
                )
            )
    return EventGrid(time_zone=time_zone, minutes=minutes, slots=tuple(slots))
