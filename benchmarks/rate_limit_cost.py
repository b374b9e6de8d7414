"""What a rate-limit decision costs per request: the in-memory token bucket of one process against the
bucket shared in the store (one ``INSERT … ON CONFLICT DO UPDATE … RETURNING`` in its own transaction).

    PYTHONPATH=src .venv/bin/python benchmarks/rate_limit_cost.py
    PYTHONPATH=src .venv/bin/python benchmarks/rate_limit_cost.py --repeat 5000 \\
        --database-url postgresql+psycopg://kakehashi:kakehashi@127.0.0.1:55432/kakehashi_bench

For each store (a temporary SQLite file; PostgreSQL when ``--database-url`` is given: its
``rate_limits`` table is emptied) it takes ``--repeat`` tokens over ``--clients`` keys (generous limits,
so every take is granted and writes) and reports CPU time of this process (``time.process_time``, which
other jobs on the machine barely change) and wall time per take, in microseconds. On PostgreSQL part of
the cost is the server's, outside this process: the wall time shows it. Compare with the CPU of a search
request in ``docs/performance.md`` (``benchmarks/web_cpu.py``: 5 ms cached, about a second for a new long
query). Results: stdout and ``benchmarks/results/rate-limit-cost.json``.
"""

from __future__ import annotations

import argparse
import json
import platform
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from sqlalchemy import delete

from kakehashi.accounts.models import RateLimit
from kakehashi.api.limits import SharedBuckets, TokenBuckets
from kakehashi.store import Database

RESULTS = Path(__file__).parent / "results"


def measure(take: Callable[[str], float], *, repeat: int, clients: int) -> dict[str, float]:
    for n in range(min(repeat, 100)):  # warm-up: connections, statement caches
        take(f"warm-{n % clients}")
    cpu, wall = time.process_time(), time.perf_counter()
    for n in range(repeat):
        take(f"client-{n % clients}")
    cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
    return {"cpu_us_per_take": 1e6 * cpu / repeat, "wall_us_per_take": 1e6 * wall / repeat}


def shared(database: Database) -> Callable[[str], float]:
    buckets = SharedBuckets(rate_per_minute=10**7, burst=10**7, prefix="bench")
    return lambda key: buckets.take(database, key)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--repeat", type=int, default=2000)
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--database-url", default=None)
    parser.add_argument("--output", type=Path, default=RESULTS / "rate-limit-cost.json")
    args = parser.parse_args()

    memory = TokenBuckets(rate_per_minute=10**7, burst=10**7)
    results: dict[str, Any] = {"in_memory": measure(memory.take, repeat=args.repeat, clients=args.clients)}
    with tempfile.TemporaryDirectory() as tmp:
        database = Database(f"sqlite:///{Path(tmp) / 'bench.db'}")
        database.upgrade()  # SQLite in WAL mode as the server runs it
        results["sqlite"] = measure(shared(database), repeat=args.repeat, clients=args.clients)
        database.dispose()
    if args.database_url:
        database = Database(args.database_url)
        RateLimit.__table__.create(database.engine, checkfirst=True)  # works on a test database too
        with database.session() as session:
            session.execute(delete(RateLimit))
        results["postgresql"] = measure(shared(database), repeat=args.repeat, clients=args.clients)
        database.dispose()
    report = {
        "repeat": args.repeat,
        "clients": args.clients,
        "machine": platform.platform(),
        "load_average": list(_load()),
        "results": results,
    }
    print(json.dumps(report, indent=2))
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps(report, indent=2) + "\n")


def _load() -> tuple[float, float, float]:
    try:
        first = Path("/proc/loadavg").read_text().split()[:3]
    except OSError:
        return (0.0, 0.0, 0.0)
    return (float(first[0]), float(first[1]), float(first[2]))


if __name__ == "__main__":
    main()
