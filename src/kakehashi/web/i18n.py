"""Interface languages: gettext catalogues, locale negotiation, and locale-aware formatting.

The ``.po`` files under ``locale/`` are the only source: they are compiled in memory when the app starts
(no ``.mo`` build step, nothing generated is committed). ``docs/translations.md`` explains how to extract
new messages and update the catalogues.
"""

from __future__ import annotations

from collections.abc import Mapping
from io import BytesIO
from pathlib import Path
from typing import Final
from zoneinfo import ZoneInfo

from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import Translations

# Formatting lives in the core (pages, e-mails and the CLI share it); re-exported for the pages.
from kakehashi.formatting import (
    ZONE_ITALY,
    ZONE_JAPAN,
    ZONE_OF_COUNTRY,
    LocaleFormatter,
    accept_language_tags,
    counterpart_zone,
    formatting_locale,
)

SUPPORTED_LOCALES: Final[tuple[str, ...]] = ("it", "ja", "en")
LOCALE_COOKIE: Final = "kakehashi_locale"
TIMEZONE_COOKIE: Final = "kakehashi_tz"
LOCALE_DIR: Final = Path(__file__).parent / "locale"

# Without a zone reported by the browser, assume the side that speaks the interface language.
DEFAULT_ZONE_OF_LOCALE: Final[Mapping[str, str]] = {"it": ZONE_ITALY, "ja": ZONE_JAPAN, "en": "UTC"}

# Names of the interface and content languages, each written in its own language (for the switch
# and for language badges, which must be readable whatever the interface language).
LANGUAGE_AUTONYMS: Final[Mapping[str, str]] = {"it": "Italiano", "ja": "日本語", "en": "English"}


def po_path(locale: str) -> Path:
    return LOCALE_DIR / locale / "LC_MESSAGES" / "messages.po"


def read_catalogue(locale: str) -> Catalog:
    """The parsed ``.po`` catalogue of one interface language."""
    with po_path(locale).open("rb") as po_file:
        return read_po(po_file, locale=locale)


def compile_catalogue(catalog: Catalog) -> Translations:
    """Compile a catalogue in memory into gettext translations (fuzzy entries are left out)."""
    buffer = BytesIO()
    write_mo(buffer, catalog)
    buffer.seek(0)
    return Translations(fp=buffer, domain="messages")


def load_translations() -> dict[str, Translations]:
    """Every interface language's translations, compiled from the ``.po`` files."""
    return {locale: compile_catalogue(read_catalogue(locale)) for locale in SUPPORTED_LOCALES}


def parse_accept_language(header: str | None) -> list[str]:
    """Primary language subtags of an ``Accept-Language`` header, best first (``q=0`` dropped)."""
    return [tag.lower().replace("_", "-").split("-")[0] for tag in accept_language_tags(header)]


def negotiate_locale(*, chosen: str | None, accept_language: str | None, default: str) -> str:
    """The interface language: an explicit choice, else the browser's preference, else the default."""
    if chosen in SUPPORTED_LOCALES:
        return chosen
    for tag in parse_accept_language(accept_language):
        if tag in SUPPORTED_LOCALES:
            return tag
    return default


def valid_zone(name: str | None) -> str | None:
    """``name`` if it is a known IANA time zone, else None (the cookie comes from the browser)."""
    if not name or len(name) > 64:
        return None
    try:
        ZoneInfo(name)
    except (ValueError, KeyError, OSError):
        return None
    return name


__all__ = [
    "LANGUAGE_AUTONYMS",
    "LOCALE_COOKIE",
    "SUPPORTED_LOCALES",
    "TIMEZONE_COOKIE",
    "ZONE_ITALY",
    "ZONE_JAPAN",
    "ZONE_OF_COUNTRY",
    "LocaleFormatter",
    "counterpart_zone",
    "formatting_locale",
    "load_translations",
    "negotiate_locale",
    "parse_accept_language",
    "read_catalogue",
    "valid_zone",
]
