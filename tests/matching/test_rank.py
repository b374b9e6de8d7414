"""Ranking rules: complementarity, direction, reciprocity, TRL, freshness, diversity, feedback, fusion."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

import numpy as np
import pytest

from kakehashi.matching.documents import Feedback, are_complementary
from kakehashi.matching.rank import (
    Candidate,
    RankingConfig,
    SearchFilters,
    aggregate_for_organisation,
    freshness,
    fuse_rrf,
    harmonic_mean,
    normalise_lexical,
    rank_for_document,
    rank_search,
    trl_fit,
)
from tests.matching.helpers import NOW, doc, unit

NEED = doc(1, country="JP", type="technology_request", language="ja", trl=6)


def cand(target, semantic=0.8, lexical=0.0):
    return Candidate(doc=target, semantic=semantic, lexical=lexical)


def ids(matches):
    return [m.target_id for m in matches]


def test_complementary_types_follow_the_shared_table() -> None:
    assert are_complementary("technology_offer", "technology_request")
    assert are_complementary("technology_request", "technology_offer")
    assert are_complementary("rd_partner_request", "rd_partner_request")
    assert are_complementary("technology_offer", "rd_partner_request")
    assert are_complementary("investment_offered", "investment_sought")
    assert not are_complementary("technology_offer", "technology_offer")
    assert not are_complementary("business_offer", "technology_request")


def test_only_complementary_counterparts_are_ranked() -> None:
    offer = doc(2, type="technology_offer")
    other_request = doc(3, type="technology_request")
    business = doc(4, type="business_offer")
    result = rank_for_document(NEED, [cand(offer), cand(other_request), cand(business)], now=NOW)
    assert ids(result) == [2]
    assert result[0].components.complementarity == 1.0


def test_italy_japan_direction_by_default_and_configurable() -> None:
    italian = doc(2, country="IT")
    japanese = doc(3, country="JP", language="ja")
    assert ids(rank_for_document(NEED, [cand(italian), cand(japanese)], now=NOW)) == [2]
    anywhere = RankingConfig(direction="any")
    assert set(ids(rank_for_document(NEED, [cand(italian), cand(japanese)], now=NOW, config=anywhere))) == {
        2,
        3,
    }
    prefer = RankingConfig(direction="prefer_italy_japan", same_country_factor=0.5)
    ranked = rank_for_document(NEED, [cand(japanese), cand(italian)], now=NOW, config=prefer)
    assert ids(ranked) == [2, 3]
    assert ranked[1].score == pytest.approx(ranked[0].score * 0.5)


def test_own_organisation_and_self_are_never_matched() -> None:
    same_org = doc(2, org=NEED.organisation_id)
    assert rank_for_document(NEED, [cand(same_org), cand(NEED)], now=NOW) == []


def test_reciprocity_uses_the_harmonic_mean_of_both_directions() -> None:
    # Sector coverage is directional: the need covers all of the narrow offer's sectors, but the offer
    # covers only one of the need's three.
    need = replace(NEED, sectors=("semiconductors", "energy", "ai"))
    narrow = doc(2, sectors=("semiconductors",))
    match = rank_for_document(need, [cand(narrow)], now=NOW)[0]
    c = match.components
    assert c.forward < c.backward
    assert match.score == pytest.approx(harmonic_mean(c.forward, c.backward))
    assert harmonic_mean(0.9, 0.1) < (0.9 + 0.1) / 2
    assert harmonic_mean(0.9, 0.0) == 0.0


def test_a_pair_good_for_one_side_only_ranks_below_a_balanced_pair() -> None:
    need = replace(NEED, sectors=("semiconductors", "energy", "ai", "quantum"))
    one_sided = doc(2, sectors=("semiconductors",))  # perfect for itself, poor for the need
    balanced = doc(3, sectors=("semiconductors", "energy", "ai", "quantum"))
    ranked = rank_for_document(need, [cand(one_sided, 0.85), cand(balanced, 0.8)], now=NOW)
    assert ids(ranked) == [3, 2]


def test_trl_fit_penalises_immature_offers_for_a_need() -> None:
    config = RankingConfig()
    assert trl_fit(NEED, doc(2, trl=7), config) == 1.0
    assert trl_fit(NEED, doc(2, trl=5), config) == pytest.approx(0.75)
    assert trl_fit(NEED, doc(2, trl=2), config) == 0.0
    assert trl_fit(NEED, doc(2, trl=None), config) == config.unknown_value
    peers = doc(5, type="rd_partner_request", trl=3), doc(6, type="rd_partner_request", trl=5)
    assert trl_fit(*peers, config) == pytest.approx(0.75)
    mature, immature = doc(2, trl=8), doc(3, trl=3)
    assert ids(rank_for_document(NEED, [cand(immature), cand(mature)], now=NOW)) == [2, 3]


def test_freshness_halves_per_half_life_and_expired_counterparts_are_dropped() -> None:
    config = RankingConfig(freshness_half_life_days=100)
    old = doc(2, published_at=NOW - timedelta(days=100))
    assert freshness(old, NOW, config) == pytest.approx(0.5)
    assert freshness(doc(2, published_at=None), NOW, config) == config.unknown_value
    expired = doc(3, deadline=NOW.date() - timedelta(days=1))
    assert freshness(expired, NOW, config) == 0.0
    fresh = doc(4)
    stale = doc(5, published_at=NOW - timedelta(days=900))
    ranked = rank_for_document(NEED, [cand(stale), cand(expired), cand(fresh)], now=NOW)
    assert ids(ranked) == [4, 5]
    still_open = doc(6, deadline=date(2027, 1, 1))
    assert ids(rank_for_document(NEED, [cand(still_open)], now=NOW)) == [6]


def test_at_most_two_results_per_organisation_by_default() -> None:
    same_org = [doc(10 + i, org=7) for i in range(5)]
    others = [doc(20 + i) for i in range(3)]
    ranked = rank_for_document(
        NEED, [cand(d, 0.9) for d in same_org] + [cand(d, 0.5) for d in others], now=NOW
    )
    assert [m.organisation_id for m in ranked].count(7) == 2
    assert len(ranked) == 5
    three = rank_for_document(
        NEED, [cand(d, 0.9) for d in same_org], now=NOW, config=RankingConfig(max_per_organisation=3)
    )
    assert len(three) == 3


def test_mmr_spreads_near_duplicates_apart() -> None:
    rng = np.random.default_rng(3)
    base, other = unit(rng, 16), unit(rng, 16)
    twins = [doc(2), doc(3)]
    distinct = doc(4)
    vectors = {2: base, 3: base, 4: other}
    candidates = [cand(twins[0], 0.80), cand(twins[1], 0.80), cand(distinct, 0.75)]
    plain = rank_for_document(
        NEED, candidates, now=NOW, config=RankingConfig(mmr_lambda=1.0, top_k=2), vectors=vectors
    )
    assert ids(plain) == [2, 3]
    # MMR chooses which matches are shown (the distinct one instead of a twin)...
    diverse = rank_for_document(
        NEED, candidates, now=NOW, config=RankingConfig(mmr_lambda=0.7, top_k=2), vectors=vectors
    )
    assert ids(diverse) == [2, 4]
    # ...and what is shown stays in score order
    everything = rank_for_document(
        NEED, candidates, now=NOW, config=RankingConfig(mmr_lambda=0.7), vectors=vectors
    )
    assert ids(everything) == [2, 3, 4]
    scores = [m.score for m in everything]
    assert scores == sorted(scores, reverse=True)


def test_dismissed_pairs_disappear_and_shortlisted_pairs_rise() -> None:
    a, b, c = doc(2), doc(3), doc(4)
    candidates = [cand(a, 0.9), cand(b, 0.8), cand(c, 0.7)]
    assert ids(rank_for_document(NEED, candidates, now=NOW)) == [2, 3, 4]
    feedback = Feedback(dismissed=frozenset({(1, 2)}), shortlisted=frozenset({(1, 4)}))
    ranked = rank_for_document(NEED, candidates, now=NOW, feedback=feedback)
    assert ids(ranked) == [4, 3]
    assert ranked[0].shortlisted
    # Feedback is per source: another need is unaffected.
    other_need = replace(NEED, id=99, organisation_id=99)
    assert ids(rank_for_document(other_need, candidates, now=NOW, feedback=feedback)) == [2, 3, 4]


def test_shortlisted_counterparts_lift_similar_candidates() -> None:
    rng = np.random.default_rng(5)
    liked_vector, far = unit(rng, 16), unit(rng, 16)
    liked, similar, different = doc(2), doc(3), doc(4)
    vectors = {2: liked_vector, 3: liked_vector, 4: far}
    candidates = [cand(liked, 0.6), cand(different, 0.81), cand(similar, 0.8)]
    config = RankingConfig(mmr_lambda=1.0)
    before = rank_for_document(NEED, candidates, now=NOW, config=config, vectors=vectors)
    assert ids(before)[:2] == [4, 3]
    feedback = Feedback(shortlisted=frozenset({(1, 2)}))
    after = rank_for_document(NEED, candidates, now=NOW, config=config, vectors=vectors, feedback=feedback)
    assert ids(before)[-1] == 2
    assert ids(after).index(2) < 2  # the shortlisted one rose
    assert ids(after).index(3) < ids(after).index(4)  # and its look-alike overtook the other
    feedback_of = {m.target_id: m.components.feedback for m in after}
    assert feedback_of[2] == config.shortlist_boost
    assert feedback_of[3] > feedback_of[4]


def test_rrf_keeps_hits_of_either_list_and_rewards_agreement() -> None:
    fused = fuse_rrf([(1, 0.9), (2, 0.8), (3, 0.7)], [(3, 12.0), (4, 9.0)], k=60, lexical_weight=1.0)
    order = [doc_id for doc_id, _ in fused]
    assert order[0] == 3  # found by both lists
    assert set(order) == {1, 2, 3, 4}
    assert normalise_lexical({1: 4.0, 2: 2.0}) == {1: 1.0, 2: 0.5}
    assert normalise_lexical({1: 0.0}) == {1: 0.0}


def test_organisation_matches_keep_the_best_pair_per_target() -> None:
    need_a = replace(NEED, id=1)
    need_b = replace(NEED, id=5, sectors=("energy",))
    target = doc(2)
    per_need = [
        rank_for_document(need_a, [cand(target, 0.9)], now=NOW),
        rank_for_document(need_b, [cand(target, 0.9), cand(doc(3), 0.5)], now=NOW),
    ]
    merged = aggregate_for_organisation(per_need)
    assert ids(merged) == [2, 3]
    assert merged[0].source_id == 1
    assert merged[0].score == max(m.score for ms in per_need for m in ms if m.target_id == 2)


def test_search_filters_and_orders_by_similarity() -> None:
    a = doc(2, sectors=("energy",))
    b = doc(3, type="technology_request", country="JP")
    c = doc(4)
    results = rank_search([cand(a, 0.5), cand(b, 0.9), cand(c, 0.7)], now=NOW)
    assert ids(results) == [3, 4, 2]
    assert results[0].source_id is None
    only_offers = SearchFilters(types=frozenset({"technology_offer"}), sectors=frozenset({"semiconductors"}))
    assert ids(rank_search([cand(a), cand(b), cand(c)], now=NOW, filters=only_offers)) == [4]
