"""The list's one search in a real Chromium, with the real model: a Japanese reader types 炭化ケイ素 and finds
the Italian silicon-carbide offers (slow: the demo is embedded once per session)."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from playwright.sync_api import expect

from kakehashi.app import create_app
from kakehashi.config import Settings
from kakehashi.store import Database
from tests.browser.conftest import NewPage
from tests.browser.live_server import serve_in_thread

pytestmark = [pytest.mark.browser, pytest.mark.slow]


@pytest.fixture(scope="module")
def live_server(embedded_demo: Settings) -> Iterator[str]:
    """The demo, embedded by the real model, served on 127.0.0.1 (overrides the fake-model server)."""
    database = Database(embedded_demo.resolved_database_url())
    with serve_in_thread(create_app(embedded_demo, database=database)) as base_url:
        yield base_url
    database.dispose()


def test_japanese_reader_finds_italian_silicon_carbide_offers(new_page: NewPage) -> None:
    page = new_page("ja")
    page.goto("/opportunities")
    expect(page.locator("html")).to_have_attribute("lang", "ja")
    page.fill("#q", "炭化ケイ素")
    page.locator("[data-testid=filters] button[type=submit]").click()
    expect(page.locator("#filter-sort")).to_have_value("relevance")
    italian = page.get_by_test_id("opportunity-card").filter(has_text="carburo di silicio")
    expect(italian.first).to_be_visible()
    expect(italian.first.get_by_test_id("language-badge")).to_have_attribute("data-language", "it")
    expect(page.get_by_test_id("index-incomplete")).to_have_count(0)
    # Sorting and filtering keep the search: only Italian originals, newest first.
    page.select_option("#filter-language", "it")
    page.wait_for_load_state()
    page.select_option("#filter-sort", "newest")
    page.wait_for_load_state()
    for part in ("q=%E7%82%AD%E5%8C%96", "language=it", "sort=newest"):  # 炭化…, and both choices
        expect(page).to_have_url(re.compile(re.escape(part)))
    badges = page.get_by_test_id("language-badge")
    expect(badges.first).to_be_visible()
    assert set(badges.evaluate_all("els => els.map(e => e.dataset.language)")) == {"it"}
    expect(
        page.get_by_test_id("opportunity-card").filter(has_text="carburo di silicio").first
    ).to_be_visible()
