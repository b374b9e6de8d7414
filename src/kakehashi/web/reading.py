"""Which text of an opportunity a reader sees: the translation in the interface language when there is
one, the original one click away (``?original=1``), another translation on request (``?lang=xx``).
Where no translation exists, the page says so and gives the key terms in the reader's words."""

from __future__ import annotations

from dataclasses import dataclass, field

from kakehashi.matching.gist import GistTerm, gist_terms
from kakehashi.profiles.schemas import OpportunityView


@dataclass(frozen=True, slots=True)
class Reading:
    language: str  # the language of the text shown
    title: str
    description: str
    provided_by: str | None  # who translated it; None for the original
    reader: str  # the interface language
    translated_for_reader: bool  # a translation into the reader's language exists
    gist: list[GistTerm] = field(default_factory=list)  # when the reader's language has no text

    @property
    def is_original(self) -> bool:
        return self.provided_by is None


def reading_for(view: OpportunityView, *, reader: str, lang: str = "", original: bool = False) -> Reading:
    translations = {str(code): text for code, text in view.translations.items()}
    has_reader = reader in translations
    chosen: str
    if original or (lang and lang not in translations):
        chosen = view.language
    elif lang:
        chosen = lang
    else:
        chosen = reader if has_reader else view.language
    gist: list[GistTerm] = []
    if reader != view.language and not has_reader:
        gist = gist_terms(
            title=view.title,
            description=view.description,
            keywords=view.keywords,
            language=view.language,
            reader=reader,
        )
    if chosen == view.language:
        return Reading(view.language, view.title, view.description, None, reader, has_reader, gist)
    text = translations[chosen]
    provider = {str(code): who for code, who in view.translation_providers.items()}.get(
        chosen, "organisation"
    )
    return Reading(chosen, text.title, text.description, provider, reader, has_reader, gist)
