"""CP-SAT model of the B2B meeting scheduling problem, one builder per constraint family.

Variables (named as in the OR-Tools examples):
  ``onsite[m, t]``  meeting m is held at a table in slot t;
  ``online[m, t]``  meeting m is held online in slot t;
  ``busy[p, t]``    participant p is in a meeting in slot t (the sum of its meeting variables);
  ``start[p, t]``   a run of busy slots of p starts at t (busy now, idle or day start before);
  ``breaks[p]``     number of runs of p minus one (zero when p holds no meeting).
A break is a maximal idle run between two meetings, so counting runs counts breaks exactly, which the
fairness rule needs (a relaxed count could inflate a participant's breaks to satisfy fairness).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from ortools.sat.python import cp_model

from kakehashi.scheduling.problem import Problem

Var = cp_model.IntVar
WINDOWS = True
SEATS = True
BLOCKS = True
TIGHT_TABLES = 0.45  # share of table-slots requested above which seat reasoning is added


@dataclass
class B2BModel:
    problem: Problem
    model: cp_model.CpModel = field(default_factory=cp_model.CpModel)
    onsite: dict[tuple[int, int], Var] = field(default_factory=dict)
    online: dict[tuple[int, int], Var] = field(default_factory=dict)
    held: list[cp_model.LinearExprT] = field(default_factory=list)
    busy: dict[tuple[int, int], Var] = field(default_factory=dict)
    start: dict[tuple[int, int], Var] = field(default_factory=dict)
    runs: list[dict[int, Var]] = field(default_factory=list)  # per participant: slot -> "a run starts here"
    breaks: list[Var] = field(default_factory=list)
    total_breaks: Var | None = None
    priority_held: cp_model.LinearExprT = 0
    interpreter: dict[tuple[int, int, tuple[str, str]], Var] = field(default_factory=dict)

    def slot_vars(self, m: int) -> list[tuple[int, Var]]:
        """(slot, variable) pairs of every way meeting m can be held."""
        slots = range(self.problem.n_slots)
        pairs = [(t, self.onsite[m, t]) for t in slots if (m, t) in self.onsite]
        return pairs + [(t, self.online[m, t]) for t in slots if (m, t) in self.online]


def add_assignment_vars(b: B2BModel) -> None:
    """One Boolean per meeting and allowed slot, on site and online."""
    for m in range(len(b.problem.meetings)):
        for t in b.problem.onsite_slots(m):
            b.onsite[m, t] = b.model.new_bool_var(f"onsite[{m},{t}]")
        for t in b.problem.online_slots(m):
            b.online[m, t] = b.model.new_bool_var(f"online[{m},{t}]")


def add_meeting_once(b: B2BModel) -> None:
    """Each meeting once (exactly once, or at most once when meetings are chosen)."""
    by_meeting: list[list[Var]] = [[] for _ in b.problem.meetings]
    for (m, _t), v in list(b.onsite.items()) + list(b.online.items()):
        by_meeting[m].append(v)
    for options in by_meeting:
        if b.problem.choose_meetings:
            b.model.add_at_most_one(options)
        else:
            b.model.add_exactly_one(options)
        b.held.append(sum(options))
    b.priority_held = sum(
        meeting.priority * held for meeting, held in zip(b.problem.meetings, b.held, strict=True)
    )


def add_capacity(b: B2BModel) -> None:
    """At most n_tables meetings on site and online_capacity online in each slot."""
    for variables, capacity in ((b.onsite, b.problem.n_tables), (b.online, b.problem.online_capacity)):
        per_slot: dict[int, list[Var]] = {}
        for (_m, t), v in variables.items():
            per_slot.setdefault(t, []).append(v)
        for options in per_slot.values():
            if len(options) > capacity:
                b.model.add(sum(options) <= capacity)


def add_interpreters(b: B2BModel) -> None:
    """Per slot and language pair, at most the interpreters present. A meeting with one fitting pair
    counts against it directly; one with several gets a choice variable per pair (one chosen when held)."""
    per_pool: dict[tuple[tuple[str, str], int], list[cp_model.LinearExprT]] = {}
    for m, meeting in enumerate(b.problem.meetings):
        pairs = b.problem.interpreter_pairs(meeting)
        if pairs is None:
            continue
        for t, held in _held_per_slot(b, m).items():
            open_pairs = [p for p in pairs if b.problem.interpreters_at(p, t) > 0]
            if len(open_pairs) == 1:
                per_pool.setdefault((open_pairs[0], t), []).append(held)
                continue
            choices = []
            for pair in open_pairs:
                v = b.model.new_bool_var(f"interpreter[{m},{t},{'-'.join(pair)}]")
                b.interpreter[m, t, pair] = v
                choices.append(v)
                per_pool.setdefault((pair, t), []).append(v)
            b.model.add(sum(choices) == held)
    for (pair, t), users in per_pool.items():
        capacity = b.problem.interpreters_at(pair, t)
        if len(users) > capacity:
            b.model.add(sum(users) <= capacity)


def _held_per_slot(b: B2BModel, m: int) -> dict[int, cp_model.LinearExprT]:
    per_slot: dict[int, list[Var]] = {}
    for t, v in b.slot_vars(m):
        per_slot.setdefault(t, []).append(v)
    return {t: sum(vs) for t, vs in per_slot.items()}


def add_locks(b: B2BModel) -> None:
    """A locked meeting is held (its variables allow only its locked slot and mode)."""
    for m, meeting in enumerate(b.problem.meetings):
        if meeting.lock is not None:
            b.model.add(b.held[m] == 1)


def keep_literals(b: B2BModel) -> list[Var]:
    """Per meeting of the published agenda still placeable where it was: "held there again"."""
    kept: list[Var] = []
    for m, meeting in enumerate(b.problem.meetings):
        place = meeting.previous
        if place is None:
            continue
        v = (b.online if place.online else b.onsite).get((m, place.slot))
        if v is not None:
            kept.append(v)
    return kept


def add_busy(b: B2BModel) -> None:
    """busy[p, t] = sum of p's meeting variables in t, so no participant is in two meetings at once."""
    per_cell: dict[tuple[int, int], list[Var]] = {}
    for (m, t), v in list(b.onsite.items()) + list(b.online.items()):
        for p in b.problem.meetings[m].participants:
            per_cell.setdefault((p, t), []).append(v)
    for (p, t), options in per_cell.items():
        busy = b.model.new_bool_var(f"busy[{p},{t}]")
        b.model.add(busy == sum(options))
        b.busy[p, t] = busy


