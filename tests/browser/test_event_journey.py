"""The event journey in a real headless Chromium, in Italian and in Japanese: an officer creates an event
and opens it, two organisations register and are approved, one requests a meeting, the other declines."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import NewPage
from tests.browser.test_journeys import MEMBER, OFFICER, sign_in, sign_out

pytestmark = pytest.mark.browser

TITLE = {"it": "Giornate dell'idrogeno (prova browser)", "ja": "水素デー（ブラウザ試験）"}
DAYS = {"it": "2027-10-29 2027-11-02", "ja": "2027-11-04"}
STATUS = {
    "it": {
        "registration": "Iscrizioni aperte",
        "pending": "In attesa di approvazione",
        "declined": "Declinata",
    },
    "ja": {"registration": "参加登録受付中", "pending": "承認待ち", "declined": "辞退"},
}
# The demo members' organisations, as each interface language names them.
NAMES = {
    "it": {"jp": "Aoba Quantum K.K.", "it": "Silicio Etneo S.p.A."},
    "ja": {"jp": "株式会社アオバ量子", "it": "シリチオ・エトネオ"},
}


def _event_action(page: Page, action: str) -> None:
    page.get_by_test_id(f"action-{action}").click()
    expect(page.get_by_test_id("notice")).to_be_visible()


def _register(page: Page, event_url: str, language: str) -> None:
    page.goto(event_url)
    page.get_by_test_id("register").click()
    page.get_by_test_id("rep-name-0").fill("Anna Verdi" if language == "it" else "山田 花子")
    page.get_by_test_id("rep-0-en").check()
    page.locator("input[name=unavailable]").first.check()
    page.get_by_test_id("send-registration").click()
    expect(page.get_by_test_id("own-registration-status")).to_have_text(STATUS[language]["pending"])


@pytest.mark.parametrize("language", ["it", "ja"])
def test_officer_opens_an_event_organisations_register_request_and_decline(
    new_page: NewPage, language: str
) -> None:
    officer = new_page(language)
    sign_in(officer, OFFICER[language])
    officer.goto("/events")
    officer.get_by_test_id("new-event").click()
    officer.fill(f"#event-title_{language}", TITLE[language])
    officer.fill("#event-venue", "Fiera di Milano" if language == "it" else "東京ビッグサイト")
    officer.get_by_test_id("event-days").fill(DAYS[language])
    officer.get_by_test_id("save-event").click()
    expect(officer.get_by_test_id("event-title")).to_contain_text(TITLE[language])
    event_url = re.sub(r"^https?://[^/]+", "", officer.url)
    assert re.fullmatch(r"/events/\d+", event_url)
    _event_action(officer, "open_registration")
    expect(officer.get_by_test_id("event-status")).to_have_text(STATUS[language]["registration"])

    for who in ("it", "ja"):
        member = new_page(language)
        sign_in(member, MEMBER[who])
        _register(member, event_url, language)
        sign_out(member)

    officer.goto(event_url + "/registrations")
    for _ in range(2):
        officer.locator("[data-testid^=approve-]").first.click()
        expect(officer.get_by_test_id("notice")).to_be_visible()
    expect(officer.locator("[data-testid^=approve-]")).to_have_count(0)
    officer.goto(event_url)
    _event_action(officer, "open_booking")

    italian = new_page(language)
    sign_in(italian, MEMBER["it"])
    italian.goto(event_url + "/participants")
    card = italian.get_by_test_id("participants").locator("li").filter(has_text=NAMES[language]["jp"])
    expect(card).to_have_count(1)
    card.locator("input[name=note]").fill("H2 / SiC")
    card.locator("button[value=must_meet]").click()
    expect(italian.get_by_test_id("notice")).to_be_visible()

    japanese = new_page(language)
    sign_in(japanese, MEMBER["ja"])
    japanese.goto(event_url + "/requests")
    row = japanese.get_by_test_id("incoming").locator("tr").filter(has_text=NAMES[language]["it"])
    row.locator("button[value=decline]").click()
    expect(japanese.get_by_test_id("notice")).to_be_visible()
    declined = japanese.get_by_test_id("incoming").locator("tr").filter(has_text=NAMES[language]["it"])
    expect(declined.locator("[data-testid^=request-status-]")).to_have_text(STATUS[language]["declined"])

    italian.goto(event_url + "/participants")
    expect(card.get_by_test_id("my-mark")).to_contain_text(STATUS[language]["declined"])
