"""The gist of a text the reader cannot read: its key terms, each with the glossary's word in the
reader's language (carburo di silicio → 炭化ケイ素).

Pure and cheap (the glossary lookup is cached): it runs on the request path for an opportunity that has
no translation into the interface language, and needs no model.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from kakehashi.matching.glossary import GLOSSARY, concepts_of


@dataclass(frozen=True, slots=True)
class GistTerm:
    original: str  # as the text says it, in the text's language
    translated: str  # the same concept in the reader's language


def gist_terms(
    *, title: str, description: str, keywords: Sequence[str], language: str, reader: str, limit: int = 8
) -> list[GistTerm]:
    """Glossary concepts of the keywords first, then of the title and description, in the reader's
    words; empty when the reader reads the text's own language."""
    if reader == language:
        return []
    found: list[GistTerm] = []
    seen: set[str] = set()
    for source in [*keywords, title, description]:
        for concept in sorted(concepts_of(source)):
            if concept in seen:
                continue
            forms = GLOSSARY[concept]
            original = _as_written(source, forms.get(language, ()))
            translated = forms.get(reader, ())
            if not translated or not original:
                continue
            seen.add(concept)
            found.append(GistTerm(original=original, translated=translated[0]))
    return found[:limit]


def _as_written(text: str, forms: Sequence[str]) -> str | None:
    """The first of ``forms`` found in ``text``, with the text's own capitals ("SiC", not "sic")."""
    lowered = text.lower()
    for form in sorted(forms, key=len, reverse=True):
        # Latin forms as whole words only, as the glossary matches them ("sic" is not in "classic").
        pattern = rf"(?<!\w){re.escape(form)}(?!\w)" if form.isascii() else re.escape(form)
        found = re.search(pattern, lowered)
        if found is not None:
            return text[found.start() : found.end()] if len(lowered) == len(text) else form
    return None
