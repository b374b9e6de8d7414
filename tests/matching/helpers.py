"""Small deterministic stand-ins for the embedder and the tokenizer, and document factories.

``ConceptEmbedder`` puts texts that name the same glossary concept (in any language) close together and
hashes the remaining words, so cross-language behaviour can be tested without the real model.
"""

from __future__ import annotations

import re
import zlib
from collections.abc import Sequence
from datetime import UTC, date, datetime
from typing import Literal

import numpy as np
from numpy.typing import NDArray

from kakehashi.matching.documents import MatchDocument
from kakehashi.matching.glossary import concepts_of

NOW = datetime(2026, 11, 24, 12, 0, tzinfo=UTC)
_WORD = re.compile(r"\w+")


def simple_tokenize(text: str, language: str) -> list[str]:
    return [w.lower() for w in _WORD.findall(text)]


def unit(rng: np.random.Generator, dim: int) -> NDArray[np.float32]:
    v = rng.standard_normal(dim).astype(np.float32)
    return v / np.linalg.norm(v)


class ConceptEmbedder:
    model_id = "test-concepts-v1"
    dim = 64

    def __init__(self) -> None:
        self.calls = 0

    def _direction(self, key: str) -> NDArray[np.float32]:
        return unit(np.random.default_rng(zlib.crc32(key.encode())), self.dim)

    def embed(
        self,
        texts: Sequence[str],
        *,
        role: Literal["query", "passage"],
        languages: Sequence[str] | None = None,
    ) -> NDArray[np.float32]:
        self.calls += 1
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        for row, text in enumerate(texts):
            v = np.zeros(self.dim, dtype=np.float32)
            for concept in concepts_of(text):
                v += 3.0 * self._direction("concept:" + concept)
            for word in _WORD.findall(text.lower()):
                v += 0.3 * self._direction("word:" + word)
            if not v.any():
                v = self._direction("empty")
            out[row] = v / np.linalg.norm(v)
        return out


def doc(
    doc_id: int,
    *,
    org: int | None = None,
    country: str = "IT",
    type: str = "technology_offer",
    language: str = "it",
    title: str = "",
    description: str = "",
    keywords: tuple[str, ...] = (),
    sectors: tuple[str, ...] = ("semiconductors",),
    trl: int | None = None,
    published_at: datetime | None = NOW,
    deadline: date | None = None,
) -> MatchDocument:
    return MatchDocument(
        id=doc_id,
        organisation_id=org if org is not None else 1000 + doc_id,
        country=country,
        type=type,
        language=language,
        title=title or f"document {doc_id}",
        description=description,
        keywords=keywords,
        sectors=sectors,
        trl=trl,
        published_at=published_at,
        deadline=deadline,
    )
