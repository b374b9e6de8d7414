"""Typed notice parameters: stored as JSON that keeps each value's type, rendered per reader.

A date or a time is rendered in the reader's locale (and a time in the reader's zone), a vocabulary
label in the reader's language, so one stored notice reads right in Rome and in Tokyo. Pure: no I/O.

A :class:`Localised` text (an event's title given in several languages) is rendered in the reader's
language when it has one, else in English, Italian, Japanese (the first one given).

Stored shape: ``{"name": {"t": "str"|"int"|"float"|"date"|"datetime"|"label"|"text", "v": ..., "voc": ...}}``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from kakehashi.errors import Gettext
from kakehashi.formatting import LocaleFormatter
from kakehashi.labels import VOCABULARIES, Label


@dataclass(frozen=True, slots=True)
class Localised:
    """A text given in some of it, ja, en (language code -> text); the reader gets its own language's."""

    texts: Mapping[str, str]

    def pick(self, language: str) -> str:
        for code in (language, "en", "it", "ja"):
            if self.texts.get(code):
                return self.texts[code]
        return ""


NoticeParam = str | int | float | date | datetime | Label | Localised
LANGUAGES = ("it", "ja", "en")

# A parameter of this name (an IANA zone) asks for every ``*_at`` date-time in both zones: the reader's
# and this one (an event's venue, the counterpart's office).
OTHER_ZONE = "other_zone"
MAX_PARAMS = 20
MAX_TEXT = 1000


def encode_params(params: Mapping[str, NoticeParam] | None) -> dict[str, Any]:
    """The JSON form of ``params`` (raises TypeError / ValueError on what cannot be rendered later)."""
    if not params:
        return {}
    if len(params) > MAX_PARAMS:
        raise ValueError(f"at most {MAX_PARAMS} notice parameters")
    return {_checked_name(name): _encode(name, value) for name, value in params.items()}


def _checked_name(name: str) -> str:
    if not name.isidentifier():
        raise ValueError(f"notice parameter name {name!r} is not an identifier")
    return name


def _encode(name: str, value: NoticeParam) -> dict[str, Any]:
    # bool is an int to Python; refuse it so that nothing renders as "True".
    if isinstance(value, bool):
        raise TypeError(f"notice parameter {name!r}: booleans have no rendering; pass a Label")
    if isinstance(value, Label):
        if value.vocabulary not in VOCABULARIES:
            raise ValueError(f"notice parameter {name!r}: unknown vocabulary {value.vocabulary!r}")
        return {"t": "label", "voc": value.vocabulary, "v": value.value}
    if isinstance(value, Localised):
        return {
            "t": "text",
            "v": {code: value.texts[code][:MAX_TEXT] for code in LANGUAGES if value.texts.get(code)},
        }
    if isinstance(value, datetime):
        if value.tzinfo is None:
            raise ValueError(f"notice parameter {name!r}: a naive datetime; pass an aware (UTC) one")
        return {"t": "datetime", "v": value.astimezone(UTC).isoformat()}
    if isinstance(value, date):
        return {"t": "date", "v": value.isoformat()}
    if isinstance(value, int):
        return {"t": "int", "v": value}
    if isinstance(value, float):
        return {"t": "float", "v": value}
    if isinstance(value, str):
        if name == OTHER_ZONE:
            _zone(value)
        return {"t": "str", "v": value[:MAX_TEXT]}
    raise TypeError(f"notice parameter {name!r}: {type(value).__name__} is not a NoticeParam")


def _zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as error:
        raise ValueError(f"{name!r} is not an IANA time zone") from error


def decode_params(stored: Mapping[str, Any]) -> dict[str, NoticeParam]:
    """The typed values of a stored parameter map (unknown entries are read as text)."""
    values: dict[str, NoticeParam] = {}
    for name, item in stored.items():
        kind, value = item.get("t"), item.get("v")
        if kind == "label":
            values[name] = Label(str(item.get("voc")), str(value))
        elif kind == "text" and isinstance(value, dict):
            values[name] = Localised({str(k): str(v) for k, v in value.items()})
        elif kind == "datetime":
            values[name] = datetime.fromisoformat(str(value))
        elif kind == "date":
            values[name] = date.fromisoformat(str(value))
        elif kind in {"int", "float"} and isinstance(value, int | float):
            values[name] = value
        else:
            values[name] = str(value)
    return values


def render_params(
    stored: Mapping[str, Any], *, gettext: Gettext, formatter: LocaleFormatter
) -> dict[str, str]:
    """Every parameter written for one reader: labels translated, numbers and dates in the reader's
    locale, date-times in the reader's zone (and in ``other_zone`` too for ``*_at`` names)."""
    values = decode_params(stored)
    other = values.get(OTHER_ZONE)
    other_zone = other if isinstance(other, str) and other else None
    return {name: _render(name, value, gettext, formatter, other_zone) for name, value in values.items()}


def _render(
    name: str, value: NoticeParam, gettext: Gettext, formatter: LocaleFormatter, other_zone: str | None
) -> str:
    if isinstance(value, Label):
        return value.localise(gettext)
    if isinstance(value, Localised):
        return value.pick(formatter.locale.split("_")[0])
    if isinstance(value, datetime):
        if other_zone and name.endswith("_at"):
            return formatter.dual_time(value, other_zone)
        return formatter.date_time(value)
    if isinstance(value, date):
        return formatter.date(value)
    if isinstance(value, int | float):
        return formatter.number(value)
    return value
