"""Interface languages: gettext catalogues, locale negotiation, and locale-aware formatting.

The ``.po`` files under ``locale/`` are the only source: they are compiled in memory when the app starts
(no ``.mo`` build step, nothing generated is committed). ``docs/translations.md`` explains how to extract
new messages and update the catalogues.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from io import BytesIO
from pathlib import Path
from typing import Final
from zoneinfo import ZoneInfo

from babel.dates import format_date, format_datetime
from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.numbers import format_decimal
from babel.support import Translations

SUPPORTED_LOCALES: Final[tuple[str, ...]] = ("it", "ja", "en")
LOCALE_COOKIE: Final = "kakehashi_locale"
TIMEZONE_COOKIE: Final = "kakehashi_tz"
LOCALE_DIR: Final = Path(__file__).parent / "locale"

# The two sides of the cooperation; a viewer on one side sees times on the other side too.
ZONE_ITALY: Final = "Europe/Rome"
ZONE_JAPAN: Final = "Asia/Tokyo"
ZONE_OF_COUNTRY: Final[Mapping[str, str]] = {"IT": ZONE_ITALY, "JP": ZONE_JAPAN}
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
    if not header:
        return []
    weighted: list[tuple[float, int, str]] = []
    for position, part in enumerate(header.split(",")):
        pieces = [piece.strip() for piece in part.split(";")]
        tag = pieces[0].lower()
        if not tag or tag == "*":
            continue
        quality = 1.0
        for parameter in pieces[1:]:
            name, _, value = parameter.partition("=")
            if name.strip() == "q":
                try:
                    quality = float(value)
                except ValueError:
                    quality = 0.0
        if quality > 0:
            weighted.append((-quality, position, tag.split("-")[0]))
    return [tag for _, _, tag in sorted(weighted)]


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


def counterpart_zone(viewer_zone: str) -> str:
    """The other side's zone: Japan for a viewer in Italy (or elsewhere), Italy for one in Japan."""
    return ZONE_ITALY if viewer_zone == ZONE_JAPAN else ZONE_JAPAN


@dataclass(frozen=True, slots=True)
class LocaleFormatter:
    """Dates, numbers and times written the way a reader of ``locale`` expects, in the viewer's zone."""

    locale: str
    viewer_zone: str

    def date(self, value: date | datetime | None, style: str = "medium") -> str:
        if value is None:
            return ""
        if isinstance(value, datetime):
            value = _aware(value).astimezone(ZoneInfo(self.viewer_zone)).date()
        return format_date(value, format=style, locale=self.locale)

    def number(self, value: float | int | None) -> str:
        if value is None:
            return ""
        return format_decimal(value, locale=self.locale)

    def time_in(self, value: datetime, zone: str) -> str:
        """``value`` in ``zone``, with the zone's short name (``10:00 CET``)."""
        zone_info = ZoneInfo(zone)
        local = _aware(value).astimezone(zone_info)
        clock = format_datetime(local, format="short", tzinfo=zone_info, locale=self.locale)
        return f"{clock} ({self.zone_label(zone, local)})"

    def dual_time(self, value: datetime | None, other_zone: str | None = None) -> str:
        """``value`` in the viewer's zone and, side by side, in the counterpart's zone."""
        if value is None:
            return ""
        other = other_zone or counterpart_zone(self.viewer_zone)
        mine = self.time_in(value, self.viewer_zone)
        if other == self.viewer_zone:
            return mine
        return f"{mine} · {self.time_in(value, other)}"

    @staticmethod
    def zone_label(zone: str, moment: datetime) -> str:
        """The zone's abbreviation at that moment (CET/CEST, JST), else its IANA name."""
        abbreviation = moment.tzname()
        if abbreviation and not abbreviation.startswith(("+", "-")):
            return abbreviation
        return zone


def _aware(value: datetime) -> datetime:
    """Stored times are UTC; naive values (SQLite drops the zone) are read as UTC."""
    return value if value.tzinfo is not None else value.replace(tzinfo=ZoneInfo("UTC"))
