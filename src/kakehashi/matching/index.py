"""Vector indexes: top-k by inner product over L2-normalised float32 vectors of one model.

``ExactIndex`` scans everything (chunked matmul + argpartition) and is the reference; ``HnswIndex``
(usearch) is approximate and fast at a million vectors. ``AdaptiveIndex`` starts exact and moves to HNSW
once the catalogue passes a size threshold. Every index records the model id of its vectors and
refuses vectors or queries of another model, so two models' vectors never mix.

Ids are non-negative ints (the store's opportunity ids). Adding an id that is present replaces its vector.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Protocol

import numpy as np
from numpy.typing import NDArray

from kakehashi.matching.errors import IndexInputInvalid

FloatArray = NDArray[np.float32]
IdArray = NDArray[np.int64]

# Chosen by measurement (benchmarks/matching.py, docs/performance.md): below this, an exact scan is
# fast enough and has perfect recall; above it HNSW keeps p95 latency in single-digit milliseconds.
DEFAULT_HNSW_THRESHOLD = 50_000
_NORM_TOLERANCE = 1e-2


@dataclass(frozen=True, slots=True)
class Hits:
    """Top-k results of one query, best first (``ids`` and ``scores`` have equal length)."""

    ids: IdArray
    scores: FloatArray

    def pairs(self) -> list[tuple[int, float]]:
        return [(int(i), float(s)) for i, s in zip(self.ids, self.scores, strict=True)]


class VectorIndex(Protocol):
    """What the matching engine needs from a vector index."""

    @property
    def model_id(self) -> str: ...

    @property
    def dim(self) -> int: ...

    def __len__(self) -> int: ...

    def __contains__(self, item: object) -> bool: ...

    def add(self, ids: Sequence[int] | IdArray, vectors: FloatArray, *, model_id: str) -> None: ...

    def remove(self, ids: Iterable[int]) -> None: ...

    def search(self, query: FloatArray, k: int, *, model_id: str) -> Hits: ...

    def search_many(self, queries: FloatArray, k: int, *, model_id: str) -> list[Hits]: ...


def check_vectors(vectors: FloatArray, *, dim: int, field: str = "vectors") -> FloatArray:
    """Return ``vectors`` as a C-contiguous 2-D float32 array, or raise naming what is wrong."""
    array = np.asarray(vectors, dtype=np.float32)
    if array.ndim == 1:
        array = array[None, :]
    if array.ndim != 2 or array.shape[1] != dim:
        raise IndexInputInvalid(field, f"expected shape (n, {dim}), got {tuple(np.shape(vectors))}")
    if not np.isfinite(array).all():
        raise IndexInputInvalid(field, "contains NaN or infinite values")
    norms = np.linalg.norm(array, axis=1)
    if array.shape[0] and np.abs(norms - 1.0).max() > _NORM_TOLERANCE:
        raise IndexInputInvalid(field, "vectors must be L2-normalised (norm 1)")
    return np.ascontiguousarray(array)


def check_ids(ids: Sequence[int] | IdArray, *, count: int) -> IdArray:
    array = np.asarray(ids, dtype=np.int64).reshape(-1)
    if array.shape[0] != count:
        raise IndexInputInvalid("ids", f"{array.shape[0]} ids for {count} vectors")
    if array.shape[0] and array.min() < 0:
        raise IndexInputInvalid("ids", "ids must be non-negative integers")
    if np.unique(array).shape[0] != array.shape[0]:
        raise IndexInputInvalid("ids", "ids must be unique within one call")
    return array


def check_model(expected: str, given: str) -> None:
    if given != expected:
        raise IndexInputInvalid(
            "model_id", f"this index holds vectors of {expected!r}; refusing vectors of {given!r}"
        )


def check_k(k: int) -> None:
    if k < 1:
        raise IndexInputInvalid("k", "must be at least 1")


class ExactIndex:
    """Brute-force inner-product search in numpy; exact, the reference for recall."""

    def __init__(self, *, model_id: str, dim: int, chunk_rows: int = 65_536) -> None:
        self._model_id = model_id
        self._dim = dim
        self._chunk_rows = chunk_rows
        self._vectors = np.empty((0, dim), dtype=np.float32)
        self._ids = np.empty(0, dtype=np.int64)
        self._size = 0
        self._row_of: dict[int, int] = {}

    @property
    def model_id(self) -> str:
        return self._model_id

    @property
    def dim(self) -> int:
        return self._dim

    def __len__(self) -> int:
        return self._size

    def __contains__(self, item: object) -> bool:
        return isinstance(item, int | np.integer) and int(item) in self._row_of

    def ids(self) -> IdArray:
        return self._ids[: self._size].copy()

    def vectors_of(self, ids: Sequence[int]) -> FloatArray:
        """The stored vectors of ``ids`` (each must be present)."""
        rows = [self._row_of[int(i)] for i in ids]
        return self._vectors[rows].copy()

    def add(self, ids: Sequence[int] | IdArray, vectors: FloatArray, *, model_id: str) -> None:
        check_model(self._model_id, model_id)
        array = check_vectors(vectors, dim=self._dim)
        id_array = check_ids(ids, count=array.shape[0])
        self.remove(int(i) for i in id_array if int(i) in self._row_of)
        self._reserve(self._size + array.shape[0])
        start = self._size
        self._vectors[start : start + array.shape[0]] = array
        self._ids[start : start + array.shape[0]] = id_array
        for offset, doc_id in enumerate(id_array.tolist()):
            self._row_of[doc_id] = start + offset
        self._size += array.shape[0]

    def remove(self, ids: Iterable[int]) -> None:
        for doc_id in ids:
            row = self._row_of.pop(int(doc_id), None)
            if row is None:
                continue
            last = self._size - 1
            if row != last:  # keep rows dense: move the last row into the hole
                moved = int(self._ids[last])
                self._vectors[row] = self._vectors[last]
                self._ids[row] = moved
                self._row_of[moved] = row
            self._size = last

    def search(self, query: FloatArray, k: int, *, model_id: str) -> Hits:
        return self.search_many(np.asarray(query, dtype=np.float32).reshape(1, -1), k, model_id=model_id)[0]

    def search_many(self, queries: FloatArray, k: int, *, model_id: str) -> list[Hits]:
        check_model(self._model_id, model_id)
        check_k(k)
        q = check_vectors(queries, dim=self._dim, field="query")
        k = min(k, self._size)
        if k == 0:
            return [_empty_hits() for _ in range(q.shape[0])]
        best_scores = np.full((q.shape[0], 0), -np.inf, dtype=np.float32)
        best_rows = np.empty((q.shape[0], 0), dtype=np.int64)
        for start in range(0, self._size, self._chunk_rows):
            stop = min(start + self._chunk_rows, self._size)
            scores = q @ self._vectors[start:stop].T
            rows = np.broadcast_to(np.arange(start, stop, dtype=np.int64), scores.shape)
            best_scores, best_rows = _top_k_rows(
                np.concatenate([best_scores, scores], axis=1), np.concatenate([best_rows, rows], axis=1), k
            )
        order = np.argsort(-best_scores, axis=1, kind="stable")
        sorted_scores = np.take_along_axis(best_scores, order, axis=1)
        sorted_rows = np.take_along_axis(best_rows, order, axis=1)
        return [
            Hits(ids=self._ids[r].copy(), scores=s.astype(np.float32))
            for r, s in zip(sorted_rows, sorted_scores, strict=True)
        ]

    def _reserve(self, needed: int) -> None:
        if needed <= self._vectors.shape[0]:
            return
        capacity = max(needed, 2 * self._vectors.shape[0], 1024)
        vectors = np.empty((capacity, self._dim), dtype=np.float32)
        vectors[: self._size] = self._vectors[: self._size]
        ids = np.empty(capacity, dtype=np.int64)
        ids[: self._size] = self._ids[: self._size]
        self._vectors, self._ids = vectors, ids


def _top_k_rows(scores: FloatArray, rows: IdArray, k: int) -> tuple[FloatArray, IdArray]:
    if scores.shape[1] <= k:
        return scores, rows
    part = np.argpartition(-scores, k - 1, axis=1)[:, :k]
    return np.take_along_axis(scores, part, axis=1), np.take_along_axis(rows, part, axis=1)


def _empty_hits() -> Hits:
    return Hits(ids=np.empty(0, dtype=np.int64), scores=np.empty(0, dtype=np.float32))


@dataclass(frozen=True, slots=True)
class HnswParams:
    """usearch HNSW parameters; the defaults were chosen by benchmarks/matching.py at 1M vectors."""

    connectivity: int = 16
    expansion_add: int = 128
    expansion_search: int = 128
    # Storage scalar of usearch: "f32", "f16", "bf16" or "i8". bf16 keeps f32's recall at half the
    # memory and builds 3x faster than f32 here; i8 builds fastest but its rounding caps recall@20
    # near 0.93 on the real model's bunched cosines.
    quantisation: str = "bf16"
    threads: int = 2


class HnswIndex:
    """Approximate inner-product search with usearch's HNSW graph."""

    def __init__(self, *, model_id: str, dim: int, params: HnswParams | None = None) -> None:
        from usearch.index import Index  # imported lazily: nothing heavy at import time

        self._model_id = model_id
        self._dim = dim
        self.params = params or HnswParams()
        self._index = Index(
            ndim=dim,
            # "cos" equals inner product on normalised vectors, and unlike usearch's "ip" it stays
            # in cosine units when vectors are stored quantised (i8).
            metric="cos",
            dtype=self.params.quantisation,
            connectivity=self.params.connectivity,
            expansion_add=self.params.expansion_add,
            expansion_search=self.params.expansion_search,
        )

    @property
    def model_id(self) -> str:
        return self._model_id

    @property
    def dim(self) -> int:
        return self._dim

    @property
    def memory_bytes(self) -> int:
        return int(self._index.memory_usage)

    def set_expansion_search(self, ef: int) -> None:
        setattr(self._index, "expansion_search", ef)  # noqa: B010 (typed read-only, settable at run time)

    def __len__(self) -> int:
        return len(self._index)

    def __contains__(self, item: object) -> bool:
        return isinstance(item, int | np.integer) and bool(self._index.contains(int(item)))

    def add(self, ids: Sequence[int] | IdArray, vectors: FloatArray, *, model_id: str) -> None:
        check_model(self._model_id, model_id)
        array = check_vectors(vectors, dim=self._dim)
        id_array = check_ids(ids, count=array.shape[0])
        if array.shape[0] == 0:
            return
        keys = id_array.astype(np.uint64)
        if len(self):  # replacing: drop the present keys first (one vectorised look-up, no loop per key)
            present = keys[np.asarray(self._index.contains(keys), dtype=bool)]
            if present.shape[0]:
                self._index.remove(present)
        # one bulk insert, built by usearch's own threads
        self._index.add(keys, array, threads=self.params.threads)

    def remove(self, ids: Iterable[int]) -> None:
        keys = np.fromiter((int(i) for i in ids), dtype=np.uint64)
        if keys.shape[0]:
            self._index.remove(keys)

    def search(self, query: FloatArray, k: int, *, model_id: str) -> Hits:
        return self.search_many(np.asarray(query, dtype=np.float32).reshape(1, -1), k, model_id=model_id)[0]

    def search_many(self, queries: FloatArray, k: int, *, model_id: str) -> list[Hits]:
        check_model(self._model_id, model_id)
        check_k(k)
        q = check_vectors(queries, dim=self._dim, field="query")
        if len(self) == 0:
            return [_empty_hits() for _ in range(q.shape[0])]
        found = self._index.search(q, min(k, len(self)), threads=self.params.threads)
        keys = np.atleast_2d(np.asarray(found.keys))
        distances = np.atleast_2d(np.asarray(found.distances))
        counts = np.atleast_1d(np.asarray(getattr(found, "counts", keys.shape[1])))
        return [
            # usearch's cosine distance is 1 - cosine
            Hits(ids=keys[row, :n].astype(np.int64), scores=(1.0 - distances[row, :n]).astype(np.float32))
            for row, n in enumerate(counts.tolist())
        ]


