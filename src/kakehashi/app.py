"""The application factory: pages, API, static files, sessions, CSRF, security headers, error mapping.

Nothing is built at import time; ``create_app(settings)`` builds everything from the settings it is given.
"""

from __future__ import annotations

import gc
import os
import secrets
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Final

from fastapi import Depends, FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import HTMLResponse, Response
from fastapi.staticfiles import StaticFiles
from pydantic import ValidationError
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.middleware.sessions import SessionMiddleware
from swagger_ui_bundle import swagger_ui_path

from kakehashi import __version__, api, health, web
from kakehashi.accounts.throttle import SignInThrottle, ThrottlePolicy
from kakehashi.api import errors as api_errors
from kakehashi.api.clients import parse_networks
from kakehashi.api.limits import RateLimits, enforce_rate_limits, rate_limits_use_store
from kakehashi.config import Settings
from kakehashi.errors import KakehashiError
from kakehashi.jobs.client import JobClient
from kakehashi.jobs.periodic import PeriodicRunner
from kakehashi.jobs.registry import NOTICES_SEND
from kakehashi.jobs.runner import JobRunner, QueueRunner, ThreadRunner
from kakehashi.matching.embed import get_embedder
from kakehashi.matching.service import MatchingService
from kakehashi.matching.worker import EmbeddingWorker, notify_on_opportunity_writes
from kakehashi.notifications.dispatch import NoticeMailDispatch
from kakehashi.notifications.mail import MailSender
from kakehashi.store import Database
from kakehashi.web import error_pages
from kakehashi.web.body_limit import BodySizeLimitMiddleware
from kakehashi.web.i18n import load_translations
from kakehashi.web.page_cache import PageCacheMiddleware
from kakehashi.web.query_guard import no_control_characters_in_query
from kakehashi.web.security import SecurityHeadersMiddleware
from kakehashi.web.templating import PageTemplates

STATIC_DIR: Final = Path(__file__).parent / "web" / "static"
SESSION_COOKIE: Final = "kakehashi_session"
SECRET_KEY_FILE: Final = "secret_key"
# How long a stopping server waits for the jobs it runs itself (in-process runner) to finish.
JOB_DRAIN_S: Final = 30.0


def create_app(settings: Settings, *, database: Database | None = None) -> FastAPI:
    """The Kakehashi web application (pages and API) over ``database`` (default: from the settings)."""
    app = FastAPI(
        title="Kakehashi API",
        version=__version__,
        description="Italy–Japan industrial cooperation: organisations, opportunities, matching.",
        docs_url=None,  # served below from the packaged Swagger UI: no CDN, works offline
        redoc_url=None,
        lifespan=_lifespan,
        # Every route (API and pages) passes the rate limits; static files do not.
        dependencies=[Depends(enforce_rate_limits)],
    )
    app.state.settings = settings
    app.state.database = (
        database
        if database is not None
        else Database(settings.resolved_database_url(), **settings.database_pool())
    )
    app.state.sign_in_throttle = SignInThrottle(
        ThrottlePolicy(
            free_failures_per_account=settings.sign_in_free_failures,
            free_failures_per_address=settings.sign_in_free_failures_per_address,
            max_delay_s=settings.sign_in_max_delay_s,
            window_s=settings.sign_in_window_s,
        )
    )
    app.state.trusted_proxies = parse_networks(settings.trusted_proxies)
    app.state.rate_limits = RateLimits.from_settings(settings)
    app.state.mailer = MailSender(settings)
    app.state.secret_key = resolve_secret_key(settings)
    app.state.matching = MatchingService(app.state.database, get_embedder(settings.embedder))
    app.state.job_client = _job_client(settings, app.state.database)
    app.state.job_runner = _job_runner(app.state.job_client, app.state.matching, settings)
    app.state.notice_mail = _notice_mail(settings, app.state.database, app.state.job_runner)
    app.state.periodic = _periodic_runner(
        settings, app.state.database, app.state.job_client, app.state.job_runner
    )
    app.state.embedding_worker = _indexing_worker(settings, app.state.matching, app.state.job_client)
    notify_on_opportunity_writes(app.state.database, app.state.embedding_worker.notify)
    app.state.translations = load_translations()
    app.state.templates = PageTemplates(app.state.translations)

    # Added first, so innermost: its 413 page is rendered with the session and the security headers.
    app.add_middleware(BodySizeLimitMiddleware, max_bytes=settings.max_body_bytes, respond=_error_response)
    app.add_middleware(
        SessionMiddleware,
        secret_key=app.state.secret_key,
        session_cookie=SESSION_COOKIE,
        max_age=settings.session_max_age_s,
        same_site="lax",
        https_only=settings.secure_cookies,
    )
    # Between the two: a kept visitor answer needs no session, and still gets the security headers.
    app.add_middleware(
        PageCacheMiddleware,
        engine=app.state.database.engine,
        session_cookie=SESSION_COOKIE,
        max_bytes=settings.page_cache_mb * 1024 * 1024,
        ttl_s=settings.page_cache_ttl_s,
        local_state=app.state.matching.engine_state,
        rate_limit=enforce_rate_limits,
        rate_limit_uses_store=rate_limits_use_store,
    )
    app.add_middleware(
        SecurityHeadersMiddleware, hsts_max_age_s=settings.hsts_max_age_s if settings.https else None
    )
    _install_error_handlers(app)

    app.mount("/static/swagger", StaticFiles(directory=str(swagger_ui_path)), name="swagger")
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")
    _install_api_docs(app)
    guard = [Depends(no_control_characters_in_query)]
    for router in web.routers():
        app.include_router(router, include_in_schema=False, dependencies=guard)
    for router in api.routers():
        app.include_router(router, prefix=api.API_PREFIX, dependencies=guard)
    app.include_router(health.router, include_in_schema=False)
    return app


