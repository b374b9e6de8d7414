"""Page forms: from submitted fields to the feature's input models, and validation problems back to
readable messages next to the fields they name, in the interface language."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Final

from babel.support import Translations
from starlette.datastructures import FormData

from kakehashi.errors import FieldProblem
from kakehashi.web.i18n import SUPPORTED_LOCALES
from kakehashi.web.labels import LANGUAGES, N_

OPPORTUNITY_TEXT_FIELDS: Final = ("type", "language", "title", "description", "partner_sought")
ORGANISATION_TEXT_FIELDS: Final = (
    "name",
    "name_ja",
    "name_en",
    "kind",
    "size",
    "city",
    "website",
    "description",
    "description_language",
    "ateco_code",
    "jsic_code",
)

FIELD_LABELS: Final[Mapping[str, str]] = {
    "current_password": N_("Current password"),
    "new_password": N_("New password"),
    "type": N_("Type"),
    "language": N_("Original language"),
    "title": N_("Title"),
    "description": N_("Description"),
    "sectors": N_("Sectors"),
    "keywords": N_("Keywords"),
    "trl": N_("Technology readiness level (TRL)"),
    "partner_sought": N_("Partner sought"),
    "deadline": N_("Deadline"),
    "translations": N_("Translations"),
    "name": N_("Name"),
    "name_ja": N_("Name in Japanese script"),
    "name_en": N_("Name in English"),
    "kind": N_("Kind of organisation"),
    "size": N_("Size"),
    "city": N_("City"),
    "website": N_("Website"),
    "description_language": N_("Language of the description"),
    "ateco_code": N_("ATECO code"),
    "jsic_code": N_("JSIC code"),
    "email": N_("E-mail"),
    "password": N_("Password"),
}

# Validation messages of the features and of pydantic, rewritten for people in their language.
_MESSAGE_PATTERNS: Final[tuple[tuple[re.Pattern[str], str], ...]] = (
    (re.compile(r"^Field required$"), N_("This field is required.")),
    (
        re.compile(r"^String should have at least (?P<n>\d+) characters?$"),
        N_("Write at least %(n)s characters."),
    ),
    (
        re.compile(r"^String should have at most (?P<n>\d+) characters?$"),
        N_("Write at most %(n)s characters."),
    ),
    (re.compile(r"^List should have at most (?P<n>\d+) items?"), N_("Give at most %(n)s items.")),
    (re.compile(r"^(Value error, )?at least one sector is required$"), N_("Choose at least one sector.")),
    (
        re.compile(r"^Input should be greater than or equal to (?P<n>\d+)$"),
        N_("The value must be at least %(n)s."),
    ),
    (
        re.compile(r"^Input should be less than or equal to (?P<n>\d+)$"),
        N_("The value must be at most %(n)s."),
    ),
    (re.compile(r"^Input should be a valid date"), N_("Give a date as YYYY-MM-DD.")),
    (re.compile(r"^Input should be a valid integer"), N_("Give a whole number.")),
    (re.compile(r"^Input should be "), N_("Choose one of the values offered.")),
    (
        re.compile(r"^(Value error, )?must be an http\(s\) URL$"),
        N_("Give a web address starting with https://"),
    ),
    (re.compile(r"^Extra inputs are not permitted$"), N_("This field is not expected here.")),
)


def translate_problem_message(message: str, translations: Translations) -> str:
    """A validation message in the interface language (messages without a rewrite stay as they are)."""
    for pattern, replacement in _MESSAGE_PATTERNS:
        match = pattern.search(message)
        if match is not None:
            return translations.gettext(replacement) % match.groupdict()
    return message.removeprefix("Value error, ")


def _shown_message(problem: FieldProblem, translations: Translations) -> str:
    if problem.params:
        return translations.gettext(problem.message) % dict(problem.params)
    translated = translations.gettext(problem.message) if problem.message else problem.message
    return translate_problem_message(translated, translations)


def field_label(field_path: str, translations: Translations) -> str:
    """``translations.en.title`` → ``Title (English)``, in the interface language."""
    parts = field_path.split(".")
    if parts[0] == "translations" and len(parts) >= 3 and parts[1] in LANGUAGES:
        inner = translations.gettext(FIELD_LABELS.get(parts[2], parts[2]))
        return f"{inner} ({translations.gettext(LANGUAGES[parts[1]])})"
    label = FIELD_LABELS.get(parts[0])
    return translations.gettext(label) if label else field_path


@dataclass(frozen=True, slots=True)
class ShownProblem:
    field: str
    label: str
    message: str


@dataclass(slots=True)
class FormErrors:
    """Problems of a submitted form, by field (``translations.en.title`` stays one key)."""

    problems: list[ShownProblem] = field(default_factory=list)

    def for_field(self, name: str) -> list[str]:
        return [p.message for p in self.problems if p.field == name or p.field.startswith(name + ".")]

    def __bool__(self) -> bool:
        return bool(self.problems)


def form_errors(problems: Sequence[FieldProblem], translations: Translations) -> FormErrors:
    return FormErrors(
        [
            ShownProblem(
                field=problem.field,
                label=field_label(problem.field, translations),
                message=_shown_message(problem, translations),
            )
            for problem in problems
        ]
    )


def _text(form: FormData, name: str) -> str:
    value = form.get(name)
    return value.strip() if isinstance(value, str) else ""


def _optional(form: FormData, name: str) -> str | None:
    return _text(form, name) or None


def _list(form: FormData, name: str) -> list[str]:
    return [value for value in form.getlist(name) if isinstance(value, str) and value]


def split_keywords(text: str) -> list[str]:
    """Keywords typed one per line or separated by commas (、 too, for Japanese)."""
    return [word.strip() for word in re.split(r"[,\n、，]", text) if word.strip()]


def opportunity_data(form: FormData) -> dict[str, Any]:
    """The opportunity form as the input model's fields (validation happens in the feature)."""
    data: dict[str, Any] = {name: _text(form, name) for name in OPPORTUNITY_TEXT_FIELDS}
    data["sectors"] = _list(form, "sectors")
    data["keywords"] = split_keywords(_text(form, "keywords"))
    data["trl"] = _optional(form, "trl")
    data["deadline"] = _optional(form, "deadline")
    translations: dict[str, dict[str, str]] = {}
    for language in SUPPORTED_LOCALES:
        title = _text(form, f"translation_{language}_title")
        description = _text(form, f"translation_{language}_description")
        if (title or description) and language != data["language"]:
            translations[language] = {"title": title, "description": description}
    data["translations"] = translations
    return data


