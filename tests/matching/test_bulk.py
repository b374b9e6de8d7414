"""The bulk re-match (numpy ranking over candidate pools) gives exactly what ranking one by one gives."""

from __future__ import annotations

import random
from datetime import date, timedelta

import numpy as np
import pytest

from kakehashi.matching.bulk import build_columns
from kakehashi.matching.documents import OPPORTUNITY_TYPES, SECTORS, Match, MatchDocument
from kakehashi.matching.engine import MatchingEngine
from kakehashi.matching.glossary import GLOSSARY
from kakehashi.matching.rank import RankingConfig
from tests.matching.helpers import NOW, ConceptEmbedder, doc, simple_tokenize

WORDS = ["wafer", "sensori", "batterie", "hydrogen", "licence", "prototype", "partner", "robot", "clinic"]


def generated_catalogue(
    count: int, *, seed: int, sectors: tuple[str, ...] = SECTORS, id_step: int = 1
) -> list[MatchDocument]:
    """Random opportunities that hit every rule: few organisations (same-organisation pairs), both
    countries, every type, missing TRL, dates and sectors, past and future deadlines, shared terms."""
    rng = random.Random(seed)
    forms = [f for concept in GLOSSARY.values() for fs in concept.values() for f in fs]
    docs = []
    for i in range(count):
        terms = rng.sample(forms, 2) + rng.sample(WORDS, 2)
        docs.append(
            doc(
                (i + 1) * id_step,
                org=rng.randrange(count // 4),
                country=rng.choice(["IT", "JP"]),
                type=rng.choice(OPPORTUNITY_TYPES),
                language=rng.choice(["it", "ja", "en"]),
                title=" ".join(terms[:2]),
                description=" ".join(terms),
                sectors=tuple(rng.sample(sectors, rng.choice([0, 1, 1, 2, 3]))),
                trl=rng.choice([None, *range(1, 10)]),
                published_at=rng.choice([None, NOW - timedelta(days=rng.randrange(900))]),
                deadline=rng.choice([None, None, date(2026, 1, 1), date(2027, 6, 1)]),
            )
        )
    return docs


def assert_same(bulk: list[Match], single: list[Match]) -> None:
    assert [m.target_id for m in bulk] == [m.target_id for m in single]
    for fast, slow in zip(bulk, single, strict=True):
        assert fast.source_id == slow.source_id
        assert fast.organisation_id == slow.organisation_id
        assert fast.score == pytest.approx(slow.score, rel=1e-9, abs=1e-12)
        for name in fast.components.__slots__:
            got, want = getattr(fast.components, name), getattr(slow.components, name)
            assert got == pytest.approx(want, rel=1e-9, abs=1e-12), name


def check_rematch(engine: MatchingEngine, docs: list[MatchDocument], *, workers: int = 1) -> int:
    everything = engine.rematch_all(now=NOW, batch=64, workers=workers)
    assert set(everything) == {d.id for d in docs}
    for doc_id, matches in everything.items():
        assert_same(matches, engine.matches_for(doc_id, now=NOW))
    return sum(len(m) for m in everything.values())


@pytest.mark.parametrize(
    "config",
    [
        RankingConfig(),
        RankingConfig(direction="any", max_per_organisation=1, top_k=10),
        RankingConfig(direction="prefer_italy_japan", mmr_lambda=1.0, candidate_pool=40),
    ],
    ids=["default", "any-direction", "prefer-no-mmr-small-pool"],
)
def test_bulk_rematch_equals_ranking_one_by_one(config: RankingConfig) -> None:
    docs = generated_catalogue(300, seed=3)
    engine = MatchingEngine(
        embedder=ConceptEmbedder(), tokenizer=simple_tokenize, detect_language=lambda _t: "en", config=config
    )
    engine.add(docs)
    assert check_rematch(engine, docs) > 300  # the comparison covers plenty of matches


def test_catalogues_with_many_sectors_fall_back_to_one_by_one() -> None:
    many = tuple(f"sector-{i}" for i in range(80))
    docs = generated_catalogue(200, seed=5, sectors=many)
    # more distinct sectors than the bulk path's bit mask holds: it declines, one by one it is
    assert len({s for d in docs for s in d.sectors}) > 64
    assert build_columns(docs, np.zeros((len(docs), 1), np.float32), now=NOW, config=RankingConfig()) is None
    engine = MatchingEngine(
        embedder=ConceptEmbedder(), tokenizer=simple_tokenize, detect_language=lambda _t: "en"
    )
    engine.add(docs)
    assert check_rematch(engine, docs) > 0


def test_rematch_in_two_worker_processes_gives_the_same_result() -> None:
    docs = generated_catalogue(200, seed=9)
    engine = MatchingEngine(
        embedder=ConceptEmbedder(), tokenizer=simple_tokenize, detect_language=lambda _t: "en"
    )
    engine.add(docs)
    progress: list[tuple[int, int]] = []
    in_workers = engine.rematch_all(now=NOW, batch=32, workers=2, progress=lambda *p: progress.append(p))
    assert in_workers == engine.rematch_all(now=NOW, batch=32)
    assert progress == [(min(n, 200), 200) for n in range(32, 232, 32)]
    assert check_rematch(engine, docs, workers=2) > 0


def test_sparse_ids_are_found_without_a_lookup_table() -> None:
    docs = generated_catalogue(150, seed=13, id_step=10_000_019)  # ids up to 1.5e9: too sparse for a table
    columns = build_columns(docs, np.zeros((len(docs), 1), np.float32), now=NOW, config=RankingConfig())
    assert columns is not None
    assert columns.row_of_id is None
    engine = MatchingEngine(
        embedder=ConceptEmbedder(), tokenizer=simple_tokenize, detect_language=lambda _t: "en"
    )
    engine.add(docs)
    assert check_rematch(engine, docs) > 0
