"""One formatting helper for every place that writes a date, a time, a number or an amount of money:
pages (Jinja filters), e-mails, reports and the CLI.

The *interface* language is one of it/ja/en; the *formatting* locale keeps the reader's region when
the browser gives one (``en-GB`` → ``31 Aug 2027``, ``en-US`` → ``Aug 31, 2027``). Every locale writes
dates in one style everywhere (lists and detail pages alike): Babel's ``medium`` date, and the short
time of day. Times are stored in UTC and shown in the viewer's zone with, side by side, the
counterpart's zone (Rome ↔ Tokyo).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Final
from zoneinfo import ZoneInfo

from babel import localedata
from babel.dates import format_date, format_skeleton, format_time, get_datetime_format
from babel.numbers import format_currency, format_decimal, format_percent

ZONE_ITALY: Final = "Europe/Rome"
ZONE_JAPAN: Final = "Asia/Tokyo"
ZONE_OF_COUNTRY: Final[Mapping[str, str]] = {"IT": ZONE_ITALY, "JP": ZONE_JAPAN}

# The one date style and time style of every locale (a list and a detail page write a date alike).
DATE_STYLE: Final = "medium"
TIME_STYLE: Final = "short"


def accept_language_tags(header: str | None) -> list[str]:
    """Full language tags of an ``Accept-Language`` header, best first (``q=0`` and ``*`` dropped)."""
    if not header:
        return []
    weighted: list[tuple[float, int, str]] = []
    for position, part in enumerate(header.split(",")):
        pieces = [piece.strip() for piece in part.split(";")]
        tag = pieces[0]
        if not tag or tag == "*" or len(tag) > 35:
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
            weighted.append((-quality, position, tag))
    return [tag for _, _, tag in sorted(weighted)]


def formatting_locale(language: str, accept_language: str | None) -> str:
    """The Babel locale for ``language`` (it/ja/en) with the browser's region for that language.

    ``("en", "en-GB,en;q=0.8")`` → ``en_GB``; ``("it", "en-GB")`` → ``it``; ``("en", None)`` → ``en``.
    """
    for tag in accept_language_tags(accept_language):
        primary, _, region = tag.replace("_", "-").partition("-")
        region = region.split("-")[0]
        if primary.lower() != language or not region:
            continue
        candidate = f"{language}_{region.upper()}"
        if localedata.exists(candidate):  # Babel knows the region's conventions (en_GB yes, en_ZZ no)
            return candidate
    return language


def counterpart_zone(viewer_zone: str) -> str:
    """The other side's zone: Japan for a viewer in Italy (or elsewhere), Italy for one in Japan."""
    return ZONE_ITALY if viewer_zone == ZONE_JAPAN else ZONE_JAPAN


def as_utc(value: datetime) -> datetime:
    """Stored times are UTC; naive values (SQLite drops the zone) are read as UTC."""
    return value if value.tzinfo is not None else value.replace(tzinfo=ZoneInfo("UTC"))


CalendarDay = date  # a name the class's own ``date`` method does not hide


@dataclass(frozen=True, slots=True)
class LocaleFormatter:
    """Dates, numbers, money and times written the way a reader of ``locale`` expects.

    ``locale`` is a Babel locale (``it``, ``ja``, ``en``, ``en_GB``…); ``viewer_zone`` an IANA zone.
    """

    locale: str
    viewer_zone: str

    def date(self, value: date | datetime | None, _style: str | None = None) -> str:
        """A calendar date (a datetime is first moved to the viewer's zone).

        ``_style`` is accepted and ignored: every date of a locale is written in its one style.
        """
        if value is None:
            return ""
        if isinstance(value, datetime):
            value = as_utc(value).astimezone(ZoneInfo(self.viewer_zone)).date()
        return format_date(value, format=DATE_STYLE, locale=self.locale)

    def date_time(self, value: datetime | None, zone: str | None = None) -> str:
        """Date and time of day in ``zone`` (the viewer's by default), with the zone's short name."""
        if value is None:
            return ""
        zone_info = ZoneInfo(zone or self.viewer_zone)
        local = as_utc(value).astimezone(zone_info)
        return f"{self._date_and_time(local)} ({zone_label(zone or self.viewer_zone, local)})"

    def number(self, value: float | int | Decimal | None) -> str:
        if value is None:
            return ""
        return format_decimal(value, locale=self.locale)

    def month(self, value: CalendarDay) -> str:
        """A calendar month (``lug 2026``, ``2026年7月``, ``Jul 2026``)."""
        return format_skeleton("yMMM", value, locale=self.locale)

    def percent(self, value: float | None) -> str:
        """A share (0.25 → 25%)."""
        if value is None:
            return ""
        return format_percent(value, locale=self.locale)

    def money(self, amount: float | int | Decimal | None, currency: str) -> str:
        """An amount in ``currency`` (EUR, JPY…), with that currency's decimals (none for yen)."""
        if amount is None:
            return ""
        return format_currency(amount, currency.upper(), locale=self.locale)

    def time_in(self, value: datetime, zone: str, *, with_date: bool = True) -> str:
        """``value`` in ``zone``, with the zone's short name (``31 ago 2027, 10:00 (CEST)``)."""
        zone_info = ZoneInfo(zone)
        local = as_utc(value).astimezone(zone_info)
        shown = self._date_and_time(local) if with_date else self._clock(local)
        return f"{shown} ({zone_label(zone, local)})"

    def dual_time(self, value: datetime | None, other_zone: str | None = None) -> str:
        """``value`` in the viewer's zone and, side by side, in the counterpart's zone.

        The counterpart's side repeats the date only when it is another day there.
        """
        if value is None:
            return ""
        other = other_zone or counterpart_zone(self.viewer_zone)
        mine = self.time_in(value, self.viewer_zone)
        if other == self.viewer_zone:
            return mine
        moment = as_utc(value)
        same_day = (
            moment.astimezone(ZoneInfo(other)).date() == moment.astimezone(ZoneInfo(self.viewer_zone)).date()
        )
        return f"{mine} · {self.time_in(value, other, with_date=not same_day)}"

    def _clock(self, local: datetime) -> str:
        return format_time(local, format=TIME_STYLE, tzinfo=local.tzinfo, locale=self.locale)

    def _date_and_time(self, local: datetime) -> str:
        pattern = get_datetime_format(DATE_STYLE, locale=self.locale)
        day = format_date(local.date(), format=DATE_STYLE, locale=self.locale)
        return str(pattern).replace("{1}", day).replace("{0}", self._clock(local))


def zone_label(zone: str, moment: datetime) -> str:
    """The zone's abbreviation at that moment (CET/CEST, JST), else its IANA name."""
    abbreviation = moment.tzname()
    if abbreviation and not abbreviation.startswith(("+", "-")):
        return abbreviation
    return zone
