"""Ranking of counterparts (pure: no I/O, no clock; ``now`` is passed in).

Two stages. Retrieval fuses the dense (embedding) and lexical (BM25) candidate lists by reciprocal rank
fusion, so a candidate found by either survives. Scoring then combines semantic similarity, lexical
overlap, sector coverage, TRL fit and freshness into a *directional* score (how good B is for A),
gated by type complementarity and the Italy <-> Japan direction. A pair ranks high only if it is good
for both sides: the final score is the harmonic mean of the two directional scores. Feedback removes
dismissed pairs and lifts shortlisted ones (and candidates that resemble them); diversity caps the
results per organisation and spreads near-duplicates apart (MMR).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Literal

import numpy as np
from numpy.typing import NDArray

from kakehashi.matching.documents import (
    COMPLEMENTARY,
    Feedback,
    Match,
    MatchDocument,
    ScoreComponents,
    are_complementary,
)

Direction = Literal["italy_japan", "prefer_italy_japan", "any"]
VectorLookup = Mapping[int, NDArray[np.float32]]

# Who provides what each need type asks for; used for TRL fit (the provider must be mature enough).
_NEED_OF_PAIR = {
    ("technology_request", "technology_offer"): "technology_request",
    ("business_request", "business_offer"): "business_request",
    ("rd_partner_request", "technology_offer"): "rd_partner_request",
    ("investment_offered", "investment_sought"): "investment_offered",
}


@dataclass(frozen=True, slots=True)
class RankingConfig:
    """Weights and rules of the ranking; the defaults are the product's."""

    w_semantic: float = 0.55
    w_lexical: float = 0.10
    w_sectors: float = 0.15
    w_trl: float = 0.10
    w_freshness: float = 0.10
    direction: Direction = "italy_japan"
    same_country_factor: float = 0.7  # used by "prefer_italy_japan"
    freshness_half_life_days: float = 365.0
    unknown_value: float = 0.5  # neutral component value when the data is missing (no TRL, no date)
    trl_step_penalty: float = 0.25  # per missing TRL level below what the need asks
    max_per_organisation: int = 2
    mmr_lambda: float = 0.85  # 1.0 = no redundancy penalty
    shortlist_boost: float = 0.2
    feedback_weight: float = 0.1  # how much resemblance to shortlisted counterparts lifts a candidate
    rrf_k: int = 60
    rrf_lexical_weight: float = 0.5
    candidate_pool: int = 200
    top_k: int = 20

    def weight_total(self) -> float:
        return self.w_semantic + self.w_lexical + self.w_sectors + self.w_trl + self.w_freshness


@dataclass(frozen=True, slots=True)
class Candidate:
    """A retrieved counterpart with its raw similarity signals."""

    doc: MatchDocument
    semantic: float
    lexical: float = 0.0  # normalised to [0, 1] by the caller (see ``normalise_lexical``)


@dataclass(frozen=True, slots=True)
class SearchFilters:
    types: frozenset[str] = field(default_factory=frozenset)
    sectors: frozenset[str] = field(default_factory=frozenset)
    countries: frozenset[str] = field(default_factory=frozenset)

    def accepts(self, doc: MatchDocument) -> bool:
        return (
            (not self.types or doc.type in self.types)
            and (not self.sectors or bool(self.sectors.intersection(doc.sectors)))
            and (not self.countries or doc.country in self.countries)
        )


def fuse_rrf(
    dense: Sequence[tuple[int, float]],
    lexical: Sequence[tuple[int, float]],
    *,
    k: int = 60,
    lexical_weight: float = 0.5,
) -> list[tuple[int, float]]:
    """Reciprocal rank fusion of two ranked (id, score) lists, best first (ties by id)."""
    fused: dict[int, float] = {}
    for weight, ranked in ((1.0, dense), (lexical_weight, lexical)):
        for rank, (doc_id, _score) in enumerate(ranked):
            fused[doc_id] = fused.get(doc_id, 0.0) + weight / (k + rank + 1)
    return sorted(fused.items(), key=lambda item: (-item[1], item[0]))


