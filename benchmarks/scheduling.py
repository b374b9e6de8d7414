"""Benchmark of the B2B scheduler: exact solver (SAT questions, then CP-SAT) vs first-come greedy, JSON out.

Every agenda is re-verified by the independent checker before its figures are recorded.

    PYTHONPATH=src python benchmarks/scheduling.py --time-limit 30 --threads 2 --generated 3 --platform

Instances: every .dzn in ../shared/data/b2b-dev (real Forum 2014 request lists), ``--generated`` planted
random instances of Forum shape, and with ``--platform`` the 1,000-participant / 5,000-request platform
instance (priorities, Rome/Tokyo online meetings), solved with ``--platform-time-limit``.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import time
from pathlib import Path
from typing import Any

from kakehashi.scheduling.check import check_agenda
from kakehashi.scheduling.dzn import read_dzn
from kakehashi.scheduling.generate import planted_instance, platform_instance
from kakehashi.scheduling.greedy import greedy_first_come
from kakehashi.scheduling.problem import Problem, Result
from kakehashi.scheduling.solve import SolveOptions, solve

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_DATA = ROOT.parent / "shared" / "data" / "b2b-dev"


def _row(name: str, problem: Problem, exact: Result, greedy: Result, fairness: int | None) -> dict[str, Any]:
    exact_check = check_agenda(problem, exact.assignments, fairness=fairness)
    greedy_check = check_agenda(problem, greedy.assignments, fairness=None)
    return {
        "instance": name,
        "participants": problem.n_participants,
        "meetings": len(problem.meetings),
        "slots": problem.n_slots,
        "tables": problem.n_tables,
        "status": str(exact.status),
        "breaks": exact.breaks,
        "lower_bound": exact.lower_bound,
        "max_breaks": exact.max_breaks,
        "seconds": round(exact.seconds, 2),
        "checker_ok": exact_check.ok if exact.assignments else None,
        "greedy_breaks": greedy_check.breaks,
        "greedy_max_breaks": greedy_check.max_breaks,
        "greedy_unscheduled": len(greedy.unscheduled),
    }


def _print(row: dict[str, Any]) -> None:
    print(
        f"{row['instance']:<34} {row['status']:<10} breaks {row['breaks']!s:>4} (lb {row['lower_bound']:>3}) "
        f"{row['seconds']:>6.1f}s  greedy {row['greedy_breaks']:>4} breaks, "
        f"{row['greedy_unscheduled']} left out",
        flush=True,
    )


def _platform(seed: int, options: SolveOptions) -> dict[str, Any]:
    problem, _grid = platform_instance(seed)
    greedy = greedy_first_come(problem)
    result = solve(problem, options)
    report = check_agenda(problem, result.assignments, fairness=options.fairness)
    gap = (result.priority_bound - result.priority_held) / max(1, result.priority_bound)
    row = {
        "instance": f"platform-seed{seed}",
        "participants": problem.n_participants,
        "requests": len(problem.meetings),
        "slots": problem.n_slots,
        "tables": problem.n_tables,
        "online_capacity": problem.online_capacity,
        "requested_priority": sum(m.priority for m in problem.meetings),
        "status": str(result.status),
        "priority_held": result.priority_held,
        "priority_bound": result.priority_bound,
        "gap_percent": round(100 * gap, 2),
        "held": len(problem.meetings) - len(result.unscheduled),
        "breaks": result.breaks,
        "seconds": round(result.seconds, 2),
        "checker_ok": report.ok,
        "greedy_priority_held": greedy.priority_held,
        "greedy_held": len(problem.meetings) - len(greedy.unscheduled),
        "greedy_breaks": greedy.breaks,
    }
    print(json.dumps(row), flush=True)
    return row


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--time-limit", type=float, default=30.0)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--fairness", type=int, default=2)
    parser.add_argument("--generated", type=int, default=3, help="planted instances of Forum shape")
    parser.add_argument(
        "--platform", action="store_true", help="also the 1,000-participant platform instance"
    )
    parser.add_argument("--platform-time-limit", type=float, default=120.0)
    parser.add_argument("--only", default="", help="substring filter on instance names")
    parser.add_argument("--out", type=Path, default=None)
    args = parser.parse_args()
    options = SolveOptions(time_limit=args.time_limit, fairness=args.fairness, threads=args.threads)
    started = time.monotonic()
    load_at_start = os.getloadavg()
    rows = []
    paths = sorted(args.data.glob("*.dzn"), key=lambda p: int(p.name.split("-")[1].rstrip("r")))
    for path in paths:
        if args.only not in path.name:
            continue
        problem = read_dzn(path)
        row = _row(path.name, problem, solve(problem, options), greedy_first_come(problem), args.fairness)
        _print(row)
        rows.append(row)
    for seed in range(1, args.generated + 1):
        planted = planted_instance(
            seed, n_participants=60, n_meetings=200, n_slots=22, n_tables=15, morning_slots=12
        ).problem
        name = f"planted-60p-200m-22s-15t-seed{seed}"
        row = _row(name, planted, solve(planted, options), greedy_first_come(planted), args.fairness)
        _print(row)
        rows.append(row)
    platform_rows = []
    if args.platform:
        platform_options = SolveOptions(
            time_limit=args.platform_time_limit, fairness=None, threads=args.threads
        )
        platform_rows.append(_platform(1, platform_options))
    payload = {
        "machine": {
            "cpus": os.cpu_count(),
            "python": platform.python_version(),
            "load_start": load_at_start,
            "load_end": os.getloadavg(),
        },
        "options": vars(args) | {"data": str(args.data), "out": str(args.out)},
        "exact_vs_greedy": rows,
        "platform": platform_rows,
        "total_seconds": round(time.monotonic() - started, 1),
    }
    out = args.out or ROOT / "benchmarks" / "results" / f"scheduling-{time.strftime('%Y%m%d-%H%M%S')}.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(payload, indent=2) + "\n", encoding="utf-8")
    print(f"wrote {out}")


if __name__ == "__main__":
    main()
