"""Vector indexes: exact search is exact, HNSW agrees with it (recall), model ids never mix."""

from __future__ import annotations

import numpy as np
import pytest

from kakehashi.errors import ValidationFailed
from kakehashi.matching.index import AdaptiveIndex, ExactIndex, HnswIndex, HnswParams, create_index

MODEL = "test-model"


def normalised(rng: np.random.Generator, n: int, dim: int) -> np.ndarray:
    v = rng.standard_normal((n, dim)).astype(np.float32)
    return v / np.linalg.norm(v, axis=1, keepdims=True)


def clustered(rng: np.random.Generator, n: int, dim: int, clusters: int = 40) -> np.ndarray:
    """Vectors around a few centres, like embeddings of texts on a few topics."""
    centres = normalised(rng, clusters, dim)
    v = centres[rng.integers(0, clusters, n)] + 0.35 * normalised(rng, n, dim)
    return (v / np.linalg.norm(v, axis=1, keepdims=True)).astype(np.float32)


def test_exact_index_returns_the_true_top_k_in_order() -> None:
    rng = np.random.default_rng(0)
    vectors = normalised(rng, 500, 32)
    index = ExactIndex(model_id=MODEL, dim=32, chunk_rows=64)  # several chunks
    index.add(np.arange(100, 600), vectors, model_id=MODEL)
    query = vectors[7]
    hits = index.search(query, 10, model_id=MODEL)
    truth = np.argsort(-(vectors @ query))[:10] + 100
    assert hits.ids.tolist() == truth.tolist()
    assert hits.ids[0] == 107
    assert hits.scores[0] == pytest.approx(1.0, abs=1e-5)
    assert np.all(np.diff(hits.scores) <= 0)


def test_exact_index_remove_and_replace() -> None:
    rng = np.random.default_rng(1)
    vectors = normalised(rng, 50, 8)
    index = ExactIndex(model_id=MODEL, dim=8)
    index.add(range(50), vectors, model_id=MODEL)
    index.remove([3, 49, 12345])
    assert len(index) == 48
    assert 3 not in index
    assert 49 not in index
    assert 3 not in index.search(vectors[3], 48, model_id=MODEL).ids
    index.add([10], vectors[20:21], model_id=MODEL)  # replace 10's vector
    assert len(index) == 48
    top_two = index.search(vectors[20], 2, model_id=MODEL).ids.tolist()
    assert sorted(top_two) == [10, 20]
    assert len(index.search(vectors[0], 500, model_id=MODEL).ids) == 48


@pytest.mark.parametrize(
    "make", [lambda: ExactIndex(model_id=MODEL, dim=8), lambda: HnswIndex(model_id=MODEL, dim=8)]
)
def test_indexes_refuse_another_models_vectors_and_bad_input(make) -> None:
    index = make()
    good = normalised(np.random.default_rng(2), 3, 8)
    with pytest.raises(ValidationFailed) as error:
        index.add([1, 2, 3], good, model_id="other-model")
    assert error.value.problems[0].field == "model_id"
    index.add([1, 2, 3], good, model_id=MODEL)
    with pytest.raises(ValidationFailed, match="model_id"):
        index.search(good[0], 2, model_id="other-model")
    with pytest.raises(ValidationFailed, match="normalised"):
        index.add([4], good[:1] * 3, model_id=MODEL)
    with pytest.raises(ValidationFailed, match=r"shape \(n, 8\)"):
        index.add([4], np.ones((1, 5), dtype=np.float32) / np.sqrt(5), model_id=MODEL)
    with pytest.raises(ValidationFailed, match="ids"):
        index.add([4, 4], good[:2], model_id=MODEL)
    with pytest.raises(ValidationFailed, match="ids"):
        index.add([-1], good[:1], model_id=MODEL)
    assert len(index) == 3


@pytest.mark.parametrize(("quantisation", "min_recall"), [("bf16", 0.95), ("f32", 0.95), ("i8", 0.85)])
def test_hnsw_agrees_with_exact_search(quantisation: str, min_recall: float) -> None:
    rng = np.random.default_rng(42)
    dim, n = 48, 4000
    vectors = clustered(rng, n, dim)
    ids = np.arange(n) * 3 + 1  # ids need not be dense
    exact = ExactIndex(model_id=MODEL, dim=dim)
    hnsw = HnswIndex(model_id=MODEL, dim=dim, params=HnswParams(quantisation=quantisation))
    exact.add(ids, vectors, model_id=MODEL)
    hnsw.add(ids, vectors, model_id=MODEL)
    queries = clustered(np.random.default_rng(7), 100, dim)
    truth = exact.search_many(queries, 20, model_id=MODEL)
    found = hnsw.search_many(queries, 20, model_id=MODEL)
    recall = np.mean([len(set(t.ids) & set(f.ids)) / 20 for t, f in zip(truth, found, strict=True)])
    assert recall >= min_recall  # i8 rounding reorders near-ties, so it is held to less
    # Scores are cosines in both (approximately, when stored quantised).
    assert np.abs(found[0].scores - (vectors[(found[0].ids - 1) // 3] @ queries[0])).max() < 0.03


def test_hnsw_remove_and_replace() -> None:
    rng = np.random.default_rng(3)
    vectors = normalised(rng, 200, 16)
    index = HnswIndex(model_id=MODEL, dim=16)
    index.add(range(200), vectors, model_id=MODEL)
    index.remove([5])
    assert 5 not in index
    assert len(index) == 199
    assert 5 not in index.search(vectors[5], 10, model_id=MODEL).ids
    index.add([6], vectors[100:101], model_id=MODEL)
    assert set(index.search(vectors[100], 2, model_id=MODEL).ids.tolist()) == {6, 100}
    assert len(index) == 199


def test_adaptive_index_moves_to_hnsw_past_its_threshold_and_keeps_answers() -> None:
    rng = np.random.default_rng(4)
    vectors = clustered(rng, 600, 16)
    index = AdaptiveIndex(model_id=MODEL, dim=16, threshold=500)
    index.add(range(400), vectors[:400], model_id=MODEL)
    assert not index.is_approximate
    index.add(range(400, 600), vectors[400:], model_id=MODEL)
    assert index.is_approximate
    assert len(index) == 600
    assert index.search(vectors[450], 1, model_id=MODEL).ids.tolist() == [450]
    assert index.search(vectors[10], 1, model_id=MODEL).ids.tolist() == [10]


def test_factory_chooses_by_expected_size() -> None:
    assert isinstance(create_index(model_id=MODEL, dim=8, expected_size=10, threshold=100), AdaptiveIndex)
    assert isinstance(create_index(model_id=MODEL, dim=8, expected_size=1000, threshold=100), HnswIndex)


def test_empty_indexes_return_nothing() -> None:
    q = normalised(np.random.default_rng(5), 1, 8)[0]
    assert len(ExactIndex(model_id=MODEL, dim=8).search(q, 5, model_id=MODEL).ids) == 0
    assert len(HnswIndex(model_id=MODEL, dim=8).search(q, 5, model_id=MODEL).ids) == 0