def add_no_double_booking(b: B2BModel) -> None:
    """Without break counting no busy variable is needed: one meeting per participant and slot."""
    per_cell: dict[tuple[int, int], list[Var]] = {}
    for (m, t), v in list(b.onsite.items()) + list(b.online.items()):
        for p in b.problem.meetings[m].participants:
            per_cell.setdefault((p, t), []).append(v)
    for options in per_cell.values():
        if len(options) > 1:
            b.model.add_at_most_one(options)


def add_seats(b: B2BModel) -> None:
    """Implied: every on-site meeting seats two participants, so at most 2 * n_tables are busy on site."""
    if b.online or b.problem.choose_meetings:
        return
    for t in range(b.problem.n_slots):
        cells = [v for (_p, tt), v in b.busy.items() if tt == t]
        if len(cells) > 2 * b.problem.n_tables:
            b.model.add(sum(cells) <= 2 * b.problem.n_tables)


def add_slots_used(b: B2BModel) -> None:
    """Implied: a participant uses exactly as many slots as it holds meetings (Bofill et al.)."""
    meetings_of = b.problem.meetings_of()
    cells: dict[int, list[Var]] = {}
    for (p, _t), v in b.busy.items():
        cells.setdefault(p, []).append(v)
    for p, used in cells.items():
        b.model.add(sum(used) == sum(b.held[m] for m in meetings_of[p]))


def add_precedences(b: B2BModel) -> None:
    """Meeting a before meeting b: slot(a) < slot(b) when both are held."""
    for m, meeting in enumerate(b.problem.meetings):
        for before in meeting.after:
            for t_after, v_after in b.slot_vars(m):
                late = [v for t, v in b.slot_vars(before) if t >= t_after]
                for v_before in late:
                    b.model.add_bool_or([v_after.Not(), v_before.Not()])


