"""The cooperation dashboard in Chromium: a JETRO officer opens it from the header in Japanese, every chart
is drawn (a server-made SVG image with its sentence), and the numbers behind a chart open with one click."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import NewPage
from tests.browser.test_journeys import sign_in

OFFICER_JETRO = "officer.jetro@kakehashi.example"

pytestmark = pytest.mark.browser


def test_a_jetro_officer_reads_the_charts_and_the_numbers_behind_them_in_japanese(new_page: NewPage) -> None:
    page = new_page("ja")
    sign_in(page, OFFICER_JETRO)
    page.get_by_test_id("nav-analytics").click()
    expect(page.locator("h1")).to_have_text("協力の分析")
    sections = page.get_by_test_id("analytics-section")
    expect(sections.first).to_be_visible()
    images = page.get_by_test_id("chart-image")
    assert images.count() >= 3
    for index in range(images.count()):
        image = images.nth(index)
        image.scroll_into_view_if_needed()
        # Each chart is a request of its own, drawn on the server: wait for it as a reader would.
        page.wait_for_function(
            "img => img.complete && img.naturalWidth > 0", arg=image.element_handle(), timeout=60_000
        )
        assert image.evaluate("img => img.complete && img.naturalWidth > 0"), f"chart {index} not drawn"
        assert image.get_attribute("alt")
    first = sections.first
    numbers = first.get_by_test_id("numbers-behind")
    table = numbers.locator("table")
    expect(table).to_be_hidden()
    numbers.locator("summary").click()
    expect(table).to_be_visible()
    expect(numbers.locator("summary")).to_have_text("このグラフの数値")
    assert table.locator("tbody tr").count() >= 1
    assert first.get_by_test_id("csv").get_attribute("href", timeout=2000).startswith("/analytics/exports/")
