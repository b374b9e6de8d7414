"""From an event's participants, marks and grid to the scheduler's :class:`~kakehashi.scheduling.Problem`.

Pure: the caller (``runs.py``) reads the store and passes plain values, so the mapping is tested
without a database and shared by the job, the CLI and the benchmark.

- A pair is scheduled at most once; its priority is the sum of both sides' marks (must meet 3, meet 1),
  so "must meet" outweighs "meet" even when both sides said "meet"; "no thanks" from either side removes
  the pair (absolute), whatever the other side asked.
- In opt-in mode only accepted requests count; in automatic mode pending (not expired) ones count too.
- Two on-site participants meet at a table; when either attends online, the meeting is online, in the
  slots of the online sessions that lie inside the online side's (or both sides') working hours.
- Locked meetings keep their slot and table (``Meeting.lock``); on a re-run, published ones are where the
  solver keeps them unless it must move them (``Meeting.previous``: as few changes as possible).
- Two participants who share no language need an interpreter of a pair that one of them speaks on each
  side (``interpreter_options``); how many interpreters a slot has is the event's declared supply
  (``Problem.interpreters``), and the solver never needs more.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta

from kakehashi.scheduling.problem import InterpreterPool, Meeting, Placement, Problem, language_pair
from kakehashi.scheduling.zones import WorkingHours

MUST_MEET_WEIGHT = 3
MEET_WEIGHT = 1
WEIGHTS: Mapping[str, int] = {"must_meet": MUST_MEET_WEIGHT, "meet": MEET_WEIGHT}
INTERPRETER_PAIRS = ("it-ja", "en-it", "en-ja")
ALL_DAYS = frozenset(range(7))  # a participant's hours hold on every day of the event it registered for


@dataclass(frozen=True, slots=True)
class Participant:
    registration_id: int
    name: str
    languages: frozenset[str]
    online: bool = False
    zone: str | None = None
    work_starts: time | None = None
    work_ends: time | None = None
    unavailable: frozenset[int] = frozenset()

    def hours(self) -> WorkingHours | None:
        if not self.online or self.zone is None:
            return None
        return WorkingHours(
            zone=self.zone,
            start=self.work_starts or time(9, 0),
            end=self.work_ends or time(18, 0),
            weekdays=ALL_DAYS,
        )


@dataclass(frozen=True, slots=True)
class Mark:
    """What ``source`` said about ``target`` (registration ids)."""

    source: int
    target: int
    mark: str  # must_meet, meet, no_thanks
    status: str  # pending, accepted, declined, withdrawn, expired, recorded
    expires_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class Kept:
    """A meeting's place now: locked (it stays), or published (kept unless the solver must move it).
    ``table`` is the table's index (None: online)."""

    a: int
    b: int
    slot: int
    table: int | None = None
    locked: bool = True


@dataclass(frozen=True, slots=True)
class Frame:
    """The event's grid: slot start instants (UTC), slot length, slots of online sessions, capacities."""

    starts: tuple[datetime, ...]
    minutes: int
    online_slots: frozenset[int]
    n_tables: int
    online_capacity: int


@dataclass(frozen=True, slots=True)
class BuiltProblem:
    problem: Problem
    registrations: tuple[int, ...]  # participant index -> registration id
    pairs: tuple[tuple[int, int], ...]  # meeting index -> (registration a, registration b), a < b
    interpreter_options: tuple[tuple[str, ...], ...]  # meeting index -> pairs that serve it (empty: none)
    kept: frozenset[int] = field(default_factory=frozenset)  # meeting indices with a kept slot
    # Requested pairs that could not even be put to the solver: (a, b, priority, reason code).
    excluded: tuple[tuple[int, int, int, str], ...] = ()


def pair_priorities(marks: Iterable[Mark], *, automatic: bool, now: datetime) -> dict[tuple[int, int], int]:
    """Priority of each requested pair (a < b); pairs with a "no thanks" on either side are absent."""
    refused: set[tuple[int, int]] = set()
    weights: dict[tuple[int, int], int] = {}
    for m in marks:
        pair = (min(m.source, m.target), max(m.source, m.target))
        if m.mark == "no_thanks":
            refused.add(pair)
            continue
        if m.mark not in WEIGHTS or not _counts(m, automatic=automatic, now=now):
            continue
        weights[pair] = weights.get(pair, 0) + WEIGHTS[m.mark]
    return {pair: w for pair, w in weights.items() if pair not in refused}


