"""Matching as the platform offers it: stored matches kept in step with the store, answers filtered by role.

Indexing (the background worker, ``kakehashi index rebuild``) embeds what changed, with the material that
explanations need, brings the in-memory engine up to date and stores the matches, explained, of every
opportunity whose list changed. Readers (pages, API) only read those rows: no model call, no ranking on
a request. Free-text search embeds the query (one short text) and asks the engine, which each server
process reloads when the index generation (one stored counter) moves. Counterparts are returned as the
reader may see them: anonymised for visitors and other organisations, exactly as profiles shows them.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Literal

from sqlalchemy import func, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import flag_modified

from kakehashi.accounts.roles import Actor
from kakehashi.errors import FieldProblem, PermissionDenied, StaleVersion, ValidationFailed
from kakehashi.matching.catalogue import to_document, unpack
from kakehashi.matching.documents import Match, ScoreComponents
from kakehashi.matching.engine import MatchingEngine
from kakehashi.matching.explain import Explanation, ExplanationData, SupportsEmbed, render_explanation
from kakehashi.matching.index import VectorIndex
from kakehashi.matching.pgvector import PgVectorIndex, choose_index
from kakehashi.matching.rank import RankingConfig, SearchFilters
from kakehashi.matching.stored import MatchIndexer, MatchReport, generation
from kakehashi.matching.tables import MatchFeedback, OpportunityMatch, OpportunityVector
from kakehashi.matching.vectors import IdRange, Progress, SyncReport, plan_ranges, stale_ids, sync_vectors
from kakehashi.profiles import service as profiles
from kakehashi.profiles.models import Opportunity, Organisation
from kakehashi.profiles.schemas import OpportunityView
from kakehashi.profiles.views import opportunity_view, sees_identity
from kakehashi.profiles.vocab import Status
from kakehashi.store import Database
from kakehashi.store.versions import flush_versioned, require_version

Verdict = Literal["shortlisted", "dismissed"]
# A search returns at most this many results (the candidate pool it ranks); asking for more is refused.
MAX_SEARCH_RESULTS = RankingConfig().candidate_pool
VERDICTS: tuple[Verdict, ...] = ("shortlisted", "dismissed")
# Anonymised counterpart views kept in memory (a few KB each).
ANONYMOUS_VIEW_CACHE = 4096


@dataclass(frozen=True, slots=True)
class IndexState:
    """Whether answers cover the whole catalogue: ``pending`` opportunities still wait for vectors."""

    complete: bool
    pending: int


@dataclass(frozen=True, slots=True)
class VerdictState:
    """A reader's verdict on one pair (None: none) and its version (0: never judged)."""

    verdict: str | None
    version: int


@dataclass(frozen=True, slots=True)
class MatchResult:
    """One counterpart as the reader may see it, with the reasons.

    ``score`` is the match score; a shortlisted counterpart is ranked by ``score + shortlist_boost``
    (``ranking_score``), and pages show the boost as such.
    """

    opportunity: OpportunityView
    score: float
    components: ScoreComponents
    explanation: Explanation | None
    shortlisted: bool
    source_id: int | None = None
    shortlist_boost: float = 0.0
    verdict_version: int = 0  # the reader's verdict on this pair (0: never judged), for the page's forms

    @property
    def ranking_score(self) -> float:
        return self.score + self.shortlist_boost


@dataclass(frozen=True, slots=True)
class StoredMatches:
    """The stored matches of one opportunity; ``ready`` is False while they are being computed."""

    opportunity_id: int
    results: list[MatchResult]
    ready: bool


