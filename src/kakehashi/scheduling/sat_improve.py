"""Top-down SAT search on the second core: ever better fair agendas, while the bottom-up questions prove.

Measured on the crafted hard variants (docs/scheduling.md): the bottom-up questions prove the bound but
can spend the whole limit on one "no", and CP-SAT's minimisation then starts from agendas with about 100
breaks. This search runs beside them in its own child process: one CaDiCaL instance asked "any agenda
with at most d breaks each?", then, through an incremental totalizer over the break literals, "at most
b - 1 in all?" under an assumption, keeping what it learned, until a "no" (then b is optimal among
agendas capping everybody at d) or the parent ends it. Every agenda found is streamed to the parent.
"""

from __future__ import annotations

import contextlib
import os
import random
import time
from collections.abc import Sequence
from dataclasses import dataclass
from multiprocessing.connection import Connection
from multiprocessing.process import BaseProcess

from pysat.card import ITotalizer
from pysat.solvers import Solver

from kakehashi.scheduling.problem import Problem
from kakehashi.scheduling.sat import SAT_SOLVER, encode, process_context

NICE = 5  # niceness added to the child: it uses the second core, not the prover's share of a busy one
# Large-neighbourhood search before the exact descent (measured on 282r "both", docs/scheduling.md): the
# meetings of a few participants (half with a break, half their partners) are freed, every other meeting
# is held in its slot by assumptions, and CaDiCaL is asked "fewer breaks than now?" within a conflict
# budget. Off: in 4 A/B pairs at a load of 9-14 it ended at 69/66/67/68 breaks against 71/59/69/74
# without it, noise-level against lower bounds of 4-6; kept for a quiet re-measure (benchmark --lns).
LNS = False
LNS_PARTICIPANTS = 8
LNS_CONFLICTS = 2000
LNS_STALL = 12  # failed steps in a row before the exact descent takes over


@dataclass
class Improver:
    """Handle on the child (started by ``start``): ``best`` (meeting -> slot) and ``breaks`` of the best
    agenda received; ``exhausted`` when the child proved no better agenda exists under its caps."""

    child: BaseProcess | None = None
    receive: Connection | None = None
    best: dict[int, int] | None = None
    breaks: int | None = None
    found_at: float | None = None  # time.monotonic() when ``best`` arrived
    exhausted: bool = False

    @property
    def running(self) -> bool:
        return self.receive is not None

    def drain(self, wait: float = 0.0) -> None:
        """Take every message that has arrived (waiting up to ``wait`` seconds for the first)."""
        if self.receive is None:
            return
        try:
            while not self.exhausted and self.receive.poll(wait):
                wait = 0.0
                message = self.receive.recv()
                if message is None:
                    self.exhausted = True
                else:
                    self.breaks, self.best = message
                    self.found_at = time.monotonic()
        except (EOFError, OSError):
            self.exhausted = True

    def stop(self) -> None:
        if self.receive is None or self.child is None:
            return
        self.drain()
        self.receive.close()
        if self.child.is_alive():
            self.child.kill()
        self.child.join()

    def start(
        self,
        problem: Problem,
        *,
        caps: Sequence[int | None],
        lower: Sequence[int],
        seed: dict[int, int] | None = None,
        seed_breaks: int | None = None,
    ) -> None:
        """Start the child. With ``seed`` (meeting -> slot, a fair agenda with ``seed_breaks`` breaks,
        e.g. the repaired first-come one) its first question is already "fewer breaks than that?", and
        the SAT solver's first phases follow the seed."""
        context = process_context()
        receive, send = context.Pipe(duplex=False)
        args = (send, problem, list(caps), list(lower), seed, seed_breaks)
        self.child = context.Process(target=_improve, args=args, daemon=True)
        self.child.start()
        send.close()
        self.receive = receive
        if seed is not None and seed_breaks is not None:
            self.best, self.breaks, self.found_at = seed, seed_breaks, time.monotonic()


