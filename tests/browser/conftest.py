"""Browser tests: a live uvicorn server per test module over a fresh SQLite store loaded with the demo
(through the domain's services), driven by Playwright in Debian's headless Chromium.

Skipped, with the reason, only where ``/usr/bin/chromium`` is missing (CI installs it with apt).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, sync_playwright

from kakehashi.app import create_app
from kakehashi.config import Settings
from kakehashi.demo.loader import load_demo
from kakehashi.store import Database
from tests.browser.live_server import serve_in_thread

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
# Browser locales (they set Accept-Language) for each interface language.
BROWSER_LOCALES = {"it": "it-IT", "ja": "ja-JP", "en": "en-GB"}
TIMEOUT_MS = 10_000

NewPage = Callable[..., Page]


@pytest.fixture(scope="module")
def live_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The platform with the demo loaded, served on 127.0.0.1; yields its base URL."""
    folder = tmp_path_factory.mktemp("live")
    settings = Settings(data_dir=folder / "data", secret_key="browser-tests", page_size=10, embedder="fake")
    database = Database(settings.resolved_database_url())
    load_demo(database)
    app = create_app(settings, database=database)
    app.state.matching.sync()  # indexed before the first page, as after `kakehashi demo`'s own indexing
    worker = app.state.embedding_worker  # the server's indexing thread (the live server runs no lifespan)
    worker.start()
    try:
        with serve_in_thread(app) as base_url:
            yield base_url
    finally:
        worker.stop()
    database.dispose()


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    if not CHROMIUM.exists():
        pytest.skip(
            "Debian's Chromium is not installed at /usr/bin/chromium (apt-get install chromium fonts-noto-cjk)"
        )
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield launched
        launched.close()


@pytest.fixture
def new_page(browser: Browser, live_server: str) -> Iterator[NewPage]:
    """Opens a page in a fresh browser profile (its own cookies) whose browser language is ``locale``."""
    contexts: list[BrowserContext] = []

    def open_page(
        locale: str = "en", *, timezone: str | None = None, java_script_enabled: bool = True
    ) -> Page:
        context = browser.new_context(
            java_script_enabled=java_script_enabled,
            base_url=live_server,
            locale=BROWSER_LOCALES[locale],
            timezone_id=timezone or {"it": "Europe/Rome", "ja": "Asia/Tokyo"}.get(locale, "UTC"),
            viewport={"width": 1280, "height": 900},
        )
        context.set_default_timeout(TIMEOUT_MS)
        contexts.append(context)
        return context.new_page()

    yield open_page
    for context in contexts:
        context.close()
