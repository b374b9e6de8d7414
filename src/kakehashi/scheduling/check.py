"""Independent checker: re-verifies an agenda against the problem and recomputes breaks.

It shares nothing with the solvers but the Problem and Assignment types (plain data): sessions, break
counts, fairness, interpreters (who needs one, which pairs fit, how many per slot and pair) and locks
are recomputed here from the raw fields, with their own code (a break is counted as an
idle-to-busy step after the first busy slot, not from sorted pairs as ``problem.participant_breaks`` does),
so a bug in a model, in the solvers' break count or in the Problem helpers cannot hide here.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from kakehashi.scheduling.problem import Assignment, Problem, Session


@dataclass(frozen=True, slots=True)
class CheckReport:
    violations: tuple[str, ...]
    breaks_per_participant: tuple[int, ...]
    priority_held: int
    unscheduled: tuple[int, ...]

    @property
    def ok(self) -> bool:
        return not self.violations

    @property
    def breaks(self) -> int:
        return sum(self.breaks_per_participant)

    @property
    def max_breaks(self) -> int:
        return max(self.breaks_per_participant, default=0)


def check_agenda(
    problem: Problem, assignments: Iterable[Assignment], *, fairness: int | None = 2
) -> CheckReport:
    """Every violated rule, in words with 1-based numbers; fairness None skips the fairness rule."""
    agenda = list(assignments)
    violations: list[str] = []
    slot_of: dict[int, int] = {}
    for a in agenda:
        violations.extend(_placement_violations(problem, a, slot_of))
    violations.extend(_capacity_violations(problem, agenda))
    violations.extend(_interpreter_violations(problem, agenda))
    violations.extend(_lock_violations(problem, agenda))
    busy = _busy_slots(problem, slot_of, violations)
    violations.extend(_precedence_violations(problem, slot_of))
    unscheduled = tuple(m for m in range(len(problem.meetings)) if m not in slot_of)
    if unscheduled and not problem.choose_meetings:
        listed = ", ".join(str(m + 1) for m in unscheduled[:10])
        violations.append(f"{len(unscheduled)} meeting(s) not scheduled: {listed}")
    breaks = tuple(_recount_breaks(slots, problem.n_slots) for slots in busy)
    if fairness is not None:
        violations.extend(_fairness_violations(problem, breaks, fairness))
    held = sum(problem.meetings[m].priority for m in slot_of)
    return CheckReport(tuple(violations), breaks, held, unscheduled)


def _placement_violations(problem: Problem, a: Assignment, slot_of: dict[int, int]) -> list[str]:
    if not 0 <= a.meeting < len(problem.meetings):
        return [f"meeting {a.meeting + 1} does not exist"]
    if a.meeting in slot_of:
        return [f"meeting {a.meeting + 1} is scheduled twice"]
    if not 0 <= a.slot < problem.n_slots:
        return [f"meeting {a.meeting + 1}: slot {a.slot + 1} is outside 1..{problem.n_slots}"]
    slot_of[a.meeting] = a.slot
    meeting = problem.meetings[a.meeting]
    label = f"meeting {a.meeting + 1} in slot {a.slot + 1}"
    found: list[str] = []
    if not _in_session(problem, meeting.session, a.slot):
        found.append(f"{label}: outside its session ({meeting.session.name.lower()})")
    if meeting.fixed_slot is not None and a.slot != meeting.fixed_slot:
        found.append(f"{label}: it is fixed to slot {meeting.fixed_slot + 1}")
    for p in meeting.participants:
        if a.slot in problem.forbidden[p]:
            found.append(f"{label}: participant {p + 1} is not available then")
    if a.table is None:
        if a.slot not in meeting.online_slots:
            found.append(f"{label}: online is not allowed then (working hours)")
    elif not meeting.onsite:
        found.append(f"{label}: it must be held online")
    elif not 0 <= a.table < problem.n_tables:
        found.append(f"{label}: table {a.table + 1} is outside 1..{problem.n_tables}")
    return found


def _in_session(problem: Problem, session: Session, slot: int) -> bool:
    """Morning: slots before n_morning_slots (all when the day is not split); afternoon: the rest."""
    morning = problem.n_slots if problem.n_morning_slots is None else problem.n_morning_slots
    if session == Session.MORNING:
        return slot < morning
    if session == Session.AFTERNOON:
        return slot >= morning
    return True


def _recount_breaks(slots: list[int], n_slots: int) -> int:
    """Idle-to-busy steps after the first busy slot: each is the end of one break."""
    busy = [False] * n_slots
    for t in slots:
        busy[t] = True
    breaks, started = 0, False
    for t in range(n_slots):
        if busy[t] and started and not busy[t - 1]:
            breaks += 1
        started = started or busy[t]
    return breaks


def _capacity_violations(problem: Problem, agenda: list[Assignment]) -> list[str]:
    found: list[str] = []
    tables = Counter((a.slot, a.table) for a in agenda if a.table is not None)
    for (slot, table), count in sorted(tables.items()):
        if count > 1:
            found.append(f"slot {slot + 1}, table {table + 1}: {count} meetings at once")
    online = Counter(a.slot for a in agenda if a.table is None)
    for slot, count in sorted(online.items()):
        if count > problem.online_capacity:
            found.append(f"slot {slot + 1}: {count} online meetings, capacity {problem.online_capacity}")
    return found


def _busy_slots(problem: Problem, slot_of: dict[int, int], violations: list[str]) -> list[list[int]]:
    busy: list[list[int]] = [[] for _ in range(problem.n_participants)]
    seen: dict[tuple[int, int], int] = {}
    for m, slot in sorted(slot_of.items()):
        for p in problem.meetings[m].participants:
            other = seen.get((p, slot))
            if other is not None:
                violations.append(
                    f"participant {p + 1} has meetings {other + 1} and {m + 1} in slot {slot + 1}"
                )
            else:
                seen[(p, slot)] = m
                busy[p].append(slot)
    return busy


def _precedence_violations(problem: Problem, slot_of: dict[int, int]) -> list[str]:
    found: list[str] = []
    for m, meeting in enumerate(problem.meetings):
        for before in meeting.after:
            if m in slot_of and before in slot_of and slot_of[before] >= slot_of[m]:
                found.append(f"meeting {before + 1} must be held before meeting {m + 1}")
            elif m in slot_of and before not in slot_of and not problem.choose_meetings:
                found.append(f"meeting {m + 1} is held but its predecessor {before + 1} is not")
    return found


def _fairness_violations(problem: Problem, breaks: tuple[int, ...], fairness: int) -> list[str]:
    """Fairness is among participants with at least one requested meeting."""
    counts: defaultdict[int, int] = defaultdict(int)
    for meeting in problem.meetings:
        for p in meeting.participants:
            counts[p] += 1
    active = [breaks[p] for p in counts]
    if not active or max(active) - min(active) <= fairness:
        return []
    worst = max(counts, key=lambda p: breaks[p])
    best = min(counts, key=lambda p: breaks[p])
    return [
        f"unfair: participant {worst + 1} has {breaks[worst]} breaks, participant {best + 1} has "
        f"{breaks[best]} (allowed difference {fairness})"
    ]


def _interpreter_violations(problem: Problem, agenda: list[Assignment]) -> list[str]:
    """A meeting whose parties both declare languages and share none takes an interpreter of a pair
    (x, y), x spoken by one side and y by the other; per slot and pair, at most those present."""
    if not problem.languages:
        return [f"meeting {a.meeting + 1}: no interpreter is needed" for a in agenda if a.interpreter]
    present: Counter[tuple[tuple[str, str], int]] = Counter()
    for pool in problem.interpreters:
        for t, count in enumerate(pool.per_slot):
            present[(min(pool.pair), max(pool.pair)), t] += count
    used: Counter[tuple[tuple[str, str], int]] = Counter()
    found: list[str] = []
    for a in agenda:
        if not 0 <= a.meeting < len(problem.meetings) or not 0 <= a.slot < problem.n_slots:
            continue
        meeting = problem.meetings[a.meeting]
        one, other = problem.languages[meeting.a], problem.languages[meeting.b]
        label = f"meeting {a.meeting + 1} in slot {a.slot + 1}"
        needed = bool(one) and bool(other) and not (one & other)
        if not needed:
            if a.interpreter is not None:
                found.append(f"{label}: no interpreter is needed")
            continue
        if a.interpreter is None:
            found.append(f"{label}: the parties share no language and no interpreter is assigned")
            continue
        x, y = a.interpreter
        if not ((x in one and y in other) or (y in one and x in other)) or x == y:
            found.append(f"{label}: an interpreter {x}-{y} cannot serve these parties")
            continue
        used[(min(x, y), max(x, y)), a.slot] += 1
    for (pair, t), count in sorted(used.items()):
        if count > present[pair, t]:
            found.append(
                f"slot {t + 1}: {count} meetings need a {pair[0]}-{pair[1]} interpreter, "
                f"{present[pair, t]} present"
            )
    return found


def _lock_violations(problem: Problem, agenda: list[Assignment]) -> list[str]:
    where = {a.meeting: (a.slot, a.table) for a in agenda}
    found: list[str] = []
    for m, meeting in enumerate(problem.meetings):
        lock = meeting.lock
        if lock is None:
            continue
        if m not in where:
            found.append(f"meeting {m + 1} is locked but not held")
        elif where[m] != (lock.slot, lock.table):
            found.append(f"meeting {m + 1} is locked to slot {lock.slot + 1}, {_place(lock.table)}")
    return found


def _place(table: int | None) -> str:
    return "online" if table is None else f"table {table + 1}"
