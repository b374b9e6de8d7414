"""Crafted hard variants with a known optimum: a compact agenda is planted first (issue 11).

The held-out instances that stalled the solver have few tables, most meetings bound to the morning and
an optimum of 1 break. ``variants.tight_variant`` gives real lists that shape, but their optimum is
unknown (and far above the bound), so they cannot say whether the solver finds the optimum.
``planted_tight`` keeps a real list's participants and how many meetings each has, plants an agenda in
which every participant's meetings form one run of consecutive slots (``gaps`` of the busiest get one
idle slot, forbidden to them, inside the run), most runs in the morning, then derives the meetings
(the pairs that share a slot, never the same pair twice), binds most morning meetings to the morning,
and cuts the tables to the busiest slot of the planted agenda. The planted agenda is a witness: the
optimum is at most its breaks (``Planted.breaks``).
"""

from __future__ import annotations

import random
from dataclasses import dataclass, replace

from kakehashi.scheduling.generate import Planted
from kakehashi.scheduling.problem import Assignment, Meeting, Problem, Session, participant_breaks

MATCHING_TRIES = 200
ATTEMPTS = 20  # fresh plantings tried when a slot's participants cannot all meet somebody new


@dataclass(frozen=True, slots=True)
class PlantedTight:
    planted: Planted
    breaks: int  # breaks of the planted agenda: the optimum is at most this


def planted_tight(
    base: Problem,
    *,
    seed: int,
    morning_share: float = 0.75,
    bind_share: float = 0.85,
    table_slack: int = 0,
    gaps: int = 1,
) -> PlantedTight:
    """``morning_share``: share of the planted participant-slots in the morning (runs that fit there);
    ``bind_share``: share of the planted morning meetings bound to the morning; tables = the busiest
    planted slot plus ``table_slack``; ``gaps``: participants given one forbidden idle slot in their run."""
    counts = [len(ms) for ms in base.meetings_of()]
    for attempt in range(ATTEMPTS):
        rng = random.Random(seed * 1000 + attempt)
        cells = _runs(base, counts, rng, morning_share)
        holes = _gaps(base, cells, counts, gaps)
        try:
            _even_slots(base.n_slots, cells, holes, rng)
            drawn = _pairs(base.n_slots, cells, rng)
        except ValueError:
            continue
        return _instance(base, rng, cells, holes, drawn, bind_share, table_slack)
    raise ValueError("no planted agenda for this list; try another seed")


def _instance(
    base: Problem,
    rng: random.Random,
    cells: list[set[int]],
    holes: dict[int, set[int]],
    drawn: list[tuple[int, int, int]],
    bind_share: float,
    table_slack: int,
) -> PlantedTight:
    rng.shuffle(drawn)
    morning = base.morning_end
    meetings = []
    for a, b, t in drawn:
        bound = t < morning < base.n_slots and rng.random() < bind_share
        first, second = (a, b) if rng.random() < 0.5 else (b, a)
        meetings.append(Meeting(first, second, Session.MORNING if bound else Session.ANY))
    per_slot = [0] * base.n_slots
    for _a, _b, t in drawn:
        per_slot[t] += 1
    forbidden = tuple(
        frozenset(holes.get(p, set()) | (set(base.forbidden[p]) - cells[p]))
        for p in range(base.n_participants)
    )
    problem = Problem(
        n_participants=base.n_participants,
        n_slots=base.n_slots,
        n_tables=max(per_slot) + table_slack,
        meetings=tuple(meetings),
        n_morning_slots=base.n_morning_slots,
        forbidden=forbidden,
    )
    table = [0] * base.n_slots
    agenda = []
    for m, (_a, _b, t) in enumerate(drawn):
        agenda.append(Assignment(m, t, table[t]))
        table[t] += 1
    breaks = sum(participant_breaks(sorted(c)) for c in cells)
    return PlantedTight(Planted(problem, tuple(agenda)), breaks)


def _runs(base: Problem, counts: list[int], rng: random.Random, morning_share: float) -> list[set[int]]:
    """One run of slots per participant, busiest first, where the planted load is lowest."""
    n_slots, morning = base.n_slots, base.morning_end
    load = [0] * n_slots
    cells: list[set[int]] = [set() for _ in counts]
    for p in sorted(range(len(counts)), key=lambda q: (-counts[q], rng.random())):
        n = counts[p]
        if n == 0:
            continue
        n = min(n, n_slots)
        in_morning = sum(load[:morning])
        if n <= morning and in_morning < morning_share * (sum(load) + n):
            starts = range(0, morning - n + 1)
        elif n <= n_slots - morning:
            starts = range(morning, n_slots - n + 1)
        else:
            starts = range(0, n_slots - n + 1)
        start = min(starts, key=lambda s: (max(load[s : s + n]), sum(load[s : s + n]), rng.random()))
        cells[p] = set(range(start, start + n))
        for t in cells[p]:
            load[t] += 1
    return cells


