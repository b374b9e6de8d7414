"""Language identification restricted to the platform's three languages.

Japanese is recognised by its script (any kana or kanji), which is exact and free; only texts
without Japanese script go to py3langid, restricted to Italian and English so that a short
keyword is never labelled as, say, Spanish.
"""

from __future__ import annotations

import re
from functools import cache
from typing import Any, Literal

from kakehashi.language.normalise import normalise

Language = Literal["it", "ja", "en"]

# Hiragana, katakana (and the half-width block after NFKC folding) and CJK ideographs.
_JAPANESE_SCRIPT = re.compile(
    r"[\u3040-\u309F\u30A0-\u30FF\u31F0-\u31FF\u3400-\u4DBF\u4E00-\u9FFF\uF900-\uFAFF]"
)


def contains_japanese(text: str) -> bool:
    """True when the text holds at least one kana or kanji."""
    return _JAPANESE_SCRIPT.search(normalise(text)) is not None


@cache
def _identifier() -> Any:
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    identifier = LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)
    identifier.set_languages(["it", "en"])
    return identifier


def detect_language(text: str, *, default: Language = "en") -> Language:
    """The language of ``text``: ``"ja"`` if it holds kana or kanji, else ``"it"`` or ``"en"``.

    A text with no letters at all (empty, digits, punctuation) gets ``default``.
    """
    cleaned = normalise(text)
    if _JAPANESE_SCRIPT.search(cleaned):
        return "ja"
    if not any(ch.isalpha() for ch in cleaned):
        return default
    label, _confidence = _identifier().classify(cleaned.lower())
    return "it" if label == "it" else "en"
