"""Screenshots of the cooperation dashboard for the README:
``python -m tests.browser.take_analytics_screenshots docs/images``.

Serves the demo as the browser tests do, signs in as the JETRO officer and photographs ``/analytics`` in
Japanese and in English (``fonts-noto-cjk`` is needed on the machine that takes them).
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from playwright.sync_api import expect, sync_playwright

from kakehashi.app import create_app
from kakehashi.config import Settings
from kakehashi.demo.loader import DEMO_PASSWORD, load_demo
from kakehashi.store import Database
from tests.browser.conftest import BROWSER_LOCALES, CHROMIUM, CHROMIUM_ARGS
from tests.browser.live_server import serve_in_thread

SHOTS = (
    ("analytics-ja.png", "ja", "/analytics", False),
    ("analytics-en.png", "en", "/analytics", False),
    ("analytics-en-numbers.png", "en", "/analytics#sector_country", True),
)
OFFICER = "officer.jetro@kakehashi.example"


def take(out_dir: Path) -> list[Path]:
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    with tempfile.TemporaryDirectory() as folder:
        settings = Settings(data_dir=Path(folder), secret_key="screenshots", embedder="fake")
        database = Database(settings.resolved_database_url())
        load_demo(database)
        app = create_app(settings, database=database)
        app.state.matching.sync()
        with serve_in_thread(app) as base_url, sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
            for name, locale, path, open_numbers in SHOTS:
                context = browser.new_context(
                    base_url=base_url,
                    locale=BROWSER_LOCALES[locale],
                    viewport={"width": 1280, "height": 1400},
                )
                page = context.new_page()
                page.goto("/signin")
                page.fill("#email", OFFICER)
                page.fill("#password", DEMO_PASSWORD)
                page.locator("main form button[type=submit]").click()
                page.wait_for_url(lambda url: "/signin" not in url)
                page.goto(path)
                # The sections not kept are requests of their own: wait until the script has put each.
                expect(page.get_by_test_id("analytics-pending")).to_have_count(0, timeout=120_000)
                if open_numbers:
                    anchor = path.split("#", 1)[1]
                    page.locator(f"#{anchor} [data-testid=numbers-behind] summary").click()
                    page.locator(f"#{anchor}").scroll_into_view_if_needed()
                target = out_dir / name
                page.screenshot(path=str(target), full_page=False)
                written.append(target)
                context.close()
            browser.close()
        database.dispose()
    return written


if __name__ == "__main__":
    for written_path in take(Path(sys.argv[1] if len(sys.argv) > 1 else "docs/images")):
        print(written_path)
