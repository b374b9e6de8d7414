"""The same catalogue gives the same matches on SQLite and on PostgreSQL, with and without pgvector.

One catalogue (Italian, Japanese and English opportunities of every type, plus drafts) is built through
the real services on each store and matched through ``MatchingService`` with the same embedder and
clock: matches for every published opportunity and organisation, and free-text searches, before and
after the catalogue changes (a withdrawal, a new text, a new opportunity). SQLite is the reference.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np
import pytest

from kakehashi.accounts.service import SYSTEM
from kakehashi.matching.embed import FakeEmbedder
from kakehashi.matching.pgvector import PgVectorIndex
from kakehashi.matching.rank import RankingConfig
from kakehashi.matching.service import MatchingService, MatchResult
from kakehashi.profiles import service as profiles
from kakehashi.profiles.lifecycle import Action
from kakehashi.profiles.schemas import OpportunityPatch
from kakehashi.store import Database
from tests.factories import make_opportunity, make_organisation
from tests.matching.conftest import PgServer, fresh_database

pytestmark = [pytest.mark.slow, pytest.mark.postgres]

# Later than every publication date, so freshness counts; the same instant for every store.
NOW = datetime.now(UTC).replace(microsecond=0) + timedelta(days=90)
TYPES = [
    "technology_offer",
    "technology_request",
    "business_offer",
    "business_request",
    "rd_partner_request",
    "investment_sought",
    "investment_offered",
]
TOPICS = {
    "semiconductors": {
        "en": "silicon carbide wafers for power modules with low defect density",
        "it": "wafer di carburo di silicio per moduli di potenza a bassa difettosità",
        "ja": "低欠陥密度のパワーモジュール向け炭化ケイ素ウェハー",
    },
    "ai": {
        "en": "computer vision for quality inspection on production lines",
        "it": "visione artificiale per il controllo qualità sulle linee di produzione",
        "ja": "生産ラインの品質検査のための画像認識",
    },
    "energy": {
        "en": "green hydrogen electrolysers and storage for industrial sites",
        "it": "elettrolizzatori per idrogeno verde e accumulo per siti industriali",
        "ja": "産業用地向けのグリーン水素電解槽と貯蔵",
    },
    "biotech": {
        "en": "bioreactor scale-up for cell therapy manufacturing",
        "it": "scale-up di bioreattori per la produzione di terapie cellulari",
        "ja": "細胞治療製造のためのバイオリアクターのスケールアップ",
    },
    "quantum": {
        "en": "superconducting qubit control electronics at cryogenic temperature",
        "it": "elettronica di controllo per qubit superconduttivi a temperatura criogenica",
        "ja": "極低温での超伝導量子ビット制御エレクトロニクス",
    },
}
# A candidate pool smaller than the catalogue, so that what the dense index returns decides the matches.
CONFIG = RankingConfig(candidate_pool=12)
SEARCHES = ["silicon carbide wafers", "idrogeno verde per l'industria", "画像認識による品質検査"]
Answers = dict[str, list[tuple[int, float]]]


def build_catalogue(database: Database) -> list[int]:
    """Organisations in Italy and Japan, ~50 opportunities; returns the published opportunities' ids."""
    rng = np.random.default_rng(11)
    published: list[int] = []
    with database.session() as session:
        orgs = [
            make_organisation(session, country=country, name=f"Org {country} {n}", sectors=[sector])
            for n, (country, sector) in enumerate(
                (c, s) for c in ("IT", "JP") for s in ("semiconductors", "ai", "energy", "biotech", "quantum")
            )
        ]
        for n in range(50):
            org = orgs[n % len(orgs)]
            sector = list(TOPICS)[int(rng.integers(len(TOPICS)))]
            language = ("ja" if org.country == "JP" else "it") if n % 3 else "en"
            text = TOPICS[sector][language]
            status = "draft" if n % 11 == 5 else "published"
            opp = make_opportunity(
                session,
                org,
                status=status,
                type=TYPES[n % len(TYPES)],
                language=language,
                title=f"{text[:40]} #{n}",
                description=f"{text}. Variant {n}, {TYPES[n % len(TYPES)].replace('_', ' ')}.",
                sectors=[sector],
                keywords=[sector, f"k{n % 4}"],
                trl=int(rng.integers(3, 9)),
            )
            if status == "published":
                published.append(opp.id)
    return published


