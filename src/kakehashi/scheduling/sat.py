"""SAT encoding of "an agenda with at most k breaks?" (every meeting held), answered by CaDiCaL.

Bofill et al. (JAIR 2022) reached every published optimum with (Max)SAT plus implied constraints on the
slots each participant uses. Measured on the Forum 2014 lists (docs/performance.md): CaDiCaL 1.9.5 finds
the 2-break agenda of 282r in 2-9 s, where CP-SAT's same question and RC2 (core-guided, Glucose) ran out
of 30-60 s; it refutes "0 breaks?" on 105r in about 1 s (CP-SAT: 12-30 s).

Variables: ``x[m, t]`` meeting m in slot t; ``used[p, t]`` participant p busy in t; ``seen[p, t]`` p busy
at some slot <= t; ``brk[p, t]`` a break of p ends at t (busy at t, idle at t - 1, busy before); ``whole[p]``
p has no break; ``block[p, s]`` p's busy slots are s .. s + n_p - 1. Every definition is two-sided, so a
model's break count is exact. Implied: p uses exactly n_p slots; without a break they form one block;
at most 2 * n_tables participants are busy in a slot; under a total cap k, at most k participants have a
break.

Used without online meetings, for the questions where fairness reduces to a cap per participant (when
somebody has no break, "differ by at most d" is "at most d each"; see ``sat_search``); CP-SAT does the
rest.
"""

from __future__ import annotations

import multiprocessing
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from multiprocessing.connection import Connection
from multiprocessing.context import ForkContext, ForkServerContext, SpawnContext

from pysat.card import CardEnc, EncType
from pysat.formula import IDPool
from pysat.solvers import Solver

from kakehashi.scheduling.problem import Problem

SAT_SOLVER = "cadical195"
# Implied count of participants with a break under a total cap (241r/282r "both" variants, loaded machine:
# "<= 4?" refuted in 24 s instead of 43 s, "<= 3?" in 4 s instead of 32 s on 282r; see docs/scheduling.md).
WHOLE_COUNT = True
SEATS = True  # implied seat count per slot (282r: 7-30+ s without it, 2-5 s with it, 10 orderings)
BLOCKS = True  # the block-start implied constraint (282r: 15-19 s without it, 7 s with it)


def sat_applies(problem: Problem) -> bool:
    """Benchmark mode (every meeting held), on site only; fairness is handled in ``sat_search``."""
    return not problem.choose_meetings and all(m.onsite and not m.online_slots for m in problem.meetings)


@dataclass
class Encoding:
    problem: Problem
    pool: IDPool = field(default_factory=IDPool)
    clauses: list[list[int]] = field(default_factory=list)
    x: dict[tuple[int, int], int] = field(default_factory=dict)
    brk: dict[int, list[int]] = field(default_factory=dict)
    whole: dict[int, int] = field(default_factory=dict)  # participant -> "has no break"

    def at_most(self, lits: list[int], bound: int) -> None:
        if len(lits) <= bound:
            return
        if bound == 1:
            kind = EncType.pairwise if len(lits) <= 6 else EncType.ladder
        else:
            # Measured on 282r with seats: cardinality networks 2.5-4.7 s, totalizer 1.7-5.4 s.
            kind = EncType.seqcounter if bound <= 3 or len(lits) <= 30 else EncType.cardnetwrk
        self.clauses.extend(CardEnc.atmost(lits, bound=bound, vpool=self.pool, encoding=kind).clauses)

    def at_least(self, lits: list[int], bound: int) -> None:
        if bound > 0:
            enc = CardEnc.atleast(lits, bound=bound, vpool=self.pool, encoding=EncType.seqcounter)
            self.clauses.extend(enc.clauses)


