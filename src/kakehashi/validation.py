"""Pydantic's validation errors as field problems with catalogue message ids and parameters.

Pydantic writes finished English sentences ("Input should be 'technology_offer', …"); the edges need
message ids they can translate. Each pydantic error *type* maps to one message id; its context
(``max_length``, ``ge``, ``expected``…) becomes the parameters, and allowed values of a vocabulary
field are rendered with their translated labels (``Choices``).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any, Final

from kakehashi.errors import N_, FieldProblem, Params
from kakehashi.events.labels import EVENT_FIELD_VOCABULARIES
from kakehashi.labels import Choices

# Where a validation error was found is not part of the field's name.
_LOCATION_PARTS: Final = frozenset({"body", "query", "path", "header", "cookie", "form"})
_QUOTED: Final = re.compile(r"'([^']*)'")

GENERIC_MESSAGE: Final = N_("This value is not valid.")

# pydantic error type -> (message id, {placeholder: context key}).
_MESSAGES: Final[Mapping[str, tuple[str, Mapping[str, str]]]] = {
    "missing": (N_("This field is required."), {}),
    "string_too_short": (N_("Write at least %(n)s characters."), {"n": "min_length"}),
    "string_too_long": (N_("Write at most %(n)s characters."), {"n": "max_length"}),
    "too_short": (N_("Give at least %(n)s items."), {"n": "min_length"}),
    "too_long": (N_("Give at most %(n)s items."), {"n": "max_length"}),
    "greater_than": (N_("The value must be greater than %(n)s."), {"n": "gt"}),
    "greater_than_equal": (N_("The value must be at least %(n)s."), {"n": "ge"}),
    "less_than": (N_("The value must be less than %(n)s."), {"n": "lt"}),
    "less_than_equal": (N_("The value must be at most %(n)s."), {"n": "le"}),
    "int_parsing": (N_("Give a whole number."), {}),
    "int_type": (N_("Give a whole number."), {}),
    "int_from_float": (N_("Give a whole number."), {}),
    "float_parsing": (N_("Give a number."), {}),
    "float_type": (N_("Give a number."), {}),
    "decimal_parsing": (N_("Give a number."), {}),
    "bool_parsing": (N_("Give true or false."), {}),
    "bool_type": (N_("Give true or false."), {}),
    "string_type": (N_("Give a text."), {}),
    "list_type": (N_("Give a list."), {}),
    "dict_type": (N_("Give an object with named fields."), {}),
    "model_type": (N_("Give an object with named fields."), {}),
    "model_attributes_type": (N_("Give an object with named fields."), {}),
    "date_parsing": (N_("Give a date as YYYY-MM-DD."), {}),
    "date_from_datetime_parsing": (N_("Give a date as YYYY-MM-DD."), {}),
    "date_from_datetime_inexact": (N_("Give a date as YYYY-MM-DD."), {}),
    "date_type": (N_("Give a date as YYYY-MM-DD."), {}),
    "datetime_parsing": (N_("Give a date and time as YYYY-MM-DDTHH:MM."), {}),
    "datetime_from_date_parsing": (N_("Give a date and time as YYYY-MM-DDTHH:MM."), {}),
    "datetime_type": (N_("Give a date and time as YYYY-MM-DDTHH:MM."), {}),
    "extra_forbidden": (N_("This field is not expected here."), {}),
    "json_invalid": (N_("The request body is not valid JSON."), {}),
    "string_pattern_mismatch": (N_("The value does not have the expected form."), {}),
    "url_parsing": (N_("Give a web address starting with https://"), {}),
    "url_scheme": (N_("Give a web address starting with https://"), {}),
}
_CHOICE_TYPES: Final = frozenset({"literal_error", "enum"})
CHOOSE_ONE_OF: Final = N_("Choose one of: %(allowed)s.")

# The vocabulary behind a field (its last name in the path), to show allowed values by their labels.
VOCABULARY_OF_FIELD: Final[Mapping[str, str]] = {
    "type": "type",
    "types": "type",
    "sector": "sector",
    "sectors": "sector",
    "status": "status",
    "statuses": "status",
    "kind": "kind",
    "size": "size",
    "country": "country",
    "countries": "country",
    "language": "language",
    "original_language": "language",
    "description_language": "language",
    "role": "role",
    "agency": "agency",
    **EVENT_FIELD_VOCABULARIES,
}


class InvalidValue(ValueError):
    """Raised by a pydantic validator: a message id with parameters, like every Kakehashi error."""

    def __init__(self, message: str, *, params: Params | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.params: Params = dict(params or {})


def field_name(location: Iterable[int | str]) -> str:
    """``("body", "translations", "en", "title")`` → ``translations.en.title``."""
    parts = [str(part) for part in location]
    if len(parts) > 1 and parts[0] in _LOCATION_PARTS:
        parts = parts[1:]
    return ".".join(parts) or "request"


def _vocabulary(location: Iterable[int | str]) -> str | None:
    names = [part for part in location if isinstance(part, str)]
    return VOCABULARY_OF_FIELD.get(names[-1]) if names else None


def problem_from_pydantic(error: Mapping[str, Any], *, line: int | None = None) -> FieldProblem:
    """One pydantic error as a FieldProblem whose message is a catalogue id."""
    location = tuple(error.get("loc", ()))
    field = field_name(location)
    kind = str(error.get("type", ""))
    context: Mapping[str, Any] = error.get("ctx") or {}
    if kind == "value_error":
        cause = context.get("error")
        if isinstance(cause, InvalidValue):
            return FieldProblem(field, cause.message, line, params=cause.params)
        return FieldProblem(field, str(cause) if cause else GENERIC_MESSAGE, line)
    if kind in _CHOICE_TYPES:
        values = _QUOTED.findall(str(context.get("expected", "")))
        return FieldProblem(
            field, CHOOSE_ONE_OF, line, params={"allowed": Choices(_vocabulary(location), tuple(values))}
        )
    message, wanted = _MESSAGES.get(kind, (GENERIC_MESSAGE, {}))
    params = {name: context[key] for name, key in wanted.items() if key in context}
    if len(params) != len(wanted):
        return FieldProblem(field, GENERIC_MESSAGE, line)
    return FieldProblem(field, message, line, params=params)


def problems_from_pydantic(
    errors: Iterable[Mapping[str, Any]], *, line: int | None = None
) -> list[FieldProblem]:
    """Pydantic's error list as field problems (one per field and message)."""
    return [problem_from_pydantic(error, line=line) for error in errors]
