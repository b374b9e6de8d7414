"""The bounds of every input, in one place (documented in docs/api.md, "Limits").

Everything that enters (API bodies and parameters, page forms, CLI arguments, import files) is checked
against these before any SQL: a value out of bounds is a 422 naming the field, never a store error.
"""

from __future__ import annotations

import re
from typing import Final

from kakehashi.errors import N_

# Ids are INTEGER columns: 32-bit signed on PostgreSQL (64-bit on SQLite); a larger number cannot name
# a row, and sent to PostgreSQL it is an "out of range" error rather than "not found".
MAX_ID: Final = 2**31 - 1
MAX_PAGE: Final = 100_000

NAME_MAX: Final = 300
TITLE_MAX: Final = 300
DESCRIPTION_MAX: Final = 20_000
PARTNER_SOUGHT_MAX: Final = 2_000
NOTE_MAX: Final = 2_000
EXTERNAL_ID_MAX: Final = 200
CITY_MAX: Final = 200
WEBSITE_MAX: Final = 500
INDUSTRY_MAX: Final = 200
SOURCE_MAX: Final = 40
CODE_MAX: Final = 10
KEYWORD_MAX: Final = 80
KEYWORDS_MAX: Final = 20
EMPLOYEES_MAX: Final = 10_000_000
SEARCH_MAX: Final = 200
FILTER_VALUES_MAX: Final = 20  # values of one repeated query filter (?sector=…&sector=…)
TRANSLATIONS_MAX: Final = 3  # one per language


# C0 controls (and DEL) are never text a person typed; multi-line fields keep line breaks and tabs.
_CONTROL_SINGLE_LINE: Final = re.compile(r"[\x00-\x1f\x7f]")
_CONTROL_MULTI_LINE: Final = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")

CONTROL_CHARACTERS_MESSAGE: Final = N_("Control characters are not allowed.")
NOT_NULL_MESSAGE: Final = N_("May not be null: leave the field out to keep its value.")


def has_control_characters(text: str, *, multi_line: bool) -> bool:
    pattern = _CONTROL_MULTI_LINE if multi_line else _CONTROL_SINGLE_LINE
    return pattern.search(text) is not None


def single_line(text: str) -> str:
    """A pydantic after-validator for one-line text: no control character at all."""
    if has_control_characters(text, multi_line=False):
        raise ValueError(CONTROL_CHARACTERS_MESSAGE)
    return text
