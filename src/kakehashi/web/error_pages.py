"""Readable error pages, in the interface language, for every error on a page (non-API) path."""

from __future__ import annotations

from collections.abc import Sequence
from urllib.parse import quote

from fastapi import Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import ValidationError
from starlette.exceptions import HTTPException as StarletteHTTPException

from kakehashi.api.errors import http_error_code
from kakehashi.errors import AuthenticationRequired, FieldProblem, KakehashiError, TooManyAttempts
from kakehashi.validation import problems_from_pydantic
from kakehashi.web.deps import get_translations
from kakehashi.web.forms import form_errors
from kakehashi.web.templating import render

SIGN_IN_PATH = "/signin"


def error_page(
    request: Request,
    *,
    status_code: int,
    code: str,
    detail: str = "",
    problems: Sequence[FieldProblem] = (),
) -> HTMLResponse:
    """The error page: a translated title and explanation per ``code``, the detail, each bad field.

    ``detail`` is already in the interface language; each problem is translated here.
    """
    shown = form_errors(problems, get_translations(request)).problems
    return render(
        request,
        "error.html",
        {"status_code": status_code, "code": code, "detail": detail, "problems": shown},
        status_code=status_code,
    )


def kakehashi_error_page(request: Request, error: KakehashiError) -> Response:
    if isinstance(error, AuthenticationRequired) and request.method == "GET":
        # A page that needs a signed-in user sends a visitor to sign in, then back.
        return RedirectResponse(f"{SIGN_IN_PATH}?next={quote(_path_with_query(request))}", status_code=303)
    response = error_page(
        request,
        status_code=error.http_status,
        code=error.code,
        detail=error.localised(get_translations(request).gettext),
        problems=error.problems,
    )
    if isinstance(error, TooManyAttempts):
        response.headers["Retry-After"] = str(error.retry_after_s)
    return response


def validation_error_page(request: Request, error: RequestValidationError | ValidationError) -> Response:
    return error_page(
        request, status_code=422, code="validation_failed", problems=problems_from_pydantic(error.errors())
    )


def http_error_page(request: Request, error: StarletteHTTPException) -> Response:
    response = error_page(request, status_code=error.status_code, code=http_error_code(error.status_code))
    for name, value in (error.headers or {}).items():
        response.headers[name] = value
    return response


def internal_error_page(request: Request) -> Response:
    return error_page(request, status_code=500, code="internal_error")


def _path_with_query(request: Request) -> str:
    query = request.url.query
    return request.url.path + (f"?{query}" if query else "")
