import pytest

from kakehashi.language import normalise, tokenize


def test_japanese_compounds_stay_whole_and_particles_go() -> None:
    terms = tokenize("半導体製造装置のパートナーを探しています。", "ja")
    assert "半導体" in terms
    assert "パートナー" in terms
    assert not {"の", "を", "ます", "。"} & set(terms)


def test_japanese_spelling_variants_share_a_normalised_form() -> None:
    assert tokenize("ウェハ", "ja") == tokenize("ウエハー", "ja")


def test_japanese_full_width_latin_is_folded() -> None:
    assert tokenize("ＡＩ技術", "ja") == tokenize("AI技術", "ja")
    assert "ai" in tokenize("ＡＩ技術", "ja")


def test_italian_plurals_stem_together() -> None:
    assert tokenize("semiconduttori", "it") == tokenize("semiconduttore", "it")
    assert tokenize("tecnologie innovative", "it") == tokenize("tecnologia innovativa", "it")


def test_italian_stop_words_and_elisions_are_dropped() -> None:
    terms = tokenize("La produzione dell'energia per l'industria", "it")
    assert terms == tokenize("produzione energia industria", "it")
    assert not {"la", "dell", "per", "l"} & set(terms)


def test_english_is_lowercased_stemmed_and_stop_worded() -> None:
    assert tokenize("We are Looking for Semiconductor Wafers", "en") == ["look", "semiconductor", "wafer"]


def test_numbers_with_decimals_stay_one_token() -> None:
    assert "4.0" in tokenize("Industria 4.0", "it")


def test_empty_text_has_no_terms() -> None:
    assert tokenize("  ", "ja") == []
    assert tokenize("", "en") == []


def test_unknown_language_is_refused() -> None:
    with pytest.raises(ValueError, match="unsupported language"):
        tokenize("Hallo Welt", "de")  # type: ignore[arg-type]


def test_normalise_folds_width_and_spaces() -> None:
    assert normalise("  ＡＩ\u3000と　２００ｍｍ\n") == "AI と 200mm"