def normalise_lexical(scores: Mapping[int, float]) -> dict[int, float]:
    """BM25 scores divided by the best one, so the lexical component lies in [0, 1]."""
    top = max(scores.values(), default=0.0)
    if top <= 0:
        return dict.fromkeys(scores, 0.0)
    return {doc_id: max(0.0, s) / top for doc_id, s in scores.items()}


def direction_factor(source: MatchDocument, target: MatchDocument, config: RankingConfig) -> float:
    if config.direction == "any" or source.country != target.country:
        return 1.0
    return 0.0 if config.direction == "italy_japan" else config.same_country_factor


def sector_coverage(of: MatchDocument, by: MatchDocument, config: RankingConfig) -> float:
    """Share of ``of``'s sectors that ``by`` also works in."""
    if not of.sectors or not by.sectors:
        return config.unknown_value
    mine = set(of.sectors)
    return len(mine.intersection(by.sectors)) / len(mine)


def freshness(doc: MatchDocument, now: datetime, config: RankingConfig) -> float:
    """1 for just published, halving every half-life; 0 once the deadline has passed."""
    if doc.deadline is not None and doc.deadline < now.date():
        return 0.0
    if doc.published_at is None:
        return config.unknown_value
    age_days = max(0.0, (now - doc.published_at).total_seconds() / 86_400)
    return float(0.5 ** (age_days / config.freshness_half_life_days))


def trl_fit(a: MatchDocument, b: MatchDocument, config: RankingConfig) -> float:
    """How well the technology readiness levels of the pair fit, [0, 1]."""
    if a.trl is None or b.trl is None:
        return config.unknown_value
    need = _NEED_OF_PAIR.get((a.type, b.type)) or _NEED_OF_PAIR.get((b.type, a.type))
    if need is None:  # peers (R&D <-> R&D): similar maturity fits best
        return max(0.0, 1.0 - 0.5 * config.trl_step_penalty * abs(a.trl - b.trl))
    need_doc, provider = (a, b) if a.type == need else (b, a)
    shortfall = max(0, (need_doc.trl or 0) - (provider.trl or 0))
    return max(0.0, 1.0 - config.trl_step_penalty * shortfall)


def directional_score(
    of: MatchDocument,
    by: MatchDocument,
    *,
    semantic: float,
    lexical: float,
    now: datetime,
    config: RankingConfig,
) -> tuple[float, float, float]:
    """(score, freshness of ``by``, TRL fit): how good ``by`` is as a counterpart for ``of``."""
    fresh = freshness(by, now, config)
    trl = trl_fit(of, by, config)
    weighted = (
        config.w_semantic * max(0.0, semantic)
        + config.w_lexical * lexical
        + config.w_sectors * sector_coverage(of, by, config)
        + config.w_trl * trl
        + config.w_freshness * fresh
    )
    return weighted / config.weight_total(), fresh, trl


def harmonic_mean(a: float, b: float) -> float:
    return 0.0 if a <= 0 or b <= 0 else 2 * a * b / (a + b)


def is_eligible(source: MatchDocument, target: MatchDocument, now: datetime, config: RankingConfig) -> bool:
    """Hard rules: a different organisation, complementary types, allowed direction, deadline not past."""
    # Cheapest and most selective test first: this runs for every retrieved candidate.
    return (
        (source.type, target.type) in COMPLEMENTARY
        and (source.country != target.country or config.direction != "italy_japan")
        and target.organisation_id != source.organisation_id
        and target.id != source.id
        and not (target.deadline is not None and target.deadline < now.date())
    )


