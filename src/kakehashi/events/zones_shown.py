"""A meeting's time as both sides read it: the viewer's zone and the counterpart's, side by side.

Built on :mod:`kakehashi.formatting` (Babel): the same date style and short time of every locale, the
zone's abbreviation at that moment (CET/CEST, JST), so that a date across the end of daylight saving
time in Europe shows its true offset. The counterpart's side says when it is another calendar day there.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from functools import lru_cache
from zoneinfo import ZoneInfo

from babel.dates import format_date, format_time

from kakehashi.formatting import DATE_STYLE, TIME_STYLE, LocaleFormatter, as_utc, zone_label


@dataclass(frozen=True, slots=True)
class ZoneSpan:
    """``start``–``end`` read in ``zone``."""

    zone: str
    day: date
    day_text: str  # the local date in the locale's one style
    span_text: str  # "10:00–10:20"
    abbreviation: str  # CET, CEST, JST (or the zone's name)

    @property
    def text(self) -> str:
        return f"{self.day_text} {self.span_text} ({self.abbreviation})"


@dataclass(frozen=True, slots=True)
class TwoZoneSpan:
    own: ZoneSpan
    other: ZoneSpan

    @property
    def other_day(self) -> bool:
        """Whether the counterpart reads another calendar date (Tokyo's evening is Rome's morning)."""
        return self.other.day != self.own.day

    @property
    def text(self) -> str:
        """One line for lists and notices: the date on the other side only when it differs."""
        theirs = self.other.text if self.other_day else f"{self.other.span_text} ({self.other.abbreviation})"
        return f"{self.own.text} · {theirs}"


def zone_span(fmt: LocaleFormatter, start: datetime, end: datetime, zone: str) -> ZoneSpan:
    return _zone_span(fmt.locale, as_utc(start), as_utc(end), zone)


@lru_cache(maxsize=16_384)  # an event has a few dozen slots: each is written once per locale and zone
def _zone_span(locale: str, start: datetime, end: datetime, zone: str) -> ZoneSpan:
    tz = ZoneInfo(zone)
    begin, finish = as_utc(start).astimezone(tz), as_utc(end).astimezone(tz)
    clock = [format_time(t, format=TIME_STYLE, tzinfo=tz, locale=locale) for t in (begin, finish)]
    return ZoneSpan(
        zone=zone,
        day=begin.date(),
        day_text=format_date(begin.date(), format=DATE_STYLE, locale=locale),
        span_text=f"{clock[0]}–{clock[1]}",
        abbreviation=zone_label(zone, begin),
    )


def two_zone_span(
    fmt: LocaleFormatter, start: datetime, end: datetime, *, own_zone: str, other_zone: str
) -> TwoZoneSpan:
    """The slot ``start``..``end`` (UTC) in ``own_zone`` and ``other_zone``."""
    return TwoZoneSpan(own=zone_span(fmt, start, end, own_zone), other=zone_span(fmt, start, end, other_zone))
