"""The ranking of ``rank.py`` for many sources at once, in numpy (pure: no I/O, ``now`` is passed in).

A full re-match ranks every opportunity against a pool of a few hundred retrieved candidates. Done with
one record per candidate, as ``rank_for_document`` does, that is Python work per pair (eligibility, two
directional scores, a ``Match``), several milliseconds per opportunity. Here every document's attributes
are columns, computed once per re-match (freshness, deadline, type, country, TRL and sector codes), the
hard rules are masks over the candidate rows and the score components are array operations; records are
built only for the ``top_k`` matches that survive diversification.

The result is the same as ``rank_for_document`` with no feedback, to the bit: the per-document values come
from ``rank.py``'s own functions, the per-pair ones repeat its arithmetic in the same order, and the
diversification is the same code (``diversify_order``). ``tests/matching/test_bulk.py`` checks it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

import numpy as np
from numpy.typing import NDArray

from kakehashi.matching.documents import (
    COMPLEMENTARY,
    Match,
    MatchDocument,
    ScoreComponents,
)
from kakehashi.matching.rank import RankingConfig, diversify_order, freshness, trl_fit

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]
_MAX_SECTORS = 64  # sector sets are bit masks of one uint64


@dataclass(frozen=True)
class Columns:
    """Every document of a catalogue as arrays, rows in ascending id order."""

    docs: tuple[MatchDocument, ...]
    ids: IntArray
    organisation: IntArray
    type_code: IntArray
    country_code: IntArray
    expired: NDArray[np.bool_]
    freshness: FloatArray
    trl_code: IntArray
    sector_mask: NDArray[np.uint64]
    sector_count: IntArray
    vectors: NDArray[np.float32]
    complementary: NDArray[np.bool_]  # [source type, target type]
    trl_table: FloatArray  # [of type, by type, of TRL code, by TRL code] = trl_fit(of, by)

    row_of_id: IntArray | None  # row of each id up to the largest (-1 where none), when ids are dense

    def rows_of(self, ids: IntArray) -> tuple[IntArray, NDArray[np.bool_]]:
        """Rows of ``ids`` and which of them are in the catalogue (the others' rows are meaningless)."""
        if self.row_of_id is None:
            rows = np.searchsorted(self.ids, ids)
            found = rows < self.ids.shape[0]
            found[found] = self.ids[rows[found]] == ids[found]
            return np.where(found, rows, 0), found
        inside = ids < self.row_of_id.shape[0]
        rows = np.where(inside, self.row_of_id[np.where(inside, ids, 0)], -1)
        found = rows >= 0
        return np.where(found, rows, 0), found


def build_columns(
    docs: Sequence[MatchDocument], vectors: NDArray[np.float32], *, now: datetime, config: RankingConfig
) -> Columns | None:
    """Columns of ``docs`` (sorted by id; ``vectors`` in the same order), or None when the catalogue
    names more distinct sectors than a bit mask holds (the caller then ranks one by one)."""
    sector_bit: dict[str, int] = {}
    for doc in docs:
        for sector in doc.sectors:
            sector_bit.setdefault(sector, len(sector_bit))
    if len(sector_bit) > _MAX_SECTORS:
        return None
    types = sorted({d.type for d in docs})
    type_of = {t: i for i, t in enumerate(types)}
    countries = {c: i for i, c in enumerate(sorted({d.country for d in docs}))}
    trls: list[int | None] = [None, *sorted({d.trl for d in docs if d.trl is not None})]
    trl_of = {t: i for i, t in enumerate(trls)}
    masks = [sum(1 << sector_bit[s] for s in set(d.sectors)) for d in docs]
    today = now.date()
    ids = np.fromiter((d.id for d in docs), dtype=np.int64, count=len(docs))
    row_of_id = None
    if len(docs) and int(ids.max()) < 4 * len(docs) + 1_000_000:  # store ids: dense enough for a table
        row_of_id = np.full(int(ids.max()) + 1, -1, dtype=np.int64)
        row_of_id[ids] = np.arange(len(docs))
    return Columns(
        docs=tuple(docs),
        ids=ids,
        row_of_id=row_of_id,
        organisation=np.fromiter((d.organisation_id for d in docs), dtype=np.int64, count=len(docs)),
        type_code=np.fromiter((type_of[d.type] for d in docs), dtype=np.int64, count=len(docs)),
        country_code=np.fromiter((countries[d.country] for d in docs), dtype=np.int64, count=len(docs)),
        expired=np.fromiter(
            (d.deadline is not None and d.deadline < today for d in docs), dtype=bool, count=len(docs)
        ),
        freshness=np.fromiter((freshness(d, now, config) for d in docs), dtype=np.float64, count=len(docs)),
        trl_code=np.fromiter((trl_of[d.trl] for d in docs), dtype=np.int64, count=len(docs)),
        sector_mask=np.array(masks, dtype=np.uint64),
        sector_count=np.array([m.bit_count() for m in masks], dtype=np.int64),
        vectors=np.ascontiguousarray(vectors, dtype=np.float32),
        complementary=np.array([[(a, b) in COMPLEMENTARY for b in types] for a in types], dtype=bool),
        trl_table=_trl_table(types, trls, config),
    )


def _trl_table(types: list[str], trls: list[int | None], config: RankingConfig) -> FloatArray:
    """``trl_fit`` for every (type, type, TRL, TRL), from the function itself: a handful of values."""

    def probe(kind: str, trl: int | None) -> MatchDocument:
        return MatchDocument(
            id=0, organisation_id=0, country="", type=kind, language="en", title="", description="", trl=trl
        )

    table = np.empty((len(types), len(types), len(trls), len(trls)), dtype=np.float64)
    for a, type_a in enumerate(types):
        for b, type_b in enumerate(types):
            for i, trl_a in enumerate(trls):
                for j, trl_b in enumerate(trls):
                    table[a, b, i, j] = trl_fit(probe(type_a, trl_a), probe(type_b, trl_b), config)
    return table


# Columns of ``Ranked.values``: everything a Match needs beyond the columns of its two documents.
_SCORE, _SEMANTIC, _LEXICAL, _DIRECTION, _TRL_F, _TRL_B, _FORWARD, _BACKWARD, _SECTORS = range(9)


@dataclass(frozen=True)
class Ranked:
    """The ranked matches of one source as arrays (cheap to send from a worker process)."""

    source: int  # row
    targets: IntArray  # rows, best first
    values: FloatArray  # (len(targets), 9), see the column constants above


def rank_source(
    columns: Columns,
    source: int,
    dense_ids: IntArray,
    lexical_ids: IntArray,
    lexical_scores: FloatArray,
    *,
    config: RankingConfig,
) -> Ranked:
    """``rank_for_document`` (no feedback) of the document at row ``source``, from its dense hits (ids,
    best first) and BM25 hits (ids and scores, best first), as the engine's ``_candidates`` fuses them."""
    targets, lexical = _fused_candidates(columns, source, dense_ids, lexical_ids, lexical_scores, config)
    none = Ranked(source=source, targets=np.empty(0, dtype=np.int64), values=np.empty((0, 9)))
    if targets.shape[0] == 0:
        return none
    c = columns
    semantic = (c.vectors[targets] @ c.vectors[source]).astype(np.float64)  # exact cosines, as float()
    forward, backward, trl_f, trl_b = _directional_scores(c, source, targets, semantic, lexical, config)
    factor = _direction_factors(c, source, targets, config)
    harmonic = np.zeros_like(forward)
    both = (forward > 0) & (backward > 0)
    f, b = forward[both], backward[both]
    harmonic[both] = 2 * f * b / (f + b)
    score = harmonic * factor * 1.0  # * complementarity: every eligible pair is complementary
    positive = np.flatnonzero(score > 0)
    if positive.shape[0] == 0:
        return none
    pool = positive[np.lexsort((c.ids[targets[positive]], -score[positive]))]  # best first, ties by id
    use_mmr = config.mmr_lambda < 1.0
    picks = diversify_order(
        score[pool],
        c.organisation[targets[pool]].tolist(),
        exempt=None,
        matrix=c.vectors[targets[pool]] if use_mmr else None,
        config=config,
    )
    chosen = pool[picks]
    rows = targets[chosen]
    values = np.stack(
        [
            score[chosen],
            semantic[chosen],
            lexical[chosen],
            factor[chosen],
            trl_f[chosen],
            trl_b[chosen],
            forward[chosen],
            backward[chosen],
            _jaccard(c, source, rows),
        ],
        axis=1,
    )
    return Ranked(source=source, targets=rows, values=values)


def matches_of(columns: Columns, ranked: Ranked) -> list[Match]:
    """The ``Match`` records of ``rank_source``'s arrays."""
    c, rows = columns, ranked.targets
    source_id = int(c.ids[ranked.source])
    fresh_source = float(c.freshness[ranked.source])
    return [
        Match(
            source_id=source_id,
            target_id=target_id,
            organisation_id=organisation,
            score=v[_SCORE],
            components=ScoreComponents(
                semantic=v[_SEMANTIC],
                lexical=v[_LEXICAL],
                complementarity=1.0,
                sectors=v[_SECTORS],
                direction=v[_DIRECTION],
                freshness_forward=fresh,
                freshness_backward=fresh_source,
                trl_forward=v[_TRL_F],
                trl_backward=v[_TRL_B],
                forward=v[_FORWARD],
                backward=v[_BACKWARD],
                feedback=0.0,
            ),
        )
        for target_id, organisation, fresh, v in zip(
            c.ids[rows].tolist(),
            c.organisation[rows].tolist(),
            c.freshness[rows].tolist(),
            ranked.values.tolist(),
            strict=True,
        )
    ]


def _fused_candidates(
    c: Columns,
    source: int,
    dense_ids: IntArray,
    lexical_ids: IntArray,
    lexical_scores: FloatArray,
    config: RankingConfig,
) -> tuple[IntArray, FloatArray]:
    """Rows of the eligible candidates (``fuse_rrf`` order, at most ``candidate_pool`` of the first
    2 x ``candidate_pool``) and their normalised lexical scores (``normalise_lexical``)."""
    dense_rows, found = c.rows_of(dense_ids)
    dense_rows = dense_rows[found]  # an index shared with other processes may know other ids
    lexical_rows, lexical_found = c.rows_of(lexical_ids)
    lexical_rows = lexical_rows[lexical_found]
    lexical_scores = lexical_scores[lexical_found]
    all_rows = np.concatenate([dense_rows, lexical_rows])
    if all_rows.shape[0] == 0:
        return all_rows, np.empty(0)
    # rows ascend with ids, so unique rows come out in id order: fuse_rrf's tie-break
    rows, where = np.unique(all_rows, return_inverse=True)
    fused = np.zeros(rows.shape[0])
    n_dense = dense_rows.shape[0]
    fused[where[:n_dense]] += 1.0 / (config.rrf_k + np.arange(n_dense, dtype=np.float64) + 1)
    fused[where[n_dense:]] += config.rrf_lexical_weight / (
        config.rrf_k + np.arange(lexical_rows.shape[0], dtype=np.float64) + 1
    )
    lexical_norm = np.zeros(rows.shape[0])
    top = float(lexical_scores.max()) if lexical_scores.shape[0] else 0.0
    if top > 0:
        lexical_norm[where[n_dense:]] = np.maximum(0.0, lexical_scores) / top
    order = np.lexsort((rows, -fused))[: 2 * config.candidate_pool]
    ordered = rows[order]
    keep = np.flatnonzero(_eligible(c, source, ordered, config))[: config.candidate_pool]
    return ordered[keep], lexical_norm[order[keep]]


def _eligible(c: Columns, source: int, targets: IntArray, config: RankingConfig) -> NDArray[np.bool_]:
    """``is_eligible`` as a mask: complementary types, direction, another organisation, not expired."""
    ok: NDArray[np.bool_] = c.complementary[c.type_code[source], c.type_code[targets]]
    if config.direction == "italy_japan":
        ok &= c.country_code[targets] != c.country_code[source]
    ok &= c.organisation[targets] != c.organisation[source]
    ok &= targets != source
    ok &= ~c.expired[targets]
    return ok


def _directional_scores(
    c: Columns,
    source: int,
    targets: IntArray,
    semantic: FloatArray,
    lexical: FloatArray,
    config: RankingConfig,
) -> tuple[FloatArray, FloatArray, FloatArray, FloatArray]:
    """``directional_score`` both ways (forward: targets for the source), with the TRL fits."""
    trl_forward = c.trl_table[
        c.type_code[source], c.type_code[targets], c.trl_code[source], c.trl_code[targets]
    ]
    trl_backward = c.trl_table[
        c.type_code[targets], c.type_code[source], c.trl_code[targets], c.trl_code[source]
    ]
    shared = np.bitwise_count(c.sector_mask[targets] & c.sector_mask[source]).astype(np.int64)
    known = (c.sector_count[targets] > 0) & (c.sector_count[source] > 0)
    coverage_forward = np.where(known, shared / max(1, int(c.sector_count[source])), config.unknown_value)
    coverage_backward = np.where(known, shared / np.maximum(1, c.sector_count[targets]), config.unknown_value)
    base = config.w_semantic * np.maximum(0.0, semantic) + config.w_lexical * lexical
    total = config.weight_total()
    forward = (
        base + config.w_sectors * coverage_forward + config.w_trl * trl_forward
    ) + config.w_freshness * c.freshness[targets]
    backward = (
        base + config.w_sectors * coverage_backward + config.w_trl * trl_backward
    ) + config.w_freshness * c.freshness[source]
    return forward / total, backward / total, trl_forward, trl_backward


def _direction_factors(c: Columns, source: int, targets: IntArray, config: RankingConfig) -> FloatArray:
    """``direction_factor``: 1 across countries (or with direction "any"), else the configured factor."""
    if config.direction == "any":
        return np.ones(targets.shape[0])
    same = c.country_code[targets] == c.country_code[source]
    inside = 0.0 if config.direction == "italy_japan" else config.same_country_factor
    return np.where(same, inside, 1.0)


def _jaccard(c: Columns, source: int, targets: IntArray) -> FloatArray:
    """The ``sectors`` component: shared sectors over the sectors of either (0 when neither has any)."""
    shared = np.bitwise_count(c.sector_mask[targets] & c.sector_mask[source]).astype(np.int64)
    either = np.bitwise_count(c.sector_mask[targets] | c.sector_mask[source]).astype(np.int64)
    result: FloatArray = shared / np.maximum(1, either)
    return result
