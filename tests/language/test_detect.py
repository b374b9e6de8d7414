import pytest

from kakehashi.language import contains_japanese, detect_language

SENTENCES = [
    ("Cerchiamo un partner giapponese per la produzione di wafer in carburo di silicio.", "it"),
    ("L'azienda sviluppa algoritmi di visione artificiale per il controllo qualità.", "it"),
    ("Offriamo una licenza sul nostro processo di riciclo delle batterie al litio.", "it"),
    ("We are looking for an Italian distributor of our industrial robots.", "en"),
    ("The research centre offers joint development of superconducting qubits.", "en"),
    ("Our startup seeks seed investment to scale its hydrogen electrolyser.", "en"),
    ("イタリアの半導体メーカーとの共同研究を希望しています。", "ja"),
    ("当社は洋上風力発電の保守技術を提供します。", "ja"),
    ("パートナー募集", "ja"),
]

KEYWORDS = [
    ("semiconduttori", "it"),
    ("energia rinnovabile", "it"),
    ("intelligenza artificiale", "it"),
    ("idrogeno verde", "it"),
    ("renewable energy", "en"),
    ("machine learning", "en"),
    ("power electronics", "en"),
    ("computer vision", "en"),  # py3langid alone says Italian; the vowel vote fixes it
    ("quantum computing", "en"),
    ("manutenzione predittiva", "it"),
    ("半導体", "ja"),
    ("量子コンピュータ", "ja"),
    ("ﾊﾞｲｵ", "ja"),  # half-width katakana
]


@pytest.mark.parametrize(("text", "expected"), SENTENCES)
def test_sentences_in_the_three_languages(text: str, expected: str) -> None:
    assert detect_language(text) == expected


@pytest.mark.parametrize(("text", "expected"), KEYWORDS)
def test_keywords_in_the_three_languages(text: str, expected: str) -> None:
    assert detect_language(text) == expected


def test_japanese_is_recognised_by_script_even_inside_latin_text() -> None:
    assert contains_japanese("SiC wafer 200 mm — 炭化ケイ素")
    assert detect_language("SiC wafer 200 mm — 炭化ケイ素") == "ja"
    assert not contains_japanese("carburo di silicio")


@pytest.mark.parametrize("text", ["", "   ", "2027-06-30", "200 / 300!"])
def test_text_without_letters_gets_the_default(text: str) -> None:
    assert detect_language(text) == "en"
    assert detect_language(text, default="it") == "it"
