"""A small BM25 index over token lists (an inverted index; queries are scored with numpy).

Tokens come from ``kakehashi.language.tokenize`` (Sudachi for Japanese, stemming for it/en); this module
only counts them, so it is language-agnostic and easy to test. Documents can be added, replaced and
removed; statistics (document frequency, average length) follow. Per-term weight arrays are built lazily
and reused until the next change, so a full re-match of a catalogue costs a few array sums per query.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable, Sequence

import numpy as np
from numpy.typing import NDArray


class Bm25Index:
    """Okapi BM25 (``k1``, ``b``) with the non-negative idf variant (log(1 + (N - df + .5)/(df + .5)))."""

    def __init__(self, *, k1: float = 1.2, b: float = 0.75, max_df_share: float = 0.5) -> None:
        self.k1 = k1
        self.b = b
        # Terms in more than this share of the documents (of 100 or more) are skipped at query time:
        # their idf is near zero, and their long postings would dominate the cost of every query.
        self.max_df_share = max_df_share
        self._postings: dict[str, dict[int, int]] = {}
        self._doc_terms: dict[int, Counter[str]] = {}
        self._doc_length: dict[int, int] = {}
        self._total_length = 0
        self._row_of: dict[int, int] = {}
        self._id_of_row: list[int] = []
        self._weights: dict[str, tuple[NDArray[np.int64], NDArray[np.float64]]] = {}
        self._id_array: NDArray[np.int64] | None = None  # _id_of_row as an array (it only grows)

    def __len__(self) -> int:
        return len(self._doc_terms)

    def __contains__(self, item: object) -> bool:
        return item in self._doc_terms

    def add(self, doc_id: int, tokens: Sequence[str]) -> None:
        """Index ``tokens`` under ``doc_id`` (replacing what that id had)."""
        self.remove([doc_id])
        counts = Counter(t for t in tokens if t)
        self._doc_terms[doc_id] = counts
        length = sum(counts.values())
        self._doc_length[doc_id] = length
        self._total_length += length
        if doc_id not in self._row_of:
            self._row_of[doc_id] = len(self._id_of_row)
            self._id_of_row.append(doc_id)
        for term, tf in counts.items():
            self._postings.setdefault(term, {})[doc_id] = tf
        self._weights.clear()

    def remove(self, doc_ids: Iterable[int]) -> None:
        for doc_id in doc_ids:
            counts = self._doc_terms.pop(doc_id, None)
            if counts is None:
                continue
            self._total_length -= self._doc_length.pop(doc_id)
            for term in counts:
                posting = self._postings[term]
                del posting[doc_id]
                if not posting:
                    del self._postings[term]
            self._weights.clear()

    def idf(self, term: str) -> float:
        df = len(self._postings.get(term, ()))
        n = len(self._doc_terms)
        return math.log(1.0 + (n - df + 0.5) / (df + 0.5))

    def scores(self, query_tokens: Sequence[str]) -> dict[int, float]:
        """BM25 score of every document sharing at least one (not too common) term with the query."""
        rows, totals = self._score_rows(query_tokens)
        return {self._id_of_row[int(r)]: float(totals[r]) for r in rows}

    def search(self, query_tokens: Sequence[str], k: int) -> list[tuple[int, float]]:
        """The ``k`` best (id, score), best first, ties broken by id."""
        ids, scores = self.search_arrays(query_tokens, k)
        return list(zip(ids.tolist(), scores.tolist(), strict=True))

    def search_arrays(
        self, query_tokens: Sequence[str], k: int
    ) -> tuple[NDArray[np.int64], NDArray[np.float64]]:
        """``search`` as two arrays (ids, scores), for callers that go on in numpy."""
        rows, totals = self._score_rows(query_tokens)
        scores = totals[rows]
        if rows.shape[0] > k:
            kth = -np.partition(-scores, k - 1)[k - 1]
            keep = scores >= kth  # keeps every tie at the cut, broken by id below
            rows, scores = rows[keep], scores[keep]
        ids = self._ids_by_row()[rows]
        order = np.lexsort((ids, -scores))[:k]
        return ids[order], scores[order]

    def _ids_by_row(self) -> NDArray[np.int64]:
        if self._id_array is None or self._id_array.shape[0] != len(self._id_of_row):
            self._id_array = np.asarray(self._id_of_row, dtype=np.int64)
        return self._id_array

    def _score_rows(self, query_tokens: Sequence[str]) -> tuple[NDArray[np.int64], NDArray[np.float64]]:
        parts_rows: list[NDArray[np.int64]] = []
        parts_weights: list[NDArray[np.float64]] = []
        for term, qtf in Counter(t for t in query_tokens if t).items():
            weights = self._term_weights(term)
            if weights is not None:
                parts_rows.append(weights[0])
                parts_weights.append(weights[1] * qtf)
        if not parts_rows:
            return np.empty(0, dtype=np.int64), np.empty(0, dtype=np.float64)
        totals = np.bincount(
            np.concatenate(parts_rows), weights=np.concatenate(parts_weights), minlength=len(self._id_of_row)
        )
        return np.flatnonzero(totals > 0).astype(np.int64), totals.astype(np.float64)

    def _term_weights(self, term: str) -> tuple[NDArray[np.int64], NDArray[np.float64]] | None:
        cached = self._weights.get(term)
        if cached is not None:
            return cached
        posting = self._postings.get(term)
        n = len(self._doc_terms)
        if not posting or (n >= 100 and len(posting) > self.max_df_share * n):
            return None
        avg_length = self._total_length / n or 1.0
        rows = np.fromiter((self._row_of[d] for d in posting), dtype=np.int64, count=len(posting))
        tf = np.fromiter(posting.values(), dtype=np.float64, count=len(posting))
        lengths = np.fromiter((self._doc_length[d] for d in posting), dtype=np.float64, count=len(posting))
        norm = self.k1 * (1 - self.b + self.b * lengths / avg_length)
        weights = (rows, self.idf(term) * tf * (self.k1 + 1) / (tf + norm))
        self._weights[term] = weights
        return weights
