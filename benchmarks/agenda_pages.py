"""Agenda pages at event size: p50 and p95 latency of the agenda pages and API over a stored agenda of
``--participants`` participants (default 300, half Italian, half Japanese, one in five online from Tokyo),
``--days`` × ``--slots`` slots and ``--tables`` tables, every slot filled as far as tables, online rooms
and the participants allow (about 1,500 meetings at the default size), published.

The pages read stored meetings only (no scheduler, no matching on the request path). The app runs in this
process behind Starlette's TestClient (no network, one client, one request after another): the latencies are
the server's own time per request plus the test client's small overhead. ``cpu_ms`` is the CPU time of the
server's side alone (the thread that runs the request: FastAPI's thread pool is replaced by a direct call),
a figure other jobs on the machine barely change; compare it with ``officer_desk_page`` (a small page) of the
same run. With ``--matches N`` every participant has a published opportunity with N stored matches (with
explanations) to the other country's, so the participant list shows a reason per row as in real use.
``--profile PAGE`` prints a cProfile of that page's requests (sorted by ``--sort``).

    .venv/bin/python benchmarks/agenda_pages.py                      # SQLite, 300 participants
    .venv/bin/python benchmarks/agenda_pages.py --database-url postgresql+psycopg://…  # PostgreSQL
    .venv/bin/python benchmarks/agenda_pages.py --participants 40 --requests 5      # a quick check
    .venv/bin/python benchmarks/agenda_pages.py --matches 10 --profile member_participant_list_page

Results go to ``benchmarks/results/agenda-pages-<store>.json``.
"""

from __future__ import annotations

import argparse
import cProfile
import json
import os
import platform
import pstats
import statistics
import sys
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from datetime import time as clock
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from fastapi.testclient import TestClient  # noqa: E402
from sqlalchemy import select, text  # noqa: E402
from tests.factories import PASSWORD, make_organisation, make_user  # noqa: E402
from tests.web.conftest import sign_in  # noqa: E402

from kakehashi.accounts.roles import Role  # noqa: E402
from kakehashi.accounts.service import issue_token  # noqa: E402
from kakehashi.app import create_app  # noqa: E402
from kakehashi.config import Settings  # noqa: E402
from kakehashi.events.agenda_models import Meeting  # noqa: E402
from kakehashi.events.models import (  # noqa: E402
    Event,
    EventOrganiser,
    EventSession,
    EventTable,
    Registration,
    Representative,
)
from kakehashi.matching.tables import OpportunityMatch  # noqa: E402
from kakehashi.profiles.models import Opportunity, Organisation  # noqa: E402
from kakehashi.store import Base, Database  # noqa: E402


def build(database: Database, *, participants: int, days: int, slots: int, tables: int) -> dict[str, Any]:
    with database.session() as session:
        officer = make_user(session, role=Role.OFFICER, agency="ICE")
        event = Event(
            title_en="Benchmark event",
            time_zone="Europe/Rome",
            slot_minutes=20,
            online_capacity=tables // 4,
            online_link_template="https://meet.example.org/{uid}",
            status="published",
        )
        event.organiser_rows = [EventOrganiser(agency_code="ICE")]
        first = date(2026, 10, 23)
        event.sessions = [
            EventSession(
                day=first + timedelta(days=d * 3),
                part="morning",
                starts=clock(9, 0),
                ends=(datetime.combine(first, clock(9, 0)) + timedelta(minutes=20 * slots)).time(),
                online=True,
            )
            for d in range(days)
        ]
        event.tables = [EventTable(number=n + 1) for n in range(tables)]
        session.add(event)
        session.flush()
        regs: list[Registration] = []
        member_email = member_token = ""
        for p in range(participants):
            country = "IT" if p % 2 == 0 else "JP"
            org = make_organisation(session, name=f"Benchmark {country} {p}", country=country)
            online = country == "JP" and p % 5 == 1
            reg = Registration(
                event_id=event.id,
                organisation_id=org.id,
                status="approved",
                attendance="online" if online else "on_site",
                time_zone="Asia/Tokyo" if online else None,
                checkin_token=f"bench-{p}",
            )
            reg.representatives = [Representative(name=f"Rep {p}", languages=["en"])]
            session.add(reg)
            regs.append(reg)
            if p == 0:
                member = make_user(session, role=Role.MEMBER, organisation=org)
                member_email = member.email
                member_token = issue_token(session, member, max_age_s=3600, label="benchmark")
        session.flush()
        italians = [r for i, r in enumerate(regs) if i % 2 == 0]
        japanese = [r for i, r in enumerate(regs) if i % 2 == 1]
        starts = _starts(event)
        count = 0
        for t, start in enumerate(starts):
            shift = (t * 7) % len(japanese)
            for k, a in enumerate(italians[: tables + event.online_capacity]):
                b = japanese[(k + shift) % len(japanese)]
                online = b.attendance == "online"
                if not online and k >= tables:
                    continue
                lo, hi = sorted((a.id, b.id))
                session.add(
                    Meeting(
                        event_id=event.id,
                        registration_a_id=lo,
                        registration_b_id=hi,
                        slot=t,
                        starts_at=start,
                        ends_at=start + timedelta(minutes=20),
                        table_id=None if online else event.tables[k].id,
                        online=online,
                        uid=f"bench-{event.id}-{t}-{lo}-{hi}@kakehashi",
                        status="published",
                        published_at=datetime(2026, 10, 1, tzinfo=UTC),
                    )
                )
                count += 1
        return {
            "event_id": event.id,
            "officer": officer.email,
            "member": member_email,
            "member_token": member_token,
            "registration": regs[0].id,
            "meetings": count,
        }


