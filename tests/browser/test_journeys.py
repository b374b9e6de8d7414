"""The main journeys in a real headless Chromium, in Italian and in Japanese (and the switch between)."""

from __future__ import annotations

import re
import time

import pytest
from playwright.sync_api import Page, expect

from kakehashi.demo.loader import DEMO_PASSWORD
from tests.browser.conftest import NewPage

pytestmark = pytest.mark.browser

HOME_HEADING = {
    "it": "La cooperazione industriale Italia–Giappone, ogni giorno",
    "ja": "日伊の産業協力を、毎日の実務に",
}
NAV_OPPORTUNITIES = {"it": "Opportunità", "ja": "案件", "en": "Opportunities"}
SECTOR_REQUIRED = {"it": "Scegli almeno un settore.", "ja": "分野を 1 つ以上選んでください。"}
PUBLISHED_NOTICE = {"it": "è stata pubblicata", "ja": "が公開されました"}
MEMBER = {"it": "member.it@kakehashi.example", "ja": "member.jp@kakehashi.example"}
OFFICER = {"it": "officer.ice@kakehashi.example", "ja": "officer.jetro@kakehashi.example"}
NEW_OPPORTUNITY = {
    "it": {
        "title": "Cerchiamo partner per sensori quantistici a diamante NV (prova browser)",
        "description": "Sviluppiamo magnetometri a centri NV in diamante per l'ispezione di batterie e cerchiamo "
        "un partner giapponese per l'integrazione ottica e la produzione di substrati.",
        "keywords": "diamante NV, magnetometria",
        "search": "magnetometri a centri NV in diamante per batterie",
    },
    "ja": {
        "title": "ダイヤモンドNVセンターを用いた量子センサーの共同開発パートナー募集（ブラウザ試験）",
        "description": "電池検査向けのダイヤモンドNVセンター磁気センサーを開発しています。光学系の統合と基板製造で"
        "協力できるイタリアのパートナーを探しています。",
        "keywords": "NVセンター、量子センサー",
        "search": "ダイヤモンドNVセンター磁気センサー 電池検査",
    },
}


def sign_in(page: Page, email: str) -> None:
    page.goto("/signin")
    page.fill("#email", email)
    page.fill("#password", DEMO_PASSWORD)
    page.locator("main form button[type=submit]").click()
    expect(page.get_by_test_id("signed-in-as")).to_be_visible()


def sign_out(page: Page) -> None:
    page.locator(".account form button").click()
    expect(page.get_by_test_id("signed-in-as")).to_have_count(0)


@pytest.mark.parametrize("language", ["it", "ja"])
def test_browse_and_search(new_page: NewPage, language: str) -> None:
    page = new_page(language)
    page.goto("/")
    expect(page.locator("html")).to_have_attribute("lang", language)
    expect(page.get_by_role("heading", level=1)).to_have_text(HOME_HEADING[language])
    expect(page.get_by_test_id("opportunity-card").first).to_be_visible()

    page.locator(".main-nav").get_by_text(NAV_OPPORTUNITIES[language]).click()
    expect(page).to_have_url(re.compile(r"/opportunities$"))
    # Content keeps its own language, whatever the interface language: all three are in the catalogue.
    for content_language in ("it", "ja", "en"):
        page.select_option("#filter-language", content_language)  # the list follows the choice at once
        expect(page).to_have_url(re.compile(rf"language={content_language}"))
        page.wait_for_load_state()
        badges = page.get_by_test_id("language-badge")
        expect(badges.first).to_be_visible()
        assert set(badges.evaluate_all("els => els.map(e => e.dataset.language)")) == {content_language}

    page.goto("/opportunities")
    page.fill("#q", "量子")
    page.locator("[data-testid=filters] button[type=submit]").click()
    cards = page.get_by_test_id("opportunity-card")
    expect(cards.first).to_be_visible()
    first_title = cards.first.locator("h3").inner_text()
    cards.first.locator("h3 a").click()
    expect(page.get_by_test_id("opportunity-title")).to_have_text(first_title)
    expect(page.get_by_test_id("language-badge").first).to_be_visible()
    # a visitor never sees who posted
    expect(page.get_by_test_id("opportunity").get_by_test_id("anonymised")).to_be_visible()


def test_switch_interface_language(new_page: NewPage) -> None:
    page = new_page("it")
    page.goto("/opportunities")
    expect(page.locator(".main-nav a").first).to_have_text(NAV_OPPORTUNITIES["it"])
    page.locator(".language-switch a[hreflang=ja]").click()
    expect(page).to_have_url(re.compile(r"/opportunities$"))
    expect(page.locator("html")).to_have_attribute("lang", "ja")
    expect(page.locator(".main-nav a").first).to_have_text(NAV_OPPORTUNITIES["ja"])
    page.goto("/")  # the choice is remembered over the browser's Italian
    expect(page.get_by_role("heading", level=1)).to_have_text(HOME_HEADING["ja"])
    page.locator(".language-switch a[hreflang=en]").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")


