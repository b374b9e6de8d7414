"""The gist of an untranslated text: its glossary terms, as written, with the reader's word."""

from __future__ import annotations

from kakehashi.matching.gist import GistTerm, gist_terms


def test_italian_terms_for_a_japanese_reader_keep_the_authors_spelling() -> None:
    terms = gist_terms(
        title="Substrati in carburo di silicio per il classico mercato",
        description="Offriamo wafer per l'elettronica di potenza e sensori.",
        keywords=["SiC", "MOSFET"],
        language="it",
        reader="ja",
    )
    assert terms[0] == GistTerm(original="SiC", translated="炭化ケイ素")
    assert GistTerm(original="sensori", translated="センサ") in terms
    assert GistTerm(original="elettronica di potenza", translated="パワー半導体") in terms


def test_japanese_terms_for_an_italian_reader() -> None:
    terms = gist_terms(
        title="超伝導量子ビットの制御",
        description="半導体と量子ビットの共同研究。",
        keywords=[],
        language="ja",
        reader="it",
    )
    assert GistTerm(original="量子ビット", translated="qubit") in terms
    assert GistTerm(original="半導体", translated="semiconduttore") in terms


def test_nothing_for_a_reader_of_the_original_or_a_text_without_glossary_terms() -> None:
    assert gist_terms(title="Sensori", description="Sensori.", keywords=[], language="it", reader="it") == []
    assert (
        gist_terms(
            title="Vino rosso", description="Botti di rovere.", keywords=[], language="it", reader="ja"
        )
        == []
    )
