"""Benchmark of event scheduling (issue 8): interpreters, online across Rome/Tokyo, locks, minimal change.

A generated Italy–Japan event in Rome (``generate.event_instance``): 300 participants, 1,500 requests
("must meet" 3, "meet" 1, +1 when mutual), 2 days x 16 slots of 30 minutes (a Friday and the Monday
after the end of European summer time), 40 tables, a fifth of the requests with a party online from
Tokyo (held online inside both working days, 20 online places per slot), and interpreters per slot:
it-ja 10, en-ja 5, en-it 5 (about 70 % of the requests share no language). Steps:

1. first-come (request order, the baseline of commercial platforms, interpreters respected);
2. the solver with the time limit: priority held against its proven bound (target within 1 %);
3. a re-run after the organiser locks 50 held meetings and one participant withdraws (all its slots
   unavailable), with the first agenda as the published one: how many meetings changed, against the
   meetings that must change (the withdrawn participant's), and why.

Every agenda is re-verified by the independent checker; the script exits 1 if a check fails or a lock
is not kept.

    PYTHONPATH=src python benchmarks/scheduling_events.py --time-limit 120 --threads 2 \\
        --out benchmarks/results/scheduling-events.json
    PYTHONPATH=src python benchmarks/scheduling_events.py --small   # a 60-participant smoke run, 2 x 10 s
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import sys
from collections import Counter
from dataclasses import replace
from pathlib import Path
from typing import Any

from kakehashi.scheduling.check import check_agenda
from kakehashi.scheduling.generate import event_instance
from kakehashi.scheduling.greedy import greedy_first_come
from kakehashi.scheduling.outcome import unmet_reasons
from kakehashi.scheduling.problem import Placement, Problem, Result
from kakehashi.scheduling.solve import SolveOptions, solve

ROOT = Path(__file__).resolve().parents[1]


def _summary(problem: Problem, result: Result) -> dict[str, Any]:
    report = check_agenda(problem, result.assignments, fairness=None)
    pairs = Counter((a.slot, "-".join(a.interpreter)) for a in result.assignments if a.interpreter)
    busiest: dict[str, int] = {}
    for (_slot, pair), count in pairs.items():
        busiest[pair] = max(busiest.get(pair, 0), count)
    return {
        "status": str(result.status),
        "priority_held": result.priority_held,
        "priority_bound": result.priority_bound,
        "gap_percent": round(
            100 * (result.priority_bound - result.priority_held) / max(1, result.priority_bound), 2
        ),
        "held": len(result.assignments),
        "held_online": sum(1 for a in result.assignments if a.online),
        "with_interpreter": sum(1 for a in result.assignments if a.interpreter),
        "interpreters_busiest_slot": busiest,
        "breaks": result.breaks,
        "seconds": round(result.seconds, 2),
        "unmet": dict(Counter(str(u.reason) for u in unmet_reasons(problem, result.assignments))),
        "checker_ok": report.ok,
        "checker_priority": report.priority_held,
        "violations": list(report.violations[:5]),
    }


def _rerun_problem(
    problem: Problem, first: Result, *, locks: int, seed: int
) -> tuple[Problem, int, set[int], dict[int, Placement]]:
    """The published agenda as ``previous``, ``locks`` held meetings locked, one participant withdrawn."""
    rng = random.Random(seed)
    held = {a.meeting: a.placement for a in first.assignments}
    load = Counter(p for m in held for p in problem.meetings[m].participants)
    gone = rng.choice(sorted(p for p, n in load.items() if n >= 3))
    theirs = {m for m in held if gone in problem.meetings[m].participants}
    lockable = sorted(m for m in held if m not in theirs)
    locked = {m: held[m] for m in rng.sample(lockable, min(locks, len(lockable)))}
    meetings = tuple(
        replace(meeting, previous=held.get(m), lock=locked.get(m))
        for m, meeting in enumerate(problem.meetings)
    )
    forbidden = tuple(
        frozenset(range(problem.n_slots)) if p == gone else f for p, f in enumerate(problem.forbidden)
    )
    return replace(problem, meetings=meetings, forbidden=forbidden), gone, theirs, locked


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--time-limit", type=float, default=120.0)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--locks", type=int, default=50)
    parser.add_argument("--small", action="store_true", help="60 participants, 300 requests, 10 s per run")
    parser.add_argument("--out", type=Path)
    args = parser.parse_args()
    load_start = os.getloadavg()
    if args.small:
        event = event_instance(
            args.seed,
            n_participants=60,
            n_requests=300,
            n_tables=8,
            online_capacity=4,
            interpreters=(("it", "ja", 2), ("en", "ja", 1), ("en", "it", 1)),
        )
        args.time_limit, args.locks = 10.0, 10
    else:
        event = event_instance(args.seed)
    problem = event.problem
    options = SolveOptions(time_limit=args.time_limit, fairness=None, threads=args.threads)
    instance = {
        "participants": problem.n_participants,
        "remote_participants": sum(event.remote),
        "requests": len(problem.meetings),
        "requests_online_only": sum(1 for m in problem.meetings if not m.onsite),
        "requests_needing_interpreter": sum(
            1 for m in problem.meetings if problem.interpreter_pairs(m) is not None
        ),
        "requested_priority": sum(m.priority for m in problem.meetings),
        "slots": problem.n_slots,
        "tables": problem.n_tables,
        "online_capacity": problem.online_capacity,
        "interpreters_per_slot": {"-".join(p.pair): p.per_slot[0] for p in problem.interpreters},
        "first_slot_utc": event.grid.starts[0].isoformat(),
    }
    print(json.dumps({"instance": instance}), flush=True)
    greedy = greedy_first_come(problem)
    baseline = _summary(problem, greedy)
    for bound_only in ("priority_bound", "gap_percent"):
        del baseline[bound_only]  # first-come proves nothing
    print(json.dumps({"first_come": baseline}), flush=True)
    first = solve(problem, options, progress=lambda line: print(line, file=sys.stderr, flush=True))
    solved = _summary(problem, first)
    solved["ahead_of_first_come_percent"] = round(
        100 * (first.priority_held - greedy.priority_held) / max(1, greedy.priority_held), 1
    )
    print(json.dumps({"solver": solved}), flush=True)
    again, gone, theirs, locked = _rerun_problem(problem, first, locks=args.locks, seed=args.seed)
    second = solve(again, options, progress=lambda line: print(line, file=sys.stderr, flush=True))
    where = {a.meeting: a.placement for a in second.assignments}
    rerun = _summary(again, second) | {
        "withdrawn_participant": gone + 1,
        "locked": len(locked),
        "locks_kept": all(where.get(m) == place for m, place in locked.items()),
        "published": len(first.assignments),
        "changed": len(second.changes),
        "must_change": len(theirs),
        "changed_beyond_must": len({c.meeting for c in second.changes} - theirs),
        "changes_by_kind_and_reason": dict(Counter(f"{c.kind}/{c.reason}" for c in second.changes)),
    }
    print(json.dumps({"rerun": rerun}), flush=True)
    payload = {
        "machine": {
            "cpus": os.cpu_count(),
            "python": platform.python_version(),
            "load_start": load_start,
            "load_end": os.getloadavg(),
        },
        "options": {
            "seed": args.seed,
            "time_limit": args.time_limit,
            "threads": args.threads,
            "small": args.small,
        },
        "instance": instance,
        "first_come": baseline,
        "solver": solved,
        "rerun": rerun,
    }
    if args.out:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(json.dumps(payload, indent=2) + "\n", encoding="utf-8")
        print(f"wrote {args.out}")
    if not (baseline["checker_ok"] and solved["checker_ok"] and rerun["checker_ok"] and rerun["locks_kept"]):
        print("CHECK FAILED", file=sys.stderr)
        sys.exit(1)


if __name__ == "__main__":
    main()
