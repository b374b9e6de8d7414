"""Keeping the stored vectors in step with the opportunities: embed what is new or changed, in batches,
together with the explanation material (key terms and sentences, embedded once here, never on a request)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime

import numpy as np
from numpy.typing import NDArray
from sqlalchemy import and_, or_, select
from sqlalchemy.orm import Session

from kakehashi.matching.catalogue import pack, text_hash, to_document
from kakehashi.matching.documents import MatchDocument
from kakehashi.matching.engine import embed_documents
from kakehashi.matching.explain import ExplainMaterial, SupportsEmbed, explain_materials
from kakehashi.matching.tables import OpportunityVector
from kakehashi.profiles.models import Opportunity
from kakehashi.store import Database

Progress = Callable[[int, int], None]


@dataclass(frozen=True, slots=True)
class SyncReport:
    model_id: str
    checked: int  # opportunities whose vector was missing or older than the opportunity
    embedded: int  # of those, the ones whose text had changed (the rest only changed status)


@dataclass(frozen=True, slots=True)
class IdRange:
    """Opportunity ids ``start <= id < stop``: the share of an embedding backlog that one job embeds."""

    start: int
    stop: int


def plan_ranges(ids: Sequence[int], *, size: int) -> list[IdRange]:
    """The ranges that cover ``ids``: blocks of ``size`` consecutive ids, aligned on multiples of ``size``
    (so that two plans of the same backlog name the same ranges, which the queue then runs once), and
    only the blocks that hold one of ``ids``."""
    if size < 1:
        raise ValueError("a range holds at least one id")
    blocks = sorted({i // size for i in ids})
    return [IdRange(block * size, (block + 1) * size) for block in blocks]


def stale_ids(session: Session, model_id: str, *, within: IdRange | None = None) -> list[int]:
    """Opportunities without a vector of this model, or changed since it was computed (``within`` a
    range of ids: only those)."""
    vector = OpportunityVector
    query = (
        select(Opportunity.id)
        .outerjoin(vector, and_(vector.opportunity_id == Opportunity.id, vector.model_id == model_id))
        .where(or_(vector.opportunity_id.is_(None), vector.updated_at < Opportunity.updated_at))
        .order_by(Opportunity.id)
    )
    if within is not None:
        query = query.where(Opportunity.id >= within.start, Opportunity.id < within.stop)
    return list(session.scalars(query))


def sync_vectors(
    database: Database,
    embedder: SupportsEmbed,
    *,
    batch_size: int = 64,
    progress: Progress | None = None,
    rebuild: bool = False,
    within: IdRange | None = None,
) -> SyncReport:
    """Embed every opportunity whose vector is missing or stale (all of them with ``rebuild``; only those
    ``within`` a range of ids when given: a job's share of a backlog).

    Each batch is committed on its own, so a long run that is interrupted keeps what it did, and a run
    again (a retried or duplicated range) embeds only what is still stale.
    """
    model_id = embedder.model_id
    with database.session() as session:
        ids = (
            list(session.scalars(select(Opportunity.id).order_by(Opportunity.id)))
            if rebuild
            else stale_ids(session, model_id, within=within)
        )
    embedded = 0
    if progress is not None:
        progress(0, len(ids))
    for start in range(0, len(ids), batch_size):
        chunk = ids[start : start + batch_size]
        with database.session() as session:
            embedded += _sync_batch(session, embedder, chunk, force=rebuild)
        if progress is not None:
            progress(min(start + batch_size, len(ids)), len(ids))
    return SyncReport(model_id=model_id, checked=len(ids), embedded=embedded)


def _sync_batch(session: Session, embedder: SupportsEmbed, ids: list[int], *, force: bool) -> int:
    model_id = embedder.model_id
    opportunities = session.scalars(select(Opportunity).where(Opportunity.id.in_(ids))).all()
    stored = {
        row.opportunity_id: row
        for row in session.scalars(
            select(OpportunityVector).where(
                OpportunityVector.opportunity_id.in_(ids), OpportunityVector.model_id == model_id
            )
        )
    }
    # A vector is stamped with the version of the opportunity it was computed from, so that a change
    # made while embedding still counts as stale next time.
    to_embed: list[tuple[MatchDocument, str, datetime]] = []
    for opp in opportunities:
        doc = to_document(opp)
        digest = text_hash(doc)
        row = stored.get(opp.id)
        if row is not None and row.text_hash == digest and row.terms is not None and not force:
            row.updated_at = opp.updated_at  # only the status or dates changed: the vector still holds
        else:
            to_embed.append((doc, digest, opp.updated_at))
    if to_embed:
        docs = [doc for doc, _, _ in to_embed]
        vectors = embed_documents(embedder, docs)
        materials = explain_materials(docs, embedder=embedder)
        for (doc, digest, version), vector, material in zip(to_embed, vectors, materials, strict=True):
            row = stored.get(doc.id)
            if row is None:
                row = OpportunityVector(opportunity_id=doc.id, model_id=model_id)
                session.add(row)
            row.dim, row.vector, row.text_hash, row.updated_at = embedder.dim, pack(vector), digest, version
            store_material(row, material)
    session.flush()
    return len(to_embed)


def store_material(row: OpportunityVector, material: ExplainMaterial) -> None:
    row.terms = list(material.terms)
    row.term_vectors = pack_rows(material.term_vectors)
    row.sentences = list(material.sentences)
    row.sentence_vectors = pack_rows(material.sentence_vectors)


def material_of(row: OpportunityVector) -> ExplainMaterial:
    """The explanation material stored with a vector (empty when an older run stored none)."""
    return material_from(
        dim=row.dim,
        terms=row.terms,
        term_vectors=row.term_vectors,
        sentences=row.sentences,
        sentence_vectors=row.sentence_vectors,
    )


def material_from(
    *,
    dim: int,
    terms: list[str] | None,
    term_vectors: bytes | None,
    sentences: list[str] | None,
    sentence_vectors: bytes | None,
) -> ExplainMaterial:
    term_tuple, sentence_tuple = tuple(terms or ()), tuple(sentences or ())
    return ExplainMaterial(
        terms=term_tuple,
        term_vectors=unpack_rows(term_vectors, len(term_tuple), dim),
        sentences=sentence_tuple,
        sentence_vectors=unpack_rows(sentence_vectors, len(sentence_tuple), dim),
    )


def pack_rows(vectors: NDArray[np.float32]) -> bytes:
    return np.ascontiguousarray(vectors, dtype="<f4").tobytes()


def unpack_rows(blob: bytes | None, count: int, dim: int) -> NDArray[np.float32]:
    if not blob or count == 0:
        return np.zeros((0, dim), dtype=np.float32)
    return np.frombuffer(blob, dtype="<f4").reshape(count, dim).astype(np.float32, copy=False)
