"""Cooperation analytics at scale: ``compute()`` (every dashboard table) on a generated store.

    PYTHONPATH=src python benchmarks/analytics.py                        # SQLite, full size
    PYTHONPATH=src python benchmarks/analytics.py --scale 0.02 --repeat 5   # a quick check
    PYTHONPATH=src python benchmarks/analytics.py \
        --url postgresql+psycopg://kakehashi:kakehashi@127.0.0.1:55432/kakehashi_bench --fresh

Full size (``--scale 1``): 100,000 opportunities of 5,000 organisations, 30,000 expressions of interest,
20,000 introductions with their stage moves in the audit trail, 10,000 agreements (a third with an amount
in EUR or JPY and its rate), 50 events of 40 participants with requests, meetings, feedback and
follow-ups, 50,000 stored matches and 10,000 verdicts. Rows are bulk-inserted with SQLAlchemy Core
(about a minute on SQLite). Then each filter combination is computed ``--repeat`` times (after one warm-up)
and p50/p95 are printed with the machine's load average; JSON under benchmarks/results/.
``--fresh`` drops every table of the given store first (never point it at a store you need).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Iterable
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

from sqlalchemy import Table, func, insert, select

from kakehashi.accounts.models import Agency, User
from kakehashi.accounts.service import ensure_agencies
from kakehashi.analytics.indicators import compute
from kakehashi.analytics.tables import Filters
from kakehashi.audit.models import AuditEvent
from kakehashi.events.agenda_models import Feedback, FollowUp, Meeting
from kakehashi.events.models import Event, EventOrganiser, EventSession, MeetingRequest, Registration
from kakehashi.matching.tables import MatchFeedback, OpportunityMatch
from kakehashi.pipeline.models import Agreement, Interest, Introduction
from kakehashi.pipeline.vocab import SUBTYPES, WITH_AMOUNT
from kakehashi.profiles.models import Opportunity, OpportunitySector, Organisation, OrganisationSector
from kakehashi.store import Database
from kakehashi.store.base import Base

RESULTS = Path(__file__).parent / "results"
SECTORS = ("ai", "semiconductors", "quantum", "energy", "infrastructure", "biotech", "other")
TYPES = (
    "technology_offer",
    "technology_request",
    "business_offer",
    "business_request",
    "rd_partner_request",
    "investment_sought",
    "investment_offered",
)
KINDS = ("company", "startup", "research", "investor", "public_body")
FIRST = datetime(2024, 1, 1, tzinfo=UTC)
SPAN_DAYS = 1_050  # to mid-November 2026
STAGES = ("proposed", "accepted", "met", "negotiating")


def table(model: Any) -> Table:
    return model.__table__  # type: ignore[no-any-return]


def moment(rng: random.Random, *, after: datetime = FIRST, within: int = SPAN_DAYS) -> datetime:
    return after + timedelta(days=rng.random() * within)


class Loader:
    """Bulk inserts in batches, with the ids it handed out (ids are given, so rows can point at each other)."""

    def __init__(self, database: Database, batch: int = 5_000) -> None:
        self.database = database
        self.batch = batch

    def put(self, model: Any, rows: Iterable[dict[str, Any]]) -> int:
        count = 0
        chunk: list[dict[str, Any]] = []
        with self.database.engine.begin() as connection:
            for row in rows:
                chunk.append(row)
                if len(chunk) >= self.batch:
                    connection.execute(insert(table(model)), chunk)
                    count += len(chunk)
                    chunk = []
            if chunk:
                connection.execute(insert(table(model)), chunk)
                count += len(chunk)
        return count


def generate(database: Database, *, scale: float, seed: int = 12) -> dict[str, int]:
    rng = random.Random(seed)
    n_opps = int(100_000 * scale)
    n_orgs = max(20, n_opps // 20)
    n_interests = int(30_000 * scale)
    n_intros = int(20_000 * scale)
    n_agreements = min(n_intros, int(10_000 * scale))
    n_events = max(2, int(50 * min(1.0, scale * 10)))
    load = Loader(database)
    with database.session() as session:
        ensure_agencies(session)
        agencies = {a.code: a.id for a in session.scalars(select(Agency))}
    officers = list(range(1, 21))
    load.put(
        User,
        (
            {
                "id": i,
                "email": f"officer{i}@bench.example",
                "display_name": f"Officer {i}",
                "password_hash": "x",
                "role": "officer",
                "agency_id": agencies["ICE" if i % 2 else "JETRO"],
            }
            for i in officers
        ),
    )
    country = {o: ("IT" if o % 2 else "JP") for o in range(1, n_orgs + 1)}
    load.put(
        Organisation,
        (
            {
                "id": o,
                "name": f"Organisation {o}",
                "country": country[o],
                "kind": rng.choice(KINDS),
                "description_language": "en",
                "created_at": moment(rng),
            }
            for o in range(1, n_orgs + 1)
        ),
    )
    load.put(
        OrganisationSector,
        (
            {"organisation_id": o, "sector": s}
            for o in range(1, n_orgs + 1)
            for s in rng.sample(SECTORS, rng.choice((1, 1, 2)))
        ),
    )
    owner = {p: rng.randint(1, n_orgs) for p in range(1, n_opps + 1)}
    sectors = {p: rng.sample(SECTORS, rng.choice((1, 1, 1, 2))) for p in range(1, n_opps + 1)}
    load.put(
        Opportunity,
        (
            {
                "id": p,
                "organisation_id": owner[p],
                "type": rng.choice(TYPES),
                "language": "en",
                "title": f"Opportunity {p}",
                "description": "Generated for the analytics benchmark.",
                "status": "published",
                "published_at": moment(rng),
            }
            for p in range(1, n_opps + 1)
        ),
    )
    load.put(OpportunitySector, ({"opportunity_id": p, "sector": s} for p, ss in sectors.items() for s in ss))
    interest_rows = []
    for i in range(1, n_interests + 1):
        p = rng.randint(1, n_opps)
        asker = rng.randint(1, n_orgs)
        interest_rows.append(
            {
                "id": i,
                "opportunity_id": p,
                "owner_organisation_id": owner[p],
                "from_organisation_id": asker,
                "status": rng.choice(
                    ("pending", "accepted", "accepted", "declined", "referred", "withdrawn")
                ),
                "created_at": moment(rng),
            }
        )
    load.put(Interest, interest_rows)
    events = _events(load, rng, n_events=n_events, n_orgs=n_orgs, agencies=tuple(agencies))
    intros, audits, agreements = [], [], []
    audit_id = 0
    for i in range(1, n_intros + 1):
        interest = interest_rows[i - 1] if i <= n_interests else None
        p = interest["opportunity_id"] if interest else rng.randint(1, n_opps)
        start = interest["created_at"] + timedelta(days=rng.random() * 10) if interest else moment(rng)
        signed = i <= n_agreements
        last = "agreement" if signed else rng.choice((*STAGES, "closed"))
        path = (*STAGES, "agreement") if signed else _path_to(last)
        at = start
        disclosed = None
        for stage in path[1:]:
            at = at + timedelta(days=1 + rng.random() * 40)
            if stage == "accepted":
                disclosed = at
                continue
            audit_id += 1
            audits.append(
                {
                    "id": audit_id,
                    "at": at,
                    "kind": "introduction_stage",
                    "target": f"introduction:{i}",
                    "detail": {"from": "", "to": stage},
                }
            )
        meeting = rng.choice(events["meetings"]) if events["meetings"] and rng.random() < 0.1 else None
        intros.append(
            {
                "id": i,
                "interest_id": interest["id"] if interest else None,
                "organisation_a_id": interest["from_organisation_id"] if interest else rng.randint(1, n_orgs),
                "organisation_b_id": owner[p],
                "opportunity_b_id": p,
                "origin": "interest" if interest else "match",
                "stage": last,
                "officer_a_id": rng.choice(officers),
                "officer_b_id": rng.choice(officers),
                "event_meeting_id": meeting,
                "created_at": start,
                "disclosed_at": disclosed,
                "stage_changed_at": at,
            }
        )
        if signed:
            agreements.append(_agreement(rng, i, at.date()))
    load.put(Introduction, intros)
    load.put(AuditEvent, audits)
    load.put(Agreement, agreements)
    n_matches = int(50_000 * scale)
    load.put(
        OpportunityMatch,
        (
            {
                "model_id": "bench",
                "source_id": 1 + (m // 5) % n_opps,
                "rank": m % 5,
                "target_id": rng.randint(1, n_opps),
                "score": rng.random(),
                "components": {},
                "computed_at": moment(rng),
            }
            for m in range(n_matches)
        ),
    )
    load.put(
        MatchFeedback,
        (
            {
                "owner_key": f"org:{owner[1 + (m // 5) % n_opps]}",
                "source_id": 1 + (m // 5) % n_opps,
                "target_id": 1 + (m * 7919) % n_opps,
                "verdict": rng.choice(("shortlisted", "dismissed")),
                "created_at": moment(rng),
            }
            for m in range(0, n_matches, 5)
        ),
    )
    return {
        "organisations": n_orgs,
        "opportunities": n_opps,
        "interests": n_interests,
        "introductions": n_intros,
        "agreements": n_agreements,
        "audit_events": len(audits),
        "events": n_events,
        "matches": n_matches,
    }


def _path_to(last: str) -> tuple[str, ...]:
    if last == "closed":
        return ("proposed", "closed")
    return STAGES[: STAGES.index(last) + 1]


def _agreement(rng: random.Random, intro: int, signed_on: date) -> dict[str, Any]:
    category = rng.choice(tuple(SUBTYPES))
    subtype = rng.choice(SUBTYPES[category])
    row: dict[str, Any] = {
        "introduction_id": intro,
        "category": category.value,
        "subtype": subtype,
        "signed_on": signed_on,
        # Every row names every column: an executemany takes its columns from a chunk's first row.
        "amount": None,
        "currency": None,
        "jpy_per_eur": None,
    }
    if subtype in WITH_AMOUNT:
        currency = rng.choice(("EUR", "JPY"))
        amount = rng.randint(10, 5_000) * (1_000 if currency == "EUR" else 150_000)
        row.update(
            amount=Decimal(amount),
            currency=currency,
            jpy_per_eur=Decimal(rng.randint(15_000, 17_000)) / 100,
        )
    return row


def _events(
    load: Loader, rng: random.Random, *, n_events: int, n_orgs: int, agencies: tuple[str, ...]
) -> dict[str, list[int]]:
    meeting_ids: list[int] = []
    events, sessions, organisers, registrations = [], [], [], []
    requests, meetings, feedback, followups = [], [], [], []
    reg_id = request_id = meeting_id = 0
    for e in range(1, n_events + 1):
        day = (FIRST + timedelta(days=20 * e)).date()
        events.append({"id": e, "title_en": f"B2B event {e}", "time_zone": "Europe/Rome", "slot_minutes": 30})
        sessions.append({"event_id": e, "day": day, "part": "morning", "starts": _t(9), "ends": _t(13)})
        organisers.append({"event_id": e, "agency_code": agencies[e % len(agencies)]})
        regs = []
        for org in rng.sample(range(1, n_orgs + 1), min(40, n_orgs)):
            reg_id += 1
            regs.append(reg_id)
            registrations.append(
                {
                    "id": reg_id,
                    "event_id": e,
                    "organisation_id": org,
                    "status": rng.choice(("approved", "approved", "approved", "declined")),
                    "checkin_token": f"bench-{reg_id}",
                }
            )
        pairs = {(a, b) for a, b in (rng.sample(regs, 2) for _ in range(120))}
        for a, b in pairs:
            request_id += 1
            requests.append(
                {
                    "id": request_id,
                    "event_id": e,
                    "from_registration_id": a,
                    "to_registration_id": b,
                    "mark": rng.choice(("must_meet", "meet", "meet", "no_thanks")),
                    "status": rng.choice(("accepted", "accepted", "declined", "pending", "expired")),
                }
            )
        start = datetime.combine(day, _t(8), tzinfo=UTC)
        for slot, (a, b) in enumerate(list(pairs)[:60]):
            meeting_id += 1
            meeting_ids.append(meeting_id)
            outcome = rng.choice(("happened", "happened", "happened", "no_show", None))
            meetings.append(
                {
                    "id": meeting_id,
                    "event_id": e,
                    "registration_a_id": a,
                    "registration_b_id": b,
                    "slot": slot % 8,
                    "starts_at": start,
                    "ends_at": start + timedelta(minutes=30),
                    "status": "published",
                    "outcome": outcome,
                    "uid": f"bench-{meeting_id}",
                }
            )
            if outcome == "happened":
                for reg in (a, b):
                    feedback.append(
                        {
                            "meeting_id": meeting_id,
                            "registration_id": reg,
                            "rating": rng.choice(
                                ("informative", "cooperation_possible", "insufficient_interest")
                            ),
                        }
                    )
                    followups.append(
                        {
                            "meeting_id": meeting_id,
                            "registration_id": reg,
                            "answer": rng.choice((None, "valuable_contact", "negotiation_started")),
                        }
                    )
    for model, rows in (
        (Event, events),
        (EventSession, sessions),
        (EventOrganiser, organisers),
        (Registration, registrations),
        (MeetingRequest, requests),
        (Meeting, meetings),
        (Feedback, feedback),
        (FollowUp, followups),
    ):
        load.put(model, rows)
    return {"meetings": meeting_ids}


def _t(hour: int) -> Any:
    from datetime import time as clock

    return clock(hour)


def combinations(database: Database) -> dict[str, Filters]:
    with database.session() as session:
        organisation = session.scalar(
            select(Introduction.organisation_b_id)
            .group_by(Introduction.organisation_b_id)
            .order_by(func.count().desc())
            .limit(1)
        )
    return {
        "all": Filters(),
        "year 2025 by quarter": Filters(start=date(2025, 1, 1), end=date(2025, 12, 31)),
        "2024-2026 by month": Filters(start=date(2024, 1, 1), end=date(2026, 12, 31), granularity="month"),
        "sector + country": Filters(sector="semiconductors", country="JP"),
        "agency ICE, 2026": Filters(agency="ICE", start=date(2026, 1, 1), end=date(2026, 12, 31)),
        "event 1": Filters(event_id=1),
        "one organisation": Filters(organisation_id=organisation),
    }


def measure(database: Database, repeat: int) -> dict[str, dict[str, float]]:
    results: dict[str, dict[str, float]] = {}
    for name, filters in combinations(database).items():
        timings: list[float] = []
        for n in range(repeat + 1):
            with database.session() as session:
                started = time.perf_counter()
                compute(session, filters)
                elapsed = (time.perf_counter() - started) * 1000
            if n:  # the first run warms the caches
                timings.append(elapsed)
        timings.sort()
        results[name] = {
            "p50_ms": round(statistics.median(timings), 1),
            "p95_ms": round(timings[min(len(timings) - 1, int(0.95 * len(timings)))], 1),
        }
        print(f"  {name:<24} p50 {results[name]['p50_ms']:>8.1f} ms   p95 {results[name]['p95_ms']:>8.1f} ms")
    return results


def breakdown(database: Database, repeat: int) -> dict[str, float]:
    """p50 of each table alone, for the whole store (what one chart's page or export costs)."""
    from kakehashi.analytics import agreements, catalogue, events, pipeline, trends
    from kakehashi.analytics.scope import resolve

    parts: dict[str, Any] = {
        "organisations": catalogue.organisations,
        "catalogue": catalogue.catalogue,
        "matches": catalogue.matches,
        "interests": pipeline.interests,
        "funnel": pipeline.funnel,
        "sector_country": pipeline.sector_country,
        "trends": trends.trends,
        "events": events.events,
        "agreements": agreements.agreements,
        "time_to_agreement": agreements.time_to_agreement,
    }
    result: dict[str, float] = {}
    with database.session() as session:
        scope = resolve(session, Filters())
        for name, part in parts.items():
            timings = []
            for _ in range(max(3, repeat // 4)):
                started = time.perf_counter()
                part(session, scope)
                timings.append((time.perf_counter() - started) * 1000)
            result[name] = round(statistics.median(timings), 1)
    print("  per table (whole store, p50 ms): " + ", ".join(f"{k} {v}" for k, v in result.items()))
    return result


def cached(database: Database, repeat: int) -> dict[str, float]:
    """Dashboard requests for the same filter with KAKEHASHI_ANALYTICS_CACHE_S set (after the first)."""
    from kakehashi.accounts.service import SYSTEM
    from kakehashi.analytics.cache import IndicatorCache
    from kakehashi.analytics.service import indicators

    cache = IndicatorCache(max_age_s=3600)
    timings = []
    for n in range(repeat + 1):
        with database.session() as session:
            started = time.perf_counter()
            indicators(session, SYSTEM, Filters(), cache=cache)
            if n:
                timings.append((time.perf_counter() - started) * 1000)
    timings.sort()
    result = {
        "p50_ms": round(statistics.median(timings), 2),
        "p95_ms": round(timings[min(len(timings) - 1, int(0.95 * len(timings)))], 2),
    }
    print(f"  all, cached (after the first request): p50 {result['p50_ms']} ms, p95 {result['p95_ms']} ms")
    return result


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--url", help="A store (default: a new SQLite file in a temporary folder).")
    parser.add_argument("--scale", type=float, default=1.0, help="1 = 100k opportunities, 20k introductions.")
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--fresh", action="store_true", help="Drop every table of --url first.")
    parser.add_argument("--migrate", action="store_true", help="Build the schema with the migrations.")
    args = parser.parse_args(argv)
    folder = tempfile.mkdtemp(prefix="kakehashi-analytics-")
    url = args.url or f"sqlite:///{folder}/analytics.db"
    database = Database(url)
    if args.fresh and database.engine.dialect.name == "postgresql":
        with database.engine.begin() as connection:
            connection.exec_driver_sql("DROP SCHEMA public CASCADE")
            connection.exec_driver_sql("CREATE SCHEMA public")
    elif args.fresh:
        Base.metadata.drop_all(database.engine)
    if args.migrate:
        database.upgrade()
    else:
        Base.metadata.create_all(database.engine)
    started = time.perf_counter()
    sizes = generate(database, scale=args.scale)
    if database.engine.dialect.name == "postgresql":
        with database.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.exec_driver_sql("ANALYZE")
    else:
        with database.engine.begin() as connection:
            connection.exec_driver_sql("ANALYZE")
    load = os.getloadavg()
    print(f"{database.engine.dialect.name}: generated {sizes} in {time.perf_counter() - started:.1f} s")
    print(f"load average before timing: {load[0]:.2f} {load[1]:.2f} {load[2]:.2f} ({os.cpu_count()} CPUs)")
    timings = measure(database, args.repeat)
    per_table = breakdown(database, args.repeat)
    warm = cached(database, args.repeat)
    after = os.getloadavg()
    print(f"load average after timing: {after[0]:.2f} {after[1]:.2f} {after[2]:.2f}")
    RESULTS.mkdir(exist_ok=True)
    out = RESULTS / f"analytics-{database.engine.dialect.name}-{args.scale:g}.json"
    out.write_text(
        json.dumps(
            {
                "store": database.engine.dialect.name,
                "scale": args.scale,
                "sizes": sizes,
                "repeat": args.repeat,
                "timings": timings,
                "per_table_p50_ms": per_table,
                "cached_all": warm,
                "load_average": {"before": load, "after": after},
                "python": sys.version.split()[0],
                "machine": platform.platform(),
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
