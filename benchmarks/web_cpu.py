"""CPU time per request of the pages and the API, in-process: a figure that other jobs on the machine
barely change (unlike latencies), to compare code versions and to see where a request's time goes.

The app runs in this process behind httpx's ASGI transport, with FastAPI's thread pool replaced by a
direct call so that the whole request runs in this thread (``--profile`` then shows all of it). Use a
store prepared by ``benchmarks/web.py`` (its ``--data-dir``):

    .venv/bin/python benchmarks/web_cpu.py --data-dir benchmarks/data/web-demo --embedder combined
    .venv/bin/python benchmarks/web_cpu.py --data-dir benchmarks/data/web-demo --profile /opportunities/29
    .venv/bin/python benchmarks/web_cpu.py --data-dir benchmarks/data/web-demo --sign-in member.it@kakehashi.example

``--sign-in`` measures as that demo user (signed in through the sign-in form, so with a server-side session
and its CSRF token); the default is a visitor. The rate limits are off, as in ``benchmarks/web.py``.
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import json
import os
import platform
import pstats
import re
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import fastapi.dependencies.utils
import fastapi.routing
import httpx
import starlette.concurrency

PATHS = [
    "/static/kakehashi.css",
    "/opportunities",
    "/opportunities?q=炭化ケイ素",
    "/opportunities/{id}",
    "/api/v1/opportunities/{id}/matches?locale=ja",
    "/api/v1/search?q=sensori per robotica",
]


async def _inline(func: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
    return func(*args, **kwargs)


def _run_inline() -> None:
    for module in (fastapi.routing, fastapi.dependencies.utils, starlette.concurrency):
        if hasattr(module, "run_in_threadpool"):
            module.run_in_threadpool = _inline  # type: ignore[attr-defined]


async def sign_in(client: httpx.AsyncClient, email: str, password: str) -> None:
    """Through the form, as a browser does: the page's CSRF token, then the POST."""
    page = await client.get("/signin")
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
    if token is None:
        raise RuntimeError("no CSRF token on the sign-in page")
    form = {"email": email, "password": password, "next": "/", "csrf_token": token.group(1)}
    response = await client.post("/signin", data=form)
    if response.status_code != 303:
        raise RuntimeError(f"sign-in failed: {response.status_code}")


async def measure(
    app: Any,
    paths: list[str],
    *,
    repeat: int,
    profile: str | None,
    dump: Path | None,
    user: tuple[str, str] | None,
) -> dict[str, Any]:
    results: dict[str, Any] = {}
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://bench") as client:
        if user is not None:
            await sign_in(client, *user)
        for path in paths:
            for _ in range(3):  # warm: first loads, query vectors
                await client.get(path)
            profiler = cProfile.Profile() if profile else None
            started_cpu, started = time.process_time(), time.perf_counter()
            if profiler is not None:
                profiler.enable()
            for _ in range(repeat):
                response = await client.get(path)
            if profiler is not None:
                profiler.disable()
                stats = pstats.Stats(profiler)
                if dump is not None:
                    stats.dump_stats(dump / f"{len(results)}.prof")
                stats.sort_stats(profile).print_stats(60)
            results[path] = {
                "status": response.status_code,
                "cpu_ms_per_request": round(1000 * (time.process_time() - started_cpu) / repeat, 2),
                "wall_ms_per_request": round(1000 * (time.perf_counter() - started) / repeat, 2),
            }
            print(f"{path}: {results[path]}", file=sys.stderr)
    return results


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--data-dir", type=Path, required=True)
    parser.add_argument("--embedder", default="combined")
    parser.add_argument("--opportunity", type=int, default=None, help="Id for {id} (default: the first).")
    parser.add_argument("--repeat", type=int, default=200)
    parser.add_argument(
        "--profile", nargs="?", const="cumulative", default=None,
        help="Print a cProfile of each path, sorted by this key (cumulative, tottime).",
    )  # fmt: skip
    parser.add_argument("--profile-dir", type=Path, default=None, help="Also keep each profile here.")
    parser.add_argument("--sign-in", default=None, help="Measure as this user (e-mail) instead of a visitor.")
    parser.add_argument("--password", default=None, help="Its password (default: the demo's).")
    parser.add_argument("paths", nargs="*", default=PATHS)
    parser.add_argument("--out", type=Path, default=None)
    parser.add_argument(
        "--no-settle", action="store_true", help="Leave the garbage collector as tests do (no gc.freeze)."
    )
    args = parser.parse_args()

    _run_inline()
    # The benchmark measures the server, not its rate limits (as benchmarks/web.py does).
    os.environ.setdefault("KAKEHASHI_API_RATE_PER_MINUTE", "0")
    os.environ.setdefault("KAKEHASHI_SEARCH_RATE_PER_MINUTE", "0")
    import kakehashi.app
    from kakehashi.app import create_app
    from kakehashi.config import Settings

    app = create_app(Settings(data_dir=args.data_dir, embedder=args.embedder))
    matching = app.state.matching
    matching.refresh_engine()  # as the worker does at start (the app's lifespan does not run here)
    settle = getattr(kakehashi.app, "settle_memory", None)
    if settle is not None and not args.no_settle:
        settle()  # as a server process does once started (kakehashi serve), where the code has it
    opportunity = args.opportunity
    if opportunity is None:
        opportunity = min(matching._engine.ids())
    paths = [p.replace("{id}", str(opportunity)) for p in args.paths]
    user = None
    if args.sign_in is not None:
        from kakehashi.demo.loader import DEMO_PASSWORD

        user = (args.sign_in, args.password or DEMO_PASSWORD)
    results = asyncio.run(
        measure(app, paths, repeat=args.repeat, profile=args.profile, dump=args.profile_dir, user=user)
    )
    if args.out is not None:
        report = {
            "benchmark": "web_cpu",
            "embedder": args.embedder,
            "repeat": args.repeat,
            "signed_in": args.sign_in,
            "load_average": [round(x, 2) for x in os.getloadavg()],
            "cpus": os.cpu_count(),
            "machine": platform.platform(),
            "measured_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
            "paths": results,
        }
        args.out.write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
