"""The in-process matching engine: documents, vectors, the dense and lexical indexes of one model.

It answers matches for an opportunity, for an organisation (aggregating its opportunities) and free-text
search in any language, caches the answers and drops the cache on every change. It does no SQL: the
store layer feeds it ``MatchDocument`` values (and stored vectors, if it has them) and asks it questions.
"""

from __future__ import annotations

import functools
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable, Iterable, Sequence
from datetime import UTC, datetime
from typing import Any, TypeVar, cast

import numpy as np
from numpy.typing import NDArray

from kakehashi.errors import FieldProblem, NotFound, ValidationFailed
from kakehashi.language import Language, detect_language, tokenize
from kakehashi.matching.bulk import Columns, Ranked, build_columns, matches_of, rank_source
from kakehashi.matching.documents import Feedback, Match, MatchDocument, embedding_role
from kakehashi.matching.embed import Role
from kakehashi.matching.explain import Explanation, SupportsEmbed, explain_match
from kakehashi.matching.glossary import GLOSSARY, concepts_of
from kakehashi.matching.index import AdaptiveIndex, ExactIndex, VectorIndex, check_ids, check_vectors
from kakehashi.matching.lexical import Bm25Index
from kakehashi.matching.parallel import map_batches
from kakehashi.matching.rank import (
    Candidate,
    RankingConfig,
    SearchFilters,
    aggregate_for_organisation,
    fuse_rrf,
    is_eligible,
    normalise_lexical,
    rank_for_document,
    rank_search,
)

Tokenizer = Callable[[str, str], list[str]]
QUERY_VECTOR_CACHE = 512  # query embeddings kept: each costs a model call of several milliseconds
LanguageDetector = Callable[[str], str]


def _default_tokenizer(text: str, language: str) -> list[str]:
    return tokenize(text, check_language(language))  # Sudachi for ja, stemmers for it/en


def _default_detector(text: str) -> str:
    return str(detect_language(text))


def check_language(language: str) -> Language:
    if language not in ("it", "ja", "en"):
        raise ValidationFailed(
            "Unknown language", problems=[FieldProblem("language", "must be it, ja or en")]
        )
    return cast(Language, language)


def glossary_expansion(text: str) -> list[tuple[str, str]]:
    """(form, language) of every glossary form of the concepts ``text`` mentions, for lexical recall
    across languages: a Japanese 半導体 query also looks for "semiconduttori" and "semiconductors"."""
    return [
        (form, language)
        for concept in sorted(concepts_of(text.lower()))
        for language, forms in GLOSSARY[concept].items()
        for form in forms
    ]


_Method = TypeVar("_Method", bound=Callable[..., Any])


def _locked(method: _Method) -> _Method:
    """Run under the engine's lock: the API serves requests from several threads."""

    @functools.wraps(method)
    def wrapper(self: MatchingEngine, *args: Any, **kwargs: Any) -> Any:
        with self._lock:
            return method(self, *args, **kwargs)

    return cast(_Method, wrapper)


def embed_documents(embedder: SupportsEmbed, docs: Sequence[MatchDocument]) -> NDArray[np.float32]:
    """Needs are embedded as queries, offers as passages (e5's convention), rows in input order."""
    out = np.empty((len(docs), embedder.dim), dtype=np.float32)
    roles: tuple[Role, Role] = ("query", "passage")
    for role in roles:
        rows = [i for i, d in enumerate(docs) if embedding_role(d.type) == role]
        if rows:
            out[rows] = embedder.embed(
                [docs[i].text() for i in rows],
                role=role,
                languages=[check_language(docs[i].language) for i in rows],
            )
    return out


