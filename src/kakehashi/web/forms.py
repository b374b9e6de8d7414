"""Page forms: from submitted fields to the feature's input models, and validation problems back to
readable messages next to the fields they name, in the interface language."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Final

from babel.support import Translations
from starlette.datastructures import FormData

from kakehashi.errors import N_, FieldProblem, StaleVersion
from kakehashi.labels import LANGUAGES
from kakehashi.web.i18n import SUPPORTED_LOCALES

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
    "sector": N_("Sector"),
    "country": N_("Country"),
    "q": N_("Search"),
    "verdict": N_("Verdict"),
    "organisation_id": N_("Organisation"),
    "organisation": N_("Organisation"),
    "display_name": N_("Name"),
    "role": N_("Role"),
    "agency": N_("Agency"),
    "external_id": N_("External id"),
    "page": N_("Page"),
    "status": N_("Status"),
    "version": N_("Version"),
    "time_zone": N_("Time zone"),
    "email_off": N_("E-mail notifications"),
    "digest": N_("Alert digest"),
    "start": N_("Period start"),
    "end": N_("Period end"),
    "granularity": N_("Trends by"),
    "event": N_("Event"),
    "quarter": N_("Quarter"),
}


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
    line: int | None = None


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
                message=problem.text(translations.gettext),
                line=problem.line,
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


def form_version(form: FormData) -> int | None:
    """The version the form was read at (its hidden field); None when absent or not a number."""
    text = _text(form, "version")
    return int(text) if text.isdigit() and len(text) <= 18 else None


def stale_problem(error: StaleVersion) -> list[FieldProblem]:
    return [FieldProblem("version", error.message, params=error.params)]


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
    values["version"] = view.version
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
