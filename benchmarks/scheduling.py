"""Benchmark of the B2B scheduler: exact solver (SAT questions, then CP-SAT) vs first-come greedy, JSON out.

Every agenda is re-verified by the independent checker; its recount is recorded beside the solver's
figures, and the script exits 1 (after writing the JSON) when any check fails or the counts differ.

    PYTHONPATH=src python benchmarks/scheduling.py --time-limit 30 --threads 2 --crafted --generated 0

Instances: every .dzn in ../shared/data/b2b-dev (real Forum 2014 request lists); with ``--crafted`` the
20 crafted hard variants of them (``variants.tight_variant``: fewer tables, session-bound, both) and the
planted family of the same shape with a known optimum (``planted_tight``; ``--only planted``: the planted
agenda's breaks are recorded beside the solver's);
``--generated`` planted random instances of Forum shape; with ``--platform`` the 1,000-participant /
5,000-request platform instance (priorities, Rome/Tokyo online meetings), solved with
``--platform-time-limit``. ``--cli`` also times ``kakehashi schedule --help`` (start-up).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from kakehashi.scheduling.check import check_agenda
from kakehashi.scheduling.dzn import read_dzn
from kakehashi.scheduling.generate import planted_instance, platform_instance
from kakehashi.scheduling.greedy import greedy_first_come
from kakehashi.scheduling.planted_tight import PlantedTight, bound_to_witness, planted_tight
from kakehashi.scheduling.problem import Problem, Result
from kakehashi.scheduling.solve import SolveOptions, solve
from kakehashi.scheduling.variants import session_load, tight_variant

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_DATA = ROOT.parent / "shared" / "data" / "b2b-dev"


# The crafted hard set: (family, Forum list, morning share, table slack, seed). "fewer tables": tables cut
# to the meetings per slot plus the slack; "session-bound": most free meetings bound to the morning;
# "both": the two at once, the shape of the two held-out instances that stalled (issue 11).
CRAFTED: tuple[tuple[str, str, float, float | None, int], ...] = (
    *(("fewer-tables", r, 0.0, 0.1, 1) for r in ("105r", "125r", "164r", "196r", "241r", "282r")),
    *(("session-bound", r, 0.7, None, 1) for r in ("105r", "125r", "164r", "196r", "241r", "282r")),
    *(("both", r, 0.6, 0.25, 1) for r in ("105r", "125r", "164r", "196r", "241r", "282r")),
    ("both", "241r", 0.6, 0.25, 2),
    ("both", "282r", 0.6, 0.25, 2),
)


# The planted family: the same shape with a known optimum (at most the planted agenda's breaks). (Forum
# list, seed, share of the planted participant-slots in the morning, share of morning meetings bound there,
# participants given a forbidden gap): ``planted_tight`` keeps each participant's number of meetings.
PLANTED: tuple[tuple[str, int, float, float, int], ...] = (
    *((r, s, 0.75, 0.85, 1) for r in ("164r", "196r", "241r", "282r") for s in (1, 2)),
    ("282r", 2, 0.7, 0.9, 1),
    ("282r", 1, 0.8, 1.0, 1),
    ("282r", 3, 0.7, 0.9, 0),
    ("282r", 1, 0.7, 0.9, 3),
    ("241r", 1, 0.7, 0.9, 3),
)
# Real meetings with a stored witness (an optimal agenda of the list with fewer tables): tables cut to its
# busiest slot, with none ("free") or 90 % ("bound") of its free morning meetings bound to the morning.
WITNESSES = ("282r-17t", "282r-18t")


def _crafted(data: Path) -> Iterator[tuple[str, str, Problem]]:
    for family, size, share, slack, seed in CRAFTED:
        base = read_dzn(next(data.glob(f"dadesF2014-{size}-*.dzn")))
        problem = tight_variant(base, seed=seed, morning_share=share, table_slack=slack)
        yield family, f"{family}-{size}-{problem.n_tables}t-seed{seed}", problem


def _planted(data: Path) -> Iterator[tuple[str, PlantedTight]]:
    for size, seed, share, bind, gaps in PLANTED:
        base = read_dzn(next(data.glob(f"dadesF2014-{size}-*.dzn")))
        made = planted_tight(base, seed=seed, morning_share=share, bind_share=bind, gaps=gaps)
        tables = made.planted.problem.n_tables
        yield f"planted-{size}-{tables}t-m{share}-b{bind}-g{gaps}-seed{seed}", made
    for name in WITNESSES:
        stored = json.loads((ROOT / "benchmarks" / "witnesses" / f"{name}.json").read_text())
        base = read_dzn(next(data.glob(f"dadesF2014-{stored['list']}-*.dzn")))
        for bind in (0.0, 0.9):
            made = bound_to_witness(base, stored["slots"], seed=1, bind_share=bind)
            yield f"planted-real-{name}-{'bound' if bind else 'free'}-seed1", made


def _row(
    family: str,
    name: str,
    problem: Problem,
    exact: Result,
    greedy: Result,
    fairness: int | None,
    planted: PlantedTight | None = None,
) -> dict[str, Any]:
    exact_check = check_agenda(problem, exact.assignments, fairness=fairness)
    greedy_fair = check_agenda(problem, greedy.assignments, fairness=fairness)
    greedy_check = check_agenda(problem, greedy.assignments, fairness=None)
    has_agenda = bool(exact.assignments)
    agrees = not has_agenda or (exact_check.ok and exact_check.breaks == exact.breaks)
    load = session_load(problem)
    witness = None if planted is None else check_agenda(problem, planted.planted.agenda, fairness=fairness)
    return {
        "family": family,
        "instance": name,
        "participants": problem.n_participants,
        "meetings": len(problem.meetings),
        "slots": problem.n_slots,
        "tables": problem.n_tables,
        "meetings_per_slot": round(load["per_slot"], 2),
        "morning_bound_per_slot": round(load["morning_bound_per_slot"], 2),
        "status": str(exact.status),
        "breaks": exact.breaks,
        "lower_bound": exact.lower_bound,
        "max_breaks": exact.max_breaks,
        "seconds": round(exact.seconds, 2),
        "seconds_to_best": None if exact.seconds_to_best is None else round(exact.seconds_to_best, 2),
        "checker_ok": exact_check.ok if has_agenda else None,
        "checker_breaks": exact_check.breaks if has_agenda else None,
        "checker_max_breaks": exact_check.max_breaks if has_agenda else None,
        "check_failed": not agrees or (witness is not None and not witness.ok),
        # The planted agenda (checked): the optimum is at most its breaks.
        "planted_breaks": None if witness is None else witness.breaks,
        "planted_ok": None if witness is None else witness.ok,
        "greedy_breaks": greedy_check.breaks,
        "greedy_max_breaks": greedy_check.max_breaks,
        "greedy_unscheduled": len(greedy.unscheduled),
        "greedy_fairness_violations": sum(1 for v in greedy_fair.violations if v.startswith("unfair")),
        "greedy_other_violations": len(greedy_check.violations),
    }


def _print(row: dict[str, Any]) -> None:
    flag = "  CHECK FAILED" if row["check_failed"] else ""
    planted = "" if row["planted_breaks"] is None else f", planted {row['planted_breaks']}"
    print(
        f"{row['instance']:<34} {row['status']:<10} breaks {row['breaks']!s:>4} (lb {row['lower_bound']:>3}) "
        f"{row['seconds']:>6.1f}s (best at {row['seconds_to_best']!s:>5}s)  greedy {row['greedy_breaks']:>4} "
        f"breaks, {row['greedy_unscheduled']} left out, "
        f"{'unfair' if row['greedy_fairness_violations'] else 'fair'}{planted}{flag}",
        flush=True,
    )


def _cli_start_up(runs: int = 3) -> dict[str, Any]:
    """Wall time of ``kakehashi schedule --help`` in a fresh interpreter (median of ``runs``)."""
    env = os.environ | {"PYTHONPATH": str(ROOT / "src")}
    code = (
        "import sys; sys.argv = ['kakehashi', 'schedule', '--help']; from kakehashi.cli import main; main()"
    )
    times = []
    for _ in range(runs):
        started = time.monotonic()
        subprocess.run([sys.executable, "-c", code], env=env, check=True, capture_output=True)
        times.append(time.monotonic() - started)
    return {"schedule_help_seconds_median": round(statistics.median(times), 3), "runs": runs}


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
        "checker_breaks": report.breaks,
        "check_failed": not report.ok or report.breaks != result.breaks,
        "greedy_priority_held": greedy.priority_held,
        "greedy_held": len(problem.meetings) - len(greedy.unscheduled),
        "greedy_breaks": greedy.breaks,
    }
    print(json.dumps(row), flush=True)
    return row


def _families(rows: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """Per family: instances, proved optimal, sum and max of seconds to the proof and to the best."""
    out: dict[str, dict[str, Any]] = {}
    for family in dict.fromkeys(r["family"] for r in rows):
        mine = [r for r in rows if r["family"] == family]
        out[family] = {
            "instances": len(mine),
            "optimal": sum(1 for r in mine if r["status"] == "optimal"),
            "sum_breaks": sum(r["breaks"] or 0 for r in mine),
            "sum_seconds": round(sum(r["seconds"] for r in mine), 1),
            "max_seconds": max(r["seconds"] for r in mine),
            "max_seconds_to_best": max((r["seconds_to_best"] or 0.0) for r in mine),
        }
    return out


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
    parser.add_argument("--lns", action="store_true", help="large-neighbourhood steps in the improver")
    parser.add_argument("--crafted", action="store_true", help="also the 20 crafted hard variants")
    parser.add_argument("--cli", action="store_true", help="also time `kakehashi schedule --help`")
    parser.add_argument("--out", type=Path, default=None)
    args = parser.parse_args()
    if args.lns:
        from kakehashi.scheduling import sat_improve

        sat_improve.LNS = True
    options = SolveOptions(time_limit=args.time_limit, fairness=args.fairness, threads=args.threads)
    started = time.monotonic()
    load_at_start = os.getloadavg()
    rows = []
    paths = sorted(args.data.glob("*.dzn"), key=lambda p: int(p.name.split("-")[1].rstrip("r")))
    instances: list[tuple[str, str, Problem]] = [("forum-2014", p.stem, read_dzn(p)) for p in paths]
    if args.crafted:
        instances += list(_crafted(args.data))
    for family, name, problem in instances:
        if args.only not in name:
            continue
        row = _row(family, name, problem, solve(problem, options), greedy_first_come(problem), args.fairness)
        _print(row)
        rows.append(row)
    for name, made in _planted(args.data) if args.crafted else ():
        if args.only not in name:
            continue
        problem = made.planted.problem
        exact = solve(problem, options)
        row = _row("planted-tight", name, problem, exact, greedy_first_come(problem), args.fairness, made)
        _print(row)
        rows.append(row)
    for seed in range(1, args.generated + 1):
        planted = planted_instance(
            seed, n_participants=60, n_meetings=200, n_slots=22, n_tables=15, morning_slots=12
        ).problem
        name = f"planted-60p-200m-22s-15t-seed{seed}"
        row = _row(
            "planted", name, planted, solve(planted, options), greedy_first_come(planted), args.fairness
        )
        _print(row)
        rows.append(row)
    platform_rows = []
    if args.platform:
        platform_options = SolveOptions(
            time_limit=args.platform_time_limit, fairness=None, threads=args.threads
        )
        platform_rows.append(_platform(1, platform_options))
    payload: dict[str, Any] = {
        "machine": {
            "cpus": os.cpu_count(),
            "python": platform.python_version(),
            "load_start": load_at_start,
            "load_end": os.getloadavg(),
        },
        "options": vars(args) | {"data": str(args.data), "out": str(args.out)},
        "exact_vs_greedy": rows,
        "families": _families(rows),
        "platform": platform_rows,
        "cli": _cli_start_up() if args.cli else None,
        "total_seconds": round(time.monotonic() - started, 1),
    }
    out = args.out or ROOT / "benchmarks" / "results" / f"scheduling-{time.strftime('%Y%m%d-%H%M%S')}.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(payload, indent=2) + "\n", encoding="utf-8")
    print(f"wrote {out}")
    for family, summary in _families(rows).items():
        print(f"{family:<14} {json.dumps(summary)}")
    failed = [
        r["instance"] for r in rows + platform_rows if r.get("check_failed") or r.get("checker_ok") is False
    ]
    if failed:
        print(f"CHECK FAILED: {', '.join(failed)}", file=sys.stderr)
        sys.exit(1)


if __name__ == "__main__":
    main()