class MatchingEngine:
    """Holds one model's catalogue and answers matching questions about it."""

    def __init__(
        self,
        *,
        embedder: SupportsEmbed,
        index: VectorIndex | None = None,
        tokenizer: Tokenizer | None = None,
        detect_language: LanguageDetector | None = None,
        config: RankingConfig | None = None,
        clock: Callable[[], datetime] | None = None,
        cache_size: int = 4096,
    ) -> None:
        self.embedder = embedder
        self.config = config or RankingConfig()
        self._index: VectorIndex = (
            index if index is not None else AdaptiveIndex(model_id=embedder.model_id, dim=embedder.dim)
        )
        if self._index.model_id != embedder.model_id:
            raise ValidationFailed(
                "Index and embedder disagree",
                problems=[
                    FieldProblem(
                        "model_id",
                        "index %(index)s, embedder %(embedder)s",
                        params={"index": repr(self._index.model_id), "embedder": repr(embedder.model_id)},
                    )
                ],
            )
        self._table = ExactIndex(model_id=embedder.model_id, dim=embedder.dim)  # the vectors, by id
        self._lexical = Bm25Index()
        self._tokenize = tokenizer or _default_tokenizer
        self._detect = detect_language or _default_detector
        self._clock = clock or (lambda: datetime.now(UTC))
        self._docs: dict[int, MatchDocument] = {}
        self._query_tokens_of: dict[int, list[str]] = {}  # tokenising is the costly part of BM25
        self._by_org: dict[int, set[int]] = {}
        self._cache: OrderedDict[Hashable, list[Match]] = OrderedDict()
        self._query_vectors: OrderedDict[tuple[str, str], NDArray[np.float32]] = OrderedDict()
        self._cache_size = cache_size
        self._lock = threading.RLock()

    # -- catalogue ---------------------------------------------------------------------------------

    @property
    def model_id(self) -> str:
        return self.embedder.model_id

    @property
    def index(self) -> VectorIndex:
        """The dense index this engine searches (in-process, or pgvector's in PostgreSQL)."""
        return self._index

    def __len__(self) -> int:
        return len(self._docs)

    @_locked
    def ids(self) -> list[int]:
        return sorted(self._docs)

    def document(self, doc_id: int) -> MatchDocument:
        doc = self._docs.get(doc_id)
        if doc is None:
            raise NotFound("Opportunity %(id)s is not in the matching index.", params={"id": doc_id})
        return doc

    @_locked
    def add(self, docs: Sequence[MatchDocument], vectors: NDArray[np.float32] | None = None) -> None:
        """Add or replace documents; embeds them (role by type) unless their vectors are given."""
        if not docs:
            return
        # Everything that can fail (embedding, tokenising, validating the vectors) happens before the
        # first change, so a bad batch leaves the engine as it was.
        for doc in docs:
            check_language(doc.language)
        if vectors is None:
            vectors = self.embed_documents(docs)
        ids = [d.id for d in docs]
        vectors = check_vectors(vectors, dim=self.embedder.dim)
        check_ids(ids, count=vectors.shape[0])
        tokens = [self._tokenize(d.text(), d.language) for d in docs]
        self._index.add(ids, vectors, model_id=self.model_id)
        self._table.add(ids, vectors, model_id=self.model_id)
        for doc, doc_tokens in zip(docs, tokens, strict=True):
            self._forget(doc.id)
            self._docs[doc.id] = doc
            self._by_org.setdefault(doc.organisation_id, set()).add(doc.id)
            self._lexical.add(doc.id, doc_tokens)
            self._query_tokens_of[doc.id] = doc_tokens + self._glossary_tokens(doc.text())
        self._cache.clear()

    @_locked
    def remove(self, doc_ids: Iterable[int]) -> None:
        present = [i for i in doc_ids if i in self._docs]
        self._index.remove(present)
        self._table.remove(present)
        self._lexical.remove(present)
        for doc_id in present:
            self._forget(doc_id)
        self._cache.clear()

    def embed_documents(self, docs: Sequence[MatchDocument]) -> NDArray[np.float32]:
        return embed_documents(self.embedder, docs)

    def _forget(self, doc_id: int) -> None:
        old = self._docs.pop(doc_id, None)
        self._query_tokens_of.pop(doc_id, None)
        if old is not None:
            self._by_org.get(old.organisation_id, set()).discard(doc_id)

    # -- questions ---------------------------------------------------------------------------------

    def matches_for(
        self, doc_id: int, *, feedback: Feedback | None = None, now: datetime | None = None
    ) -> list[Match]:
        """The ranked counterparts of one opportunity."""
        source = self.document(doc_id)
        when = now or self._now()
        fb = feedback or Feedback()
        key = ("doc", doc_id, when, fb)
        return self._cached(key, lambda: self._rank_document(source, when, fb))

    def matches_for_organisation(
        self, organisation_id: int, *, feedback: Feedback | None = None, now: datetime | None = None
    ) -> list[Match]:
        """The best counterparts over all opportunities of an organisation."""
        when = now or self._now()
        fb = feedback or Feedback()
        doc_ids = sorted(self._by_org.get(organisation_id, ()))
        key = ("org", organisation_id, when, fb)

        def compute() -> list[Match]:
            per_doc = [self.matches_for(i, feedback=fb, now=when) for i in doc_ids]
            return aggregate_for_organisation(
                per_doc, config=self.config, vectors=self._lookup({m.target_id for ms in per_doc for m in ms})
            )

        return self._cached(key, compute)

    def search(
        self, text: str, *, filters: SearchFilters | None = None, now: datetime | None = None
    ) -> list[Match]:
        """Free-text partner search in any language (embedded with the query role)."""
        if not text.strip():
            raise ValidationFailed("Empty search", problems=[FieldProblem("q", "must not be empty")])
        when = now or self._now()
        flt = filters or SearchFilters()
        key = ("search", text, when, flt)

        def compute() -> list[Match]:
            language = check_language(self._detect(text))
            vector = self._query_vector(text, language)
            tokens = self._query_tokens(text, language)
            candidates = self._retrieve(vector, tokens, keep=flt.accepts)
            return rank_search(
                candidates,
                now=when,
                config=self.config,
                filters=flt,
                vectors=self._lookup({c.doc.id for c in candidates}),
            )

        return self._cached(key, compute)

    def neighbours(self, doc_id: int, *, now: datetime | None = None) -> set[int]:
        """The documents whose lists ``doc_id`` may enter: those its own retrieval finds and for which it
        is an eligible counterpart (retrieval is symmetric but for the lexical part, so this is the set an
        incremental re-match recomputes, with the lists that already hold ``doc_id``)."""
        source = self.document(doc_id)
        when = now or self._now()
        vector = self._table.vectors_of([doc_id])[0]

        def keep(doc: MatchDocument) -> bool:
            return is_eligible(doc, source, when, self.config)

        with self._lock:
            candidates = self._retrieve(vector, self._query_tokens_of[doc_id], keep=keep)
        return {c.doc.id for c in candidates}

    def _query_vector(self, text: str, language: Language) -> NDArray[np.float32]:
        """The query's embedding; the last few hundred are kept (they do not change with the catalogue,
        unlike the answers cached by ``_cached``), so a repeated query costs no model call."""
        key = (text, language)
        with self._lock:
            vector = self._query_vectors.get(key)
            if vector is not None:
                self._query_vectors.move_to_end(key)
                return vector
        vector = np.asarray(
            self.embedder.embed([text], role="query", languages=[language])[0], dtype=np.float32
        )
        with self._lock:
            self._query_vectors[key] = vector
            if len(self._query_vectors) > QUERY_VECTOR_CACHE:
                self._query_vectors.popitem(last=False)
        return vector

    def explain(self, source_id: int, target_id: int, *, locale: str) -> Explanation:
        return explain_match(
            self.document(source_id), self.document(target_id), embedder=self.embedder, locale=locale
        )

    @_locked
    def rematch_all(
        self,
        *,
        now: datetime | None = None,
        batch: int = 512,
        progress: Callable[[int, int], None] | None = None,
        workers: int = 1,
    ) -> dict[int, list[Match]]:
        """Matches of every opportunity, as ``matches_for`` gives them without feedback; for rebuilds
        and benchmarks. Dense search in batches, then the ranking in numpy over each candidate pool
        (``bulk.rank_source``): the same result as ranking one by one, at a fraction of the cost.
        ``workers`` > 1 ranks the batches in that many forked processes: only from a process that runs
        no other threads (a command or a job, not the API server)."""
        when = now or self._now()
        ids = sorted(self._docs)
        columns = build_columns(
            [self._docs[i] for i in ids], self._table.vectors_of(ids), now=when, config=self.config
        )
        result: dict[int, list[Match]] = {}
        if columns is None:  # more distinct sectors than the bulk ranking handles: one by one
            for done, doc_id in enumerate(ids, start=1):
                result[doc_id] = self._rank_document(self._docs[doc_id], when, Feedback())
                if progress is not None and (done % batch == 0 or done == len(ids)):
                    progress(done, len(ids))
            return result
        job = functools.partial(self._rank_rows, columns)
        for ranked_batch in map_batches(job, len(ids), batch=batch, workers=workers):
            for ranked in ranked_batch:
                result[ids[ranked.source]] = matches_of(columns, ranked)
            if progress is not None:
                progress(ranked_batch[-1].source + 1, len(ids))
        return result

    def _rank_rows(self, columns: Columns, start: int, stop: int) -> list[Ranked]:
        """The ranked matches of the documents at rows ``start:stop`` (runs in a worker process)."""
        pool = self.config.candidate_pool
        hits = self._index.search_many(columns.vectors[start:stop], pool, model_id=self.model_id)
        no_hits = (np.empty(0, dtype=np.int64), np.empty(0, dtype=np.float64))
        ranked: list[Ranked] = []
        for row, dense in zip(range(start, stop), hits, strict=True):
            tokens = self._query_tokens_of[int(columns.ids[row])]
            lexical_ids, lexical_scores = self._lexical.search_arrays(tokens, pool) if tokens else no_hits
            ranked.append(
                rank_source(columns, row, dense.ids, lexical_ids, lexical_scores, config=self.config)
            )
        return ranked

    # -- internals ---------------------------------------------------------------------------------

    def _now(self) -> datetime:
        # Truncated to the hour so that cached answers are reused; freshness moves slowly anyway.
        return self._clock().replace(minute=0, second=0, microsecond=0)

    @_locked
    def _cached(self, key: Hashable, compute: Callable[[], list[Match]]) -> list[Match]:
        if key in self._cache:
            self._cache.move_to_end(key)
            return list(self._cache[key])
        value = compute()
        self._cache[key] = value
        if len(self._cache) > self._cache_size:
            self._cache.popitem(last=False)
        return list(value)

    def _rank_document(self, source: MatchDocument, now: datetime, feedback: Feedback) -> list[Match]:
        vector = self._table.vectors_of([source.id])[0]
        tokens = self._query_tokens_of[source.id]
        candidates = self._retrieve(vector, tokens, keep=self._eligible_for(source, now))
        wanted = {c.doc.id for c in candidates} | set(feedback.shortlisted_for(source.id))
        return rank_for_document(
            source, candidates, now=now, config=self.config, feedback=feedback, vectors=self._lookup(wanted)
        )

    def _eligible_for(self, source: MatchDocument, now: datetime) -> Callable[[MatchDocument], bool]:
        def keep(doc: MatchDocument) -> bool:
            return is_eligible(source, doc, now, self.config)

        return keep

    def _retrieve(
        self, vector: NDArray[np.float32], tokens: list[str], *, keep: Callable[[MatchDocument], bool]
    ) -> list[Candidate]:
        if not self._docs:
            return []
        dense = self._index.search(vector, self.config.candidate_pool, model_id=self.model_id).pairs()
        return self._candidates(vector, dense, tokens, keep=keep)

    def _candidates(
        self,
        vector: NDArray[np.float32],
        dense: list[tuple[int, float]],
        tokens: list[str],
        *,
        keep: Callable[[MatchDocument], bool],
    ) -> list[Candidate]:
        """Fused dense + lexical hits that ``keep`` accepts (the hard rules, applied before the costly
        part: exact cosines and candidate records)."""
        # An index shared with other processes (pgvector) may know ids this engine has not loaded yet.
        dense = [(doc_id, score) for doc_id, score in dense if doc_id in self._docs]
        lexical = self._lexical.search(tokens, self.config.candidate_pool) if tokens else []
        fused = fuse_rrf(dense, lexical, k=self.config.rrf_k, lexical_weight=self.config.rrf_lexical_weight)
        chosen = [doc_id for doc_id, _ in fused[: 2 * self.config.candidate_pool] if keep(self._docs[doc_id])]
        chosen = chosen[: self.config.candidate_pool]
        if not chosen:
            return []
        semantic = self._table.vectors_of(chosen) @ vector  # exact cosines, also for lexical-only hits
        lexical_norm = normalise_lexical(dict(lexical))
        return [
            Candidate(doc=self._docs[doc_id], semantic=float(sim), lexical=lexical_norm.get(doc_id, 0.0))
            for doc_id, sim in zip(chosen, semantic.tolist(), strict=True)
        ]

    def _query_tokens(self, text: str, language: str) -> list[str]:
        return self._tokenize(text, language) + self._glossary_tokens(text)

    def _glossary_tokens(self, text: str) -> list[str]:
        tokens: list[str] = []
        for form, form_language in glossary_expansion(text):
            tokens.extend(self._tokenize(form, form_language))
        return tokens

    def _lookup(self, ids: Iterable[int]) -> dict[int, NDArray[np.float32]]:
        present = [i for i in ids if i in self._table]
        if not present:
            return {}
        return dict(zip(present, self._table.vectors_of(present), strict=True))
