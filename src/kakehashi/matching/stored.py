"""Stored matches: computed when opportunities are indexed, read by pages and the API.

The indexer (``MatchIndexer``) keeps ``opportunity_matches`` in step with the engine: for every
opportunity whose stored matches are due (new, edited, published, withdrawn, expired), it recomputes its
own list and the lists it may enter or leave, with their language-neutral explanations built from the
material stored with the vectors (no model call). Readers only ever query these rows.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, fields
from datetime import datetime
from typing import cast

from sqlalchemy import Table, bindparam, delete, insert, or_, select, update
from sqlalchemy.orm import Session

from kakehashi.matching.documents import Match, MatchDocument, ScoreComponents
from kakehashi.matching.engine import MatchingEngine
from kakehashi.matching.explain import ExplainMaterial, ExplanationData, explanation_data
from kakehashi.matching.tables import MatchingGeneration, OpportunityMatch, OpportunityVector
from kakehashi.matching.vectors import material_from
from kakehashi.store import Database
from kakehashi.store.base import utcnow

Progress = Callable[[int, int], None]
# Above this many due opportunities (or this share of the catalogue) everything is re-matched in bulk,
# which costs less than recomputing many neighbourhoods one by one.
BULK_MIN = 200
BULK_SHARE = 0.2
WRITE_BATCH = 200
_COMPONENTS = tuple(f.name for f in fields(ScoreComponents))
_MATCHES = cast(Table, OpportunityMatch.__table__)


@dataclass(frozen=True, slots=True)
class MatchReport:
    due: int  # opportunities whose stored matches were due
    recomputed: int  # lists recomputed (theirs and their neighbours')
    bulk: bool


def due_ids(session: Session, model_id: str) -> list[int]:
    """Opportunities whose vector is current but whose stored matches are not (one indexed scan)."""
    vector = OpportunityVector
    query = select(vector.opportunity_id).where(
        vector.model_id == model_id,
        or_(vector.matched_version.is_(None), vector.matched_version != vector.updated_at),
    )
    return sorted(session.scalars(query))


def generation(session: Session, model_id: str) -> int:
    value = session.scalar(
        select(MatchingGeneration.generation).where(MatchingGeneration.model_id == model_id)
    )
    return int(value or 0)


def bump_generation(session: Session, model_id: str) -> None:
    row = session.get(MatchingGeneration, model_id)
    if row is None:
        session.add(MatchingGeneration(model_id=model_id, generation=1, updated_at=utcnow()))
    else:
        row.generation += 1
        row.updated_at = utcnow()


def is_matched(session: Session, model_id: str, opportunity_id: int, version: datetime) -> bool:
    """Whether the stored matches of the opportunity reflect its version ``version``."""
    row = session.execute(
        select(OpportunityVector.updated_at, OpportunityVector.matched_version).where(
            OpportunityVector.opportunity_id == opportunity_id, OpportunityVector.model_id == model_id
        )
    ).one_or_none()
    return row is not None and row.updated_at == version and row.matched_version == version


class MatchIndexer:
    """Brings the stored matches of one model up to date with the engine (which must be current)."""

    def __init__(self, database: Database, engine: MatchingEngine) -> None:
        self.database = database
        self.engine = engine

    @property
    def model_id(self) -> str:
        return self.engine.model_id

    def update(self, *, full: bool = False, progress: Progress | None = None) -> MatchReport:
        with self.database.session() as session:
            due = due_ids(session, self.model_id)
            versions = self._versions(session, due)
        if not due and not full:
            return MatchReport(due=0, recomputed=0, bulk=False)
        published = set(self.engine_ids())
        bulk = full or len(due) >= max(BULK_MIN, BULK_SHARE * len(published))
        if bulk:
            lists = self.engine.rematch_all(progress=progress)
            stale_sources = None  # every list not recomputed goes
        else:
            affected = self._affected(due, published)
            lists = {}
            for done, source_id in enumerate(sorted(affected & published), start=1):
                lists[source_id] = self.engine.matches_for(source_id)
                if progress is not None:
                    progress(done, len(affected))
            stale_sources = affected - published
        self._write(lists, stale_sources)
        vectors = cast(Table, OpportunityVector.__table__)
        stamp = (
            update(vectors)
            .where(
                vectors.c.opportunity_id == bindparam("oid"),
                vectors.c.model_id == self.model_id,
                vectors.c.updated_at == bindparam("version"),  # changed meanwhile: due again
            )
            .values(matched_version=bindparam("version"))
        )
        with self.database.session() as session:
            if versions:
                session.connection().execute(
                    stamp, [{"oid": i, "version": version} for i, version in versions.items()]
                )
            bump_generation(session, self.model_id)
        return MatchReport(due=len(due), recomputed=len(lists), bulk=bulk)

    def engine_ids(self) -> list[int]:
        return self.engine.ids()

    def _versions(self, session: Session, ids: list[int]) -> dict[int, datetime]:
        versions: dict[int, datetime] = {}
        for start in range(0, len(ids), 1000):
            rows = session.execute(
                select(OpportunityVector.opportunity_id, OpportunityVector.updated_at).where(
                    OpportunityVector.opportunity_id.in_(ids[start : start + 1000]),
                    OpportunityVector.model_id == self.model_id,
                )
            )
            versions.update({row.opportunity_id: row.updated_at for row in rows})
        return versions

    def _affected(self, due: list[int], published: set[int]) -> set[int]:
        """The due opportunities, the lists that hold them and the lists they may enter."""
        affected = set(due)
        for doc_id in due:
            if doc_id in published:
                affected |= self.engine.neighbours(doc_id)
        with self.database.session() as session:
            for start in range(0, len(due), 1000):
                affected.update(
                    session.scalars(
                        select(OpportunityMatch.source_id).where(
                            OpportunityMatch.model_id == self.model_id,
                            OpportunityMatch.target_id.in_(due[start : start + 1000]),
                        )
                    )
                )
        return affected

    def _write(self, lists: dict[int, list[Match]], stale_sources: set[int] | None) -> None:
        """Replace the stored lists of ``lists`` batch by batch (a reader sees each list whole, old or
        new, never missing), then drop the lists of ``stale_sources`` (None: of every source that has no
        list now, after a bulk re-match)."""
        sources = sorted(lists)
        for start in range(0, len(sources), WRITE_BATCH):
            chunk = {s: lists[s] for s in sources[start : start + WRITE_BATCH]}
            with self.database.session() as session:
                self._write_batch(session, chunk)
        with self.database.session() as session:
            if stale_sources is None:
                stored = session.scalars(
                    select(OpportunityMatch.source_id)
                    .where(OpportunityMatch.model_id == self.model_id)
                    .distinct()
                )
                stale_sources = set(stored) - set(lists)
            gone = sorted(stale_sources)
            for start in range(0, len(gone), 1000):
                session.execute(
                    delete(OpportunityMatch).where(
                        OpportunityMatch.model_id == self.model_id,
                        OpportunityMatch.source_id.in_(gone[start : start + 1000]),
                    )
                )

    def _write_batch(self, session: Session, lists: dict[int, list[Match]]) -> None:
        session.execute(
            delete(OpportunityMatch).where(
                OpportunityMatch.model_id == self.model_id, OpportunityMatch.source_id.in_(list(lists))
            )
        )
        wanted = set(lists) | {m.target_id for ms in lists.values() for m in ms}
        materials = self._materials(session, wanted)
        now = utcnow()
        rows = []
        for source_id, matches in lists.items():
            source = self.engine.document(source_id)
            for rank, match in enumerate(matches):
                target = self.engine.document(match.target_id)
                data = _explain(source, target, materials)
                rows.append(
                    {
                        "model_id": self.model_id,
                        "source_id": source_id,
                        "rank": rank,
                        "target_id": match.target_id,
                        "score": float(match.score),
                        "components": {f: float(getattr(match.components, f)) for f in _COMPONENTS},
                        "explanation": None if data is None else data.to_json(),
                        "computed_at": now,
                    }
                )
        if rows:  # Core executemany: the ORM's bulk path costs several times more per row
            session.connection().execute(insert(_MATCHES), rows)

    def _materials(self, session: Session, ids: Iterable[int]) -> dict[int, ExplainMaterial]:
        wanted = sorted(ids)
        found: dict[int, ExplainMaterial] = {}
        v = OpportunityVector
        for start in range(0, len(wanted), 1000):
            rows = session.execute(
                select(
                    v.opportunity_id, v.dim, v.terms, v.term_vectors, v.sentences, v.sentence_vectors
                ).where(v.model_id == self.model_id, v.opportunity_id.in_(wanted[start : start + 1000]))
            )
            for row in rows:
                found[row.opportunity_id] = material_from(
                    dim=row.dim,
                    terms=row.terms,
                    term_vectors=row.term_vectors,
                    sentences=row.sentences,
                    sentence_vectors=row.sentence_vectors,
                )
        return found


def _explain(
    source: MatchDocument, target: MatchDocument, materials: dict[int, ExplainMaterial]
) -> ExplanationData | None:
    a, b = materials.get(source.id), materials.get(target.id)
    if a is None or b is None:
        return None
    return explanation_data(source, a, target, b)
