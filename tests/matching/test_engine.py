"""The engine: hybrid retrieval across languages, organisation aggregation, search, cache invalidation."""

from __future__ import annotations

import numpy as np
import pytest

from kakehashi.errors import NotFound, ValidationFailed
from kakehashi.matching.documents import Feedback
from kakehashi.matching.engine import MatchingEngine, glossary_expansion
from kakehashi.matching.index import ExactIndex
from kakehashi.matching.rank import SearchFilters
from tests.matching.helpers import NOW, ConceptEmbedder, doc, simple_tokenize


def detect(text: str) -> str:
    return "ja" if any("\u3040" <= ch <= "\u9fff" for ch in text) else "en"


def make_engine(embedder: ConceptEmbedder | None = None) -> MatchingEngine:
    return MatchingEngine(
        embedder=embedder or ConceptEmbedder(),
        tokenizer=simple_tokenize,
        detect_language=detect,
        clock=lambda: NOW,
    )


CATALOGUE = [
    doc(
        1,
        org=10,
        country="JP",
        type="technology_request",
        language="ja",
        title="炭化ケイ素ウェハを探しています",
        description="パワー半導体の量産に使う炭化ケイ素ウェハの供給先を探しています。",
        sectors=("semiconductors",),
    ),
    doc(
        2,
        org=20,
        country="IT",
        language="it",
        title="Wafer di carburo di silicio",
        description="Produciamo wafer di carburo di silicio per semiconduttori di potenza.",
    ),
    doc(
        3,
        org=21,
        country="IT",
        language="it",
        title="Batterie allo stato solido",
        description="Batterie per veicoli elettrici con accumulo ad alta densità.",
        sectors=("energy",),
    ),
    doc(
        4,
        org=22,
        country="IT",
        language="en",
        title="Quantum cryptography links",
        description="Quantum key distribution for banks.",
        sectors=("quantum",),
    ),
    doc(
        5,
        org=23,
        country="IT",
        language="it",
        type="technology_request",
        title="Cerchiamo wafer",
        description="Cerchiamo wafer di carburo di silicio.",
    ),
    doc(
        6,
        org=10,
        country="JP",
        type="technology_request",
        language="ja",
        title="水素電解装置",
        description="グリーン水素の製造装置を探しています。",
        sectors=("energy",),
    ),
    doc(
        7,
        org=24,
        country="IT",
        language="it",
        title="Elettrolizzatori per idrogeno verde",
        description="Elettrolizzatori compatti per la produzione di idrogeno.",
        sectors=("energy",),
    ),
]


def test_matches_cross_languages_and_respect_the_rules() -> None:
    engine = make_engine()
    engine.add(CATALOGUE)
    matches = engine.matches_for(1)
    assert matches[0].target_id == 2  # Japanese need -> Italian offer on the same concept
    assert 5 not in [m.target_id for m in matches]  # a request is not a counterpart of a request
    assert all(m.source_id == 1 for m in matches)


def test_organisation_matches_aggregate_its_opportunities() -> None:
    engine = make_engine()
    engine.add(CATALOGUE)
    targets = [m.target_id for m in engine.matches_for_organisation(10)]
    assert set(targets[:2]) == {2, 7}  # the best counterpart of each of its two needs
    best_for = {m.target_id: m.source_id for m in engine.matches_for_organisation(10)}
    assert best_for[2] == 1
    assert best_for[7] == 6
    assert engine.matches_for_organisation(999) == []


def test_search_in_any_language_finds_the_same_concept() -> None:
    engine = make_engine()
    engine.add(CATALOGUE)
    for query in ("量子暗号", "crittografia quantistica", "quantum cryptography"):
        assert engine.search(query)[0].target_id == 4, query
    only_energy = engine.search("idrogeno", filters=SearchFilters(sectors=frozenset({"energy"})))
    assert only_energy[0].target_id == 7
    assert all(engine.document(m.target_id).sectors == ("energy",) for m in only_energy)
    with pytest.raises(ValidationFailed, match="q"):
        engine.search("   ")


def test_glossary_expansion_gives_lexical_hits_across_languages() -> None:
    forms = dict(glossary_expansion("半導体の装置"))
    assert forms["semiconduttori"] == "it"
    assert forms["semiconductors"] == "en"


def test_results_are_cached_and_invalidated_on_change() -> None:
    embedder = ConceptEmbedder()
    engine = make_engine(embedder)
    engine.add(CATALOGUE)
    first = engine.search("idrogeno verde")
    calls = embedder.calls
    assert engine.search("idrogeno verde") == first
    assert embedder.calls == calls  # answered from the cache
    engine.remove([7])
    assert 7 not in [m.target_id for m in engine.search("idrogeno verde")]
    assert embedder.calls == calls  # the answer was recomputed, the query vector kept (no model call)
    assert 7 not in [m.target_id for m in engine.matches_for(6)]
    with pytest.raises(NotFound):
        engine.matches_for(7)


def test_feedback_changes_the_answer() -> None:
    engine = make_engine()
    engine.add(CATALOGUE)
    assert engine.matches_for(1)[0].target_id == 2
    dismissed = engine.matches_for(1, feedback=Feedback(dismissed=frozenset({(1, 2)})))
    assert 2 not in [m.target_id for m in dismissed]


def test_given_vectors_are_used_and_models_never_mix() -> None:
    embedder = ConceptEmbedder()
    engine = make_engine(embedder)
    vectors = embedder.embed([d.text() for d in CATALOGUE], role="passage")
    calls = embedder.calls
    engine.add(CATALOGUE, vectors=vectors)
    assert embedder.calls == calls
    assert len(engine) == len(CATALOGUE)
    with pytest.raises(ValidationFailed, match="model_id"):
        MatchingEngine(embedder=embedder, index=ExactIndex(model_id="another-model", dim=64))


def test_explanations_come_from_the_engine() -> None:
    engine = make_engine()
    engine.add(CATALOGUE)
    explanation = engine.explain(1, 2, locale="ja")
    assert explanation.source_type == "技術募集"
    assert any(p.target_term == "carburo di silicio" for p in explanation.term_pairs)


def test_rematch_all_agrees_with_single_queries() -> None:
    engine = make_engine()
    engine.add(CATALOGUE)
    everything = engine.rematch_all(now=NOW, batch=3)
    assert set(everything) == {d.id for d in CATALOGUE}
    for doc_id, matches in everything.items():
        single = engine.matches_for(doc_id, now=NOW)
        assert [m.target_id for m in matches] == [m.target_id for m in single]
        assert np.allclose([m.score for m in matches], [m.score for m in single])


def test_a_bad_batch_changes_nothing() -> None:
    engine = make_engine()
    engine.add(CATALOGUE[:2])
    before = engine.search("carburo di silicio")
    bad = [doc(50, language="fr", title="Plaquettes"), doc(51)]
    with pytest.raises(ValidationFailed, match="language"):
        engine.add(bad, vectors=np.eye(2, 64, dtype=np.float32))
    with pytest.raises(ValidationFailed, match="vectors"):
        engine.add([doc(52)], vectors=np.ones((1, 64), dtype=np.float32))
    assert len(engine) == 2
    assert engine.search("carburo di silicio") == before
