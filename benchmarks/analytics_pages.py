"""The dashboard page and the PDF report on a generated store: server CPU and wall time per dashboard
request (the page, then each section fragment its script asks for, then each chart image; cold and warm)
in it/ja/en, and the time to make the quarterly report.

    PYTHONPATH=src:. python benchmarks/analytics_pages.py                       # SQLite, full size
    PYTHONPATH=src:. python benchmarks/analytics_pages.py --scale 0.02 --repeat 3   # a quick check
    PYTHONPATH=src:. python benchmarks/analytics_pages.py \\
        --url postgresql+psycopg://kakehashi:kakehashi@127.0.0.1:55432/kakehashi_bench --fresh

The store is the one of ``benchmarks/analytics.py`` (100k opportunities, 20k introductions, 10k
agreements, 50 events at ``--scale 1``). Each page is requested in process through Starlette's test client
as a JETRO officer, then every section fragment it leaves to its script (``/analytics/fragments/<key>``),
then every chart image of the page and the fragments (``/analytics/charts/<key>.svg``), one after the
other (a browser asks several at once); CPU is the process's CPU time per request (the server's work:
figures, charts, HTML), wall time beside it, with the load average. "cold": the kept figures and charts
are forgotten first (as after a write to the store: the page computes no table, each fragment its one,
every chart is drawn); "warm": the page again (every section kept: shown at once), its charts, and the
fragments again. Also a chart asked first, before its page (one table).
The store has no statistics unless ``--analyze`` (a store in use has none unless someone ran ANALYZE). The report is made the way
its job makes it (``render_pdf``), for the last quarter of the generated span. JSON under
benchmarks/results/.
"""

from __future__ import annotations

import argparse
import html
import json
import os
import re
import statistics
import sys
import tempfile
import time
from collections import defaultdict
from datetime import UTC, datetime
from pathlib import Path

from benchmarks.analytics import RESULTS, generate
from fastapi.testclient import TestClient

from kakehashi.accounts.roles import Role
from kakehashi.accounts.service import SYSTEM, create_user
from kakehashi.analytics.charts import forget_charts
from kakehashi.analytics.report import ReportRequest, render_pdf
from kakehashi.analytics.service import forget_figures
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


def timed(client: TestClient, path: str, locale: str) -> tuple[float, float, str]:
    cpu, wall = time.process_time(), time.perf_counter()
    response = client.get(path, headers={"accept-language": locale})
    assert response.status_code == 200, response.text[:500]
    return time.process_time() - cpu, time.perf_counter() - wall, response.text


def summary(values: list[float]) -> dict[str, float]:
    ordered = sorted(values)
    return {
        "n": len(ordered),
        "p50_ms": round(statistics.median(ordered) * 1000, 1),
        "p95_ms": round(ordered[min(len(ordered) - 1, int(0.95 * len(ordered)))] * 1000, 1),
        "max_ms": round(ordered[-1] * 1000, 1),
    }


def chart_paths(page: str) -> list[str]:
    """The chart images a page or a section links to, as a browser would ask for them."""
    return [html.unescape(src) for src in re.findall(r'<img src="(/analytics/charts/[^"]+)"', page)]


def fragment_paths(page: str) -> list[str]:
    """The sections the page left to requests of their own, as its script asks for them."""
    return [html.unescape(src) for src in re.findall(r'data-fragment="(/analytics/fragments/[^"]+)"', page)]


def _key(path: str) -> str:
    return path.split("/")[3].split(".")[0].split("?")[0]


