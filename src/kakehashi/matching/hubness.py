"""Hubness correction (pure numpy, no I/O but reading the shipped reference queries).

In a high-dimensional embedding space some documents ("hubs") are close to almost every query, so
plain cosine ranks them high for unrelated searches. Bitext mining corrects this with CSLS or the
margin criterion: a pair's cosine is compared with each side's typical similarity to its k nearest
neighbours. For search the query's own term is the same for every document, so only the document's
matters: ``score(q, d) = cos(q, d) - beta * hub(d)``, where ``hub(d)`` is the mean cosine of ``d`` to its
k nearest *reference queries*: a fixed set of Italian, Japanese and English search-like sentences
shipped with the package (``reference_queries.txt``, drawn from the language-correction corpus of
``evaluation/matching/language_means``). ``hub(d)`` depends on ``d`` alone, so it is computed once when
the document is indexed; a search costs nothing more. The figures are in docs/performance.md
(``evaluation/search/search_eval.py``).
"""

from __future__ import annotations

from functools import cache
from importlib import resources

import numpy as np
from numpy.typing import NDArray

from kakehashi.language import Language

REFERENCE_RESOURCE = "reference_queries.txt"


@cache
def _reference_rows() -> tuple[tuple[Language, str], ...]:
    text = resources.files("kakehashi.matching").joinpath(REFERENCE_RESOURCE).read_text(encoding="utf-8")
    rows: list[tuple[Language, str]] = []
    for line in text.splitlines():
        language, _, sentence = line.partition("\t")
        if sentence and language in ("it", "ja", "en"):
            rows.append((language, sentence))  # type: ignore[arg-type]
    return tuple(rows)


def reference_texts() -> list[str]:
    """The reference queries (embedded with the query role) against which hubs are measured."""
    return [sentence for _, sentence in _reference_rows()]


def reference_languages() -> list[Language]:
    return [language for language, _ in _reference_rows()]


def _mean_top_k(similarities: NDArray[np.floating], k: int, *, axis: int) -> NDArray[np.float64]:
    """Mean of the k largest values along ``axis`` (all of them when there are fewer than k)."""
    n = similarities.shape[axis]
    if n == 0:
        shape = similarities.shape[1 - axis]
        return np.zeros(shape, dtype=np.float64)
    k = max(1, min(k, n))
    top = -np.partition(-similarities, k - 1, axis=axis)
    top = top[:k] if axis == 0 else top[:, :k]
    return np.asarray(top.mean(axis=axis), dtype=np.float64)


def hub_scores(
    documents: NDArray[np.float32], reference: NDArray[np.float32], *, k: int
) -> NDArray[np.float64]:
    """Per document, the mean cosine to its ``k`` nearest reference queries (rows are unit vectors)."""
    if len(documents) == 0:
        return np.zeros(0, dtype=np.float64)
    return _mean_top_k(documents @ reference.T, k, axis=1)


def csls(cosines: NDArray[np.floating], *, k: int) -> NDArray[np.float64]:
    """Cross-domain similarity local scaling of a source x target cosine matrix:
    ``2 cos(s, t) - r(s) - r(t)``, r being the mean cosine to the k nearest of the other side."""
    r_source = _mean_top_k(cosines, k, axis=1)
    r_target = _mean_top_k(cosines, k, axis=0)
    return np.asarray(2 * cosines - r_source[:, None] - r_target[None, :], dtype=np.float64)


def margin_ratio(cosines: NDArray[np.floating], *, k: int) -> NDArray[np.float64]:
    """The ratio margin of bitext mining: ``cos / ((r(s) + r(t)) / 2)``."""
    r_source = _mean_top_k(cosines, k, axis=1)
    r_target = _mean_top_k(cosines, k, axis=0)
    denominator = np.maximum((r_source[:, None] + r_target[None, :]) / 2, 1e-6)
    return np.asarray(cosines / denominator, dtype=np.float64)