def encode(
    problem: Problem, caps: Sequence[int | None], lower: Sequence[int], total: int | None = None
) -> Encoding:
    """``caps[p]``: most breaks for p (None: no cap); ``lower[p]``: breaks p needs at least (proved);
    ``total``: most breaks in all (None: no cap)."""
    enc = Encoding(problem)
    _meetings(enc)
    used = _participants(enc)
    _capacity(enc)
    _precedences(enc)
    meetings_of = problem.meetings_of()
    for p, cells in used.items():
        _breaks(enc, p, cells, caps[p], lower[p] if p < len(lower) else 0)
        if BLOCKS and len(meetings_of[p]) >= 2:
            _block(enc, p, cells, len(meetings_of[p]))
    if total is not None:
        enc.at_most([b for brk in enc.brk.values() for b in brk], total)
        if WHOLE_COUNT and enc.whole:
            # Implied: at most ``total`` participants have a break at all (a count over participants,
            # not over their break literals: it propagates as soon as that many are known to break).
            enc.at_most([-w for w in enc.whole.values()], total)
    return enc


def _meetings(enc: Encoding) -> None:
    """Each meeting in exactly one of its allowed slots."""
    for m in range(len(enc.problem.meetings)):
        lits = []
        for t in enc.problem.onsite_slots(m):
            enc.x[m, t] = enc.pool.id(("x", m, t))
            lits.append(enc.x[m, t])
        enc.clauses.append(lits)
        enc.at_most(lits, 1)


def _participants(enc: Encoding) -> dict[int, dict[int, int]]:
    """used[p, t] <-> one of p's meetings in t; at most one; implied: p uses exactly n_p slots."""
    per_cell: dict[tuple[int, int], list[int]] = {}
    for (m, t), lit in enc.x.items():
        for p in enc.problem.meetings[m].participants:
            per_cell.setdefault((p, t), []).append(lit)
    used: dict[int, dict[int, int]] = {}
    for (p, t), lits in sorted(per_cell.items()):
        u = enc.pool.id(("used", p, t))
        used.setdefault(p, {})[t] = u
        enc.clauses.extend([[-lit, u] for lit in lits] + [[-u, *lits]])
        enc.at_most(lits, 1)
    if SEATS:
        # Implied: each meeting seats two, so at most 2 * n_tables participants are busy in a slot.
        seats: dict[int, list[int]] = {}
        for cells in used.values():
            for t, u in cells.items():
                seats.setdefault(t, []).append(u)
        for lits in seats.values():
            enc.at_most(lits, 2 * enc.problem.n_tables)
    for p, ms in enumerate(enc.problem.meetings_of()):
        if p in used and len(used[p]) > len(ms):
            mine = list(used[p].values())
            enc.clauses.extend(
                CardEnc.equals(mine, bound=len(ms), vpool=enc.pool, encoding=EncType.totalizer).clauses
            )
    return used


def _capacity(enc: Encoding) -> None:
    per_slot: dict[int, list[int]] = {}
    for (_m, t), lit in enc.x.items():
        per_slot.setdefault(t, []).append(lit)
    for lits in per_slot.values():
        enc.at_most(lits, enc.problem.n_tables)


def _precedences(enc: Encoding) -> None:
    for m, meeting in enumerate(enc.problem.meetings):
        for before in meeting.after:
            for t in enc.problem.onsite_slots(m):
                enc.clauses.extend(
                    [-enc.x[m, t], -enc.x[before, s]] for s in enc.problem.onsite_slots(before) if s >= t
                )


def _breaks(enc: Encoding, p: int, cells: dict[int, int], cap: int | None, lower: int) -> None:
    """seen and brk, both ways; p's breaks within [lower, cap]."""
    seen: dict[int, int] = {}
    brk: list[int] = []
    for t in range(enc.problem.n_slots):
        u = cells.get(t)
        before = seen.get(t - 2)
        if u is not None and before is not None:
            b = enc.pool.id(("brk", p, t))
            idle = cells.get(t - 1)
            if idle is None:
                enc.clauses.extend([[-u, -before, b], [-b, u], [-b, before]])
            else:
                enc.clauses.extend([[-u, idle, -before, b], [-b, u], [-b, before], [-b, -idle]])
            brk.append(b)
        parts = [lit for lit in (seen.get(t - 1), u) if lit is not None]
        if parts:
            s = enc.pool.id(("seen", p, t))
            enc.clauses.extend([[-lit, s] for lit in parts] + [[-s, *parts]])
            seen[t] = s
    enc.brk[p] = brk
    if cap is not None:
        enc.at_most(brk, cap)
    enc.at_least(brk, lower)