def measure_pages(client: TestClient, repeat: int) -> dict[str, dict[str, float]]:
    """Per request, in a browser's order: the page, then each section fragment its script asks for, then
    each chart image of the page and of the fragments. "cold": the store changed just before (no figure
    kept, no chart kept: the page computes no table, each fragment its one, each chart is drawn); "warm":
    the same page again (every section kept, so shown at once), its charts, and each fragment again (what
    another reader's script asks: the table kept, the section written again)."""
    samples: dict[str, list[float]] = defaultdict(list)

    def ask(kind: str, path: str, locale: str, state: str) -> str:
        cpu, wall, text = timed(client, path, locale)
        for name in (f"{kind} {state}", *([f"{kind} {_key(path)} {state}"] if kind != "page" else [])):
            samples[f"{name} cpu"].append(cpu)
            samples[f"{name} wall"].append(wall)
        return text

    # The process's start-up, not recorded: templates compiled, the charts' library loaded on first use.
    for fragment in fragment_paths(timed(client, PAGES[0], "en")[2])[:1]:
        for chart in chart_paths(timed(client, fragment, "en")[2]):
            timed(client, chart, "en")
    for _ in range(repeat):
        for locale in ("it", "ja", "en"):
            for path in PAGES:
                forget_figures()  # what a write to the store does to the kept figures
                forget_charts()
                page = ask("page", path, locale, "cold")
                fragments = fragment_paths(page)
                charts = chart_paths(page)
                for fragment in fragments:
                    charts += chart_paths(ask("fragment", fragment, locale, "cold"))
                for chart in charts:
                    ask("chart", chart, locale, "cold")
                page = ask("page", path, locale, "warm")
                for chart in chart_paths(page):
                    ask("chart", chart, locale, "warm")
                for fragment in fragments:
                    ask("fragment", fragment, locale, "warm")
                if path == PAGES[0]:  # a chart asked first (a shared link): its one table, then drawn
                    forget_figures()
                    forget_charts()
                    cpu, wall, _ = timed(client, f"/analytics/charts/funnel.svg?{_query(path)}", locale)
                    samples["chart first, funnel cpu"].append(cpu)
                    samples["chart first, funnel wall"].append(wall)
    results = {name: summary(values) for name, values in sorted(samples.items())}
    for name, figures in results.items():
        print(
            f"  {name:<36} p50 {figures['p50_ms']:>8.1f} ms  p95 {figures['p95_ms']:>8.1f} ms  (n={figures['n']})"
        )
    return results


def follow_given_ids(database: Database) -> None:
    """The generator inserts rows with given ids: on PostgreSQL the id sequences must then start after
    them, or the officer created below gets id 1 again (a duplicate key)."""
    with database.engine.begin() as connection:
        for table in Base.metadata.sorted_tables:
            if "id" in table.c and table.c.id.autoincrement in (True, "auto") and table.c.id.primary_key:
                connection.exec_driver_sql(
                    f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'), "
                    f"COALESCE((SELECT max(id) FROM {table.name}), 0) + 1, false) "
                    f"WHERE pg_get_serial_sequence('{table.name}', 'id') IS NOT NULL"
                )


def _query(path: str) -> str:
    return path.split("?", 1)[1] if "?" in path else ""


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--url", help="A store (default: a new SQLite file in a temporary folder).")
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--fresh", action="store_true", help="Drop every table of --url first.")
    parser.add_argument(
        "--analyze",
        action="store_true",
        help="Run ANALYZE after generating (a store without statistics is the default).",
    )
    args = parser.parse_args(argv)
    folder = Path(tempfile.mkdtemp(prefix="kakehashi-analytics-pages-"))
    url = args.url or f"sqlite:///{folder}/analytics.db"
    database = Database(url)
    if args.fresh:
        Base.metadata.drop_all(database.engine)
    Base.metadata.create_all(database.engine)
    sizes = generate(database, scale=args.scale)
    if database.engine.dialect.name == "postgresql":
        follow_given_ids(database)
    if args.analyze:
        with database.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.exec_driver_sql("ANALYZE")
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
    print(f"figures kept by data version for {settings.analytics_cache_s} s; ANALYZE: {args.analyze}")
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
                "requests": pages,
                "analyze": args.analyze,
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
