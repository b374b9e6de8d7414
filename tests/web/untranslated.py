"""Find interface text that was left in English on an Italian or Japanese page.

The visible text of a page (text nodes, and the ``title``, ``aria-label``, ``placeholder`` and ``alt``
attributes) is read outside *content*: an element whose ``lang`` differs from the page's is quoted
data (an opportunity in its original language, the language switch's autonyms, the brand). Data
values the test itself stored (names, titles, e-mails) are removed from the text first. What is left:

- must not be (or contain) an English catalogue message that has a translation: the catalogue's
  English ids become patterns (``%(id)s`` matches anything), so "Opportunity 999999 does not exist."
  is caught as well as "Sign in";
- on Italian pages, must not contain English-only words ("the", "should", "Input"…);
- on Japanese pages, must contain Japanese script unless it is only digits, punctuation and symbols,
  or an allowed name (Kakehashi, ICE, JETRO, TRL, ATECO, JSIC…).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from html.parser import HTMLParser

from kakehashi.web.i18n import read_catalogue

VOID_ELEMENTS = frozenset(
    {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}
)
SKIPPED_ELEMENTS = frozenset({"script", "style", "template"})
TEXT_ATTRIBUTES = ("title", "aria-label", "placeholder", "alt")

# Names that are the same in every language.
ALLOWED_NAMES = (
    "Kakehashi",
    "架け橋",
    "ICE",
    "JETRO",
    "TRL",
    "ATECO",
    "JSIC",
    "ISTAT",
    "Wikipedia",
    "YAGO",
    "randomitems.io",
    "CC BY-SA",
    "CC BY",
    "CSV",
    "JSON",
    "API",
    "PDF",
    "ICS",
    "URL",
    "https://",
    "CET",
    "CEST",
    "JST",
    "UTC",
    "R&D",
    "AI",
    "IT",
    "SiC",
    "e-mail",
    "E-mail",
    "Startup",
)
# Words that only English text uses (Italian pages must not show them outside data).
ENGLISH_ONLY_WORDS = frozenset(
    [
        "the",
        "is",
        "are",
        "was",
        "were",
        "should",
        "must",
        "not",
        "does",
        "do",
        "has",
        "have",
        "with",
        "without",
        "this",
        "that",
        "these",
        "your",
        "you",
        "please",
        "sign",
        "input",
        "field",
        "required",
        "valid",
        "invalid",
        "error",
        "found",
        "page",
        "opportunity",
        "opportunities",
        "organisation",
        "organisations",
        "exist",
        "exists",
        "already",
        "only",
        "can",
        "cannot",
        "may",
        "of",
        "for",
        "and",
        "or",
        "to",
        "from",
        "by",
        "expected",
        "value",
        "values",
        "review",
        "queue",
        "published",
        "draft",
        "expired",
        "withdrawn",
        "offer",
        "request",
    ]
)
_JAPANESE = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uff00-\uffef]")
_WORD = re.compile(r"[A-Za-z][A-Za-z'’-]*")
_ONLY_SYMBOLS = re.compile(r"^[\W\d_]*$", re.UNICODE)
_PLACEHOLDER = re.compile(r"%\(\w+\)[sd]")


@dataclass
class _VisibleText(HTMLParser):
    page_language: str
    texts: list[str] = field(default_factory=list)
    _stack: list[tuple[str, bool]] = field(default_factory=list)

    def __post_init__(self) -> None:
        super().__init__(convert_charrefs=True)

    @property
    def _skipping(self) -> bool:
        return any(skip for _, skip in self._stack)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {name: value or "" for name, value in attrs}
        language = values.get("lang", "").split("-")[0]
        quoted = tag != "html" and bool(language) and language != self.page_language
        skip = tag in SKIPPED_ELEMENTS or quoted or "hidden" in values
        if not skip and not self._skipping:
            for name in TEXT_ATTRIBUTES:
                if values.get(name):
                    self.texts.append(values[name])
            if tag == "input" and values.get("type") in ("submit", "button") and values.get("value"):
                self.texts.append(values["value"])
        if tag not in VOID_ELEMENTS:
            self._stack.append((tag, skip))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
        if tag not in VOID_ELEMENTS and self._stack and self._stack[-1][0] == tag:
            self._stack.pop()

    def handle_endtag(self, tag: str) -> None:
        for position in range(len(self._stack) - 1, -1, -1):
            if self._stack[position][0] == tag:
                del self._stack[position:]
                return

    def handle_data(self, data: str) -> None:
        text = " ".join(data.split())
        if text and not self._skipping:
            self.texts.append(text)


def visible_texts(html: str, page_language: str) -> list[str]:
    parser = _VisibleText(page_language)
    parser.feed(html)
    parser.close()
    return parser.texts


@lru_cache(maxsize=4)
def english_patterns(locale: str) -> tuple[tuple[str, re.Pattern[str]], ...]:
    """English message ids that ``locale`` translates differently, as patterns (longest first)."""
    patterns = []
    for message in read_catalogue(locale):
        if not message.id or not isinstance(message.id, str) or not message.string:
            continue
        english = message.id
        if message.string == english or len(_WORD.findall(_PLACEHOLDER.sub("", english))) < 1:
            continue
        pieces = _PLACEHOLDER.split(english)
        if len(" ".join(pieces).strip()) < 4:
            continue  # "AI", "%(n)s items": too short to tell interface text from data
        body = r"(.+?)".join(re.escape(piece) for piece in pieces)
        patterns.append((english, re.compile(r"(?<![A-Za-z])" + body + r"(?![A-Za-z])")))
    return tuple(sorted(patterns, key=lambda item: -len(item[0])))


def _without(text: str, removed: Iterable[str]) -> str:
    for value in removed:
        if value:
            text = text.replace(value, " ")
    return " ".join(text.split())


def untranslated(html: str, locale: str, *, data: Iterable[str] = ()) -> list[str]:
    """Text of an ``it`` or ``ja`` page that is still English interface text (empty when clean)."""
    removed = sorted({value for value in data if value and len(value) > 1}, key=len, reverse=True)
    allowed = sorted(ALLOWED_NAMES, key=len, reverse=True)
    found = []
    for raw in visible_texts(html, locale):
        text = _without(raw, removed)
        if not text:
            continue
        for english, pattern in english_patterns(locale):
            if english in ALLOWED_NAMES:
                continue
            if pattern.search(text):
                found.append(f"{raw!r} is the English message {english!r}")
                break
        else:
            rest = _without(text, allowed)
            if locale == "it":
                words = {word.lower() for word in _WORD.findall(rest)}
                if words & ENGLISH_ONLY_WORDS:
                    found.append(f"{raw!r} has English words {sorted(words & ENGLISH_ONLY_WORDS)}")
            elif locale == "ja" and rest and not _JAPANESE.search(rest) and not _ONLY_SYMBOLS.match(rest):
                found.append(f"{raw!r} has no Japanese")
    return found
