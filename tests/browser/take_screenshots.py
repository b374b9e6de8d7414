"""Screenshots of the demo for the README: ``python -m tests.browser.take_screenshots docs``.

Serves the demo (real companies + illustrative opportunities) on a temporary SQLite store, exactly as the
browser tests do, and photographs the opportunity list and an opportunity page in Chromium. Japanese text
needs ``fonts-noto-cjk`` on the machine that takes the pictures.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from playwright.sync_api import sync_playwright

from kakehashi.app import create_app
from kakehashi.config import Settings
from kakehashi.demo.loader import load_demo
from kakehashi.store import Database
from tests.browser.conftest import BROWSER_LOCALES, CHROMIUM, CHROMIUM_ARGS
from tests.browser.live_server import serve_in_thread

SHOTS = (
    # (file, interface language, path): the list mixes Italian, Japanese and English content.
    ("screenshot.png", "en", "/opportunities?sector=semiconductors"),
    ("screenshot-ja.png", "ja", "/opportunities?sector=quantum"),
    ("screenshot-it-opportunity.png", "it", "/opportunities/35?lang=en"),
)


def take(out_dir: Path) -> list[Path]:
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    with tempfile.TemporaryDirectory() as folder:
        settings = Settings(data_dir=Path(folder), secret_key="screenshots", page_size=6)
        database = Database(settings.resolved_database_url())
        load_demo(database)
        app = create_app(settings, database=database)
        app.state.matching.sync()  # index first: the matches panel shows stored matches, not "being computed"
        with serve_in_thread(app) as base_url, sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
            for name, locale, path in SHOTS:
                context = browser.new_context(
                    base_url=base_url,
                    locale=BROWSER_LOCALES[locale],
                    viewport={"width": 1280, "height": 1100},
                )
                page = context.new_page()
                page.goto(path)
                target = out_dir / name
                page.screenshot(path=str(target), full_page=False)
                written.append(target)
                context.close()
            browser.close()
        database.dispose()
    return written


if __name__ == "__main__":
    for written_path in take(Path(sys.argv[1] if len(sys.argv) > 1 else "docs")):
        print(written_path)
