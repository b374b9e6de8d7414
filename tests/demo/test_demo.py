"""The demo loads the real companies, the illustrative set and a user per role, idempotently."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from typing import Any

from sqlalchemy import func, select

from kakehashi.accounts.models import User
from kakehashi.accounts.service import authenticate
from kakehashi.demo.loader import DEMO_PASSWORD, DEMO_USERS, OPPORTUNITIES, ORGANISATIONS, load_demo
from kakehashi.profiles.anonymity import find_names, identifying_names, opportunity_fields
from kakehashi.profiles.models import Opportunity, Organisation
from kakehashi.profiles.vocab import OpportunityType, Sector
from kakehashi.store import Database


def test_demo_content_meets_the_promised_coverage(empty_database: Database) -> None:
    load_demo(empty_database)
    with empty_database.session() as session:
        opportunities = session.scalars(select(Opportunity)).all()
        real = session.scalar(select(func.count()).where(Organisation.source == "wikipedia"))
    assert real == 140
    assert len(opportunities) >= 150
    assert all(o.illustrative for o in opportunities)
    by_language = Counter(o.language for o in opportunities)
    assert min(by_language[lang] for lang in ("it", "ja", "en")) >= 40
    sectors = {s for o in opportunities for s in o.sectors}
    assert {s.value for s in Sector} - {"other"} <= sectors
    assert {o.type for o in opportunities} == {t.value for t in OpportunityType}
    # Most published opportunities can be read in the other country's language (issue 7).
    published = [o for o in opportunities if o.status == "published"]
    assert sum(bool(o.translations) for o in published) >= len(published) // 2
    assert any(o.language == "it" and "ja" in o.translations for o in published)
    assert any(o.language == "ja" and "it" in o.translations for o in published)
    assert any(o.language == "en" and "ja" in o.translations for o in published)
    assert Counter(o.status for o in opportunities)["published"] >= 100


def test_demo_twice_changes_nothing_and_every_demo_user_signs_in(empty_database: Database) -> None:
    load_demo(empty_database)
    with empty_database.session() as session:
        before = session.scalar(select(func.count()).select_from(Opportunity))
    load_demo(empty_database)
    with empty_database.session() as session:
        assert session.scalar(select(func.count()).select_from(Opportunity)) == before
        assert session.scalar(select(func.count()).select_from(User)) == len(DEMO_USERS)
        for demo in DEMO_USERS:
            user = authenticate(session, email=demo.email, password=DEMO_PASSWORD)
            assert user.role == demo.role.value
            if demo.organisation_external_id:
                assert user.organisation_id is not None


def test_no_published_demo_opportunity_names_its_organisation() -> None:
    organisations = {o["external_id"]: o for o in _jsonl(ORGANISATIONS)}
    named = []
    for opp in _jsonl(OPPORTUNITIES):
        if opp.get("status") != "published":
            continue
        org = organisations[opp["organisation"]]
        names = identifying_names((org["name"], org.get("name_ja"), org.get("name_en")), org.get("website"))
        fields = opportunity_fields(
            title=opp["title"],
            description=opp["description"],
            keywords=opp.get("keywords", []),
            external_id=opp["external_id"],
            translations={
                k: (v["title"], v["description"]) for k, v in (opp.get("translations") or {}).items()
            },
        )
        named += [(opp["external_id"], found.field, found.name) for found in find_names(fields, names)]
    assert named == []


def _jsonl(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
