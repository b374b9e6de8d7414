"""One JSON error shape for every error of the API:

``{"error": {"code": ..., "message": ..., "fields": [{"field": ..., "message": ..., "line": ...}]}}``

KakehashiError subclasses keep their ``code`` and ``http_status``; FastAPI's request validation,
pydantic validation and HTTP errors (404, 405, ...) are written in the same shape.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import ValidationError
from starlette.exceptions import HTTPException as StarletteHTTPException

from kakehashi.errors import FieldProblem, KakehashiError, TooManyAttempts

# Where a validation error was found is not part of the field's name.
_LOCATION_PARTS = frozenset({"body", "query", "path", "header", "cookie"})

HTTP_ERROR_CODES: Mapping[int, str] = {
    400: "bad_request",
    401: "authentication_required",
    403: "permission_denied",
    404: "not_found",
    405: "method_not_allowed",
    406: "not_acceptable",
    409: "conflict",
    413: "payload_too_large",
    415: "unsupported_media_type",
    422: "validation_failed",
    429: "too_many_requests",
    500: "internal_error",
}


def error_body(code: str, message: str, problems: Sequence[FieldProblem] = ()) -> dict[str, Any]:
    return {
        "error": {
            "code": code,
            "message": message,
            "fields": [
                {"field": problem.field, "message": problem.text, "line": problem.line}
                for problem in problems
            ],
        }
    }


def field_name(location: Iterable[int | str]) -> str:
    """``("body", "translations", "en", "title")`` → ``translations.en.title``."""
    parts = [str(part) for part in location]
    if len(parts) > 1 and parts[0] in _LOCATION_PARTS:
        parts = parts[1:]
    return ".".join(parts) or "request"


def problems_from_pydantic(errors: Iterable[Mapping[str, Any]]) -> list[FieldProblem]:
    """Pydantic's error list as field problems (one per field and message)."""
    return [
        FieldProblem(field=field_name(error.get("loc", ())), message=str(error.get("msg", "")))
        for error in errors
    ]


def http_error_code(status_code: int) -> str:
    return HTTP_ERROR_CODES.get(status_code, "http_error")


def kakehashi_error_response(error: KakehashiError) -> JSONResponse:
    # A 401 says how to authenticate (RFC 9110): the API takes bearer tokens.
    headers = {"WWW-Authenticate": "Bearer"} if error.http_status == 401 else None
    if isinstance(error, TooManyAttempts):
        headers = {"Retry-After": str(error.retry_after_s)}
    return JSONResponse(
        error_body(error.code, error.message, error.problems), status_code=error.http_status, headers=headers
    )


def request_validation_response(error: RequestValidationError | ValidationError) -> JSONResponse:
    problems = problems_from_pydantic(error.errors())
    return JSONResponse(error_body("validation_failed", "The request is invalid.", problems), status_code=422)


def http_error_response(error: StarletteHTTPException) -> JSONResponse:
    return JSONResponse(
        error_body(http_error_code(error.status_code), str(error.detail)),
        status_code=error.status_code,
        headers=error.headers,
    )


def internal_error_response() -> JSONResponse:
    return JSONResponse(
        error_body("internal_error", "Something went wrong on the server; the error has been logged."),
        status_code=500,
    )
