"""Agenda pages at event size: p50 and p95 latency of the agenda pages and API over a stored agenda of
``--participants`` participants (default 300, half Italian, half Japanese, one in five online from Tokyo),
``--days`` × ``--slots`` slots and ``--tables`` tables, every slot filled as far as tables, online rooms
and the participants allow (about 1,500 meetings at the default size), published.

The pages read stored meetings only (no scheduler, no matching on the request path). The app runs in this
process behind Starlette's TestClient (no network, one client, one request after another): the figures are
the server's own time per request plus the test client's small overhead.

    .venv/bin/python benchmarks/agenda_pages.py                      # SQLite, 300 participants
    .venv/bin/python benchmarks/agenda_pages.py --database-url postgresql+psycopg://…  # PostgreSQL
    .venv/bin/python benchmarks/agenda_pages.py --participants 40 --requests 5      # a quick check

Results go to ``benchmarks/results/agenda-pages-<store>.json``.
"""

from __future__ import annotations

import argparse
import json
import platform
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
from sqlalchemy import text  # noqa: E402
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


def _starts(event: Event) -> list[datetime]:
    from kakehashi.events.run_inputs import slot_starts

    return list(slot_starts(event))


def measure(client: TestClient, path: str, requests: int) -> dict[str, float]:
    client.get(path)  # warm: templates compiled, connections opened
    times = []
    for _ in range(requests):
        began = time.perf_counter()
        response = client.get(path)
        times.append((time.perf_counter() - began) * 1000)
        assert response.status_code == 200, (path, response.status_code)
    times.sort()
    return {
        "p50_ms": round(statistics.median(times), 1),
        "p95_ms": round(times[max(0, int(len(times) * 0.95) - 1)], 1),
        "max_ms": round(times[-1], 1),
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
    args = parser.parse_args()
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
    event = world["event_id"]
    results: dict[str, Any] = {}
    officer = TestClient(app)  # one lifespan per app: the member's client runs it, as one server would
    with TestClient(app) as member:
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
            results[name] = measure(client, path, args.requests)
            print(
                f"{name:34} p50 {results[name]['p50_ms']:7.1f} ms  p95 {results[name]['p95_ms']:7.1f} ms",
                flush=True,
            )
    report = {
        "store": database.engine.dialect.name,
        "participants": args.participants,
        "meetings": world["meetings"],
        "slots": args.days * args.slots,
        "tables": args.tables,
        "machine": {"python": platform.python_version(), "cpus": __import__("os").cpu_count()},
        "pages": results,
    }
    target = args.output or ROOT / "benchmarks" / "results" / f"agenda-pages-{report['store']}.json"
    target.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    print(f"wrote {target}")
    database.dispose()


if __name__ == "__main__":
    main()