def _job_client(settings: Settings, database: Database) -> JobClient | None:
    """With job workers (PostgreSQL), the queue this process enqueues into; None when jobs run here."""
    if settings.jobs_runner != "workers":
        return None
    if database.engine.dialect.name != "postgresql":
        raise KakehashiError(
            "Job workers need PostgreSQL (KAKEHASHI_DATABASE_URL); with SQLite the server runs jobs itself."
        )
    return JobClient(settings)


def _job_runner(client: JobClient | None, matching: MatchingService, settings: Settings) -> JobRunner:
    return ThreadRunner(matching, settings=settings) if client is None else QueueRunner(client)


def _notice_mail(settings: Settings, database: Database, runner: JobRunner) -> NoticeMailDispatch:
    """Notices are e-mailed by a job, started after the commit that wrote them (and by a periodic sweep)."""
    return NoticeMailDispatch(
        database,
        submit=lambda: runner.submit(NOTICES_SEND, key=None, arguments={}),
        sweep_s=settings.notices_sweep_s,
    )


def _periodic_runner(
    settings: Settings, database: Database, client: JobClient | None, runner: JobRunner
) -> PeriodicRunner | None:
    """Without job workers this process runs the periodic jobs itself (one process of several: the lock
    file elects it); with job workers, they do (procrastinate's periodic tasks)."""
    if client is not None:
        return None
    lock_path = None if settings.workers == 1 else settings.data_dir / "periodic.lock"
    return PeriodicRunner(
        database, lambda name: runner.submit(name, key=None, arguments={}), lock_path=lock_path
    )


def _indexing_worker(
    settings: Settings, matching: MatchingService, client: JobClient | None
) -> EmbeddingWorker:
    """One indexing thread per process; with several server processes, one of them indexes (the lock file
    elects it) and looks often for what the others wrote, since their writes do not wake it. With job
    workers, every process only enqueues the indexing job and reloads its engine when the index moves."""
    if client is not None:
        return EmbeddingWorker(matching, poll_s=2.0, enqueue=lambda: client.defer("index-refresh"))
    if settings.workers == 1:
        return EmbeddingWorker(matching)
    return EmbeddingWorker(matching, poll_s=2.0, lock_path=settings.data_dir / "indexer.lock")


def create_app_from_environment() -> FastAPI:
    """The app built from the environment's settings: the factory that ``uvicorn --workers`` imports in
    every server process (``kakehashi serve --workers N``)."""
    from kakehashi.config import load_settings
    from kakehashi.logs import configure_logging

    settings = load_settings()
    configure_logging(settings)
    return serving(create_app(settings))


def serving(app: FastAPI) -> FastAPI:
    """Mark ``app`` as the one app of a server process: once started, it settles its memory (below)."""
    app.state.settle_memory = True
    return app


def settle_memory() -> None:
    """Once a server process has started: what it built (modules, routes, templates, the search engine) lives
    as long as the process, so it leaves the cyclic garbage collector's generations (``gc.freeze``) and a
    full collection, which every few requests of a long list page triggers, no longer walks all of it
    (measured in ``docs/performance.md``: about a third of a participant list's CPU). Objects are still
    freed by reference counting; only cycles among the frozen ones stay. Not in tests, which build many
    apps whose memory must be collected."""
    gc.collect()
    gc.freeze()


