"""How long ``kakehashi demo`` takes to load the demo into a fresh SQLite store (what ``make run`` waits
for before serving), and to run again over a loaded one (idempotent: nothing new is written).

    .venv/bin/python benchmarks/demo_load.py [--repeat 3]

Prints one JSON line: seconds of each first load and of each second load (the median of each too).
"""

from __future__ import annotations

import argparse
import json
import statistics
import tempfile
import time
from pathlib import Path

from kakehashi.demo.loader import load_demo
from kakehashi.store import Database


def once() -> tuple[float, float]:
    with tempfile.TemporaryDirectory() as folder:
        database = Database(f"sqlite:///{Path(folder) / 'demo.db'}")
        started = time.perf_counter()
        load_demo(database)
        first = time.perf_counter() - started
        started = time.perf_counter()
        load_demo(database)
        again = time.perf_counter() - started
        database.dispose()
    return first, again


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=3)
    options = parser.parse_args()
    firsts, agains = zip(*(once() for _ in range(options.repeat)), strict=True)
    print(
        json.dumps(
            {
                "first_load_s": [round(x, 2) for x in firsts],
                "second_load_s": [round(x, 2) for x in agains],
                "first_load_median_s": round(statistics.median(firsts), 2),
                "second_load_median_s": round(statistics.median(agains), 2),
            }
        )
    )


if __name__ == "__main__":
    main()