def organisation_data(form: FormData) -> dict[str, Any]:
    """The organisation form as the patch model's fields (empty optional fields clear the value)."""
    data: dict[str, Any] = {name: _optional(form, name) for name in ORGANISATION_TEXT_FIELDS}
    data["description"] = _text(form, "description")
    data["sectors"] = _list(form, "sectors")
    return data


def opportunity_form_values(view: Any) -> dict[str, Any]:
    """An existing opportunity as the form's values (for editing)."""
    values: dict[str, Any] = {name: getattr(view, name) or "" for name in OPPORTUNITY_TEXT_FIELDS}
    values["sectors"] = list(view.sectors)
    values["keywords"] = ", ".join(view.keywords)
    values["trl"] = view.trl or ""
    values["deadline"] = view.deadline.isoformat() if view.deadline else ""
    values["translations"] = {
        language: {"title": t.title, "description": t.description}
        for language, t in view.translations.items()
    }
    return values


def submitted_values(data: Mapping[str, Any]) -> dict[str, Any]:
    """What the member typed, to show the form again after a problem (keywords back as one line)."""
    values = dict(data)
    if isinstance(values.get("keywords"), list):
        values["keywords"] = ", ".join(values["keywords"])
    for key in ("trl", "deadline"):
        values[key] = values.get(key) or ""
    return values