def _gaps(base: Problem, cells: list[set[int]], counts: list[int], gaps: int) -> dict[int, set[int]]:
    """The ``gaps`` busiest participants whose run can grow by one slot get an idle, forbidden slot in
    the middle of it (their meetings move one slot later from there)."""
    holes: dict[int, set[int]] = {}
    for p in sorted(range(len(counts)), key=lambda q: -counts[q]):
        if len(holes) >= gaps:
            break
        run = sorted(cells[p])
        if len(run) < 3 or run[-1] + 1 >= base.n_slots:
            continue
        hole = run[len(run) // 2]
        cells[p] = {t if t < hole else t + 1 for t in run}
        holes[p] = {hole}
    return holes


def _even_slots(n_slots: int, cells: list[set[int]], holes: dict[int, set[int]], rng: random.Random) -> None:
    """Every slot needs an even number of busy participants (they meet in pairs): slot by slot, one
    run is trimmed or grown at an edge, which changes that slot only."""
    for t in range(n_slots):
        busy = [p for p, c in enumerate(cells) if t in c]
        if len(busy) % 2 == 0:
            continue
        trim = [p for p in busy if len(cells[p]) > 1 and (t - 1 not in cells[p] or t + 1 not in cells[p])]
        grow = [
            p
            for p, c in enumerate(cells)
            if c and t not in c and t not in holes.get(p, ()) and (t - 1 in c or t + 1 in c)
        ]
        alone = [p for p in busy if len(cells[p]) == 1]
        if trim:
            cells[rng.choice(trim)].discard(t)
        elif grow:
            cells[rng.choice(grow)].add(t)
        elif alone:
            cells[rng.choice(alone)].discard(t)
        else:
            raise ValueError(f"slot {t} cannot be evened at an edge of a run")


def _pairs(n_slots: int, cells: list[set[int]], rng: random.Random) -> list[tuple[int, int, int]]:
    """The busy participants of each slot matched in pairs, no pair twice (random restarts); when a
    slot cannot be matched, two of its participants at an edge of their runs leave it."""
    met: set[frozenset[int]] = set()
    drawn: list[tuple[int, int, int]] = []
    for t in range(n_slots):
        while True:
            busy = [p for p, c in enumerate(cells) if t in c]
            found = next(
                (f for f in (_matching(busy, met, rng) for _ in range(MATCHING_TRIES)) if f is not None),
                None,
            )
            if found is not None:
                break
            edge = [p for p in busy if len(cells[p]) > 1 and (t - 1 not in cells[p] or t + 1 not in cells[p])]
            if len(edge) < 2:
                raise ValueError(f"no new pairs for slot {t}; try another seed")
            for p in rng.sample(edge, 2):
                cells[p].discard(t)
        for a, b in found:
            met.add(frozenset((a, b)))
            drawn.append((a, b, t))
    return drawn


def _matching(busy: list[int], met: set[frozenset[int]], rng: random.Random) -> list[tuple[int, int]] | None:
    """Pairs the most constrained participant first (fewest partners left)."""
    left = list(busy)
    rng.shuffle(left)
    pairs = []
    while left:
        a = min(left, key=lambda q: sum(1 for b in left if b != q and frozenset((q, b)) not in met))
        left.remove(a)
        partners = [b for b in left if frozenset((a, b)) not in met]
        if not partners:
            return None
        b = rng.choice(partners)
        left.remove(b)
        pairs.append((a, b))
    return pairs


def bound_to_witness(base: Problem, slots: list[int], *, seed: int, bind_share: float = 0.9) -> PlantedTight:
    """A real list with a known agenda ``slots`` (one slot per meeting, e.g. an optimal agenda found
    with fewer tables): tables cut to the agenda's busiest slot and ``bind_share`` of its free morning
    meetings bound to the morning. The agenda stays a witness: the optimum is at most its breaks."""
    rng = random.Random(seed)
    meetings = tuple(
        replace(m, session=Session.MORNING)
        if m.session is Session.ANY
        and m.fixed_slot is None
        and slots[k] < base.morning_end
        and rng.random() < bind_share
        else m
        for k, m in enumerate(base.meetings)
    )
    per_slot = [0] * base.n_slots
    table = []
    for t in slots:
        table.append(per_slot[t])
        per_slot[t] += 1
    problem = replace(base, meetings=meetings, n_tables=max(per_slot))
    agenda = tuple(Assignment(m, t, table[m]) for m, t in enumerate(slots))
    busy: list[list[int]] = [[] for _ in range(base.n_participants)]
    for m, t in enumerate(slots):
        for p in base.meetings[m].participants:
            busy[p].append(t)
    return PlantedTight(Planted(problem, agenda), sum(participant_breaks(b) for b in busy))