def score_pair(source: MatchDocument, candidate: Candidate, *, now: datetime, config: RankingConfig) -> Match:
    """The reciprocal score of one eligible pair, with all components."""
    target = candidate.doc
    forward, fresh_f, trl_f = directional_score(
        source, target, semantic=candidate.semantic, lexical=candidate.lexical, now=now, config=config
    )
    backward, fresh_b, trl_b = directional_score(
        target, source, semantic=candidate.semantic, lexical=candidate.lexical, now=now, config=config
    )
    factor = direction_factor(source, target, config)
    components = ScoreComponents(
        semantic=candidate.semantic,
        lexical=candidate.lexical,
        complementarity=1.0 if are_complementary(source.type, target.type) else 0.0,
        sectors=len(set(source.sectors) & set(target.sectors))
        / max(1, len(set(source.sectors) | set(target.sectors))),
        direction=factor,
        freshness_forward=fresh_f,
        freshness_backward=fresh_b,
        trl_forward=trl_f,
        trl_backward=trl_b,
        forward=forward,
        backward=backward,
        feedback=0.0,
    )
    score = harmonic_mean(forward, backward) * factor * components.complementarity
    return Match(
        source_id=source.id,
        target_id=target.id,
        organisation_id=target.organisation_id,
        score=score,
        components=components,
    )


def apply_feedback(
    source_id: int,
    matches: list[Match],
    *,
    feedback: Feedback,
    vectors: VectorLookup | None,
    config: RankingConfig,
) -> list[Match]:
    """Drop dismissed pairs; lift shortlisted ones and, with vectors, candidates resembling them."""
    kept = [m for m in matches if not feedback.is_dismissed(source_id, m.target_id)]
    liked = [t for t in feedback.shortlisted_for(source_id) if vectors is not None and t in vectors]
    examples = np.stack([vectors[t] for t in liked]) if liked and vectors is not None else None
    result: list[Match] = []
    for match in kept:
        if (source_id, match.target_id) in feedback.shortlisted:
            components = replace(match.components, feedback=config.shortlist_boost)
            result.append(
                replace(
                    match, score=match.score + config.shortlist_boost, components=components, shortlisted=True
                )
            )
            continue
        if examples is None or vectors is None or match.target_id not in vectors:
            result.append(match)
            continue
        resemblance = float(np.max(examples @ vectors[match.target_id]))
        boost = config.feedback_weight * max(0.0, resemblance)
        components = replace(match.components, feedback=boost)
        result.append(replace(match, score=match.score + boost, components=components))
    return result


def diversify(
    matches: Sequence[Match], *, vectors: VectorLookup | None, config: RankingConfig
) -> list[Match]:
    """Top ``config.top_k`` by score, at most ``max_per_organisation`` each, MMR among near-duplicates.

    MMR picks, at each step, the match maximising lambda * score - (1 - lambda) * its highest cosine to
    a match already picked; shortlisted matches are exempt from the redundancy penalty.
    """
    pool = sorted(matches, key=lambda m: (-m.score, m.target_id))
    if not pool:
        return []
    use_mmr = vectors is not None and config.mmr_lambda < 1.0
    picks = diversify_order(
        np.array([m.score for m in pool]),
        [m.organisation_id for m in pool],
        exempt=np.array([m.shortlisted for m in pool]),
        matrix=_vectors_of(pool, vectors) if use_mmr and vectors is not None else None,
        config=config,
    )
    return [pool[i] for i in picks]


def diversify_order(
    scores: NDArray[np.float64],
    organisation_ids: Sequence[int],
    *,
    exempt: NDArray[np.bool_] | None,
    matrix: NDArray[np.float32] | None,
    config: RankingConfig,
) -> list[int]:
    """The positions ``diversify`` picks from a pool already sorted best first (shared by the bulk
    re-match, which has the pool as arrays and builds records only for the picks)."""
    # Loop-invariant parts hoisted; taken positions get -inf added (x + 0.0 leaves x as it was).
    weighted = config.mmr_lambda * scores
    penalty = 1 - config.mmr_lambda
    redundancy = np.zeros(len(scores))
    taken = np.zeros(len(scores))
    per_org: dict[int, int] = {}
    chosen: list[int] = []
    for _ in range(len(scores)):
        if len(chosen) >= config.top_k:
            break
        if matrix is None:
            value = scores + taken
        else:
            value = weighted - penalty * (redundancy if exempt is None else np.where(exempt, 0.0, redundancy))
            value += taken
        pick = int(np.argmax(value))  # first of equals: the better-sorted one
        taken[pick] = -np.inf
        organisation = organisation_ids[pick]
        if per_org.get(organisation, 0) >= config.max_per_organisation:
            continue
        chosen.append(pick)
        per_org[organisation] = per_org.get(organisation, 0) + 1
        if matrix is not None:
            redundancy = np.maximum(redundancy, matrix @ matrix[pick])
    # MMR and the caps choose *which* matches are shown; they are shown in score order (the pool is
    # sorted best first, so ascending positions are descending scores).
    return sorted(chosen)


