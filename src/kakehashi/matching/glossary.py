"""Labels of sectors and opportunity types in it/ja/en, and a small bilingual glossary of core terms.

The glossary lists, for each of the six priority sectors, a few core concepts with their surface forms
in Italian, Japanese and English. Explanations use it to boost term pairs that mean the same concept
(半導体 ↔ semiconduttori) above what embedding similarity alone gives short terms.
"""

from __future__ import annotations

import re
from functools import lru_cache

from kakehashi.profiles import vocab
from kakehashi.profiles.vocab import Labels


def _in_sentence(labels: Labels) -> dict[str, dict[str, str]]:
    """The vocabulary's labels as they read inside a sentence ("offerta tecnologica", not "Offerta…")."""

    def lower_first(text: str) -> str:
        return text if text[1:2].isupper() else text[:1].lower() + text[1:]

    return {key: {lang: lower_first(text) for lang, text in entry.items()} for key, entry in labels.items()}


# One source of truth for the words: the profiles vocabulary.
SECTOR_LABELS = _in_sentence(vocab.SECTOR_LABELS)
TYPE_LABELS = _in_sentence(vocab.TYPE_LABELS)

# concept -> surface forms (lower case; Italian and English forms include common inflections).
GLOSSARY: dict[str, dict[str, tuple[str, ...]]] = {
    "artificial_intelligence": {
        "it": ("intelligenza artificiale",),
        "ja": ("人工知能", "ai"),
        "en": ("artificial intelligence",),
    },
    "machine_learning": {
        "it": ("apprendimento automatico", "machine learning"),
        "ja": ("機械学習",),
        "en": ("machine learning",),
    },
    "computer_vision": {
        "it": ("visione artificiale",),
        "ja": ("画像認識", "コンピュータビジョン"),
        "en": ("computer vision", "image recognition"),
    },
    "robotics": {
        "it": ("robotica", "robot"),
        "ja": ("ロボット", "ロボティクス"),
        "en": ("robotics", "robot"),
    },
    "semiconductor": {
        "it": ("semiconduttore", "semiconduttori"),
        "ja": ("半導体",),
        "en": ("semiconductor", "semiconductors"),
    },
    "microelectronics": {
        "it": ("microelettronica",),
        "ja": ("マイクロエレクトロニクス",),
        "en": ("microelectronics",),
    },
    "silicon_carbide": {
        "it": ("carburo di silicio", "sic"),
        "ja": ("炭化ケイ素", "炭化珪素", "sic"),
        "en": ("silicon carbide", "sic"),
    },
    "wafer": {"it": ("wafer",), "ja": ("ウェハ", "ウエハー", "ウェーハ"), "en": ("wafer", "wafers")},
    "power_electronics": {
        "it": ("elettronica di potenza",),
        "ja": ("パワー半導体", "パワーエレクトロニクス"),
        "en": ("power electronics", "power semiconductors"),
    },
    "sensor": {"it": ("sensore", "sensori"), "ja": ("センサ", "センサー"), "en": ("sensor", "sensors")},
    "quantum": {
        "it": ("quantistico", "quantistica", "quantistici", "quantistiche"),
        "ja": ("量子",),
        "en": ("quantum",),
    },
    "qubit": {"it": ("qubit",), "ja": ("量子ビット",), "en": ("qubit", "qubits")},
    "quantum_cryptography": {
        "it": ("crittografia quantistica",),
        "ja": ("量子暗号",),
        "en": ("quantum cryptography",),
    },
    "hydrogen": {"it": ("idrogeno",), "ja": ("水素",), "en": ("hydrogen",)},
    "battery": {
        "it": ("batteria", "batterie", "accumulo"),
        "ja": ("電池", "蓄電池", "バッテリー"),
        "en": ("battery", "batteries", "storage"),
    },
    "photovoltaic": {
        "it": ("fotovoltaico", "fotovoltaica", "solare"),
        "ja": ("太陽光", "太陽電池"),
        "en": ("photovoltaic", "photovoltaics", "solar"),
    },
    "wind_power": {"it": ("eolico", "eolica"), "ja": ("風力",), "en": ("wind power", "wind")},
    "power_grid": {
        "it": ("rete elettrica", "reti elettriche"),
        "ja": ("送電網", "電力網", "スマートグリッド"),
        "en": ("power grid", "smart grid", "smart grids"),
    },
    "bridge": {"it": ("ponte", "ponti"), "ja": ("橋梁", "橋"), "en": ("bridge", "bridges")},
    "railway": {
        "it": ("ferrovia", "ferroviario", "ferroviaria", "ferroviarie"),
        "ja": ("鉄道",),
        "en": ("railway", "rail"),
    },
    "seismic": {
        "it": ("sismico", "sismica", "antisismico"),
        "ja": ("耐震", "免震", "地震"),
        "en": ("seismic", "earthquake"),
    },
    "structural_monitoring": {
        "it": ("monitoraggio strutturale",),
        "ja": ("構造ヘルスモニタリング",),
        "en": ("structural health monitoring",),
    },
    "biotechnology": {
        "it": ("biotecnologia", "biotecnologie"),
        "ja": ("バイオテクノロジー", "バイオ"),
        "en": ("biotechnology", "biotech"),
    },
    "antibody": {"it": ("anticorpo", "anticorpi"), "ja": ("抗体",), "en": ("antibody", "antibodies")},
    "diagnostics": {
        "it": ("diagnostica", "diagnostico"),
        "ja": ("診断",),
        "en": ("diagnostics", "diagnostic"),
    },
    "gene_therapy": {"it": ("terapia genica",), "ja": ("遺伝子治療",), "en": ("gene therapy",)},
    "stem_cells": {"it": ("cellule staminali",), "ja": ("幹細胞",), "en": ("stem cells",)},
}


def concepts_of(term: str) -> frozenset[str]:
    """The glossary concepts a term (or a text) mentions: a surface form is contained in it; Latin-script
    forms only as whole words, so "sic" does not fire inside "classic"."""
    return _concepts_of_lowered(term.lower())


@lru_cache(maxsize=65_536)
def _concepts_of_lowered(text: str) -> frozenset[str]:
    found: set[str] = set()
    words = _WORD.findall(text)
    for size in range(1, _LONGEST_LATIN + 1):  # every word n-gram against the Latin forms
        for start in range(len(words) - size + 1):
            found.update(_LATIN_CONCEPT.get(" ".join(words[start : start + size]), ()))
    found.update(concept for form, concept in _OTHER_FORMS if form in text)
    return frozenset(found)


_WORD = re.compile(r"\w+")
_LATIN_CONCEPT: dict[str, set[str]] = {}
_OTHER_FORMS: list[tuple[str, str]] = []
for _concept, _forms in GLOSSARY.items():
    for _language_forms in _forms.values():
        for _form in _language_forms:
            if _form.isascii():
                _LATIN_CONCEPT.setdefault(" ".join(_WORD.findall(_form)), set()).add(_concept)
            else:
                _OTHER_FORMS.append((_form, _concept))
_LONGEST_LATIN = max(len(form.split()) for form in _LATIN_CONCEPT)


def label(table: dict[str, dict[str, str]], key: str, locale: str) -> str:
    entry = table.get(key)
    if entry is None:
        return key
    return entry.get(locale, entry["en"])
