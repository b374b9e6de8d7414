"""The one exception hierarchy of Kakehashi.

Features raise these; the edges (API, pages, CLI) map them to one JSON error shape, a readable
page or a CLI message. Every error names the offending field (and line, for imports) when it can.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class FieldProblem:
    """One thing wrong with one field of the input (``line`` is set for file imports)."""

    field: str
    message: str
    line: int | None = None
    # Values of the message's ``%(name)s`` placeholders (the message itself is a gettext msgid).
    params: Mapping[str, object] = dataclasses.field(default_factory=dict)

    @property
    def text(self) -> str:
        return self.message % dict(self.params) if self.params else self.message

    def describe(self) -> str:
        where = f"line {self.line}, " if self.line is not None else ""
        return f"{where}{self.field}: {self.text}"


class KakehashiError(Exception):
    """Base of every error that Kakehashi raises on purpose."""

    code = "error"
    http_status = 400

    def __init__(
        self,
        message: str,
        *,
        problems: list[FieldProblem] | None = None,
        params: Mapping[str, object] | None = None,
    ) -> None:
        self.params: Mapping[str, object] = dict(params or {})
        self.message = message % dict(self.params) if self.params else message
        self.message_id = message
        super().__init__(self.message)
        self.problems: list[FieldProblem] = list(problems or [])

    def __str__(self) -> str:
        if not self.problems:
            return self.message
        return self.message + "\n" + "\n".join("  - " + p.describe() for p in self.problems)


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

    def __init__(
        self, message: str, *, retry_after_s: int = 1, params: Mapping[str, object] | None = None
    ) -> None:
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
