"""From store rows to what the engine knows: MatchDocuments, stored vectors, the text that is embedded."""

from __future__ import annotations

import hashlib

import numpy as np
from numpy.typing import NDArray

from kakehashi.matching.documents import MatchDocument
from kakehashi.profiles.models import Opportunity


def to_document(opp: Opportunity) -> MatchDocument:
    return MatchDocument(
        id=opp.id,
        organisation_id=opp.organisation_id,
        country=opp.organisation.country,
        type=opp.type,
        language=opp.language,
        title=opp.title,
        description=opp.description,
        keywords=tuple(opp.keywords or ()),
        sectors=tuple(opp.sectors),
        trl=opp.trl,
        published_at=opp.published_at,
        deadline=opp.deadline,
    )


def text_hash(doc: MatchDocument) -> str:
    """Identifies the embedded text and the role it is embedded with."""
    return hashlib.sha256(f"{doc.type}\n{doc.language}\n{doc.text()}".encode()).hexdigest()


def pack(vector: NDArray[np.float32]) -> bytes:
    return np.ascontiguousarray(vector, dtype="<f4").tobytes()


def unpack(blob: bytes, dim: int) -> NDArray[np.float32]:
    vector = np.frombuffer(blob, dtype="<f4")
    if vector.shape != (dim,):
        raise ValueError(f"stored vector has {vector.size} values, expected {dim}")
    return vector.astype(np.float32, copy=False)
