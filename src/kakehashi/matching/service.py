"""Matching as the platform offers it: the engine kept in step with the store, answers filtered by role.

The engine holds the published opportunities of one model. Before answering, the service brings it up to
date (embedding what changed, adding and removing what was published or withdrawn), which costs two small
queries when nothing changed. Counterparts are returned as the reader may see them: anonymised for
visitors and for other organisations, exactly as the profiles feature shows them.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from kakehashi.accounts.roles import Actor
from kakehashi.errors import Conflict, FieldProblem, PermissionDenied, ValidationFailed
from kakehashi.matching.catalogue import to_document, unpack
from kakehashi.matching.documents import Feedback, Match, ScoreComponents
from kakehashi.matching.engine import MatchingEngine
from kakehashi.matching.explain import Explanation, SupportsEmbed
from kakehashi.matching.index import VectorIndex
from kakehashi.matching.pgvector import PgVectorIndex, choose_index
from kakehashi.matching.rank import RankingConfig, SearchFilters
from kakehashi.matching.tables import MatchFeedback, OpportunityVector
from kakehashi.matching.vectors import Progress, SyncReport, stale_ids, sync_vectors
from kakehashi.profiles import service as profiles
from kakehashi.profiles.models import Opportunity
from kakehashi.profiles.schemas import OpportunityView
from kakehashi.profiles.views import opportunity_view
from kakehashi.profiles.vocab import Status
from kakehashi.store import Database

Verdict = Literal["shortlisted", "dismissed"]
# Stale texts embedded within a request; a larger backlog is left to the background worker.
INLINE_EMBED_LIMIT = 64
VERDICTS: tuple[Verdict, ...] = ("shortlisted", "dismissed")


@dataclass(frozen=True, slots=True)
class MatchResult:
    """One counterpart as the reader may see it, with the reasons."""

    opportunity: OpportunityView
    score: float
    components: ScoreComponents
    explanation: Explanation | None
    shortlisted: bool


class MatchingService:
    def __init__(
        self,
        database: Database,
        embedder: SupportsEmbed,
        *,
        config: RankingConfig | None = None,
        clock: Callable[[], datetime] | None = None,
        index: VectorIndex | None = None,
    ) -> None:
        """``index`` defaults to pgvector on a PostgreSQL that has it, else the in-process index (chosen
        at first use, so that creating the service, and the app, does not touch the database)."""
        self.database = database
        self.embedder = embedder
        self._index = index
        self._config = config
        self._clock = clock
        self._engine_instance: MatchingEngine | None = None
        self._pruned = False
        self._loaded: dict[int, datetime] = {}
        self._fingerprint: tuple[object, ...] | None = None
        self._lock = threading.RLock()
        self._sync_lock = threading.Lock()  # one embedding run at a time (their writes would collide)
        # Set while a background worker embeds on write (see kakehashi.matching.worker).
        self.background = False
        self._explanations: OrderedDict[tuple[int, int, str], Explanation] = OrderedDict()

    @property
    def model_id(self) -> str:
        return self.embedder.model_id

    @property
    def index_kind(self) -> str:
        """Where the dense search runs: "pgvector" (inside PostgreSQL) or "in-process"."""
        return "pgvector" if isinstance(self._engine.index, PgVectorIndex) else "in-process"

    @property
    def _engine(self) -> MatchingEngine:
        with self._lock:
            if self._engine_instance is None:
                index = self._index  # not ``or``: an empty index is falsy
                if index is None:
                    index = choose_index(
                        self.database, model_id=self.embedder.model_id, dim=self.embedder.dim
                    )
                self._engine_instance = MatchingEngine(
                    embedder=self.embedder, index=index, config=self._config, clock=self._clock
                )
            return self._engine_instance

    # -- keeping up with the store -----------------------------------------------------------------

    def sync(self, *, progress: Progress | None = None, rebuild: bool = False) -> SyncReport:
        """Embed what is missing or stale (everything with ``rebuild``), then refresh the engine.

        Embedding holds only the sync lock, so questions keep being answered (from the stored vectors)
        while a long backlog is embedded.
        """
        with self._sync_lock:
            report = sync_vectors(self.database, self.embedder, progress=progress, rebuild=rebuild)
        with self._lock:
            if rebuild:
                self._fingerprint = None
            self._refresh_engine()
        return report

    def refresh(self) -> None:
        """Bring the engine up to date before answering.

        A few new or changed texts are embedded on the spot (a new opportunity shows in matches at once).
        When a background worker runs and the backlog is large (a bulk import), the answer comes from
        what is stored and the worker embeds the rest, reporting its progress.
        """
        with self.database.session() as session:
            stale = len(stale_ids(session, self.model_id))
        if stale and (not self.background or stale <= INLINE_EMBED_LIMIT):
            with self._sync_lock:
                sync_vectors(self.database, self.embedder)
        with self._lock:
            self._refresh_engine()

    def _refresh_engine(self) -> None:
        with self.database.session() as session:
            fingerprint = self._current_fingerprint(session)
            if fingerprint == self._fingerprint:
                return
            rows = session.execute(
                select(Opportunity.id, Opportunity.updated_at).where(
                    Opportunity.status == Status.PUBLISHED.value
                )
            )
            published: dict[int, datetime] = {row.id: row.updated_at for row in rows}
            self._prune_shared_index()
            gone = [i for i in self._loaded if i not in published]
            changed = [i for i, version in published.items() if self._loaded.get(i) != version]
            self._engine.remove(gone)
            for i in gone:
                self._loaded.pop(i)
            for start in range(0, len(changed), 1000):
                self._load(session, changed[start : start + 1000])
            self._fingerprint = fingerprint
            self._explanations.clear()

    def _prune_shared_index(self) -> None:
        """Once per process: drop what an earlier run left in a database-side index (withdrawn since)."""
        index = self._engine.index
        if self._pruned or not isinstance(index, PgVectorIndex):
            return
        index.retain(
            select(OpportunityVector.opportunity_id)
            .join(Opportunity, Opportunity.id == OpportunityVector.opportunity_id)
            .where(Opportunity.status == Status.PUBLISHED.value, OpportunityVector.model_id == self.model_id)
        )
        self._pruned = True

    def _current_fingerprint(self, session: Session) -> tuple[object, ...]:
        opportunities = session.execute(
            select(func.count(), func.max(Opportunity.updated_at)).where(
                Opportunity.status == Status.PUBLISHED.value
            )
        ).one()
        vectors = session.execute(
            select(func.count(), func.max(OpportunityVector.updated_at)).where(
                OpportunityVector.model_id == self.model_id
            )
        ).one()
        return (*opportunities, *vectors)

    def _load(self, session: Session, ids: list[int]) -> None:
        rows = session.execute(
            select(Opportunity, OpportunityVector)
            .join(OpportunityVector, OpportunityVector.opportunity_id == Opportunity.id)
            .where(Opportunity.id.in_(ids), OpportunityVector.model_id == self.model_id)
        ).all()
        if not rows:
            return
        import numpy as np

        docs = [to_document(opp) for opp, _ in rows]
        vectors = np.stack([unpack(vec.vector, vec.dim) for _, vec in rows])
        self._engine.add(docs, vectors)
        for opp, _ in rows:
            self._loaded[opp.id] = opp.updated_at

    # -- questions -----------------------------------------------------------------------------------

    def matches_for_opportunity(
        self, actor: Actor, opportunity_id: int, *, locale: str, limit: int = 10, explain: bool = True
    ) -> list[MatchResult]:
        """The best counterparts of an opportunity the actor may read ([] until it is published)."""
        with self.database.session() as session:
            profiles.get_opportunity(session, actor, opportunity_id)  # 404 when not readable
            feedback = self._feedback(session, actor)
        self.refresh()
        with self._lock:
            if opportunity_id not in self._loaded:
                return []
            matches = self._engine.matches_for(opportunity_id, feedback=feedback)[:limit]
        return self._results(actor, matches, source_id=opportunity_id, locale=locale, explain=explain)

    def matches_for_organisation(
        self, actor: Actor, organisation_id: int, *, locale: str, limit: int = 10
    ) -> list[MatchResult]:
        """The best counterparts over an organisation's published opportunities (its members, staff)."""
        if not (actor.is_staff or actor.belongs_to(organisation_id)):
            raise PermissionDenied("Only the organisation's members and the agencies see its matches.")
        with self.database.session() as session:
            feedback = self._feedback(session, actor)
        self.refresh()
        with self._lock:
            matches = self._engine.matches_for_organisation(organisation_id, feedback=feedback)[:limit]
        return self._results(actor, matches, source_id=None, locale=locale, explain=False)

    def search(
        self,
        actor: Actor,
        text: str,
        *,
        locale: str,
        types: frozenset[str] = frozenset(),
        sectors: frozenset[str] = frozenset(),
        countries: frozenset[str] = frozenset(),
        limit: int = 20,
    ) -> list[MatchResult]:
        """Free-text partner search, in any of the three languages, over published opportunities."""
        if not text.strip():
            raise ValidationFailed("Type what you are looking for.", problems=[FieldProblem("q", "is empty")])
        if len(text) > 2000:
            raise ValidationFailed(
                "The search is too long.", problems=[FieldProblem("q", "over 2000 characters")]
            )
        self.refresh()
        filters = SearchFilters(types=types, sectors=sectors, countries=countries)
        with self._lock:
            matches = self._engine.search(text, filters=filters)[:limit]
        return self._results(actor, matches, source_id=None, locale=locale, explain=False)

    def record_feedback(self, actor: Actor, source_id: int, target_id: int, verdict: Verdict | None) -> None:
        """Shortlist or dismiss a suggested counterpart (``None`` clears the verdict)."""
        if verdict is not None and verdict not in VERDICTS:
            raise ValidationFailed(
                "Unknown verdict.", problems=[FieldProblem("verdict", "shortlisted or dismissed")]
            )
        owner = _owner_key(actor)
        try:
            self._write_feedback(actor, owner, source_id, target_id, verdict)
        except (IntegrityError, StaleDataError):
            # Another request of the same organisation judged the same pair at the same moment.
            raise Conflict(
                "This match was judged by someone else at the same moment; nothing was written. Try again."
            ) from None

    def _write_feedback(
        self, actor: Actor, owner: str | None, source_id: int, target_id: int, verdict: Verdict | None
    ) -> None:
        with self.database.session() as session:
            source = profiles.get_opportunity(session, actor, source_id)
            profiles.get_opportunity(session, actor, target_id)
            if owner is None or not (
                actor.is_staff or actor.belongs_to(_organisation_of(session, source.id))
            ):
                raise PermissionDenied(
                    "Only the opportunity's organisation and the agencies judge its matches."
                )
            row = session.scalar(
                select(MatchFeedback).where(
                    MatchFeedback.owner_key == owner,
                    MatchFeedback.source_id == source_id,
                    MatchFeedback.target_id == target_id,
                )
            )
            if verdict is None:
                if row is not None:
                    session.delete(row)
            elif row is None:
                session.add(
                    MatchFeedback(owner_key=owner, source_id=source_id, target_id=target_id, verdict=verdict)
                )
            else:
                row.verdict = verdict

    def explain(self, source_id: int, target_id: int, *, locale: str) -> Explanation:
        key = (source_id, target_id, locale)
        with self._lock:
            cached = self._explanations.get(key)
            if cached is None:
                cached = self._engine.explain(source_id, target_id, locale=locale)
                self._explanations[key] = cached
                if len(self._explanations) > 2048:
                    self._explanations.popitem(last=False)
            return cached

    # -- helpers -------------------------------------------------------------------------------------

    def _feedback(self, session: Session, actor: Actor) -> Feedback:
        owner = _owner_key(actor)
        if owner is None:
            return Feedback()
        rows = session.scalars(select(MatchFeedback).where(MatchFeedback.owner_key == owner)).all()
        return Feedback(
            dismissed=frozenset((r.source_id, r.target_id) for r in rows if r.verdict == "dismissed"),
            shortlisted=frozenset((r.source_id, r.target_id) for r in rows if r.verdict == "shortlisted"),
        )

    def _results(
        self, actor: Actor, matches: list[Match], *, source_id: int | None, locale: str, explain: bool
    ) -> list[MatchResult]:
        if not matches:
            return []
        with self.database.session() as session:
            rows = {
                o.id: o
                for o in session.scalars(
                    select(Opportunity).where(Opportunity.id.in_([m.target_id for m in matches]))
                )
            }
            results = []
            for match in matches:
                row = rows.get(match.target_id)
                if row is None or row.status != Status.PUBLISHED.value:
                    continue  # changed since the engine last looked: never show what is no longer public
                explanation = (
                    self.explain(source_id, match.target_id, locale=locale)
                    if explain and source_id is not None
                    else None
                )
                results.append(
                    MatchResult(
                        opportunity=opportunity_view(row, actor),
                        score=match.score,
                        components=match.components,
                        explanation=explanation,
                        shortlisted=match.shortlisted,
                    )
                )
            return results


def _owner_key(actor: Actor) -> str | None:
    if actor.is_staff and actor.user_id is not None:
        return f"user:{actor.user_id}"
    if actor.organisation_id is not None:
        return f"org:{actor.organisation_id}"
    return None


def _organisation_of(session: Session, opportunity_id: int) -> int | None:
    return session.scalar(select(Opportunity.organisation_id).where(Opportunity.id == opportunity_id))