def add_matches(database: Database, *, event_id: int, model_id: str, per_opportunity: int) -> int:
    """One published opportunity per participant and ``per_opportunity`` stored matches (with explanations)
    from each to opportunities of the other country, as the indexing job leaves them."""
    with database.session() as session:
        orgs = session.scalars(
            select(Registration.organisation_id).where(Registration.event_id == event_id)
        ).all()
        by_country: dict[str, list[Opportunity]] = {"IT": [], "JP": []}
        for n, org_id in enumerate(orgs):
            org = session.get(Organisation, org_id)
            assert org is not None
            italian = org.country == "IT"
            opp = Opportunity(
                organisation_id=org_id,
                type="technology_offer" if italian else "technology_request",
                language="it" if italian else "ja",
                title=f"Wafer SiC {n}" if italian else f"炭化ケイ素ウェハ {n}",
                description="Wafer in carburo di silicio." if italian else "炭化ケイ素ウェハを求めています。",
                status="published",
                published_at=datetime(2026, 9, 1, tzinfo=UTC),
            )
            session.add(opp)
            by_country[org.country].append(opp)
        session.flush()
        count = 0
        for mine, theirs in (("IT", "JP"), ("JP", "IT")):
            others = by_country[theirs]
            for i, source in enumerate(by_country[mine]):
                for rank in range(min(per_opportunity, len(others))):
                    target = others[(i + rank * 7) % len(others)]
                    session.add(
                        OpportunityMatch(
                            model_id=model_id,
                            source_id=source.id,
                            rank=rank,
                            target_id=target.id,
                            score=0.9 - rank * 0.01,
                            components={"dense": 0.9 - rank * 0.01},
                            explanation={
                                "source_type": source.type,
                                "target_type": target.type,
                                "shared_sectors": ["semiconductors"],
                                "term_pairs": [["carburo di silicio", "炭化ケイ素", 0.91, True]],
                                "sentence_pair": [source.description, target.description, 0.83],
                            },
                        )
                    )
                    count += 1
        return count


def _as_server(app: Any) -> Any:
    """As ``kakehashi serve`` builds it (memory settled once started), where the code has it."""
    import kakehashi.app

    serving = getattr(kakehashi.app, "serving", None)
    return app if serving is None else serving(app)


def _starts(event: Event) -> list[datetime]:
    from kakehashi.events.run_inputs import slot_starts

    return list(slot_starts(event))


class Metered:
    """ASGI wrapper: the CPU time of the thread that serves each request (the whole request, as the thread
    pool is bypassed), and optionally a cProfile of it."""

    def __init__(self, app: Any) -> None:
        self.app = app
        self.cpu_s = 0.0
        self.profiler: cProfile.Profile | None = None

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        began = time.thread_time()
        if self.profiler is not None:
            self.profiler.enable()
        try:
            await self.app(scope, receive, send)
        finally:
            if self.profiler is not None:
                self.profiler.disable()
            self.cpu_s += time.thread_time() - began


async def _inline(func: Any, *args: Any, **kwargs: Any) -> Any:
    return func(*args, **kwargs)


def run_inline() -> None:
    """Sync endpoints and dependencies run in the request's own thread (so its CPU time is all of it)."""
    import fastapi.dependencies.utils
    import fastapi.routing
    import starlette.concurrency

    for module in (fastapi.routing, fastapi.dependencies.utils, starlette.concurrency):
        if hasattr(module, "run_in_threadpool"):
            module.run_in_threadpool = _inline


