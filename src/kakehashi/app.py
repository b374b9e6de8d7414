"""The application factory (placeholder until the pages branch brings the full one).

Nothing is built at import time; ``create_app(settings)`` builds everything from the settings it is given.
The pages branch replaces this module with the complete factory (pages, sessions, CSRF, static files);
the API part below is the same there: ``api.routers()`` mounted under ``api.API_PREFIX`` and every error
answered in the one JSON shape of :mod:`kakehashi.api.errors`.
"""

from __future__ import annotations

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import Response
from pydantic import ValidationError
from starlette.exceptions import HTTPException as StarletteHTTPException

from kakehashi import __version__, api
from kakehashi.api import errors as api_errors
from kakehashi.config import Settings
from kakehashi.errors import KakehashiError
from kakehashi.store import Database


def create_app(settings: Settings, *, database: Database | None = None) -> FastAPI:
    """The Kakehashi web application over ``database`` (default: from the settings)."""
    app = FastAPI(
        title="Kakehashi API",
        version=__version__,
        description="Italy–Japan industrial cooperation: organisations, opportunities, matching.",
        docs_url="/docs",
        redoc_url=None,
    )
    app.state.settings = settings
    app.state.database = database if database is not None else Database(settings.resolved_database_url())
    _install_error_handlers(app)
    for router in api.routers():
        app.include_router(router, prefix=api.API_PREFIX)
    return app


def _install_error_handlers(app: FastAPI) -> None:
    async def on_kakehashi_error(_request: Request, error: Exception) -> Response:
        assert isinstance(error, KakehashiError)
        return api_errors.kakehashi_error_response(error)

    async def on_validation_error(_request: Request, error: Exception) -> Response:
        assert isinstance(error, RequestValidationError | ValidationError)
        return api_errors.request_validation_response(error)

    async def on_http_error(_request: Request, error: Exception) -> Response:
        assert isinstance(error, StarletteHTTPException)
        return api_errors.http_error_response(error)

    app.add_exception_handler(KakehashiError, on_kakehashi_error)
    app.add_exception_handler(RequestValidationError, on_validation_error)
    app.add_exception_handler(ValidationError, on_validation_error)
    app.add_exception_handler(StarletteHTTPException, on_http_error)
