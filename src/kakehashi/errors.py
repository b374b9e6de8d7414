"""The one exception hierarchy of Kakehashi.

Features raise these; the edges (API, pages, CLI) map them to one JSON error shape, a readable
page or a CLI message. Every error names the offending field (and line, for imports) when it can.

Messages are never finished English sentences: each is an English gettext message id with named
``%(name)s`` placeholders, and the values travel separately in ``params``::

    raise NotFound("Opportunity %(id)s does not exist.", params={"id": opportunity_id})
    FieldProblem("title", "Write at most %(max)s characters.", params={"max": 200})

Babel extracts these ids from the constructors themselves (see ``babel.cfg``), the catalogues
translate them, and the edges render them with ``localised(gettext)`` in the reader's language.
A parameter may itself be translatable (``Localisable``: a vocabulary label, a list of them).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Protocol, runtime_checkable

Gettext = Callable[[str], str]
Params = Mapping[str, object]


def identity(message: str) -> str:
    """The untranslated message (English, for logs and the CLI)."""
    return message


def N_(message: str) -> str:  # noqa: N802 (the gettext convention for "mark only")
    """Mark ``message`` for extraction without translating it (it is translated where it is shown)."""
    return message


@runtime_checkable
class Localisable(Protocol):
    """A parameter that is itself written in the reader's language (a vocabulary label, a list)."""

    def localise(self, gettext: Gettext) -> str: ...


def format_message(message: str, params: Params, gettext: Gettext = identity) -> str:
    """``message`` translated by ``gettext`` with ``params`` filled in (each localised if it can be)."""
    text = gettext(message)
    if not params:
        return text
    values = {
        name: value.localise(gettext) if isinstance(value, Localisable) else value
        for name, value in params.items()
    }
    try:
        return text % values
    except (KeyError, TypeError, ValueError):
        # A broken translation must not hide the error itself: fall back to the English id.
        return message % values


@dataclass(frozen=True, slots=True)
class FieldProblem:
    """One thing wrong with one field of the input (``line`` is set for file imports)."""

    field: str
    message: str
    line: int | None = None
    params: Params = dataclasses.field(default_factory=dict, hash=False)

    def text(self, gettext: Gettext = identity) -> str:
        """The problem in the reader's language (English by default)."""
        return format_message(self.message, self.params, gettext)

    def describe(self, gettext: Gettext = identity) -> str:
        where = f"line {self.line}, " if self.line is not None else ""
        return f"{where}{self.field}: {self.text(gettext)}"


class KakehashiError(Exception):
    """Base of every error that Kakehashi raises on purpose."""

    code = "error"
    http_status = 400

    def __init__(
        self,
        message: str,
        *,
        problems: list[FieldProblem] | None = None,
        params: Params | None = None,
    ) -> None:
        self.message = message
        self.params: Params = dict(params or {})
        self.problems: list[FieldProblem] = list(problems or [])
        super().__init__(format_message(message, self.params))

    @property
    def message_id(self) -> str:
        """The English gettext message id (stable across languages, for clients and logs)."""
        return self.message

    def localised(self, gettext: Gettext = identity) -> str:
        """The message in the reader's language."""
        return format_message(self.message, self.params, gettext)

    def __str__(self) -> str:
        text = self.localised()
        if not self.problems:
            return text
        return text + "\n" + "\n".join("  - " + p.describe() for p in self.problems)


class ValidationFailed(KakehashiError):
    """The input is invalid; ``problems`` names each bad field (and line)."""

    code = "validation_failed"
    http_status = 422


class NotFound(KakehashiError):
    code = "not_found"
    http_status = 404


class AuthenticationRequired(KakehashiError):
    code = "authentication_required"
    http_status = 401


class TooManyAttempts(KakehashiError):
    """Slow down: ``retry_after_s`` says when to try again (sent as ``Retry-After``)."""

    code = "too_many_attempts"
    http_status = 429

    def __init__(self, message: str, *, retry_after_s: int = 1, params: Params | None = None) -> None:
        super().__init__(message, params=params)
        self.retry_after_s = max(1, retry_after_s)


class PermissionDenied(KakehashiError):
    code = "permission_denied"
    http_status = 403


class Conflict(KakehashiError):
    """The request clashes with the current state (a duplicate, a stale transition)."""

    code = "conflict"
    http_status = 409


class InvalidTransition(Conflict):
    code = "invalid_transition"


class Infeasible(KakehashiError):
    """A problem (for example a schedule) has no solution; the message says why."""

    code = "infeasible"
    http_status = 422


class StaleVersion(Conflict):
    """The record changed since the caller read it: its version moved on, and nothing was written.

    The edges attach the record as it is now (``current``) so that the client can merge and try again.
    """

    code = "stale_version"

    def __init__(
        self,
        message: str,
        *,
        problems: list[FieldProblem] | None = None,
        params: Params | None = None,
    ) -> None:
        super().__init__(message, problems=problems, params=params)
        self.current: dict[str, object] | None = None
        self.current_version: int | None = None
