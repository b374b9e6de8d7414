"""Tokenisation for the lexical (BM25) index: one analyser per language.

Japanese goes through Sudachi (mode C keeps compounds such as 半導体 whole; normalised forms fold
spelling variants such as ウェハ/ウエハー), dropping particles, auxiliaries, symbols and punctuation.
Italian and English are lower-cased, split on word characters, stripped of stop words and stemmed
with Snowball (PyStemmer), so that "semiconduttori" and "semiconduttore" meet.
"""

from __future__ import annotations

import re
from functools import cache
from typing import Any

from kakehashi.language.detect import Language
from kakehashi.language.normalise import normalise
from kakehashi.language.stopwords import ENGLISH_STOP_WORDS, ITALIAN_STOP_WORDS

# Sudachi part-of-speech heads that carry no content for retrieval.
_DROPPED_JAPANESE_POS = frozenset({"助詞", "助動詞", "補助記号", "記号", "空白"})
# Latin words (with inner apostrophes/hyphens kept out) and numbers with decimals, e.g. "200", "4.0".
_WESTERN_WORD = re.compile(r"[^\W_]+(?:[.,][0-9]+)*")
# Italian elided articles and prepositions ("l'azienda", "dell'energia"): the stub before the apostrophe.
_ITALIAN_ELISION = re.compile(r"\b[^\W\d_]+['’](?=[^\W\d_])")
_STEMMER_NAMES = {"it": "italian", "en": "english"}
_STOP_WORDS = {"it": ITALIAN_STOP_WORDS, "en": ENGLISH_STOP_WORDS}


@cache
def _sudachi() -> Any:
    from sudachipy import Dictionary, SplitMode

    return Dictionary(dict="core").tokenizer(mode=SplitMode.C)


@cache
def _stemmer(language: str) -> Any:
    import Stemmer

    return Stemmer.Stemmer(_STEMMER_NAMES[language])


def tokenize(text: str, language: Language) -> list[str]:
    """The index terms of ``text`` written in ``language`` ("it", "ja" or "en"), in text order."""
    cleaned = normalise(text)
    if not cleaned:
        return []
    if language == "ja":
        return _japanese_terms(cleaned)
    if language in _STEMMER_NAMES:
        return _western_terms(cleaned, language)
    raise ValueError(f"unsupported language {language!r}: expected 'it', 'ja' or 'en'")


def _japanese_terms(text: str) -> list[str]:
    terms: list[str] = []
    for morpheme in _sudachi().tokenize(text):
        if morpheme.part_of_speech()[0] in _DROPPED_JAPANESE_POS:
            continue
        term = morpheme.normalized_form().lower().strip()
        if term:
            terms.append(term)
    return terms


def _western_terms(text: str, language: str) -> list[str]:
    lowered = text.lower()
    if language == "it":
        lowered = _ITALIAN_ELISION.sub(" ", lowered)
    stop_words = _STOP_WORDS[language]
    words = [w for w in _WESTERN_WORD.findall(lowered) if w not in stop_words]
    stems: list[str] = _stemmer(language).stemWords(words)
    return stems