def _vectors_of(pool: Sequence[Match], vectors: VectorLookup) -> NDArray[np.float32]:
    """Vectors of the pool's targets, zero rows for unknown ones (no redundancy with anything)."""
    dim = len(next(iter(vectors.values()))) if vectors else 1
    zero = np.zeros(dim, dtype=np.float32)
    return np.stack([vectors.get(m.target_id, zero) for m in pool])


def rank_for_document(
    source: MatchDocument,
    candidates: Iterable[Candidate],
    *,
    now: datetime,
    config: RankingConfig | None = None,
    feedback: Feedback | None = None,
    vectors: VectorLookup | None = None,
) -> list[Match]:
    """The ranked, diversified counterparts of ``source`` among retrieved ``candidates``."""
    cfg = config or RankingConfig()
    scored = [
        score_pair(source, c, now=now, config=cfg) for c in candidates if is_eligible(source, c.doc, now, cfg)
    ]
    scored = [m for m in scored if m.score > 0]
    scored = apply_feedback(source.id, scored, feedback=feedback or Feedback(), vectors=vectors, config=cfg)
    return diversify(scored, vectors=vectors, config=cfg)


def aggregate_for_organisation(
    per_opportunity: Iterable[Sequence[Match]],
    *,
    config: RankingConfig | None = None,
    vectors: VectorLookup | None = None,
) -> list[Match]:
    """Counterparts of an organisation: each target keeps its best pair, then diversity applies."""
    cfg = config or RankingConfig()
    best: dict[int, Match] = {}
    for matches in per_opportunity:
        for match in matches:
            current = best.get(match.target_id)
            if current is None or match.score > current.score:
                best[match.target_id] = match
    return diversify(list(best.values()), vectors=vectors, config=cfg)


def rank_search(
    candidates: Iterable[Candidate],
    *,
    now: datetime,
    config: RankingConfig | None = None,
    filters: SearchFilters | None = None,
    vectors: VectorLookup | None = None,
) -> list[Match]:
    """Free-text search: similarity (dense and lexical) with a little freshness; no pair rules."""
    cfg = config or RankingConfig()
    allowed = filters or SearchFilters()
    total = cfg.w_semantic + cfg.w_lexical + cfg.w_freshness
    results: list[Match] = []
    for c in candidates:
        if not allowed.accepts(c.doc) or (c.doc.deadline is not None and c.doc.deadline < now.date()):
            continue
        fresh = freshness(c.doc, now, cfg)
        score = (
            cfg.w_semantic * max(0.0, c.semantic) + cfg.w_lexical * c.lexical + cfg.w_freshness * fresh
        ) / total
        components = ScoreComponents(
            semantic=c.semantic,
            lexical=c.lexical,
            complementarity=0.0,
            sectors=0.0,
            direction=1.0,
            freshness_forward=fresh,
            freshness_backward=fresh,
            trl_forward=cfg.unknown_value,
            trl_backward=cfg.unknown_value,
            forward=score,
            backward=score,
            feedback=0.0,
        )
        results.append(
            Match(
                source_id=None,
                target_id=c.doc.id,
                organisation_id=c.doc.organisation_id,
                score=score,
                components=components,
            )
        )
    return diversify(results, vectors=vectors, config=cfg)
