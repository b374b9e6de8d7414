"""The gist of a text the reader cannot read: its key terms, each with the glossary's word in the
reader's language (carburo di silicio → 炭化ケイ素).

Pure and cheap (the glossary lookup is cached): it runs on the request path for an opportunity that has
no translation into the interface language, and needs no model.
"""

from __future__ import annotations

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
    sources = [(keyword, True) for keyword in keywords] + [(title, False), (description, False)]
    for source, is_keyword in sources:
        concepts = concepts_of(source)
        for concept in sorted(concepts):
            if concept in seen:
                continue
            forms = GLOSSARY[concept]
            # A keyword that is one concept is shown as its author wrote it ("SiC", "Carburo di silicio").
            written = source.strip() if is_keyword and len(concepts) == 1 else None
            original = written or _form_in(source, forms.get(language, ())) or forms.get(language, ("",))[0]
            translated = forms.get(reader, ())
            if not translated or not original:
                continue
            seen.add(concept)
            found.append(GistTerm(original=original, translated=translated[0]))
    return found[:limit]


def _form_in(text: str, forms: Sequence[str]) -> str | None:
    lowered = text.lower()
    return next((form for form in forms if form in lowered), None)