SETTLE_AFTER_LOADING: Final = 1000  # opportunities loaded at once into the search engine


def settle_after_load(loaded: int) -> None:
    """After the search engine of a server process loaded many opportunities (its first load comes after
    start-up, in the background): settle again. Left in the collector's generations, the 100k catalogue's
    engine (about 380,000 tracked objects) made every full collection walk it: about 0.3 s each, in the
    middle of whatever request triggered it (a static file's p95 was 417 ms at 50 clients). Small loads
    (an edit, a batch of new opportunities) are left to the collector."""
    if loaded >= SETTLE_AFTER_LOADING:
        settle_memory()


def _install_api_docs(app: FastAPI) -> None:
    # The handler reads its app from the request: a closure over ``app`` would keep every app alive in
    # FastAPI's process-wide cache of endpoint callables (tests build hundreds of apps).
    @app.get("/docs", include_in_schema=False)
    def api_docs(request: Request) -> HTMLResponse:
        return get_swagger_ui_html(
            openapi_url=request.app.openapi_url or "/openapi.json",
            title="Kakehashi API",
            swagger_js_url="/static/swagger/swagger-ui-bundle.js",
            swagger_css_url="/static/swagger/swagger-ui.css",
            swagger_favicon_url="/static/swagger/favicon-32x32.png",
        )


@asynccontextmanager
async def _lifespan(app: FastAPI) -> AsyncIterator[None]:
    """While serving, new and changed opportunities are embedded, and notices e-mailed, in the background."""
    worker: EmbeddingWorker = app.state.embedding_worker
    worker.start()
    notice_mail: NoticeMailDispatch = app.state.notice_mail
    notice_mail.start()
    periodic: PeriodicRunner | None = app.state.periodic
    if periodic is not None:
        periodic.start()
    if getattr(app.state, "settle_memory", False):
        settle_memory()
        app.state.matching.on_loaded = settle_after_load
    try:
        yield
    finally:
        if periodic is not None:
            periodic.stop()
        notice_mail.stop()
        app.state.job_runner.drain(timeout_s=JOB_DRAIN_S)
        worker.stop()
        if app.state.job_client is not None:
            app.state.job_client.close()


def resolve_secret_key(settings: Settings) -> str:
    """The configured secret key, else one generated once and kept in ``data_dir/secret_key``."""
    if settings.secret_key:
        return settings.secret_key
    key_path = settings.data_dir / SECRET_KEY_FILE
    if not key_path.exists():
        settings.data_dir.mkdir(parents=True, exist_ok=True)
        try:
            # Exclusive creation: two processes starting together keep the same key; owner-only.
            descriptor = os.open(key_path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            pass
        else:
            with os.fdopen(descriptor, "w", encoding="ascii") as key_file:
                key_file.write(secrets.token_urlsafe(48))
    key = key_path.read_text(encoding="ascii").strip()
    if not key:
        raise KakehashiError(
            "The secret key file %(path)s is empty; delete it to generate a new key.",
            params={"path": str(key_path)},
        )
    return key


def is_api_request(request: Request) -> bool:
    path = request.url.path
    return path == api.API_PREFIX or path.startswith(api.API_PREFIX + "/") or path == "/openapi.json"


def _error_response(request: Request, error: KakehashiError) -> Response:
    if is_api_request(request):
        return api_errors.kakehashi_error_response(request, error)
    return error_pages.kakehashi_error_page(request, error)


def _install_error_handlers(app: FastAPI) -> None:
    async def on_kakehashi_error(request: Request, error: Exception) -> Response:
        assert isinstance(error, KakehashiError)
        return _error_response(request, error)

    async def on_validation_error(request: Request, error: Exception) -> Response:
        assert isinstance(error, RequestValidationError | ValidationError)
        if is_api_request(request):
            return api_errors.request_validation_response(request, error)
        return error_pages.validation_error_page(request, error)

    async def on_http_error(request: Request, error: Exception) -> Response:
        assert isinstance(error, StarletteHTTPException)
        if is_api_request(request):
            return api_errors.http_error_response(request, error)
        return error_pages.http_error_page(request, error)

    async def on_unexpected_error(request: Request, _error: Exception) -> Response:
        if is_api_request(request):
            return api_errors.internal_error_response(request)
        return error_pages.internal_error_page(request)

    app.add_exception_handler(KakehashiError, on_kakehashi_error)
    app.add_exception_handler(RequestValidationError, on_validation_error)
    app.add_exception_handler(ValidationError, on_validation_error)
    app.add_exception_handler(StarletteHTTPException, on_http_error)
    app.add_exception_handler(Exception, on_unexpected_error)
