"""The reader's language in a real Chromium, in Japanese and Italian: the translation first and the
original one click away (with the right ``lang``), the gist where no translation exists, the review
warning on a text that names its organisation, and an author adding a translation from the page.

The demo is loaded into a fresh store in file order, so ``demo-opp-0029`` is opportunity 29.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import NewPage
from tests.browser.test_journeys import OFFICER, sign_in

pytestmark = pytest.mark.browser

# id: (original language, original title, {translation language: title})
READ = {
    "ja": (
        29,
        "it",
        "Cerchiamo tecnologie di isolamento sismico per ospedali e infrastrutture critiche",
        "病院・重要インフラ向けの免震技術を求めます",
    ),
    "it": (
        37,
        "ja",
        "電力系統の需給計画を量子最適化で解く共同研究パートナーを募集",
        "Cerchiamo partner di ricerca per la pianificazione delle reti elettriche con l'ottimizzazione quantistica",
    ),
}
BADGE = {"ja": "組織による翻訳", "it": "Traduzione dell'organizzazione"}
# In review in the demo, each naming its organisation (an author's slip the officer must catch).
NAMING = {"ja": (119, "名古屋モビリティAI"), "it": (82, "Sole Ionico Energia")}
AUTHOR = {
    "it": (
        "member.it@kakehashi.example",
        3,
        "Ricerca congiunta sulla crescita di cristalli SiC da soluzione",
    ),
    "ja": ("member.jp@kakehashi.example", 36, "量子最適化サービスの欧州展開に向けたシリーズAで12億円を調達"),
}


@pytest.mark.parametrize("language", ["ja", "it"])
def test_the_reader_gets_the_translation_and_the_original_one_click_away(
    new_page: NewPage, language: str
) -> None:
    number, original_language, original_title, translated_title = READ[language]
    page = new_page(language)
    page.goto(f"/opportunities/{number}")
    expect(page.locator("html")).to_have_attribute("lang", language)
    heading = page.get_by_test_id("opportunity-title")
    expect(heading).to_have_text(translated_title)
    expect(heading).to_have_attribute("lang", language)
    expect(page.get_by_test_id("opportunity-description")).to_have_attribute("lang", language)
    expect(page.get_by_test_id("translation-badge")).to_have_text(BADGE[language])

    page.get_by_test_id("show-original").click()
    expect(heading).to_have_text(original_title)
    expect(heading).to_have_attribute("lang", original_language)
    expect(page.get_by_test_id("opportunity-description")).to_have_attribute("lang", original_language)
    page.get_by_test_id("show-translation").click()
    expect(heading).to_have_attribute("lang", language)


@pytest.mark.parametrize("language", ["ja", "it"])
def test_without_a_translation_the_reader_is_told_and_gets_the_key_terms(
    new_page: NewPage, language: str
) -> None:
    page = new_page(language)
    page.goto("/opportunities/39")  # English, no translation
    expect(page.get_by_test_id("no-translation")).to_be_visible()
    expect(page.get_by_test_id("opportunity-title")).to_have_attribute("lang", "en")
    gist = page.get_by_test_id("gist")
    expect(gist).to_be_visible()
    expect(gist.locator(f"span[lang={language}]").first).to_be_visible()
    expect(gist.locator("span[lang=en]").first).to_be_visible()


@pytest.mark.parametrize("language", ["ja", "it"])
def test_the_officer_is_warned_at_review_when_a_text_names_its_organisation(
    new_page: NewPage, language: str
) -> None:
    number, name = NAMING[language]
    page = new_page(language)
    sign_in(page, OFFICER[language])
    page.goto("/review")
    item = page.locator(f"[data-testid=review-item][data-opportunity-id='{number}']")
    warning = item.get_by_test_id("anonymity-warning")
    expect(warning).to_be_visible()
    expect(warning).to_contain_text(name)
    # A text that names nobody raises nothing.
    expect(
        page.locator("[data-testid=review-item][data-opportunity-id='19'] [data-testid=anonymity-warning]")
    ).to_have_count(0)


@pytest.mark.parametrize("language", ["it", "ja"])
def test_the_author_adds_a_translation_from_the_page(new_page: NewPage, language: str) -> None:
    email, number, translated = AUTHOR[language]
    page = new_page(language)
    page.goto(f"/opportunities/{number}")
    expect(page.get_by_test_id("translation-form")).to_have_count(0)  # a visitor cannot
    sign_in(page, email)
    page.goto(f"/opportunities/{number}")
    expect(page.get_by_test_id("no-translation")).to_be_visible()
    form = page.get_by_test_id("translation-form")
    form.locator("select[name=language]").select_option(language)
    form.locator("input[name=title]").fill(translated)
    form.locator("textarea[name=description]").fill(
        "Una traduzione scritta dall'autore direttamente dalla pagina dell'opportunità."
        if language == "it"
        else "案件ページから著者が直接追加した翻訳です。内容は原文と同じです。"
    )
    page.get_by_test_id("save-translation").click()
    heading = page.get_by_test_id("opportunity-title")
    expect(heading).to_have_text(translated)
    expect(heading).to_have_attribute("lang", language)
    expect(page.get_by_test_id("translation-badge")).to_have_text(BADGE[language])
    expect(page.get_by_test_id("show-original")).to_be_visible()
