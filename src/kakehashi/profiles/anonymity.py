"""Does an opportunity's text give away who posted it? A pure check, no I/O.

Opportunities are shown anonymised until both sides consent to an introduction, so a title that says
"Idrosmart seeks EUR 3.5 million" defeats the rule. The check looks for any of the organisation's
names (every script: Latin, kanji, kana) and its web domain in the title, description, keywords,
translations and external id. Texts and names are compared after NFKC (full-width letters become
ASCII, half-width kana become full-width) and case folding. Latin names match as whole words, so
"Eni" does not fire inside "tecnici"; Japanese names match anywhere (Japanese has no spaces).
Legal forms ("S.p.A.", "株式会社", "Co., Ltd.") are dropped from the names first, since they are
not what identifies an organisation and would match every company.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from urllib.parse import urlsplit

# Legal forms and generic words, compared after normalisation (lower case, NFKC).
_LEGAL_FORMS = (
    "s.p.a.",
    "s.p.a",
    "spa",
    "s.r.l.",
    "s.r.l",
    "srl",
    "s.r.l.s.",
    "s.a.s.",
    "s.n.c.",
    "soc. coop.",
    "società benefit",
    "co., ltd.",
    "co.,ltd.",
    "co. ltd.",
    "co., ltd",
    "ltd.",
    "ltd",
    "inc.",
    "inc",
    "corporation",
    "corp.",
    "k.k.",
    "gmbh",
    "株式会社",
    "有限会社",
    "合同会社",
    "一般社団法人",
    "公益財団法人",
    "国立研究開発法人",
    "(株)",
    "㈱",
)
# A name shorter than this (after dropping legal forms) is too likely an ordinary word to flag.
_MIN_LATIN = 3
_MIN_JAPANESE = 2
_JAPANESE = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uff66-\uff9f]")
_WORDS = re.compile(r"\w+")
_GENERIC_DOMAIN_LABELS = frozenset(
    {"www", "com", "co", "it", "jp", "ne", "or", "ac", "go", "example", "net", "org"}
)


@dataclass(frozen=True, slots=True)
class NamedIn:
    """The organisation's ``name`` (as it appears in its record) was found in ``field``."""

    field: str  # "title", "description", "keywords", "external_id", "translations.ja.title", …
    name: str


def normalise(text: str) -> str:
    """NFKC and case folding: ＩＤＲＯＳＭＡＲＴ, Idrosmart and IDROSMART read the same; ｲﾄﾞﾛ → イドロ."""
    return unicodedata.normalize("NFKC", text).casefold()


def identifying_names(names: Iterable[str | None], website: str | None) -> list[str]:
    """The strings that identify an organisation: its names without legal forms, and its web domain
    (``idrosmart.example.it`` and its distinctive label ``idrosmart``)."""
    found: list[str] = []
    for name in names:
        if name and name.strip():
            found.extend(_name_forms(name))
    found.extend(_domain_forms(website))
    unique: list[str] = []
    for form in found:
        if form not in unique:
            unique.append(form)
    return unique


def _name_forms(name: str) -> list[str]:
    full = normalise(name).strip()
    bare = _without_legal_forms(full)
    if not _long_enough(bare):
        return []  # nothing but a legal form, or too short to tell from an ordinary word
    forms = [form for form in (full, bare) if _long_enough(form)]
    if " " in bare and not _JAPANESE.search(bare):
        forms.append(bare.replace(" ", ""))  # "Silicio Etneo" written as one word, as in its domain
    # "ミクロシステミ・ブリアンツァ" is also written without its middle dot.
    forms += [form.replace("・", "") for form in forms if "・" in form]
    return forms


def _without_legal_forms(name: str) -> str:
    bare = name
    for form in sorted(_LEGAL_FORMS, key=len, reverse=True):
        bare = bare.replace(form, " ")
    return " ".join(bare.replace(",", " ").split()).strip(" .-")


def is_japanese(text: str) -> bool:
    return _JAPANESE.search(text) is not None


def _long_enough(form: str) -> bool:
    if _JAPANESE.search(form):
        return len(form) >= _MIN_JAPANESE
    return len(form) >= _MIN_LATIN


def _domain_forms(website: str | None) -> list[str]:
    if not website:
        return []
    host = urlsplit(website if "//" in website else f"//{website}").hostname or ""
    host = normalise(host).removeprefix("www.")
    if not host or "." not in host:
        return []
    labels = [label for label in host.split(".") if label not in _GENERIC_DOMAIN_LABELS]
    distinctive = [label for label in labels if len(label) >= 4]
    return [host, *distinctive]


def find_names(fields: Mapping[str, str | Sequence[str] | None], names: Sequence[str]) -> list[NamedIn]:
    """Every (field, name) where one of ``names`` (from :func:`identifying_names`) appears in a field."""
    findings: list[NamedIn] = []
    for field, value in fields.items():
        if not value:
            continue
        text = normalise(value if isinstance(value, str) else " | ".join(value))
        for name in names:
            if _mentions(text, name):
                findings.append(NamedIn(field=field, name=name))
    return findings


def _mentions(text: str, name: str) -> bool:
    if _JAPANESE.search(name) or not any(char.isalnum() for char in name):
        return name in text
    # Whole words: no letter or digit may touch the name on either side.
    return re.search(rf"(?<![^\W_]){re.escape(name)}(?![^\W_])", text) is not None


def opportunity_fields(
    *,
    title: str,
    description: str,
    keywords: Sequence[str],
    external_id: str | None,
    translations: Mapping[str, tuple[str, str]],
) -> dict[str, str | Sequence[str] | None]:
    """The checked fields of an opportunity, named as the warning shows them."""
    fields: dict[str, str | Sequence[str] | None] = {
        "title": title,
        "description": description,
        "keywords": list(keywords),
        "external_id": external_id,
    }
    for language, (t_title, t_description) in translations.items():
        fields[f"translations.{language}.title"] = t_title
        fields[f"translations.{language}.description"] = t_description
    return fields
