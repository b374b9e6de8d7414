"""Error pages in a real Chromium, in Japanese and Italian: entirely in the interface language.

A missing opportunity (404, the service's own message with its id), a page of another role (403), a bad
value in the list's query (422 naming the field and the allowed values by their labels), a form with
bad values (problems next to their fields), and a form sent after its session ended (the expired form).
"""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from kakehashi.demo.loader import DEMO_PASSWORD
from tests.browser.conftest import NewPage
from tests.web.untranslated import untranslated

pytestmark = pytest.mark.browser

MEMBER = {"it": "member.it@kakehashi.example", "ja": "member.jp@kakehashi.example"}
MISSING = {"it": "L'opportunità 999999 non esiste.", "ja": "案件 999999 は存在しません。"}
NOT_FOUND = {"it": "Pagina non trovata", "ja": "ページが見つかりません"}
FOR_OFFICERS = {
    "it": "Questa pagina è per i funzionari delle agenzie.",
    "ja": "このページは機関の担当者専用です。",
}
TYPE_LABEL = {"it": "Tipo", "ja": "種類"}
FIRST_TYPE = {"it": "Offerta tecnologica", "ja": "技術提供"}
EXPIRED = {"it": "Il modulo è scaduto", "ja": "フォームの有効期限が切れました"}


def assert_all_in(page: Page, language: str, *, data: tuple[str, ...] = ()) -> None:
    expect(page.locator("html")).to_have_attribute("lang", language)
    found = untranslated(page.content(), language, data=data)
    assert found == [], "\n".join(found)


def sign_in(page: Page, email: str) -> str:
    page.goto("/signin")
    page.fill("#email", email)
    page.fill("#password", DEMO_PASSWORD)
    page.locator("main form button[type=submit]").click()
    signed_in = page.get_by_test_id("signed-in-as")
    expect(signed_in).to_be_visible()
    return signed_in.inner_text().split(" · ")[0]


@pytest.mark.parametrize("language", ["it", "ja"])
def test_a_missing_opportunity(new_page: NewPage, language: str) -> None:
    page = new_page(language)
    response = page.goto("/opportunities/999999")
    assert response is not None
    assert response.status == 404
    expect(page.get_by_role("heading", level=1)).to_have_text(NOT_FOUND[language])
    expect(page.locator(".error-detail")).to_have_text(MISSING[language])
    assert_all_in(page, language)


@pytest.mark.parametrize("language", ["it", "ja"])
def test_a_page_of_another_role(new_page: NewPage, language: str) -> None:
    page = new_page(language)
    name = sign_in(page, MEMBER[language])
    response = page.goto("/review")
    assert response is not None
    assert response.status == 403
    expect(page.locator(".error-detail")).to_have_text(FOR_OFFICERS[language])
    assert_all_in(page, language, data=(name,))


@pytest.mark.parametrize("language", ["it", "ja"])
def test_a_bad_value_in_the_query(new_page: NewPage, language: str) -> None:
    page = new_page(language)
    response = page.goto("/opportunities?type=spaceship")
    assert response is not None
    assert response.status == 422
    problem = page.locator(".field-problems li[data-field=type]")
    expect(problem.locator("strong")).to_have_text(TYPE_LABEL[language])
    expect(problem).to_contain_text(FIRST_TYPE[language])
    assert_all_in(page, language)


@pytest.mark.parametrize("language", ["it", "ja"])
def test_a_form_with_bad_values(new_page: NewPage, language: str) -> None:
    page = new_page(language)
    name = sign_in(page, MEMBER[language])
    page.goto("/my/opportunities/new")
    page.fill("#title", "ab")
    page.fill("#description", "corto")
    page.locator("[data-testid=opportunity-form] button[type=submit]").click()
    expect(page.get_by_test_id("field-error-sectors")).to_be_visible()
    expect(page.get_by_test_id("field-error-title")).to_be_visible()
    assert_all_in(page, language, data=(name, "ab", "corto"))


@pytest.mark.parametrize("language", ["it", "ja"])
def test_a_form_sent_after_the_session_ended(new_page: NewPage, language: str) -> None:
    page = new_page(language)
    page.goto("/signin")
    page.context.clear_cookies()  # the session (and its form token) is gone, the page is still open
    page.context.add_cookies([{"name": "kakehashi_locale", "value": language, "url": page.url}])
    page.fill("#email", MEMBER[language])
    page.fill("#password", DEMO_PASSWORD)
    page.locator("main form button[type=submit]").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(EXPIRED[language])
    assert_all_in(page, language)
