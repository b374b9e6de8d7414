"""One JSON error shape for every error of the API, in the language the client asks for:

``{"error": {"code": ..., "message": ..., "message_id": ...,
             "fields": [{"field": ..., "message": ..., "message_id": ..., "line": ...}]}}``

``code`` is stable and meant for programs; ``message`` is written in the best language of the
request's ``Accept-Language`` (it, ja or en; else the default locale) from the interface catalogues;
``message_id`` is the English catalogue id, the same in every language. KakehashiError subclasses keep
their ``code`` and ``http_status``; FastAPI's request validation, pydantic validation and HTTP errors
(404, 405, ...) are written in the same shape.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, Final

from babel.support import Translations
from fastapi import Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import ValidationError
from starlette.exceptions import HTTPException as StarletteHTTPException

from kakehashi.errors import (
    N_,
    FieldProblem,
    Gettext,
    KakehashiError,
    StaleVersion,
    TooManyAttempts,
    format_message,
)
from kakehashi.validation import field_name, problems_from_pydantic
from kakehashi.web.i18n import negotiate_locale

__all__ = ["field_name", "problems_from_pydantic"]

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

# The message of an HTTP error that no feature raised (an unknown address, a wrong method).
HTTP_ERROR_MESSAGES: Final[Mapping[int, str]] = {
    400: N_("The request is not valid."),
    401: N_("Please sign in."),
    403: N_("Your account may not do this."),
    404: N_("There is nothing at this address, or it is not visible to you."),
    405: N_("This action is not available here."),
    406: N_("This format is not available."),
    409: N_("This cannot be done now."),
    413: N_("The request is too large."),
    415: N_("This content type is not accepted."),
    422: N_("The request is invalid."),
    429: N_("Too many requests. Please wait and try again."),
    500: N_("Something went wrong on the server; the error has been logged."),
}
INVALID_REQUEST: Final = N_("The request is invalid.")
HTTP_ERROR: Final = N_("The request could not be completed.")


def request_locale(request: Request) -> str:
    """The API's language: the best of it/ja/en in ``Accept-Language``, else the default locale."""
    return negotiate_locale(
        chosen=None,
        accept_language=request.headers.get("accept-language"),
        default=request.app.state.settings.default_locale,
    )


def request_gettext(request: Request) -> Gettext:
    translations: dict[str, Translations] = request.app.state.translations
    return translations[request_locale(request)].gettext


def error_body(
    code: str,
    message: str,
    problems: Sequence[FieldProblem] = (),
    *,
    params: Mapping[str, object] | None = None,
    gettext: Gettext | None = None,
) -> dict[str, Any]:
    """The error shape; ``message`` and each problem's message are catalogue ids rendered by ``gettext``."""
    translate = gettext or (lambda text: text)
    return {
        "error": {
            "code": code,
            "message": format_message(message, params or {}, translate),
            "message_id": message,
            "fields": [
                {
                    "field": problem.field,
                    "message": problem.text(translate),
                    "message_id": problem.message,
                    "line": problem.line,
                }
                for problem in problems
            ],
        }
    }


def _respond(
    request: Request, body: dict[str, Any], status_code: int, headers: Mapping[str, str] | None = None
) -> JSONResponse:
    response = JSONResponse(body, status_code=status_code, headers=dict(headers or {}))
    response.headers["content-language"] = request_locale(request)
    response.headers["vary"] = "Accept-Language"
    return response


def http_error_code(status_code: int) -> str:
    return HTTP_ERROR_CODES.get(status_code, "http_error")


def kakehashi_error_response(request: Request, error: KakehashiError) -> JSONResponse:
    # A 401 says how to authenticate (RFC 9110): the API takes bearer tokens.
    headers = {"WWW-Authenticate": "Bearer"} if error.http_status == 401 else {}
    body = error_body(
        error.code, error.message, error.problems, params=error.params, gettext=request_gettext(request)
    )
    if isinstance(error, StaleVersion) and error.current is not None:
        # The record as it is now, so that the client can merge and send again with its ETag.
        body["current"] = error.current
        headers["ETag"] = f'"{error.current_version}"'
    if isinstance(error, TooManyAttempts):
        headers["Retry-After"] = str(error.retry_after_s)
    return _respond(request, body, error.http_status, headers or None)


def request_validation_response(
    request: Request, error: RequestValidationError | ValidationError
) -> JSONResponse:
    problems = problems_from_pydantic(error.errors())
    body = error_body("validation_failed", INVALID_REQUEST, problems, gettext=request_gettext(request))
    return _respond(request, body, 422)


def http_error_response(request: Request, error: StarletteHTTPException) -> JSONResponse:
    message = HTTP_ERROR_MESSAGES.get(error.status_code, HTTP_ERROR)
    body = error_body(http_error_code(error.status_code), message, gettext=request_gettext(request))
    return _respond(request, body, error.status_code, error.headers)


def internal_error_response(request: Request) -> JSONResponse:
    body = error_body("internal_error", HTTP_ERROR_MESSAGES[500], gettext=request_gettext(request))
    return _respond(request, body, 500)
