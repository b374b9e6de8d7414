"""Text normalisation shared by language identification, tokenisation and embedding."""

from __future__ import annotations

import re
import unicodedata

_SPACES = re.compile(r"\s+")


def normalise_width(text: str) -> str:
    """Fold full-width Latin letters and digits and half-width katakana to their usual forms (NFKC)."""
    return unicodedata.normalize("NFKC", text)


def normalise(text: str) -> str:
    """NFKC-normalise and collapse runs of white space into one space, trimmed at both ends.

    NFKC turns ＡＩ into AI, ２００ｍｍ into 200mm and ｶﾀｶﾅ into カタカナ, so the same word typed
    on a Japanese keyboard or a Western one reaches the same token and nearly the same vector.
    """
    return _SPACES.sub(" ", unicodedata.normalize("NFKC", text)).strip()
