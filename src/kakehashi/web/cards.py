"""Rendered opportunity cards kept in process memory.

A list page renders 20 cards, each through several macros, label look-ups and a date format: about a
quarter of the page's CPU. A card is a pure function of what it shows (the opportunity's texts, the
reader's translation, status, sectors, deadline, what is disclosed of its organisation) and of the
reader's language, date format and whether statuses are shown. The key is all of that, the values
themselves, not only the opportunity's version: a card can never be stale, whichever process wrote the
change (several server processes share nothing but the store), and nothing needs to invalidate it. The
version is in the key too, for readability of the key. Bounded: when full, the cache starts again empty.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from typing import Any, Final

from jinja2 import pass_context
from jinja2.runtime import Context
from markupsafe import Markup

from kakehashi.formatting import LocaleFormatter

KEPT_CARDS: Final = 4096


def card_key(opp: Any, *, locale: str, fmt: LocaleFormatter, show_status: bool) -> tuple[Hashable, ...]:
    """Everything ``opportunity_card`` (``partials/macros.html``) shows, for this reader."""
    translated = opp.translations.get(locale) if locale != opp.language else None
    org = opp.organisation
    return (
        opp.id,
        opp.version,
        str(opp.type),
        str(opp.language),
        opp.title,
        opp.description,
        None if translated is None else (translated.title, translated.description),
        str(opp.status),
        opp.illustrative,
        opp.anonymised,
        str(opp.organisation_kind),
        str(opp.country),
        None if org is None else (org.id, org.name, org.name_ja),
        tuple(str(s) for s in opp.sectors),
        opp.deadline,
        locale,
        fmt.locale,
        fmt.viewer_zone,
        show_status,
    )


def kept_cards(*, limit: int = KEPT_CARDS) -> Callable[..., Markup]:
    """The template global ``card(opp, opportunity_card, show_status=…)``: the macro's output, rendered
    once per distinct key (one cache per interface language's environment)."""
    kept: dict[tuple[Hashable, ...], Markup] = {}

    @pass_context
    def card(context: Context, opp: Any, render: Callable[..., str], show_status: bool = False) -> Markup:
        key = card_key(opp, locale=context["locale"], fmt=context["fmt"], show_status=show_status)
        found = kept.get(key)
        if found is None:
            found = Markup(render(opp, show_status=show_status))
            if len(kept) >= limit:
                kept.clear()
            kept[key] = found
        return found

    return card