def add_break_counting(b: B2BModel, lower: Sequence[int]) -> None:
    """start[p, t] <-> busy[p, t] and not busy[p, t-1]; breaks[p] = runs - 1 (or 0 without meetings)."""
    problem = b.problem
    meetings_of = problem.meetings_of()
    all_runs: list[dict[int, Var]] = []
    for p in range(problem.n_participants):
        runs: list[Var] = []
        for t in range(problem.n_slots):
            now = b.busy.get((p, t))
            if now is None:
                continue
            before = b.busy.get((p, t - 1))
            if before is None:
                runs.append(now)
                continue
            start = b.model.new_bool_var(f"start[{p},{t}]")
            b.model.add_bool_and([now, before.Not()]).only_enforce_if(start)
            b.model.add_bool_or([now.Not(), before, start])
            b.start[p, t] = start
            runs.append(start)
        all_runs.append(dict(zip([t for t in range(problem.n_slots) if (p, t) in b.busy], runs, strict=True)))
        ub = max(0, (problem.n_slots + 1) // 2 - 1)
        breaks = b.model.new_int_var(lower[p] if p < len(lower) else 0, ub, f"breaks[{p}]")
        if not runs:
            b.model.add(breaks == 0)
        elif problem.choose_meetings:
            active = b.model.new_bool_var(f"active[{p}]")
            b.model.add_max_equality(active, runs)
            b.model.add(breaks == sum(runs) - active)
        else:
            b.model.add(breaks == sum(runs) - (1 if meetings_of[p] else 0))
        b.breaks.append(breaks)
    total = b.model.new_int_var(sum(lower), problem.n_slots * problem.n_participants, "total_breaks")
    b.model.add(total == sum(b.breaks))
    b.total_breaks = total
    b.runs = all_runs


def add_run_windows(b: B2BModel) -> None:
    """Implied: a busy slot lies at most n_p - 1 slots after the start of its run (runs are <= n_p long)."""
    for p, meetings in enumerate(b.problem.meetings_of()):
        n = len(meetings)
        if b.problem.choose_meetings or n == 0:
            continue
        for t in range(b.problem.n_slots):
            busy = b.busy.get((p, t))
            if busy is None:
                continue
            window = [v for s, v in b.runs[p].items() if t - n < s <= t]
            b.model.add(busy <= sum(window))


def add_block_intervals(b: B2BModel) -> None:
    """Implied: a participant without breaks is one interval of n_p busy slots; all such intervals share
    the 2 * n_tables seats of each slot (a cumulative, whose energetic reasoning the linear sums lack).
    """
    if b.problem.choose_meetings or b.online:
        return
    intervals: list[cp_model.IntervalVar] = []
    for p, meetings in enumerate(b.problem.meetings_of()):
        n = len(meetings)
        if n < 2 or not b.runs[p]:
            continue
        no_break = b.model.new_bool_var(f"no_break[{p}]")
        b.model.add(b.breaks[p] == 0).only_enforce_if(no_break)
        b.model.add(b.breaks[p] >= 1).only_enforce_if(no_break.Not())
        first = b.model.new_int_var(0, b.problem.n_slots - n, f"block_start[{p}]")
        for t, run in b.runs[p].items():
            b.model.add(first == t).only_enforce_if([run, no_break])
        intervals.append(b.model.new_optional_fixed_size_interval_var(first, n, no_break, f"block[{p}]"))
    if intervals:
        b.model.add_cumulative(intervals, [1] * len(intervals), 2 * b.problem.n_tables)


def add_fairness(b: B2BModel, fairness: int | None) -> None:
    """Breaks of any two participants with requests differ by at most ``fairness``."""
    if fairness is None:
        return
    active = [p for p, ms in enumerate(b.problem.meetings_of()) if ms]
    if not active:
        return
    ub = b.problem.n_slots
    low = b.model.new_int_var(0, ub, "min_breaks")
    high = b.model.new_int_var(0, ub, "max_breaks")
    for p in active:
        b.model.add(low <= b.breaks[p])
        b.model.add(high >= b.breaks[p])
    b.model.add(high - low <= fairness)
    if not b.problem.choose_meetings:
        # Someone with a single meeting never has a break, so everybody has at most `fairness`.
        forced_zero = any(len(ms) <= 1 for ms in b.problem.meetings_of() if ms)
        if forced_zero:
            for p in active:
                b.model.add(b.breaks[p] <= fairness)


def tables_are_tight(problem: Problem) -> bool:
    """Seat reasoning pays only when tables bind: measured on the Forum lists, the seat and interval
    constraints cut the time to prove 105r (48 % of table-slots used) and slowed the "1 break?" probe
    of 241r (37 %) from 2 s to over 20 s.
    """
    return len(problem.meetings) > TIGHT_TABLES * problem.n_slots * max(1, problem.n_tables)


def build_model(
    problem: Problem, *, fairness: int | None, lower: Sequence[int] = (), with_breaks: bool = True
) -> B2BModel:
    """The full model; the caller chooses the objective (breaks, or priority then breaks).

    ``with_breaks=False`` leaves out break counting and fairness (the priority phase does not need them).
    """
    b = B2BModel(problem)
    add_assignment_vars(b)
    add_meeting_once(b)
    add_capacity(b)
    add_interpreters(b)
    add_locks(b)
    if not with_breaks:
        add_no_double_booking(b)
        add_precedences(b)
        return b
    add_busy(b)
    add_slots_used(b)
    if SEATS and tables_are_tight(problem):
        add_seats(b)
    add_precedences(b)
    add_break_counting(b, lower)
    if WINDOWS:
        add_run_windows(b)
    if BLOCKS and tables_are_tight(problem):
        add_block_intervals(b)
    add_fairness(b, fairness)
    return b
