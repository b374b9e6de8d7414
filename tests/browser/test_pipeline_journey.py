"""The pipeline in Chromium, in two interface languages: a Japanese member expresses interest in an
Italian opportunity → the Italian owner accepts without seeing who asked → the Japanese side confirms and
identities are disclosed to both → a JETRO officer moves the introduction to met and negotiating → a JPY
investment is recorded and both parties confirm it → the audit trail shows every step."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import NewPage
from tests.browser.test_journeys import sign_in

MEMBER_IT = "member.it@kakehashi.example"
MEMBER_JP = "member.jp@kakehashi.example"
OFFICER_JETRO = "officer.jetro@kakehashi.example"

pytestmark = pytest.mark.browser


def _newest_own_opportunity(page: Page) -> int:
    page.goto("/my/organisation")
    hrefs = page.locator("[data-testid=my-opportunities] a[href^='/opportunities/']").evaluate_all(
        "links => links.map(link => link.getAttribute('href'))"
    )
    ids = [int(m.group(1)) for href in hrefs if (m := re.fullmatch(r"/opportunities/(\d+)", href or ""))]
    return max(ids)


def test_interest_consent_disclosure_stages_and_a_confirmed_jpy_investment(new_page: NewPage) -> None:
    italian = new_page("it")
    sign_in(italian, MEMBER_IT)
    opportunity = _newest_own_opportunity(italian)

    japanese = new_page("ja")
    sign_in(japanese, MEMBER_JP)
    japanese.goto(f"/opportunities/{opportunity}")
    japanese.fill("#interest-note", "御社のSiC技術に関心があります。")
    japanese.locator("[data-action=express-interest]").first.click()
    expect(japanese.get_by_test_id("interests-sent")).to_be_visible()

    # The Italian owner sees the interest, not who asked, and accepts it.
    italian.goto("/interests")
    row = italian.locator(f"[data-testid=interests-received] tr:has(a[href='/opportunities/{opportunity}'])")
    expect(row.get_by_test_id("party-a")).to_have_attribute("data-identified", "false")
    row.locator("[data-action=accept]").click()
    expect(italian.get_by_test_id("introduction")).to_have_attribute("data-disclosed", "false")
    expect(italian.get_by_test_id("party-a")).to_have_attribute("data-identified", "false")
    introduction = italian.url.rsplit("/", 1)[-1]

    # The Japanese side confirms: identities disclosed to both.
    japanese.goto(f"/introductions/{introduction}")
    expect(japanese.get_by_test_id("party-b")).to_have_attribute("data-identified", "false")
    japanese.locator("[data-action=consent]").click()
    expect(japanese.get_by_test_id("introduction")).to_have_attribute("data-disclosed", "true")
    expect(japanese.get_by_test_id("party-b")).to_have_attribute("data-identified", "true")
    italian.reload()
    expect(italian.get_by_test_id("party-a")).to_have_attribute("data-identified", "true")

    # The JETRO officer moves it to met and negotiating, and records a JPY investment.
    officer = new_page("ja")
    sign_in(officer, OFFICER_JETRO)
    officer.goto(f"/introductions/{introduction}")
    officer.locator("[data-stage-target=met]").click()
    expect(officer.get_by_test_id("stage")).to_have_attribute("data-stage", "met")
    officer.locator("[data-stage-target=negotiating]").click()
    expect(officer.get_by_test_id("stage")).to_have_attribute("data-stage", "negotiating")
    form = officer.get_by_test_id("agreement-form")
    form.locator("#category").select_option("investment")
    form.locator("#subtype").select_option("equity")
    form.locator("#amount").fill("150000000")
    form.locator("#currency").select_option("JPY")
    form.locator("#rate").fill("162.35")
    form.locator("[data-action=record-agreement]").click()
    expect(officer.get_by_test_id("stage")).to_have_attribute("data-stage", "agreement")
    expect(officer.get_by_test_id("agreement-amount")).to_contain_text("150,000,000")

    # Both parties confirm.
    for side in (japanese, italian):
        side.goto(f"/introductions/{introduction}")
        side.locator("[data-action=confirm-agreement]").click()
        expect(side.locator("[data-action=confirm-agreement]")).to_have_count(0)

    # The audit trail shows every step.
    officer.reload()
    kinds = officer.get_by_test_id("audit-event").evaluate_all("rows => rows.map(row => row.dataset.kind)")
    assert kinds == [
        "interest_expressed",
        "interest_accepted",
        "consent_given",
        "consent_given",
        "identities_disclosed",
        "introduction_stage",
        "introduction_stage",
        "introduction_stage",
        "agreement_recorded",
        "agreement_confirmed",
        "agreement_confirmed",
    ]
