"""Random instances with a planted feasible agenda, and platform-scale instances with time zones.

``planted_instance`` first draws an agenda (slot per meeting, tables respected, nobody double-booked),
then derives sessions, unavailable slots, fixed slots and precedences that the agenda satisfies, so the
instance is feasible by construction (without fairness) and the planted agenda is a witness.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, datetime, time

from kakehashi.scheduling.problem import Assignment, InterpreterPool, Meeting, Problem, Session
from kakehashi.scheduling.zones import SlotGrid, WorkingHours, online_slots, zone


@dataclass(frozen=True, slots=True)
class Planted:
    problem: Problem
    agenda: tuple[Assignment, ...]


def planted_instance(
    seed: int,
    *,
    n_participants: int = 40,
    n_meetings: int = 100,
    n_slots: int = 12,
    n_tables: int = 10,
    morning_slots: int | None = None,
    restricted_rate: float = 0.2,
    forbidden_rate: float = 0.3,
    fixed_rate: float = 0.05,
    precedence_rate: float = 0.02,
) -> Planted:
    rng = random.Random(seed)
    weights = [rng.paretovariate(1.5) for _ in range(n_participants)]
    busy: set[tuple[int, int]] = set()
    per_slot = [0] * n_slots
    pairs: set[frozenset[int]] = set()
    drawn: list[tuple[int, int, int]] = []
    for _ in range(n_meetings * 20):
        if len(drawn) == n_meetings:
            break
        t = rng.randrange(n_slots)
        a, b = rng.choices(range(n_participants), weights=weights, k=2)
        if (
            a == b
            or per_slot[t] >= n_tables
            or (a, t) in busy
            or (b, t) in busy
            or frozenset((a, b)) in pairs
        ):
            continue
        busy.update(((a, t), (b, t)))
        per_slot[t] += 1
        pairs.add(frozenset((a, b)))
        drawn.append((a, b, t))
    morning = morning_slots if morning_slots is not None else n_slots
    meetings = []
    for m, (a, b, t) in enumerate(drawn):
        session = Session.ANY
        if morning_slots is not None and rng.random() < restricted_rate:
            session = Session.MORNING if t < morning else Session.AFTERNOON
        fixed = t if rng.random() < fixed_rate else None
        after = tuple(
            sorted(
                {k for k, (_a, _b, tk) in enumerate(drawn[:m]) if tk < t and rng.random() < precedence_rate}
            )
        )
        meetings.append(Meeting(a, b, session, fixed, after))
    forbidden = []
    for p in range(n_participants):
        idle = [t for t in range(n_slots) if (p, t) not in busy]
        chosen = (
            set(rng.sample(idle, k=min(len(idle), rng.randint(1, 3))))
            if rng.random() < forbidden_rate
            else set()
        )
        forbidden.append(frozenset(chosen))
    problem = Problem(
        n_participants=n_participants,
        n_slots=n_slots,
        n_tables=n_tables,
        meetings=tuple(meetings),
        n_morning_slots=morning_slots,
        forbidden=tuple(forbidden),
    )
    agenda = _seated(drawn, n_slots)
    return Planted(problem, agenda)


def _seated(drawn: list[tuple[int, int, int]], n_slots: int) -> tuple[Assignment, ...]:
    next_table = [0] * n_slots
    agenda = []
    for m, (_a, _b, t) in enumerate(drawn):
        agenda.append(Assignment(m, t, next_table[t]))
        next_table[t] += 1
    return tuple(agenda)


def platform_instance(
    seed: int,
    *,
    n_participants: int = 1000,
    n_requests: int = 5000,
    n_slots: int = 16,
    n_tables: int = 150,
    online_capacity: int = 100,
    first_slot: datetime | None = None,
    slot_minutes: int = 30,
) -> tuple[Problem, SlotGrid]:
    """An Italy–Japan event in Rome: Italians mostly on site, Japanese on site or online from Tokyo.

    Priorities: 3 for "must meet", 1 for "meet", plus 1 when the interest is mutual. A remote participant
    works 9:00-18:00 in its own zone, so its online slots follow the real Rome–Tokyo offset that day.
    """
    rng = random.Random(seed)
    start = first_slot or datetime(2026, 6, 10, 9, 0, tzinfo=zone("Europe/Rome"))
    morning = n_slots // 2
    grid = SlotGrid.day(start, n_slots=n_slots, minutes=slot_minutes, morning_slots=morning, lunch=90)
    japanese = [rng.random() < 0.4 for _ in range(n_participants)]
    on_site = [rng.random() < (0.5 if jp else 0.9) for jp in japanese]
    hours = [
        WorkingHours("Europe/Rome", weekdays=frozenset(range(7)))
        if here or not jp
        else WorkingHours("Asia/Tokyo", weekdays=frozenset(range(7)))
        for jp, here in zip(japanese, on_site, strict=True)
    ]
    weights = [rng.paretovariate(2.0) for _ in range(n_participants)]
    pairs: set[frozenset[int]] = set()
    meetings: list[Meeting] = []
    while len(meetings) < n_requests:
        a, b = rng.choices(range(n_participants), weights=weights, k=2)
        if a == b or frozenset((a, b)) in pairs or (japanese[a] == japanese[b] and rng.random() < 0.8):
            continue
        pairs.add(frozenset((a, b)))
        priority = (3 if rng.random() < 0.3 else 1) + (1 if rng.random() < 0.25 else 0)
        meetings.append(
            Meeting(
                a,
                b,
                priority=priority,
                online_slots=online_slots(grid, hours[a], hours[b]) if online_capacity else frozenset(),
                onsite=on_site[a] and on_site[b],
            )
        )
    problem = Problem(
        n_participants=n_participants,
        n_slots=n_slots,
        n_tables=n_tables,
        meetings=tuple(meetings),
        n_morning_slots=morning,
        online_capacity=online_capacity,
        choose_meetings=True,
    )
    return problem, grid


@dataclass(frozen=True, slots=True)
class GeneratedEvent:
    problem: Problem
    grid: SlotGrid
    japanese: tuple[bool, ...]
    remote: tuple[bool, ...]


def event_instance(
    seed: int,
    *,
    n_participants: int = 300,
    n_requests: int = 1500,
    days: tuple[date, ...] = (date(2026, 10, 23), date(2026, 10, 26)),
    slots_per_day: int = 16,
    slot_minutes: int = 30,
    n_tables: int = 40,
    online_share: float = 0.2,
    online_capacity: int = 20,
    interpreters: tuple[tuple[str, str, int], ...] = (("it", "ja", 10), ("en", "ja", 5), ("en", "it", 5)),
) -> GeneratedEvent:
    """An Italy–Japan event in Rome over ``days`` (default: a Friday and the Monday after the end of
    European summer time, so the Rome–Tokyo overlap shrinks by an hour between the two days).

    Italians speak Italian (60 % also English), Japanese Japanese (50 % also English); 45 % of the
    participants are Japanese and 40 % of those take part online from Tokyo, working 8:00–20:00 there.
    A share ``online_share`` of the requests has a remote party (so it can only be held online, inside
    both working days); 90 % of the others are Italian–Japanese. Priorities as ``platform_instance``:
    3 for "must meet", 1 for "meet", plus 1 when the interest is mutual.
    """
    rng = random.Random(seed)
    rome = zone("Europe/Rome")
    morning = slots_per_day // 2
    starts: list[datetime] = []
    for day in days:
        first = datetime.combine(day, time(9, 0), rome)
        grid_day = SlotGrid.day(
            first, n_slots=slots_per_day, minutes=slot_minutes, morning_slots=morning, lunch=60
        )
        starts.extend(grid_day.starts)
    grid = SlotGrid(tuple(starts), slot_minutes)
    japanese = tuple(rng.random() < 0.45 for _ in range(n_participants))
    remote = tuple(jp and rng.random() < 0.4 for jp in japanese)
    languages = tuple(
        frozenset({"ja", *(["en"] if rng.random() < 0.5 else [])})
        if jp
        else frozenset({"it", *(["en"] if rng.random() < 0.6 else [])})
        for jp in japanese
    )
    hours = [
        WorkingHours("Asia/Tokyo", start=time(8, 0), end=time(20, 0)) if away else WorkingHours("Europe/Rome")
        for away in remote
    ]
    weights = [rng.paretovariate(2.0) for _ in range(n_participants)]
    away = [p for p in range(n_participants) if remote[p]]
    here = [p for p in range(n_participants) if not remote[p]]
    italians = [p for p in here if not japanese[p]]
    pairs: set[frozenset[int]] = set()
    meetings: list[Meeting] = []
    while len(meetings) < n_requests:
        want_online = rng.random() < online_share
        a, b = _event_pair(rng, want_online, away, here, italians, weights, japanese)
        while a == b or frozenset((a, b)) in pairs:
            a, b = _event_pair(rng, want_online, away, here, italians, weights, japanese)
        pairs.add(frozenset((a, b)))
        priority = (3 if rng.random() < 0.3 else 1) + (1 if rng.random() < 0.25 else 0)
        on_site = not (remote[a] or remote[b])
        window = online_slots(grid, hours[a], hours[b]) if not on_site else frozenset()
        meetings.append(Meeting(a, b, priority=priority, online_slots=window, onsite=on_site))
    n_slots = len(starts)
    problem = Problem(
        n_participants=n_participants,
        n_slots=n_slots,
        n_tables=n_tables,
        meetings=tuple(meetings),
        online_capacity=online_capacity,
        choose_meetings=True,
        languages=languages,
        interpreters=tuple(
            InterpreterPool.constant(x, y, count, n_slots=n_slots) for x, y, count in interpreters
        ),
    )
    return GeneratedEvent(problem, grid, japanese, remote)


def _event_pair(
    rng: random.Random,
    online: bool,
    away: list[int],
    here: list[int],
    italians: list[int],
    weights: list[float],
    japanese: tuple[bool, ...],
) -> tuple[int, int]:
    """A remote Japanese with an Italian on site, or two on site (Italian–Japanese 90 % of the time)."""
    if online:
        a = rng.choices(away, weights=[weights[p] for p in away])[0]
        return a, rng.choices(italians, weights=[weights[p] for p in italians])[0]
    while True:
        a, b = rng.choices(here, weights=[weights[p] for p in here], k=2)
        if japanese[a] != japanese[b] or rng.random() >= 0.9:
            return a, b
