"""Keeping the stored vectors in step with the opportunities: embed what is new or changed, in batches."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import and_, or_, select
from sqlalchemy.orm import Session

from kakehashi.matching.catalogue import pack, text_hash, to_document
from kakehashi.matching.documents import MatchDocument
from kakehashi.matching.engine import embed_documents
from kakehashi.matching.explain import SupportsEmbed
from kakehashi.matching.tables import OpportunityVector
from kakehashi.profiles.models import Opportunity
from kakehashi.store import Database

Progress = Callable[[int, int], None]


@dataclass(frozen=True, slots=True)
class SyncReport:
    model_id: str
    checked: int  # opportunities whose vector was missing or older than the opportunity
    embedded: int  # of those, the ones whose text had changed (the rest only changed status)


def stale_ids(session: Session, model_id: str) -> list[int]:
    """Opportunities without a vector of this model, or changed since it was computed."""
    vector = OpportunityVector
    query = (
        select(Opportunity.id)
        .outerjoin(vector, and_(vector.opportunity_id == Opportunity.id, vector.model_id == model_id))
        .where(or_(vector.opportunity_id.is_(None), vector.updated_at < Opportunity.updated_at))
        .order_by(Opportunity.id)
    )
    return list(session.scalars(query))


def sync_vectors(
    database: Database,
    embedder: SupportsEmbed,
    *,
    batch_size: int = 64,
    progress: Progress | None = None,
    rebuild: bool = False,
) -> SyncReport:
    """Embed every opportunity whose vector is missing or stale (all of them with ``rebuild``).

    Each batch is committed on its own, so a long run that is interrupted keeps what it did.
    """
    model_id = embedder.model_id
    with database.session() as session:
        ids = (
            list(session.scalars(select(Opportunity.id).order_by(Opportunity.id)))
            if rebuild
            else (stale_ids(session, model_id))
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
        if row is not None and row.text_hash == digest and not force:
            row.updated_at = opp.updated_at  # only the status or dates changed: the vector still holds
        else:
            to_embed.append((doc, digest, opp.updated_at))
    if to_embed:
        vectors = embed_documents(embedder, [doc for doc, _, _ in to_embed])
        for (doc, digest, version), vector in zip(to_embed, vectors, strict=True):
            row = stored.get(doc.id)
            if row is None:
                row = OpportunityVector(opportunity_id=doc.id, model_id=model_id)
                session.add(row)
            row.dim, row.vector, row.text_hash, row.updated_at = embedder.dim, pack(vector), digest, version
    session.flush()
    return len(to_embed)
