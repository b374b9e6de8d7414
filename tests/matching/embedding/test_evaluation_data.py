"""The data behind the embedding figures: evaluation pairs, parallel sentences, correction corpus."""

import hashlib
import importlib.util
import json
from pathlib import Path
from types import ModuleType

import pytest

ROOT = Path(__file__).resolve().parents[3]
EVALUATION = ROOT / "evaluation" / "matching"


def _evaluate_module() -> ModuleType:
    spec = importlib.util.spec_from_file_location("matching_evaluate", EVALUATION / "evaluate.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_every_evaluation_pair_loads_with_its_three_languages() -> None:
    pairs = _evaluate_module().load_pairs(EVALUATION)
    assert len(pairs) >= 150
    assert {p["need"]["language"] for p in pairs} == {"it", "ja", "en"}
    assert len({p["id"] for p in pairs}) == len(pairs)


def test_a_malformed_pair_is_reported_with_file_line_and_field(tmp_path: Path) -> None:
    good = {"language": "it", "type": "technology_offer", "title": "t", "description": "d", "keywords": []}
    bad = dict(good, language="de")
    lines = [
        json.dumps({"id": "x-1", "need": good, "offer": good, "hard_negatives": []}),
        json.dumps({"id": "x-2", "need": good, "offer": bad, "hard_negatives": []}),
    ]
    (tmp_path / "pairs.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(ValueError, match=r"pairs.jsonl line 2: offer.language"):
        _evaluate_module().load_pairs(tmp_path)


def test_gold_ranks_count_ties_against_the_gold() -> None:
    import numpy as np

    module = _evaluate_module()
    needs = np.array([[1.0, 0.0], [0.0, 1.0]], dtype=np.float32)
    candidates = np.array([[1.0, 0.0], [0.0, 1.0], [0.0, 1.0]], dtype=np.float32)
    assert module.gold_ranks(needs, candidates, [0, 1]) == [1, 2]


def test_parallel_set_has_1000_distinct_triples() -> None:
    lines = (EVALUATION / "parallel" / "sentences.jsonl").read_text(encoding="utf-8").splitlines()
    triples = [json.loads(line) for line in lines]
    assert len(triples) == 1000
    for lang in ("it", "ja", "en"):
        assert len({t[lang] for t in triples}) == 1000


def test_shipped_language_means_come_from_the_shipped_corpus() -> None:
    means = json.loads((ROOT / "src" / "kakehashi" / "matching" / "language_means.json").read_text())
    corpus_dir = EVALUATION / "language_means"
    texts = [
        line
        for lang in ("it", "ja", "en")
        for line in (corpus_dir / f"corpus-{lang}.txt").read_text(encoding="utf-8").splitlines()
    ]
    assert hashlib.sha256("\n".join(texts).encode()).hexdigest() == means["corpus_sha256"]
    assert all(count >= 300 for count in means["texts_per_language"].values())