def _block(enc: Encoding, p: int, cells: dict[int, int], n: int) -> None:
    """Implied: without a break, p's n busy slots are one block, so exactly one block start.

    ``whole`` (p has no break) is reified from the break literals, so a participant whose cap allows
    breaks gets the same clauses.
    """
    brk = enc.brk[p]
    whole = enc.pool.id(("whole", p))
    enc.whole[p] = whole
    enc.clauses.extend([[*brk, whole]] + [[-b, -whole] for b in brk])
    starts = {s: enc.pool.id(("block", p, s)) for s in cells if all(t in cells for t in range(s, s + n))}
    enc.clauses.extend([[-whole, *starts.values()]] + [[-lit, whole] for lit in starts.values()])
    enc.at_most(list(starts.values()), 1)
    for s, lit in starts.items():
        enc.clauses.extend([-lit, cells[t]] for t in range(s, s + n))
    for t, u in cells.items():
        enc.clauses.append([-u, -whole, *[lit for s, lit in starts.items() if s <= t < s + n]])


@dataclass(frozen=True, slots=True)
class Probe:
    """The answer to one question: ``feasible`` True (with ``slots``: meeting -> slot), False, or None
    when the time ran out."""

    feasible: bool | None
    slots: dict[int, int] | None = None


def probe(
    problem: Problem,
    *,
    caps: Sequence[int | None],
    lower: Sequence[int],
    total: int | None,
    time_limit: float,
    interrupt: Callable[[], bool] | None = None,
) -> Probe:
    """Is there an agenda where p has at most caps[p] breaks, and at most ``total`` in all?

    CaDiCaL in PySAT can be neither interrupted nor restarted in conflict budgets without losing its
    pace (measured: 282r in 7 s in one call, not in 30 s in 5,000- or 20,000-conflict calls), so the
    question runs in a child process that is ended at the time limit.
    """
    context = process_context()
    receive, send = context.Pipe(duplex=False)
    child = context.Process(target=_answer, args=(send, problem, caps, lower, total), daemon=True)
    child.start()
    send.close()
    until = time.monotonic() + max(0.0, time_limit)
    try:
        while True:
            left = until - time.monotonic()
            if receive.poll(max(0.0, min(left, 0.05 if interrupt else left))):
                feasible, slots = receive.recv()
                return Probe(feasible, slots)
            if left <= 0 or (interrupt is not None and interrupt()):
                return Probe(None)
    except EOFError:
        return Probe(None)
    finally:
        receive.close()
        if child.is_alive():
            child.kill()
        child.join()


def process_context() -> ForkContext | ForkServerContext | SpawnContext:
    """Fork (fast: nothing to import) unless other threads run, as in a web server: forking a process
    with threads can copy a lock that is held, so the child then comes from a fork server."""
    methods = multiprocessing.get_all_start_methods()
    if threading.active_count() == 1 and "fork" in methods:
        return multiprocessing.get_context("fork")
    if "forkserver" in methods:
        return multiprocessing.get_context("forkserver")
    return multiprocessing.get_context("spawn")


def _answer(
    send: Connection,
    problem: Problem,
    caps: Sequence[int | None],
    lower: Sequence[int],
    total: int | None,
) -> None:
    send.send(solve_cnf(problem, caps=caps, lower=lower, total=total))
    send.close()


def solve_cnf(
    problem: Problem, *, caps: Sequence[int | None], lower: Sequence[int], total: int | None
) -> tuple[bool, dict[int, int] | None]:
    """The same question in this process, without a time limit."""
    enc = encode(problem, caps, lower, total)
    with Solver(name=SAT_SOLVER, bootstrap_with=enc.clauses) as sat:
        if not sat.solve():
            return False, None
        true = {lit for lit in sat.get_model() or [] if lit > 0}
    return True, {m: t for (m, t), lit in enc.x.items() if lit in true}