@dataclass(frozen=True, slots=True)
class OpportunityMatches:
    """One of an organisation's opportunities with its explained matches."""

    opportunity: OpportunityView
    results: list[MatchResult] = field(default_factory=list)
    ready: bool = True


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
        self._config = config or RankingConfig()
        self._clock = clock or (lambda: datetime.now(UTC))
        self._engine_instance: MatchingEngine | None = None
        self._pruned = False
        self._loaded: dict[int, datetime] = {}
        self._generation: int | None = None  # of the index, when the engine was last brought up to date
        self._lock = threading.RLock()
        self._sync_lock = threading.Lock()  # one indexing run at a time (their writes would collide)
        # Called when a search finds the engine behind a large change (the worker reloads it).
        self.on_stale: Callable[[], None] | None = None
        # Called with the number of opportunities loaded after the engine took a change in (a server
        # process settles its memory after a large load: see ``kakehashi.app.settle_memory``).
        self.on_loaded: Callable[[int], None] | None = None
        self.last_match_report: MatchReport | None = None
        # Its own lock, never held while waiting for a connection: a request that holds one of the pool's
        # connections takes it, so a thread holding ``_lock`` while it waits for a connection could
        # otherwise wait forever on requests that wait for it (seen at 50 clients: the pool exhausted).
        self._views_lock = threading.Lock()
        self._anonymous_views: OrderedDict[tuple[int, datetime, datetime], OpportunityView] = OrderedDict()

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

    # -- indexing (worker, CLI; never a request) ------------------------------------------------------

    def sync(
        self,
        *,
        progress: Progress | None = None,
        rebuild: bool = False,
        rematch: bool = False,
        match_progress: Progress | None = None,
    ) -> SyncReport:
        """Embed what is missing or stale (everything with ``rebuild``), refresh the engine, and store the
        matches of every opportunity whose list changed (all of them with ``rebuild`` or ``rematch``; the
        latter without re-embedding: it realigns scores that drift with time, freshness and deadlines).

        Embedding holds only the sync lock, so searches keep being answered while a backlog is embedded.
        """
        with self._sync_lock:
            report = sync_vectors(self.database, self.embedder, progress=progress, rebuild=rebuild)
            with self._lock:
                self._refresh_engine(force=True)
            self.last_match_report = MatchIndexer(self.database, self._engine).update(
                full=rebuild or rematch, progress=match_progress
            )
            with self.database.session() as session:
                self._generation = generation(session, self.model_id)
        return report

    def embedding_split(self, *, size: int, busy: bool) -> list[IdRange]:
        """The ranges of ids (``size`` each) to embed as jobs of their own, so that several job workers
        share a backlog; none when nothing waits for a vector, or when at most ``size`` opportunities do
        and no range is being embedded (``busy``): the refresh then embeds them itself, as ``sync``."""
        with self.database.session() as session:
            ids = stale_ids(session, self.model_id)
        if not ids or (len(ids) <= size and not busy):
            return []
        return plan_ranges(ids, size=size)

    def embed_range(self, within: IdRange, *, progress: Progress | None = None) -> SyncReport:
        """Embed what is missing or stale among the ids ``within`` (one share of a backlog; no matching,
        no engine refresh: the refresh that follows does both)."""
        return sync_vectors(self.database, self.embedder, progress=progress, within=within)

    def engine_state(self) -> tuple[int | None, int]:
        """What this process's search engine has loaded (it moves with every reload, which a server
        process does in the background): answers that show search results or the index state depend on
        it as well as on the store (``kakehashi.web.page_cache`` keys on both)."""
        return (self._generation, len(self._loaded))

    def refresh_engine(self) -> None:
        """Bring this process's engine up to date with the stored vectors (the worker of a server process
        that does not index calls this when the index generation moves)."""
        with self._lock:
            self._refresh_engine(force=False)

    def _refresh_engine(self, *, force: bool) -> None:
        """Load what changed since the last look (nothing to do when the index generation is the same)."""
        with self.database.session() as session:
            current = generation(session, self.model_id)
            if not force and self._engine_instance is not None and current == self._generation:
                return
            rows = session.execute(
                select(Opportunity.id, Opportunity.updated_at).where(
                    Opportunity.status == Status.PUBLISHED.value
                )
            )
            published: dict[int, datetime] = {row.id: row.updated_at for row in rows}
            gone = [i for i in self._loaded if i not in published]
            changed = [i for i, version in published.items() if self._loaded.get(i) != version]
            self._prune_shared_index()
            self._engine.remove(gone)
            for i in gone:
                self._loaded.pop(i)
            for start in range(0, len(changed), 1000):
                self._load(session, changed[start : start + 1000])
            self._generation = current
        if changed and self.on_loaded is not None:
            self.on_loaded(len(changed))

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

    def _load(self, session: Session, ids: list[int]) -> None:
        rows = session.execute(
            select(Opportunity, OpportunityVector.vector, OpportunityVector.dim)
            .join(OpportunityVector, OpportunityVector.opportunity_id == Opportunity.id)
            .where(
                Opportunity.id.in_(ids),
                OpportunityVector.model_id == self.model_id,
                OpportunityVector.updated_at == Opportunity.updated_at,  # only current vectors
            )
        ).all()
        if not rows:
            return
        import numpy as np

        docs = [to_document(opp) for opp, _, _ in rows]
        vectors = np.stack([unpack(vector, dim) for _, vector, dim in rows])
        self._engine.add(docs, vectors)
        for opp, _, _ in rows:
            self._loaded[opp.id] = opp.updated_at

    def _search_engine(self) -> MatchingEngine:
        """The engine for a search. When the index moved (one primary-key read tells), a server process
        asks its worker to reload and answers from what the engine has meanwhile (counterparts that are
        no longer published are dropped from the answer anyway); without a worker (a command, a test)
        changes are loaded here. The very first load, with no worker to do it, happens here too."""
        if self._engine_instance is not None and self.on_stale is not None:
            # The generation is read before any lock is taken (see ``_views_lock``).
            with self.database.session() as session:
                current = generation(session, self.model_id)
            if current != self._generation:
                self.on_stale()
            return self._engine
        with self._lock:
            self._refresh_engine(force=False)
            return self._engine

    # -- reading stored matches (requests) -------------------------------------------------------------

    def opportunity_matches(
        self,
        actor: Actor,
        opportunity_id: int,
        *,
        locale: str,
        limit: int = 10,
        explain: bool = True,
        view: OpportunityView | None = None,
    ) -> StoredMatches:
        """The stored counterparts of an opportunity the actor may read, feedback applied.

        ``view`` is the opportunity as this actor already read it (a page has it): saves reading it again.
        """
        with self.database.session() as session:
            if view is None:
                view = profiles.get_opportunity(session, actor, opportunity_id)  # 404 when not readable
            if view.status != Status.PUBLISHED.value:
                return StoredMatches(opportunity_id, [], ready=True)
            ready = self._matched(session, [(view.id, view.updated_at)])
            lists = self._stored(session, actor, [view.id], locale=locale if explain else None, limit=limit)
        return StoredMatches(opportunity_id, lists.get(view.id, []), ready=bool(ready))

    def matches_for_opportunity(
        self, actor: Actor, opportunity_id: int, *, locale: str, limit: int = 10, explain: bool = True
    ) -> list[MatchResult]:
        """The best counterparts of an opportunity ([] until it is published and matched)."""
        return self.opportunity_matches(
            actor, opportunity_id, locale=locale, limit=limit, explain=explain
        ).results

    def organisation_matches(
        self, actor: Actor, organisation_id: int, *, locale: str, per_opportunity: int = 5
    ) -> list[OpportunityMatches]:
        """Each published opportunity of an organisation with its explained matches (members, staff)."""
        if not (actor.is_staff or actor.belongs_to(organisation_id)):
            raise PermissionDenied("Only the organisation's members and the agencies see its matches.")
        with self.database.session() as session:
            ours = session.scalars(
                select(Opportunity)
                .where(
                    Opportunity.organisation_id == organisation_id,
                    Opportunity.status == Status.PUBLISHED.value,
                )
                .order_by(Opportunity.id)
            ).all()
            ready = self._matched(session, [(o.id, o.updated_at) for o in ours])
            lists = self._stored(session, actor, [o.id for o in ours], locale=locale, limit=per_opportunity)
            return [
                OpportunityMatches(
                    opportunity=opportunity_view(o, actor),
                    results=lists.get(o.id, []),
                    ready=o.id in ready,
                )
                for o in ours
            ]

    def matches_for_organisation(
        self, actor: Actor, organisation_id: int, *, locale: str, limit: int = 10
    ) -> list[MatchResult]:
        """The best counterparts over an organisation's opportunities: each counterpart once, with the
        opportunity of ours it answers best (``source_id``), in ranking order."""
        best: dict[int, MatchResult] = {}
        for group in self.organisation_matches(actor, organisation_id, locale=locale, per_opportunity=10**6):
            for result in group.results:
                current = best.get(result.opportunity.id)
                if current is None or result.ranking_score > current.ranking_score:
                    best[result.opportunity.id] = result
        ordered = sorted(best.values(), key=lambda r: (-r.ranking_score, r.opportunity.id))
        return ordered[:limit]

    def _matched(self, session: Session, versions: Sequence[tuple[int, datetime]]) -> set[int]:
        """Which of the (opportunity id, version) pairs have their stored matches up to date."""
        if not versions:
            return set()
        rows = session.execute(
            select(
                OpportunityVector.opportunity_id,
                OpportunityVector.updated_at,
                OpportunityVector.matched_version,
            ).where(
                OpportunityVector.model_id == self.model_id,
                OpportunityVector.opportunity_id.in_([i for i, _ in versions]),
            )
        )
        wanted = dict(versions)
        return {
            row.opportunity_id
            for row in rows
            if row.updated_at == wanted[row.opportunity_id] and row.matched_version == row.updated_at
        }

    def _stored(
        self, session: Session, actor: Actor, source_ids: list[int], *, locale: str | None, limit: int
    ) -> dict[int, list[MatchResult]]:
        """The first ``limit`` stored matches of each of ``source_ids``, as ``actor`` may see them, in
        ranking order. Light rows first (the match, the target's status, deadline and versions); full
        records, which cost most, only for the matches shown and not already viewed anonymised."""
        if not source_ids:
            return {}
        today = self._clock().date()
        rows = session.execute(
            select(
                OpportunityMatch.source_id,
                OpportunityMatch.target_id,
                OpportunityMatch.score,
                OpportunityMatch.components,
                OpportunityMatch.explanation,
                Opportunity.organisation_id,
                Opportunity.updated_at.label("target_version"),
                Organisation.updated_at.label("organisation_version"),
            )
            .join(Opportunity, Opportunity.id == OpportunityMatch.target_id)
            .join(Organisation, Organisation.id == Opportunity.organisation_id)
            .where(
                OpportunityMatch.model_id == self.model_id,
                OpportunityMatch.source_id.in_(source_ids),
                Opportunity.status == Status.PUBLISHED.value,  # never show what is no longer public
                or_(Opportunity.deadline.is_(None), Opportunity.deadline >= today),
            )
            .order_by(OpportunityMatch.source_id, OpportunityMatch.rank)
        ).all()
        dismissed, shortlisted, verdict_versions = self._verdicts(session, actor, source_ids)
        boost = self._config.shortlist_boost
        chosen: dict[int, list[tuple[float, Any]]] = {}
        for row in rows:
            pair = (row.source_id, row.target_id)
            if pair not in dismissed:
                chosen.setdefault(row.source_id, []).append((boost if pair in shortlisted else 0.0, row))
        for source_id, candidates in chosen.items():
            # stable: equal ranking scores keep the stored order
            candidates.sort(key=lambda c: -(c[1].score + c[0]))
            chosen[source_id] = candidates[:limit]
        views = self._views(session, actor, [row for candidates in chosen.values() for _, row in candidates])
        return {
            source_id: [
                MatchResult(
                    opportunity=views[row.target_id],
                    score=row.score,
                    components=ScoreComponents(**row.components),
                    explanation=(
                        render_explanation(ExplanationData.from_json(row.explanation), locale=locale)
                        if locale is not None and row.explanation is not None
                        else None
                    ),
                    shortlisted=lift > 0,
                    source_id=source_id,
                    verdict_version=verdict_versions.get((source_id, row.target_id), 0),
                    shortlist_boost=lift,
                )
                for lift, row in candidates
            ]
            for source_id, candidates in chosen.items()
        }

    def _views(self, session: Session, actor: Actor, rows: Sequence[Any]) -> dict[int, OpportunityView]:
        """The counterparts as ``actor`` sees them. Anonymised views are the same for every reader who
        is neither staff nor of the posting organisation, so they are kept, keyed by the versions of the
        opportunity and of its organisation (any change to either makes a new key)."""
        views: dict[int, OpportunityView] = {}
        missing: set[int] = set()
        for row in rows:
            key = _anonymous_key(actor, row)
            cached = self._anonymous_views.get(key) if key is not None else None
            if cached is not None:
                views[row.target_id] = cached
            else:
                missing.add(row.target_id)
        if not missing:
            return views
        versions = {row.target_id: row for row in rows}
        for target in session.scalars(select(Opportunity).where(Opportunity.id.in_(sorted(missing)))):
            view = opportunity_view(target, actor)
            views[target.id] = view
            key = _anonymous_key(actor, versions[target.id])
            if key is not None and view.anonymised:
                with self._views_lock:
                    self._anonymous_views[key] = view
                    if len(self._anonymous_views) > ANONYMOUS_VIEW_CACHE:
                        self._anonymous_views.popitem(last=False)
        return views

    def _verdicts(
        self, session: Session, actor: Actor, source_ids: list[int]
    ) -> tuple[set[tuple[int, int]], set[tuple[int, int]], dict[tuple[int, int], int]]:
        owner = _owner_key(actor)
        if owner is None:
            return set(), set(), {}
        rows = session.execute(
            select(
                MatchFeedback.source_id, MatchFeedback.target_id, MatchFeedback.verdict, MatchFeedback.version
            ).where(MatchFeedback.owner_key == owner, MatchFeedback.source_id.in_(source_ids))
        ).all()
        dismissed = {(r.source_id, r.target_id) for r in rows if r.verdict == "dismissed"}
        shortlisted = {(r.source_id, r.target_id) for r in rows if r.verdict == "shortlisted"}
        return dismissed, shortlisted, {(r.source_id, r.target_id): r.version for r in rows}

    # -- free-text search ------------------------------------------------------------------------------

    def index_state(self) -> IndexState:
        """Whether answers cover the whole catalogue: published opportunities not yet in this process's
        engine (not indexed yet, or changed since) are pending. Two aggregates on the opportunities, no
        join: a new opportunity counts one, an edited one at least one until the indexer has seen it."""
        self._search_engine()  # loaded (once per process) from the stored vectors, as a search would
        with self.database.session() as session:
            count, newest = session.execute(
                select(func.count(), func.max(Opportunity.updated_at)).where(
                    Opportunity.status == Status.PUBLISHED.value
                )
            ).one()
        with self._lock:
            loaded = len(self._loaded)
            loaded_newest = max(self._loaded.values(), default=None)
        pending = max(int(count) - loaded, 0)
        if pending == 0 and newest is not None and (loaded_newest is None or newest > loaded_newest):
            pending = 1
        return IndexState(complete=pending == 0, pending=pending)

    def search(
        self,
        actor: Actor,
        text: str,
        *,
        locale: str,
        types: frozenset[str] = frozenset(),
        sectors: frozenset[str] = frozenset(),
        countries: frozenset[str] = frozenset(),
        languages: frozenset[str] = frozenset(),
        limit: int = 20,
    ) -> list[MatchResult]:
        """Free-text partner search, in any of the three languages, over published opportunities."""
        if not 1 <= limit <= MAX_SEARCH_RESULTS:
            raise ValidationFailed(
                "A search returns at most %(max)s results.",
                problems=[FieldProblem("limit", "out of range")],
                params={"max": MAX_SEARCH_RESULTS},
            )
        del locale  # search results carry no explanation
        filters = SearchFilters(types=types, sectors=sectors, countries=countries, languages=languages)
        matches = self.ranked_search(text, filters=filters)[:limit]
        return self._results(actor, matches)

    def ranked_search(self, text: str, *, filters: SearchFilters) -> list[Match]:
        """Every published opportunity the search retrieves, best first (at most MAX_SEARCH_RESULTS).

        Only the query is embedded; documents were embedded when indexed. Nothing here reveals who posted
        an opportunity: the indexed text is its title, description and keywords, never the organisation.
        """
        if not text.strip():
            raise ValidationFailed("Type what you are looking for.", problems=[FieldProblem("q", "is empty")])
        if len(text) > 2000:
            raise ValidationFailed(
                "The search is too long.", problems=[FieldProblem("q", "over 2000 characters")]
            )
        engine = self._search_engine()
        return engine.search(text, filters=filters)[:MAX_SEARCH_RESULTS]

    def verdict_state(self, actor: Actor, source_id: int, target_id: int) -> VerdictState:
        """The reader's verdict on one pair and its version (0 and no verdict: never judged)."""
        with self.database.session() as session:
            owner = self._judge(session, actor, source_id, target_id)
            row = self._feedback_row(session, owner, source_id, target_id)
            if row is None:
                return VerdictState(verdict=None, version=0)
            return VerdictState(verdict=row.verdict or None, version=row.version)

    def record_feedback(
        self,
        actor: Actor,
        source_id: int,
        target_id: int,
        verdict: Verdict | None,
        *,
        expected_version: int | None = None,
    ) -> VerdictState:
        """Shortlist or dismiss a suggested counterpart (``None`` clears the verdict).

        A verdict has a version like every mutable record: ``expected_version`` (the ETag or the page's
        hidden field; 0 for a pair never judged) is checked, and the write itself is conditional (an UPDATE
        on the version read, or an INSERT that the unique constraint lets only one writer make), so two
        concurrent writers cannot both win. Clearing keeps the row (verdict ``""``), so the version never
        starts again at 1 and an old ETag can never match a newer verdict.
        """
        if verdict is not None and verdict not in VERDICTS:
            raise ValidationFailed(
                "Unknown verdict.", problems=[FieldProblem("verdict", "shortlisted or dismissed")]
            )
        try:
            return self._write_feedback(actor, source_id, target_id, verdict, expected_version)
        except IntegrityError:
            # Another request of the same organisation judged the same pair for the first time meanwhile.
            raise StaleVersion(
                "The record was changed by someone else meanwhile; nothing was written. Read it and try again."
            ) from None

    def _judge(self, session: Session, actor: Actor, source_id: int, target_id: int) -> str:
        """The feedback owner of an actor who may judge the pair's matches (else PermissionDenied)."""
        owner = _owner_key(actor)
        source = profiles.get_opportunity(session, actor, source_id)
        profiles.get_opportunity(session, actor, target_id)
        if owner is None or not (actor.is_staff or actor.belongs_to(_organisation_of(session, source.id))):
            raise PermissionDenied("Only the opportunity's organisation and the agencies judge its matches.")
        return owner

    @staticmethod
    def _feedback_row(session: Session, owner: str, source_id: int, target_id: int) -> MatchFeedback | None:
        return session.scalar(
            select(MatchFeedback).where(
                MatchFeedback.owner_key == owner,
                MatchFeedback.source_id == source_id,
                MatchFeedback.target_id == target_id,
            )
        )

    def _write_feedback(
        self,
        actor: Actor,
        source_id: int,
        target_id: int,
        verdict: Verdict | None,
        expected_version: int | None,
    ) -> VerdictState:
        with self.database.session() as session:
            owner = self._judge(session, actor, source_id, target_id)
            row = self._feedback_row(session, owner, source_id, target_id)
            require_version(row.version if row is not None else 0, expected_version)
            if row is None:
                if verdict is None:
                    return VerdictState(verdict=None, version=0)
                row = MatchFeedback(
                    owner_key=owner, source_id=source_id, target_id=target_id, verdict=verdict
                )
                session.add(row)
            else:
                row.verdict = verdict or ""
                # Always an UPDATE on the version read, even when the verdict is the same: a repeated
                # verdict must not be acknowledged while a concurrent writer changes it.
                flag_modified(row, "verdict")
            flush_versioned(session)
            return VerdictState(verdict=row.verdict or None, version=row.version)

    # -- helpers -------------------------------------------------------------------------------------

    def _results(self, actor: Actor, matches: list[Match]) -> list[MatchResult]:
        if not matches:
            return []
        with self.database.session() as session:
            rows = session.execute(
                select(
                    Opportunity.id.label("target_id"),
                    Opportunity.organisation_id,
                    Opportunity.updated_at.label("target_version"),
                    Organisation.updated_at.label("organisation_version"),
                )
                .join(Organisation, Organisation.id == Opportunity.organisation_id)
                .where(
                    Opportunity.id.in_([m.target_id for m in matches]),
                    # changed since the engine last looked: never show what is no longer public
                    Opportunity.status == Status.PUBLISHED.value,
                )
            ).all()
            views = self._views(session, actor, rows)
        return [
            MatchResult(
                opportunity=views[match.target_id],
                score=match.score,
                components=match.components,
                explanation=None,
                shortlisted=match.shortlisted,
            )
            for match in matches
            if match.target_id in views
        ]


def _anonymous_key(actor: Actor, row: Any) -> tuple[int, datetime, datetime] | None:
    """The cache key of an anonymised counterpart view, or None when ``actor`` sees who posted it."""
    if sees_identity(actor, row.organisation_id):
        return None
    return (row.target_id, row.target_version, row.organisation_version)


def _owner_key(actor: Actor) -> str | None:
    if actor.is_staff and actor.user_id is not None:
        return f"user:{actor.user_id}"
    if actor.organisation_id is not None:
        return f"org:{actor.organisation_id}"
    return None


def _organisation_of(session: Session, opportunity_id: int) -> int | None:
    return session.scalar(select(Opportunity.organisation_id).where(Opportunity.id == opportunity_id))
