"""BM25: term weighting, replacement and removal keep the statistics right."""

from __future__ import annotations

import math

import pytest

from kakehashi.matching.lexical import Bm25Index


def test_rarer_terms_and_repeated_terms_score_higher() -> None:
    index = Bm25Index()
    index.add(1, ["wafer", "silicon", "carbide"])
    index.add(2, ["wafer", "bonding"])
    index.add(3, ["battery", "hydrogen"])
    ranked = index.search(["carbide", "wafer"], 10)
    assert [doc_id for doc_id, _ in ranked] == [1, 2]
    assert index.idf("carbide") > index.idf("wafer")
    assert index.idf("carbide") == pytest.approx(math.log(1 + (3 - 1 + 0.5) / 1.5))
    assert index.search(["unknown"], 10) == []


def test_known_bm25_value() -> None:
    index = Bm25Index(k1=1.2, b=0.75)
    index.add(1, ["a", "b"])
    index.add(2, ["c", "c", "d", "e"])
    # doc 2, term c: tf 2, length 4, average length 3, df 1, N 2
    idf = math.log(1 + (2 - 1 + 0.5) / 1.5)
    expected = idf * 2 * 2.2 / (2 + 1.2 * (0.25 + 0.75 * 4 / 3))
    assert index.scores(["c"])[2] == pytest.approx(expected)


def test_replace_and_remove_update_statistics() -> None:
    index = Bm25Index()
    index.add(1, ["quantum", "sensor"])
    index.add(2, ["quantum"])
    index.add(1, ["battery"])  # replaces doc 1
    assert [d for d, _ in index.search(["quantum"], 5)] == [2]
    assert [d for d, _ in index.search(["battery"], 5)] == [1]
    index.remove([2, 99])
    assert len(index) == 1
    assert index.search(["quantum"], 5) == []
    assert 2 not in index


def test_top_k_is_cut_and_ties_break_by_id() -> None:
    index = Bm25Index()
    for doc_id in (5, 3, 9, 1):
        index.add(doc_id, ["same", "words"])
    assert [d for d, _ in index.search(["same"], 2)] == [1, 3]
