"""Explanations: labels in the reader's language, term pairs across languages, the best sentence pair."""

from __future__ import annotations

import pytest

from kakehashi.errors import ValidationFailed
from kakehashi.matching.explain import explain_match, key_terms, split_sentences
from kakehashi.matching.glossary import concepts_of
from tests.matching.helpers import ConceptEmbedder, doc

NEED_JA = doc(
    1,
    country="JP",
    type="technology_request",
    language="ja",
    title="パワー半導体向け炭化ケイ素ウェハの調達",
    description="当社は電気自動車用の半導体モジュールを製造しています。高品質の炭化ケイ素ウェハを供給できるパートナーを探しています。",
    keywords=("半導体", "炭化ケイ素"),
    sectors=("semiconductors", "energy"),
)
OFFER_IT = doc(
    2,
    country="IT",
    type="technology_offer",
    language="it",
    title="Wafer di carburo di silicio da 200 mm",
    description=(
        "Produciamo wafer di carburo di silicio per semiconduttori di potenza. "
        "Il nostro stabilimento si trova a Catania."
    ),
    keywords=("semiconduttori", "carburo di silicio", "Catania"),
    sectors=("semiconductors",),
)


def test_sentences_split_in_each_language() -> None:
    assert split_sentences("Primo punto. Secondo punto! Terzo?", "it") == [
        "Primo punto.",
        "Secondo punto!",
        "Terzo?",
    ]
    assert split_sentences("一つ目です。二つ目です！三つ目", "ja") == [
        "一つ目です。",
        "二つ目です！",
        "三つ目",
    ]
    assert split_sentences("Line one\nLine two. Next", "en") == ["Line one", "Line two.", "Next"]


def test_glossary_concepts_are_found_in_each_script() -> None:
    assert "semiconductor" in concepts_of("半導体")
    assert "semiconductor" in concepts_of("semiconduttori di potenza")
    assert "silicon_carbide" in concepts_of("carburo di silicio")
    assert "silicon_carbide" not in concepts_of("classic music")  # "sic" only as a whole word


def test_key_terms_add_glossary_terms_the_text_mentions() -> None:
    terms = key_terms(OFFER_IT)
    assert terms[:3] == ["semiconduttori", "carburo di silicio", "Catania"]
    assert "wafer" in terms


def test_corresponding_terms_are_paired_across_languages() -> None:
    explanation = explain_match(NEED_JA, OFFER_IT, embedder=ConceptEmbedder(), locale="en")
    pairs = {(p.source_term, p.target_term) for p in explanation.term_pairs}
    assert ("半導体", "semiconduttori") in pairs
    assert ("炭化ケイ素", "carburo di silicio") in pairs
    assert all(p.via_glossary for p in explanation.term_pairs if p.source_term == "半導体")
    assert not any("Catania" in pair for pair in pairs)  # nothing in the need corresponds to a city


def test_best_sentence_pair_is_the_closest_one() -> None:
    explanation = explain_match(NEED_JA, OFFER_IT, embedder=ConceptEmbedder(), locale="it")
    pair = explanation.sentence_pair
    assert pair is not None
    assert pair.target_sentence != "Il nostro stabilimento si trova a Catania."
    assert "炭化ケイ素" in pair.source_sentence
    assert "carburo di silicio" in pair.target_sentence


@pytest.mark.parametrize(
    ("locale", "sector", "types", "marker"),
    [
        (
            "it",
            "semiconduttori e microelettronica",
            ("richiesta tecnologica", "offerta tecnologica"),
            "Settori in comune",
        ),
        ("ja", "半導体・マイクロエレクトロニクス", ("技術募集", "技術提供"), "共通の分野"),
        (
            "en",
            "semiconductors and microelectronics",
            ("technology request", "technology offer"),
            "Shared sectors",
        ),
    ],
)
def test_labels_follow_the_readers_language(locale, sector, types, marker) -> None:
    explanation = explain_match(NEED_JA, OFFER_IT, embedder=ConceptEmbedder(), locale=locale)
    assert explanation.shared_sectors == (sector,)  # energy is the need's only
    assert (explanation.source_type, explanation.target_type) == types
    assert marker in explanation.summary
    assert "半導体 ↔ semiconduttori" in explanation.summary


def test_unknown_locale_is_refused_naming_the_field() -> None:
    with pytest.raises(ValidationFailed) as error:
        explain_match(NEED_JA, OFFER_IT, embedder=ConceptEmbedder(), locale="fr")
    assert error.value.problems[0].field == "locale"
