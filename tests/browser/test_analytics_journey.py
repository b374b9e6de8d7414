"""The cooperation dashboard in Chromium: a JETRO officer opens it from the header in Japanese; each
section whose figures were not kept is a request of its own that the page's script puts in its place;
every chart is drawn (a server-made SVG image with its sentence), and the numbers behind a chart open with
one click. Without script, a section's link shows it on a page of its own."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from kakehashi.analytics.indicators import TABLE_KEYS
from tests.browser.conftest import NewPage
from tests.browser.test_journeys import sign_in

OFFICER_JETRO = "officer.jetro@kakehashi.example"
LOADED_MS = 60_000  # each section's figures computed on the demo store, on a shared machine

pytestmark = pytest.mark.browser


def test_a_jetro_officer_reads_the_charts_and_the_numbers_behind_them_in_japanese(new_page: NewPage) -> None:
    page = new_page("ja")
    fragments: list[str] = []
    page.on(
        "request",
        lambda request: fragments.append(request.url) if "/analytics/fragments/" in request.url else None,
    )
    sign_in(page, OFFICER_JETRO)
    page.get_by_test_id("nav-analytics").click()
    expect(page.locator("h1")).to_have_text("協力の分析")
    sections = page.get_by_test_id("analytics-section")
    # Every section in place, the ones not kept fetched by the script (none left waiting, none failed).
    expect(sections).to_have_count(len(TABLE_KEYS), timeout=LOADED_MS)
    expect(page.get_by_test_id("analytics-pending")).to_have_count(0)
    assert [section.get_attribute("data-key") for section in sections.all()] == list(TABLE_KEYS)
    assert fragments, "the page showed every figure at once: nothing was left to its own request"
    _every_chart_is_drawn(page)
    first = sections.first
    numbers = first.get_by_test_id("numbers-behind")
    table = numbers.locator("table")
    expect(table).to_be_hidden()
    numbers.locator("summary").click()
    expect(table).to_be_visible()
    expect(numbers.locator("summary")).to_have_text("このグラフの数値")
    assert table.locator("tbody tr").count() >= 1
    assert first.get_by_test_id("csv").get_attribute("href", timeout=2000).startswith("/analytics/exports/")


def test_without_script_each_section_is_a_link_to_a_page_of_its_own(new_page: NewPage) -> None:
    page = new_page("it", java_script_enabled=False)
    sign_in(page, OFFICER_JETRO)
    page.goto("/analytics?country=JP")
    pending = page.get_by_test_id("analytics-pending")
    expect(pending.first).to_be_visible()
    assert pending.count() == len(TABLE_KEYS)  # a filter nobody asked for: nothing kept
    page.locator('#funnel [data-testid="section-link"]').click()
    expect(page.get_by_test_id("analytics-section")).to_have_count(1)
    section = page.get_by_test_id("analytics-section")
    expect(section).to_have_attribute("data-key", "funnel")
    section.get_by_test_id("numbers-behind").locator("summary").click()
    expect(section.locator("table")).to_be_visible()
    image = section.get_by_test_id("chart-image")  # (no script here to ask the image if it is drawn)
    assert image.get_attribute("alt")
    drawn = page.request.get(image.get_attribute("src") or "")
    assert drawn.status == 200
    assert drawn.headers["content-type"].startswith("image/svg+xml")
    page.get_by_test_id("back-to-dashboard").click()
    expect(page.locator("#funnel")).to_have_attribute("data-testid", "analytics-section")  # kept now


def _every_chart_is_drawn(page: Page) -> None:
    images = page.get_by_test_id("chart-image")
    assert images.count() >= 1
    for index in range(images.count()):
        image = images.nth(index)
        image.scroll_into_view_if_needed()
        # Each chart is a request of its own, drawn on the server: wait for it as a reader would.
        page.wait_for_function(
            "img => img.complete && img.naturalWidth > 0", arg=image.element_handle(), timeout=LOADED_MS
        )
        assert image.get_attribute("alt")