def _improve(
    send: Connection,
    problem: Problem,
    caps: list[int | None],
    lower: list[int],
    seed: dict[int, int] | None,
    seed_breaks: int | None,
) -> None:
    with contextlib.suppress(OSError):
        # The bottom-up questions hold the proof: on a loaded machine they get the CPU first.
        os.nice(NICE)
    enc = encode(problem, caps, lower, None)
    breaks = [b for brk in enc.brk.values() for b in brk]
    broken = [-w for w in enc.whole.values()]  # "p has a break", one per participant
    with Solver(name=SAT_SOLVER, bootstrap_with=enc.clauses) as sat:
        assumptions: list[int] = []
        totalizer: tuple[ITotalizer, ITotalizer | None] | None = None
        if seed:
            sat.set_phases([lit if seed.get(m) == t else -lit for (m, t), lit in enc.x.items()])
        if seed_breaks is not None and breaks:
            if seed_breaks == 0:
                send.send(None)
                return
            totalizer = _totalizers(sat, breaks, broken, seed_breaks, enc.pool.top)
            count = seed_breaks
            if LNS and seed is not None:
                count = _neighbourhoods(sat, problem, enc.x, breaks, totalizer, seed, seed_breaks, send)
                if count == 0:
                    send.send(None)
                    return
            assumptions = _fewer_than(totalizer, count)
        while sat.solve(assumptions=assumptions):
            true = {lit for lit in sat.get_model() or [] if lit > 0}
            count = sum(1 for b in breaks if b in true)
            send.send((count, {m: t for (m, t), lit in enc.x.items() if lit in true}))
            if count == 0:
                break
            if totalizer is None:
                totalizer = _totalizers(sat, breaks, broken, count, enc.pool.top)
            assumptions = _fewer_than(totalizer, count)
    send.send(None)
    send.close()


def _neighbourhoods(
    sat: Solver,
    problem: Problem,
    x: dict[tuple[int, int], int],
    breaks: list[int],
    totalizer: tuple[ITotalizer, ITotalizer | None],
    seed: dict[int, int],
    count: int,
    send: Connection,
) -> int:
    """Large-neighbourhood steps from ``seed`` until ``LNS_STALL`` fail in a row; streams every better
    agenda and returns the breaks of the last one (``count`` if none)."""
    rng = random.Random(len(seed))
    meetings_of = problem.meetings_of()
    best, failed = dict(seed), 0
    while count > 0 and failed < LNS_STALL:
        free = _neighbourhood(problem, meetings_of, best, rng)
        fixed = [x[m, t] for m, t in best.items() if m not in free]
        sat.conf_budget(LNS_CONFLICTS)
        if not sat.solve_limited(assumptions=fixed + _fewer_than(totalizer, count)):
            failed += 1
            continue
        true = {lit for lit in sat.get_model() or [] if lit > 0}
        best = {m: t for (m, t), lit in x.items() if lit in true}
        count, failed = sum(1 for b in breaks if b in true), 0
        send.send((count, best))
    return count


def _neighbourhood(
    problem: Problem, meetings_of: list[list[int]], slots: dict[int, int], rng: random.Random
) -> set[int]:
    """The meetings of ``LNS_PARTICIPANTS`` participants: half with a break, half their partners."""
    busy: list[list[int]] = [[] for _ in range(problem.n_participants)]
    for m, t in slots.items():
        for p in problem.meetings[m].participants:
            busy[p].append(t)
    broken = [p for p, cells in enumerate(busy) if cells and max(cells) - min(cells) >= len(set(cells))]
    pick = set(rng.sample(broken, min(len(broken), max(1, LNS_PARTICIPANTS // 2))))
    partners = sorted(
        {q for p in pick for m in meetings_of[p] for q in problem.meetings[m].participants} - pick
    )
    pick |= set(rng.sample(partners, min(len(partners), LNS_PARTICIPANTS - len(pick))))
    return {m for p in pick for m in meetings_of[p]}


def _totalizers(
    sat: Solver, breaks: list[int], broken: list[int], ubound: int, top: int
) -> tuple[ITotalizer, ITotalizer | None]:
    """Incremental counters of break literals and (implied, as in ``sat.encode``) of participants with
    a break, both up to ``ubound``."""
    on_breaks = ITotalizer(lits=breaks, ubound=ubound, top_id=top)
    sat.append_formula(on_breaks.cnf.clauses)
    if len(broken) <= 1:
        return on_breaks, None
    on_people = ITotalizer(lits=broken, ubound=min(ubound, len(broken)), top_id=on_breaks.top_id)
    sat.append_formula(on_people.cnf.clauses)
    return on_breaks, on_people


def _fewer_than(totalizers: tuple[ITotalizer, ITotalizer | None], count: int) -> list[int]:
    """Assumptions for "fewer than ``count`` breaks in all" (so fewer participants with one, too)."""
    on_breaks, on_people = totalizers
    assumptions = [-on_breaks.rhs[count - 1]]
    if on_people is not None and count - 1 < len(on_people.rhs):
        assumptions.append(-on_people.rhs[count - 1])
    return assumptions