class AdaptiveIndex:
    """Exact while small; rebuilt as HNSW once it holds more than ``threshold`` vectors."""

    def __init__(
        self,
        *,
        model_id: str,
        dim: int,
        threshold: int = DEFAULT_HNSW_THRESHOLD,
        params: HnswParams | None = None,
    ) -> None:
        self._threshold = threshold
        self._params = params
        self._exact: ExactIndex | None = ExactIndex(model_id=model_id, dim=dim)
        self._inner: ExactIndex | HnswIndex = self._exact

    @property
    def model_id(self) -> str:
        return self._inner.model_id

    @property
    def dim(self) -> int:
        return self._inner.dim

    @property
    def is_approximate(self) -> bool:
        return isinstance(self._inner, HnswIndex)

    def __len__(self) -> int:
        return len(self._inner)

    def __contains__(self, item: object) -> bool:
        return item in self._inner

    def add(self, ids: Sequence[int] | IdArray, vectors: FloatArray, *, model_id: str) -> None:
        self._inner.add(ids, vectors, model_id=model_id)
        if self._exact is not None and len(self._exact) > self._threshold:
            self._promote(self._exact)

    def remove(self, ids: Iterable[int]) -> None:
        self._inner.remove(ids)

    def search(self, query: FloatArray, k: int, *, model_id: str) -> Hits:
        return self._inner.search(query, k, model_id=model_id)

    def search_many(self, queries: FloatArray, k: int, *, model_id: str) -> list[Hits]:
        return self._inner.search_many(queries, k, model_id=model_id)

    def _promote(self, exact: ExactIndex) -> None:
        hnsw = HnswIndex(model_id=exact.model_id, dim=exact.dim, params=self._params)
        ids = exact.ids()
        hnsw.add(ids, exact.vectors_of(ids.tolist()), model_id=exact.model_id)
        self._inner, self._exact = hnsw, None


def create_index(
    *, model_id: str, dim: int, expected_size: int, threshold: int = DEFAULT_HNSW_THRESHOLD
) -> ExactIndex | HnswIndex | AdaptiveIndex:
    """The index that fits a catalogue of ``expected_size`` vectors (may still grow past the threshold)."""
    if expected_size > threshold:
        return HnswIndex(model_id=model_id, dim=dim)
    return AdaptiveIndex(model_id=model_id, dim=dim, threshold=threshold)