def test_wrong_password_is_explained(new_page: NewPage) -> None:
    page = new_page("ja")
    page.goto("/signin")
    page.fill("#email", MEMBER["ja"])
    page.fill("#password", "not-the-password")
    page.locator("main form button[type=submit]").click()
    expect(page.get_by_test_id("signin-error")).to_have_text(
        "メールアドレスまたはパスワードが正しくありません。"
    )


@pytest.mark.parametrize("language", ["it", "ja"])
def test_member_posts_officer_publishes_visitor_sees_it_anonymised(new_page: NewPage, language: str) -> None:
    text = NEW_OPPORTUNITY[language]

    member = new_page(language)
    sign_in(member, MEMBER[language])
    member.goto("/my/organisation")
    member.get_by_test_id("new-opportunity").click()
    member.select_option("#type", "rd_partner_request")
    member.select_option("#language", language)
    member.fill("#title", text["title"])
    member.fill("#description", text["description"])
    member.fill("#keywords", text["keywords"])
    member.select_option("#trl", "4")
    member.locator("[data-testid=opportunity-form] button[type=submit]").click()
    # No sector chosen: the form comes back, naming the field, in the interface language, with the text kept.
    expect(member.get_by_test_id("field-error-sectors")).to_have_text(SECTOR_REQUIRED[language])
    expect(member.locator("#title")).to_have_value(text["title"])
    member.check("input[name=sectors][value=quantum]")
    member.locator("[data-testid=opportunity-form] button[type=submit]").click()
    expect(member.get_by_test_id("status")).to_have_attribute("data-status", "draft")
    organisation_name = member.get_by_test_id("opportunity").get_by_test_id("organisation-link").inner_text()
    member.locator("button[data-action=submit]").click()
    expect(member.get_by_test_id("status")).to_have_attribute("data-status", "in_review")
    # The demo tells members of other things too (introductions, events): count what is unread now.
    unread = member.get_by_test_id("unread-count")
    unread_before = int(unread.inner_text()) if unread.count() else 0
    sign_out(member)

    officer = new_page(language)
    sign_in(officer, OFFICER[language])
    officer.goto("/review")
    waiting = officer.get_by_test_id("review-item").filter(has_text=text["title"])
    expect(waiting).to_have_count(1)
    waiting.locator("button[data-action=publish]").click()
    expect(officer.get_by_test_id("notice")).to_be_visible()
    expect(officer.get_by_test_id("review-item").filter(has_text=text["title"])).to_have_count(0)

    visitor = new_page(language)
    visitor.goto("/opportunities")
    visitor.fill("#q", text["search"])
    visitor.locator("[data-testid=filters] button[type=submit]").click()
    card = visitor.get_by_test_id("opportunity-card").filter(has_text=text["title"])
    # The indexer embeds a published opportunity in the background; until then the list says the index
    # is incomplete. Ask again (as a reader would) until it is in.
    deadline = time.monotonic() + 90
    while card.count() == 0 and time.monotonic() < deadline:
        visitor.wait_for_timeout(1000)
        visitor.reload()
    expect(card).to_have_count(1)
    expect(card.get_by_test_id("anonymised")).to_be_visible()
    card.locator("h3 a").click()
    expect(visitor.get_by_test_id("opportunity-title")).to_have_text(text["title"])
    expect(visitor.get_by_test_id("opportunity").get_by_test_id("anonymised")).to_be_visible()
    expect(visitor.get_by_test_id("organisation-link")).to_have_count(0)  # not even in the matches
    assert organisation_name not in visitor.content()

    # The member is told in its own language: the header counts it, the notice opens the opportunity.
    member = new_page(language)
    sign_in(member, MEMBER[language])
    expect(member.get_by_test_id("unread-count")).to_have_text(str(unread_before + 1))
    member.get_by_test_id("notices-link").click()
    told = member.get_by_test_id("notice-item").filter(has_text=text["title"])
    expect(told).to_contain_text(PUBLISHED_NOTICE[language])
    told.get_by_test_id("notice-open").click()
    expect(member.get_by_test_id("opportunity-title")).to_have_text(text["title"])
    if unread_before:
        expect(member.get_by_test_id("unread-count")).to_have_text(str(unread_before))
    else:
        expect(member.get_by_test_id("unread-count")).to_have_count(0)


def test_times_are_shown_in_the_viewers_zone_and_the_counterparts(new_page: NewPage) -> None:
    # An English interface alone would show UTC: the zone comes from the browser (the page's script).
    page = new_page("en", timezone="Asia/Tokyo")
    page.goto("/opportunities")
    page.get_by_test_id("opportunity-card").first.locator("h3 a").click()
    shown = page.get_by_test_id("published-at").inner_text()
    assert re.search(r"\(JST\) · .*\(CES?T\)$", shown), shown