def change_catalogue(database: Database, published: list[int]) -> list[int]:
    """A withdrawal, a rewritten text and a new opportunity: the matches must follow on every store."""
    with database.session() as session:
        profiles.transition(session, SYSTEM, published[0], Action.WITHDRAW)
        profiles.update_opportunity(
            session,
            SYSTEM,
            published[1],
            OpportunityPatch(description="Now about superconducting qubit control electronics."),
        )
        org = make_organisation(session, country="JP", name="Late arrival", sectors=["energy"])
        new = make_opportunity(
            session,
            org,
            language="en",
            title="Hydrogen storage tanks",
            sectors=["energy"],
            description="Green hydrogen storage tanks for industrial sites, offered for licensing.",
        )
    return [*published[1:], new.id]


def collect(service: MatchingService, published: list[int]) -> Answers:
    def pairs(results: list[MatchResult]) -> list[tuple[int, float]]:
        return [(r.opportunity.id, r.score) for r in results]

    answers: Answers = {}
    for opp_id in published:
        found = service.matches_for_opportunity(SYSTEM, opp_id, locale="en", limit=10, explain=False)
        answers[f"opportunity {opp_id}"] = pairs(found)
    for org_id in range(1, 12):
        answers[f"organisation {org_id}"] = pairs(
            service.matches_for_organisation(SYSTEM, org_id, locale="en")
        )
    for query in SEARCHES:
        answers[f"search {query}"] = pairs(service.search(SYSTEM, query, locale="en"))
    return answers


def run_everything(database: Database, *, through_graph: bool = False) -> tuple[str, Answers, Answers]:
    published = build_catalogue(database)
    embedder = FakeEmbedder(dim=48)
    index = (
        PgVectorIndex(database, model_id=embedder.model_id, dim=embedder.dim, use_graph=True)
        if through_graph
        else None  # the service chooses
    )
    service = MatchingService(database, embedder, config=CONFIG, clock=lambda: NOW, index=index)
    service.sync()  # indexing: embeddings and stored matches
    before = collect(service, published)
    changed = change_catalogue(database, published)
    service.sync()
    after = collect(service, changed)
    return service.index_kind, before, after


def assert_same(answers: Answers, reference: Answers) -> None:
    assert answers.keys() == reference.keys()
    assert sum(len(v) for v in reference.values()) > 100  # not a vacuous comparison
    for key, expected in reference.items():
        got = answers[key]
        assert [i for i, _ in got] == [i for i, _ in expected], key
        np.testing.assert_allclose([s for _, s in got], [s for _, s in expected], atol=1e-5, err_msg=key)


@pytest.fixture(scope="module")
def reference(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Answers, Answers]]:
    database = Database(f"sqlite:///{tmp_path_factory.mktemp('reference') / 'store.db'}")
    database.create_all()
    kind, before, after = run_everything(database)
    assert kind == "in-process"
    yield before, after
    database.dispose()


@pytest.mark.parametrize("through_graph", [False, True], ids=["planner", "hnsw"])
def test_postgres_with_pgvector_matches_sqlite(
    pgvector_database: Database, reference: tuple[Answers, Answers], through_graph: bool
) -> None:
    # The planner scans a table this small exactly; "hnsw" makes every search walk the graph.
    kind, before, after = run_everything(pgvector_database, through_graph=through_graph)
    assert kind == "pgvector"
    assert_same(before, reference[0])
    assert_same(after, reference[1])
    assert before != after  # the change did change the matches


def test_postgres_without_pgvector_matches_sqlite(
    pgserver: PgServer, reference: tuple[Answers, Answers]
) -> None:
    database = fresh_database(pgserver.plain_url)  # a role that may not create the extension
    try:
        kind, before, after = run_everything(database)
    finally:
        database.dispose()
    assert kind == "in-process"
    assert_same(before, reference[0])
    assert_same(after, reference[1])


@pytest.mark.skipif(
    not os.environ.get("KAKEHASHI_TEST_DATABASE_URL", "").strip(),
    reason="KAKEHASHI_TEST_DATABASE_URL is not set (CI sets it to Debian's PostgreSQL)",
)
def test_configured_postgres_matches_sqlite(reference: tuple[Answers, Answers], tmp_path: Path) -> None:
    database = fresh_database(os.environ["KAKEHASHI_TEST_DATABASE_URL"].strip())
    try:
        _, before, after = run_everything(database)
    finally:
        database.dispose()
    assert_same(before, reference[0])
    assert_same(after, reference[1])
