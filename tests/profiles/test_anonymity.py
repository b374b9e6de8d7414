"""The anonymity check: an opportunity's text naming its own organisation, in any script."""

from __future__ import annotations

import pytest

from kakehashi.profiles.anonymity import NamedIn, find_names, identifying_names, opportunity_fields

IDROSMART = identifying_names(
    ("Idrosmart S.r.l.", "イドロスマート", None), "https://www.idrosmart.example.it"
)
KUROGANE = identifying_names(
    ("Kurogane Ryoshi Kenkyujo K.K.", "黒鉄量子研究所株式会社", "Kurogane Quantum Lab"),
    "https://kurogane-ryoshi.example.jp",
)


def fields(**values: object) -> dict[str, object]:
    base: dict[str, object] = {"title": "", "description": "", "keywords": [], "external_id": None}
    return {**base, **values}


@pytest.mark.parametrize(
    "text",
    [
        "Idrosmart seeks EUR 3.5 million for its pilot plants",
        "IDROSMART cerca 3,5 milioni di euro",
        "Ｉｄｒｏｓｍａｒｔ（全角）が資金を募集",  # full-width Latin, as a Japanese keyboard types it
        "Idrosmart S.r.l. offre un sistema di irrigazione",
        "イドロスマートは灌漑システムを提供します",
        "ｲﾄﾞﾛｽﾏｰﾄ（半角カナ）",  # half-width kana read as full-width after NFKC
        "Dettagli su www.idrosmart.example.it",
    ],
)
def test_italian_organisation_named_in_any_script_or_width(text: str) -> None:
    assert find_names(fields(description=text), IDROSMART)


@pytest.mark.parametrize(
    "text",
    [
        "黒鉄量子研究所は量子アニーリングの共同研究先を探しています",
        "黒鉄量子研究所株式会社が開発したプロセッサ",
        "Kurogane Ryoshi Kenkyujo offers annealing processors",
        "Kurogane Quantum Lab cerca partner",
        "see kurogane-ryoshi.example.jp",
    ],
)
def test_japanese_organisation_named_in_kanji_or_latin_or_domain(text: str) -> None:
    assert find_names(fields(title=text), KUROGANE)


@pytest.mark.parametrize(
    "text",
    [
        "Un'azienda italiana cerca 3,5 milioni di euro per impianti idrici smart",
        "量子アニーリングの共同研究先を探しています",
        "Sistema di irrigazione intelligente; idro smart grid",  # the words apart are not the name
    ],
)
def test_anonymous_texts_raise_nothing(text: str) -> None:
    assert find_names(fields(title=text, description=text), IDROSMART + KUROGANE) == []


def test_short_latin_names_match_whole_words_only() -> None:
    eni = identifying_names(("Eni S.p.A.",), "http://www.eni.com")
    assert find_names(fields(description="Servizi tecnici per la rete"), eni) == []
    assert find_names(fields(description="Eni cerca partner"), eni) == [NamedIn("description", "eni")]


def test_legal_forms_alone_never_match() -> None:
    names = identifying_names(("株式会社", "S.p.A."), None)
    assert names == []


def test_every_field_is_checked_and_named() -> None:
    checked = opportunity_fields(
        title="Pompe smart",
        description="Sistemi di pompaggio.",
        keywords=["pompe", "Idrosmart"],
        external_id="idrosmart-2027-01",
        translations={"ja": ("イドロスマートのポンプ", "ポンプシステム。")},
    )
    found = {finding.field for finding in find_names(checked, IDROSMART)}
    assert found == {"keywords", "external_id", "translations.ja.title"}
