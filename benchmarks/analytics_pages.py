"""The dashboard page and the PDF report on a generated store: server CPU per ``/analytics`` request (cold
charts, then kept charts) in it/ja/en, and the time to make the quarterly report.

    PYTHONPATH=src:. python benchmarks/analytics_pages.py                       # SQLite, full size
    PYTHONPATH=src:. python benchmarks/analytics_pages.py --scale 0.02 --repeat 3   # a quick check
    PYTHONPATH=src:. python benchmarks/analytics_pages.py \\
        --url postgresql+psycopg://kakehashi:kakehashi@127.0.0.1:55432/kakehashi_bench --fresh

The store is the one of ``benchmarks/analytics.py`` (100k opportunities, 20k introductions, 10k
agreements, 50 events at ``--scale 1``). Each page is requested in process through Starlette's test client
as a JETRO officer; CPU is the process's CPU time per request (the server's work: figures, charts, HTML),
wall time beside it, with the load average. "cold" draws every chart (a new filter or new figures);
"kept" is the same page again (charts kept per table content and language). The report is made the way
its job makes it (``render_pdf``), for the last quarter of the generated span. JSON under
benchmarks/results/.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

from benchmarks.analytics import RESULTS, generate
from fastapi.testclient import TestClient

from kakehashi.accounts.roles import Role
from kakehashi.accounts.service import SYSTEM, create_user
from kakehashi.analytics.charts import forget_charts
from kakehashi.analytics.report import ReportRequest, render_pdf
from kakehashi.app import create_app
from kakehashi.config import Settings
from kakehashi.store import Database
from kakehashi.store.base import Base

PASSWORD = "quiet-figures-and-charts-7"
OFFICER = "officer.tanaka@example.org"
PAGES = ("/analytics", "/analytics?granularity=month&sector=semiconductors", "/analytics?country=JP")


def sign_in(client: TestClient) -> None:
    page = client.get("/signin").text
    token = page.split('name="csrf_token" value="', 1)[1].split('"', 1)[0]
    response = client.post(
        "/signin", data={"email": OFFICER, "password": PASSWORD, "csrf_token": token}, follow_redirects=False
    )
    assert response.status_code == 303, response.text


def timed(client: TestClient, path: str, locale: str) -> tuple[float, float]:
    cpu, wall = time.process_time(), time.perf_counter()
    response = client.get(path, headers={"accept-language": locale})
    assert response.status_code == 200, response.text[:500]
    return time.process_time() - cpu, time.perf_counter() - wall


def summary(values: list[float]) -> dict[str, float]:
    ordered = sorted(values)
    return {
        "p50_ms": round(statistics.median(ordered) * 1000, 1),
        "p95_ms": round(ordered[min(len(ordered) - 1, int(0.95 * len(ordered)))] * 1000, 1),
        "max_ms": round(ordered[-1] * 1000, 1),
    }


def measure_pages(client: TestClient, repeat: int) -> dict[str, dict[str, dict[str, float]]]:
    results: dict[str, dict[str, dict[str, float]]] = {}
    for locale in ("it", "ja", "en"):
        cold_cpu, cold_wall, kept_cpu, kept_wall = [], [], [], []
        for _ in range(repeat):
            for path in PAGES:
                forget_charts()
                cpu, wall = timed(client, path, locale)
                cold_cpu.append(cpu)
                cold_wall.append(wall)
                cpu, wall = timed(client, path, locale)
                kept_cpu.append(cpu)
                kept_wall.append(wall)
        results[locale] = {
            "cold_cpu": summary(cold_cpu),
            "cold_wall": summary(cold_wall),
            "kept_cpu": summary(kept_cpu),
            "kept_wall": summary(kept_wall),
        }
        print(locale, json.dumps(results[locale]))
    return results


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--url", help="A store (default: a new SQLite file in a temporary folder).")
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--fresh", action="store_true", help="Drop every table of --url first.")
    args = parser.parse_args(argv)
    folder = Path(tempfile.mkdtemp(prefix="kakehashi-analytics-pages-"))
    url = args.url or f"sqlite:///{folder}/analytics.db"
    database = Database(url)
    if args.fresh:
        Base.metadata.drop_all(database.engine)
    Base.metadata.create_all(database.engine)
    sizes = generate(database, scale=args.scale)
    with database.session() as session:
        create_user(
            session,
            SYSTEM,
            email=OFFICER,
            password=PASSWORD,
            display_name="Officer Tanaka",
            role=Role.OFFICER,
            agency_code="JETRO",
        )
    settings = Settings(data_dir=folder / "data", database_url=url, secret_key="bench", embedder="fake")
    app = create_app(settings, database=database)
    load = os.getloadavg()
    print(f"{database.engine.dialect.name}: {sizes}; load average {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}")
    # Without the app's lifespan: no indexing thread embedding and matching the 100k generated
    # opportunities in this process while the pages are timed (its CPU would count as the pages').
    client = TestClient(app)
    sign_in(client)
    pages = measure_pages(client, args.repeat)
    report_s = []
    for locale in ("ja", "it"):
        forget_charts()
        started, cpu = time.perf_counter(), time.process_time()
        pdf = render_pdf(database, ReportRequest(quarter="2026Q2", locale=locale))
        report_s.append(
            {
                "locale": locale,
                "wall_s": round(time.perf_counter() - started, 2),
                "cpu_s": round(time.process_time() - cpu, 2),
                "bytes": len(pdf),
            }
        )
        print("report", report_s[-1])
    after = os.getloadavg()
    print(f"load average after: {after[0]:.2f} {after[1]:.2f} {after[2]:.2f} ({os.cpu_count()} CPUs)")
    RESULTS.mkdir(exist_ok=True)
    out = RESULTS / f"analytics-pages-{database.engine.dialect.name}-{args.scale:g}.json"
    out.write_text(
        json.dumps(
            {
                "store": database.engine.dialect.name,
                "scale": args.scale,
                "sizes": sizes,
                "pages": pages,
                "report": report_s,
                "load_average": {"before": load, "after": after},
                "python": sys.version.split()[0],
                "at": datetime.now(UTC).isoformat(timespec="seconds"),
            },
            indent=2,
        )
        + "\n"
    )
    print(f"written {out}")
    database.dispose()


if __name__ == "__main__":
    main()
