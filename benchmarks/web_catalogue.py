"""A large published catalogue for the web benchmark: ``count`` generated opportunities (it, ja, en; the
texts of ``matching_corpus.py``) of Italian and Japanese organisations, written straight into a store.

    .venv/bin/python benchmarks/web_catalogue.py --database-url sqlite:///bench/kakehashi.db --count 100000

Then ``kakehashi index rebuild`` embeds them and stores their matches (benchmarks/web.py does both).
"""

from __future__ import annotations

import argparse
import random
import sys
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from sqlalchemy import insert

sys.path.insert(0, str(Path(__file__).parent))

from kakehashi.profiles.models import Opportunity, OpportunitySector, Organisation, OrganisationSector
from kakehashi.store import Database
from matching_corpus import generate_texts

SECTOR_OF = {  # corpus topic -> platform sector
    "ai": "ai",
    "semiconductors": "semiconductors",
    "quantum": "quantum",
    "energy": "energy",
    "infrastructure": "infrastructure",
    "biotech": "biotech",
}
TYPE_OF = {
    "offer": ("technology_offer", "business_offer", "investment_offered"),
    "request": ("technology_request", "business_request", "rd_partner_request", "investment_sought"),
}
BATCH = 5000


def generate(database: Database, *, count: int, organisations: int, seed: int = 11) -> None:
    rng = random.Random(seed)
    now = datetime.now(UTC)
    database.upgrade()
    with database.session() as session:
        org_rows = [
            {
                "external_id": f"bench-org-{i}",
                "name": f"Bench organisation {i}",
                "country": "IT" if i % 2 == 0 else "JP",
                "kind": "company",
                "description": "",
                "description_language": "en",
                "illustrative": True,
                "created_at": now,
                "updated_at": now,
            }
            for i in range(organisations)
        ]
        session.execute(insert(Organisation), org_rows)
        ids = dict(
            session.execute(
                Organisation.__table__.select()
                .with_only_columns(Organisation.external_id, Organisation.id)
                .where(Organisation.external_id.like("bench-org-%"))
            ).all()
        )
        session.execute(
            insert(OrganisationSector),
            [{"organisation_id": ids[f"bench-org-{i}"], "sector": "other"} for i in range(organisations)],
        )
    texts = generate_texts(count, seed=seed)
    for start in range(0, count, BATCH):
        chunk = texts[start : start + BATCH]
        rows = []
        for offset, text in enumerate(chunk):
            n = start + offset
            published = now - timedelta(days=rng.randint(0, 700))
            title = text.text.partition("。" if text.language == "ja" else ". ")[0]
            rows.append(
                {
                    "external_id": f"bench-opp-{n}",
                    "organisation_id": ids[f"bench-org-{rng.randrange(organisations)}"],
                    "type": rng.choice(TYPE_OF[text.side]),
                    "language": text.language,
                    "title": title[:200],
                    "description": text.text,
                    "keywords": [],
                    "trl": rng.choice([None, 3, 4, 5, 6, 7, 8]),
                    "deadline": date.today() + timedelta(days=rng.randint(30, 900)),
                    "status": "published",
                    "published_at": published,
                    "illustrative": True,
                    "created_at": published,
                    "updated_at": published,
                }
            )
        with database.session() as session:
            session.execute(insert(Opportunity), rows)
            opp_ids = dict(
                session.execute(
                    Opportunity.__table__.select()
                    .with_only_columns(Opportunity.external_id, Opportunity.id)
                    .where(Opportunity.external_id.in_([r["external_id"] for r in rows]))
                ).all()
            )
            session.execute(
                insert(OpportunitySector),
                [
                    {"opportunity_id": opp_ids[f"bench-opp-{start + i}"], "sector": SECTOR_OF[t.sector]}
                    for i, t in enumerate(chunk)
                ],
            )
        print(f"{min(start + BATCH, count)} / {count} opportunities", file=sys.stderr)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--count", type=int, default=100_000)
    parser.add_argument("--organisations", type=int, default=4_000)
    args = parser.parse_args()
    database = Database(args.database_url)
    try:
        generate(database, count=args.count, organisations=args.organisations)
    finally:
        database.dispose()


if __name__ == "__main__":
    main()
