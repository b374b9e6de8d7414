"""Top-down SAT search on the second core: ever better fair agendas, while the bottom-up questions prove.

Measured on the crafted hard variants (docs/scheduling.md): the bottom-up questions prove the bound but
can spend the whole limit on one "no", and CP-SAT's minimisation then starts from agendas with about 100
breaks. This search runs beside them in its own child process: one CaDiCaL instance asked "any agenda
with at most d breaks each?", then, through an incremental totalizer over the break literals, "at most
b - 1 in all?" under an assumption, keeping what it learned, until a "no" (then b is optimal among
agendas capping everybody at d) or the parent ends it. Every agenda found is streamed to the parent.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass
from multiprocessing.connection import Connection
from multiprocessing.process import BaseProcess

from pysat.card import ITotalizer
from pysat.solvers import Solver

from kakehashi.scheduling.problem import Problem
from kakehashi.scheduling.sat import SAT_SOLVER, encode, process_context


@dataclass
class Improver:
    """Handle on the child: ``best`` (meeting -> slot) and ``breaks`` of the best agenda received;
    ``exhausted`` when the child proved no better agenda exists under its caps."""

    child: BaseProcess
    receive: Connection
    best: dict[int, int] | None = None
    breaks: int | None = None
    found_at: float | None = None  # time.monotonic() when ``best`` arrived
    exhausted: bool = False

    def drain(self, wait: float = 0.0) -> None:
        """Take every message that has arrived (waiting up to ``wait`` seconds for the first)."""
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
        self.drain()
        self.receive.close()
        if self.child.is_alive():
            self.child.kill()
        self.child.join()


def start_improver(problem: Problem, *, caps: Sequence[int | None], lower: Sequence[int]) -> Improver:
    context = process_context()
    receive, send = context.Pipe(duplex=False)
    child = context.Process(target=_improve, args=(send, problem, list(caps), list(lower)), daemon=True)
    child.start()
    send.close()
    return Improver(child, receive)


def _improve(send: Connection, problem: Problem, caps: list[int | None], lower: list[int]) -> None:
    enc = encode(problem, caps, lower, None)
    breaks = [b for brk in enc.brk.values() for b in brk]
    with Solver(name=SAT_SOLVER, bootstrap_with=enc.clauses) as sat:
        assumptions: list[int] = []
        totalizer: ITotalizer | None = None
        while sat.solve(assumptions=assumptions):
            true = {lit for lit in sat.get_model() or [] if lit > 0}
            count = sum(1 for b in breaks if b in true)
            send.send((count, {m: t for (m, t), lit in enc.x.items() if lit in true}))
            if count == 0:
                break
            if totalizer is None:
                totalizer = ITotalizer(lits=breaks, ubound=count, top_id=enc.pool.top)
                sat.append_formula(totalizer.cnf.clauses)
            assumptions = [-totalizer.rhs[count - 1]]  # fewer than ``count`` breaks in all
    send.send(None)
    send.close()
