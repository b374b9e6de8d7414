"""Matching and explanations with the real default embedder: slow (it loads the models), kept few."""

from __future__ import annotations

import pytest

from kakehashi.matching import get_embedder
from kakehashi.matching.engine import MatchingEngine
from kakehashi.matching.explain import explain_match
from tests.matching.helpers import NOW, doc

pytestmark = pytest.mark.slow

NEED_JA = doc(
    1,
    org=1,
    country="JP",
    type="technology_request",
    language="ja",
    title="パワー半導体向け炭化ケイ素ウェハの調達",
    description="電気自動車のインバータ用に、200mmの炭化ケイ素ウェハを安定供給できる企業を探しています。",
    keywords=("半導体", "炭化ケイ素", "ウェハ"),
    sectors=("semiconductors",),
    trl=7,
)
OFFERS = [
    doc(
        2,
        org=2,
        language="it",
        title="Wafer di carburo di silicio da 200 mm",
        description="Produciamo wafer di carburo di silicio da 200 mm per semiconduttori di potenza.",
        keywords=("carburo di silicio", "semiconduttori", "wafer"),
        trl=8,
    ),
    doc(
        3,
        org=3,
        language="en",
        title="Solid-state batteries for electric vehicles",
        description="We develop solid-state battery cells with high energy density.",
        sectors=("energy",),
        trl=6,
    ),
    doc(
        4,
        org=4,
        language="it",
        title="Piattaforma di crittografia quantistica",
        description="Distribuzione quantistica di chiavi per reti bancarie.",
        sectors=("quantum",),
        trl=5,
    ),
    doc(
        5,
        org=5,
        language="en",
        title="Quantum sensors for navigation",
        description="Atom-interferometry sensors for inertial navigation without GPS.",
        sectors=("quantum",),
    ),
]


@pytest.fixture(scope="module")
def engine() -> MatchingEngine:
    engine = MatchingEngine(embedder=get_embedder(), clock=lambda: NOW)
    engine.add([NEED_JA, *OFFERS])
    return engine


def test_japanese_need_finds_the_italian_offer(engine: MatchingEngine) -> None:
    assert engine.matches_for(1)[0].target_id == 2


@pytest.mark.parametrize(
    "query", ["量子暗号", "crittografia quantistica per banche", "quantum key distribution"]
)
def test_search_in_each_language(engine: MatchingEngine, query: str) -> None:
    assert engine.search(query)[0].target_id == 4


def test_explanation_pairs_terms_across_languages_with_the_real_model() -> None:
    explanation = explain_match(NEED_JA, OFFERS[0], embedder=get_embedder(), locale="it")
    pairs = {(p.source_term, p.target_term) for p in explanation.term_pairs}
    assert ("半導体", "semiconduttori") in pairs
    assert ("炭化ケイ素", "carburo di silicio") in pairs
    assert explanation.sentence_pair is not None
    assert "200" in explanation.sentence_pair.target_sentence
