"""Hubness correction, CSLS / margin scoring, and search weights applied on the query side."""

from __future__ import annotations

import numpy as np

from kakehashi.matching import hubness
from kakehashi.matching.correction import l2_normalise
from kakehashi.matching.models import combine_vectors, search_query_vectors


def _unit(rows: list[list[float]]) -> np.ndarray:
    return l2_normalise(np.array(rows, dtype=np.float32))


def test_hub_score_is_the_mean_of_the_k_nearest_references() -> None:
    docs = _unit([[1, 0], [0, 1]])
    refs = _unit([[1, 0], [1, 0.1], [0, 1], [-1, 0]])
    scores = hubness.hub_scores(docs, refs, k=2)
    near_first = (docs[0] @ refs.T)[[0, 1]].mean()
    assert np.isclose(scores[0], near_first)
    assert scores[0] > scores[1]  # the first document sits among more references: more of a hub
    assert hubness.hub_scores(docs[:0], refs, k=2).shape == (0,)


def test_csls_removes_a_hub_that_plain_cosine_prefers() -> None:
    # Target 2 is a hub: close to every source. Plain cosine picks it for source 1; CSLS does not.
    cos = np.array([[0.9, 0.2, 0.6], [0.1, 0.55, 0.6], [0.2, 0.1, 0.7]])
    assert int(np.argmax(cos[1])) == 2
    assert int(np.argmax(hubness.csls(cos, k=2)[1])) == 1
    assert int(np.argmax(hubness.margin_ratio(cos, k=2)[1])) == 1


def test_reference_queries_are_shipped_in_three_languages() -> None:
    texts, languages = hubness.reference_texts(), hubness.reference_languages()
    assert len(texts) == len(languages) >= 300
    assert set(languages) == {"it", "ja", "en"}


def test_search_weights_on_the_query_side_rank_like_re_embedding_with_them() -> None:
    rng = np.random.default_rng(7)
    a_docs, b_docs = (
        l2_normalise(rng.normal(size=(50, 8)).astype(np.float32)),
        l2_normalise(rng.normal(size=(50, 6)).astype(np.float32)),
    )
    a_query, b_query = (
        l2_normalise(rng.normal(size=(1, 8)).astype(np.float32)),
        l2_normalise(rng.normal(size=(1, 6)).astype(np.float32)),
    )
    stored = combine_vectors([a_docs, b_docs], [0.3, 0.7])
    query = search_query_vectors([a_query, b_query], [0.3, 0.7], [0.4, 0.6])
    wanted = 0.4 * (a_docs @ a_query[0]) + 0.6 * (b_docs @ b_query[0])
    got = stored @ query[0]
    assert np.allclose(got / got.max(), wanted / wanted.max(), atol=1e-5)  # the same up to one factor
    assert np.isclose(np.linalg.norm(query[0]), 1.0, atol=1e-6)