def measure(
    client: TestClient, meter: Metered, path: str, requests: int, *, profile: str | None = None
) -> dict[str, float]:
    client.get(path)  # warm: templates compiled, connections opened
    times = []
    meter.cpu_s = 0.0
    meter.profiler = cProfile.Profile() if profile else None
    for _ in range(requests):
        began = time.perf_counter()
        response = client.get(path)
        times.append((time.perf_counter() - began) * 1000)
        assert response.status_code == 200, (path, response.status_code)
    if meter.profiler is not None:
        pstats.Stats(meter.profiler).sort_stats(profile or "cumulative").print_stats(70)
        meter.profiler = None
    times.sort()
    return {
        "p50_ms": round(statistics.median(times), 1),
        "p95_ms": round(times[max(0, int(len(times) * 0.95) - 1)], 1),
        "max_ms": round(times[-1], 1),
        "cpu_ms": round(1000 * meter.cpu_s / requests, 2),
        "requests": requests,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--participants", type=int, default=300)
    parser.add_argument("--days", type=int, default=2)
    parser.add_argument("--slots", type=int, default=16, help="Slots per day.")
    parser.add_argument("--tables", type=int, default=40)
    parser.add_argument("--requests", type=int, default=50, help="Requests per page.")
    parser.add_argument("--database-url", default=None, help="Default: a fresh SQLite file.")
    parser.add_argument("--output", type=Path, default=None)
    parser.add_argument("--matches", type=int, default=0, help="Stored matches per opportunity (0: none).")
    parser.add_argument("--pages", nargs="*", default=None, help="Only these pages (names as printed).")
    parser.add_argument("--profile", default=None, help="Print a cProfile of this page (name as printed).")
    parser.add_argument("--sort", default="cumulative", help="cProfile sort key (cumulative, tottime).")
    parser.add_argument(
        "--no-settle", action="store_true", help="Leave the garbage collector as tests do (no gc.freeze)."
    )
    args = parser.parse_args()
    run_inline()
    folder = Path(tempfile.mkdtemp(prefix="kakehashi-agenda-bench-"))
    url = args.database_url or f"sqlite:///{folder / 'bench.db'}"
    database = Database(url)
    if database.engine.dialect.name == "postgresql":
        with database.engine.begin() as connection:
            connection.execute(text("DROP SCHEMA public CASCADE"))
            connection.execute(text("CREATE SCHEMA public"))
    Base.metadata.create_all(database.engine)
    world = build(
        database, participants=args.participants, days=args.days, slots=args.slots, tables=args.tables
    )
    settings = Settings(
        data_dir=folder / "data", database_url=url, secret_key="bench", embedder="fake", api_rate_per_minute=0
    )
    app = create_app(settings, database=database)
    if not args.no_settle:
        app = _as_server(app)
    event = world["event_id"]
    if args.matches:
        world["matches"] = add_matches(
            database, event_id=event, model_id=app.state.matching.model_id, per_opportunity=args.matches
        )
    meter = Metered(app)
    results: dict[str, Any] = {}
    # One lifespan per app: the member's client runs it, as one server would.
    officer = TestClient(meter)  # type: ignore[arg-type]
    with TestClient(meter) as member:  # type: ignore[arg-type]
        sign_in(member, world["member"], PASSWORD)
        member.headers["Authorization"] = f"Bearer {world['member_token']}"
        sign_in(officer, world["officer"], PASSWORD)
        pages = {
            "member_agenda_page": (member, f"/events/{event}/agenda"),
            "member_participant_list_page": (member, f"/events/{event}/participants"),
            "member_agenda_json": (member, f"/api/v1/events/{event}/agenda"),
            "member_agenda_ics": (member, f"/events/{event}/agenda.ics"),
            "officer_participant_agenda_page": (officer, f"/events/{event}/agenda/{world['registration']}"),
            "officer_whole_agenda_page": (officer, f"/events/{event}/agenda"),
            "officer_schedule_page": (officer, f"/events/{event}/schedule"),
            "officer_desk_page": (officer, f"/events/{event}/desk"),
        }
        for name, (client, path) in pages.items():
            if args.pages and name not in args.pages:
                continue
            profile = args.sort if name == args.profile else None
            results[name] = measure(client, meter, path, args.requests, profile=profile)
            print(
                f"{name:34} p50 {results[name]['p50_ms']:7.1f} ms  p95 {results[name]['p95_ms']:7.1f} ms"
                f"  CPU {results[name]['cpu_ms']:7.2f} ms/request",
                flush=True,
            )
    report = {
        "store": database.engine.dialect.name,
        "participants": args.participants,
        "meetings": world["meetings"],
        "slots": args.days * args.slots,
        "tables": args.tables,
        "stored_matches": world.get("matches", 0),
        "settled": not args.no_settle,
        "load_average": [round(x, 2) for x in os.getloadavg()],
        "measured_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "machine": {"python": platform.python_version(), "cpus": os.cpu_count()},
        "pages": results,
    }
    target = args.output or ROOT / "benchmarks" / "results" / f"agenda-pages-{report['store']}.json"
    target.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    print(f"wrote {target}")
    database.dispose()


if __name__ == "__main__":
    main()