def _counts(mark: Mark, *, automatic: bool, now: datetime) -> bool:
    if mark.status == "accepted":
        return True
    if not automatic or mark.status != "pending":
        return False
    return mark.expires_at is None or mark.expires_at > now


def interpreter_options(a: Participant, b: Participant) -> tuple[str, ...]:
    """The interpreter pairs that let ``a`` and ``b`` talk; empty when they share a language (or when no
    pair serves them: then they cannot meet, see ``build_problem``)."""
    if a.languages & b.languages:
        return ()
    options = {"-".join(sorted((x, y))) for x in a.languages for y in b.languages if x != y}
    return tuple(p for p in INTERPRETER_PAIRS if p in options)


def build_problem(
    frame: Frame,
    participants: Iterable[Participant],
    priorities: Mapping[tuple[int, int], int],
    *,
    kept: Iterable[Kept] = (),
    supply: Mapping[tuple[int, str], int] | None = None,
) -> BuiltProblem:
    people = sorted(participants, key=lambda p: p.registration_id)
    index = {p.registration_id: i for i, p in enumerate(people)}
    kept_slot = {(min(k.a, k.b), max(k.a, k.b)): k for k in kept}
    wanted = dict(priorities)
    for pair in kept_slot:  # a kept meeting stays even if its marks changed since
        wanted.setdefault(pair, 1)
    meetings: list[Meeting] = []
    pairs: list[tuple[int, int]] = []
    options: list[tuple[str, ...]] = []
    kept_indices: set[int] = set()
    excluded: list[tuple[int, int, int, str]] = []
    for (ra, rb), priority in sorted(wanted.items()):
        if ra not in index or rb not in index:
            if (ra, rb) in kept_slot:  # a scheduled meeting of a participant no longer approved
                excluded.append((ra, rb, priority, "participant_left"))
            continue
        a, b = people[index[ra]], people[index[rb]]
        interpreters = interpreter_options(a, b)
        place = kept_slot.get((ra, rb))
        if place is not None and place.slot < len(frame.starts):
            kept_indices.add(len(meetings))
        else:
            place = None
        meetings.append(_meeting(frame, index, a, b, priority=max(1, priority), place=place))
        pairs.append((ra, rb))
        options.append(interpreters)
    problem = Problem(
        n_participants=max(1, len(people)),
        n_slots=len(frame.starts),
        n_tables=frame.n_tables,
        meetings=tuple(meetings),
        forbidden=tuple(frozenset(t for t in p.unavailable if 0 <= t < len(frame.starts)) for p in people)
        or (frozenset(),),
        online_capacity=frame.online_capacity,
        choose_meetings=True,
        names=tuple(p.name for p in people) or ("",),
        languages=tuple(p.languages for p in people) or (frozenset(),),
        interpreters=_pools(supply or {}, len(frame.starts)),
    )
    return BuiltProblem(
        problem=problem,
        registrations=tuple(p.registration_id for p in people),
        pairs=tuple(pairs),
        interpreter_options=tuple(options),
        kept=frozenset(kept_indices),
        excluded=tuple(excluded),
    )


def _pools(supply: Mapping[tuple[int, str], int], n_slots: int) -> tuple[InterpreterPool, ...]:
    pools = []
    for pair in INTERPRETER_PAIRS:
        per_slot = tuple(supply.get((t, pair), 0) for t in range(n_slots))
        if any(per_slot):
            x, y = pair.split("-")
            pools.append(InterpreterPool(language_pair(x, y), per_slot))
    return tuple(pools)


def _meeting(
    frame: Frame,
    index: Mapping[int, int],
    a: Participant,
    b: Participant,
    *,
    priority: int,
    place: Kept | None,
) -> Meeting:
    placement = None if place is None else Placement(place.slot, place.table)
    lock = placement if place is not None and place.locked else None
    previous = placement if place is not None and not place.locked else None
    online = a.online or b.online
    return Meeting(
        a=index[a.registration_id],
        b=index[b.registration_id],
        priority=priority,
        onsite=not online,
        online_slots=_online_slots(frame, a, b) if online else frozenset(),
        lock=lock,
        previous=previous,
    )


def _online_slots(frame: Frame, a: Participant, b: Participant) -> frozenset[int]:
    hours = [h for h in (a.hours(), b.hours()) if h is not None]
    found = set()
    for t in frame.online_slots:
        begin = frame.starts[t]
        end = begin + timedelta(minutes=frame.minutes)
        if all(h.covers(begin, end) for h in hours):
            found.add(t)
    return frozenset(found)
