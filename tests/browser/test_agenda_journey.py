"""The agenda journey in a real headless Chromium, once in Italian and once in Japanese: the officer schedules in the background,
moves and locks a meeting, re-runs and publishes; a participant downloads its .ics, whose times are right
in Rome and in Tokyo on both sides of the end of European summer time (Friday 23 and Monday 26 October
2026); a change to the published agenda updates the same calendar entry (same UID, higher SEQUENCE); the
desk checks the participant in by its pass; the participant reports a no-show and gives feedback; a
Japanese participant reads its agenda in Japanese, Tokyo first."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from icalendar import Calendar
from playwright.sync_api import Locator, Page, expect

from kakehashi.app import create_app
from kakehashi.config import Settings
from kakehashi.events import locks
from kakehashi.events.models import Unavailability
from kakehashi.store import Database
from tests.browser.conftest import NewPage
from tests.browser.live_server import serve_in_thread
from tests.events.day_world import DayWorld, build_day_world
from tests.factories import PASSWORD

pytestmark = pytest.mark.browser
ROME, TOKYO = ZoneInfo("Europe/Rome"), ZoneInfo("Asia/Tokyo")
RUN_WAIT_MS = 90_000
# What each interface language shows for a no-show, and the comment its participant writes.
NO_SHOW = {"it": "assenza", "ja": "欠席"}
COMMENT = {"it": "Ottimo incontro, seguirà una proposta.", "ja": "有意義な面談。提案を送ります。"}


@pytest.fixture(scope="module", params=["it", "ja"])
def agenda_world(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[str, DayWorld, str]]:
    """A live server over a fresh event world, one per interface language of the journey."""
    folder = tmp_path_factory.mktemp("agenda-live")
    settings = Settings(data_dir=folder / "data", secret_key="browser-tests", embedder="fake")
    database = Database(settings.resolved_database_url())
    database.create_all()
    world = build_day_world(database)
    with database.session() as session:
        locks.set_interpreters(session, world.officer, world.event_id, {(t, "it-ja"): 1 for t in range(8)})
        # Ferro attends the first Friday slot only, then Monday: its meetings fall on both sides of the
        # end of summer time once one is moved to Friday.
        session.add_all(
            Unavailability(registration_id=world.registrations["ferro"], slot=t) for t in (1, 2, 3)
        )
    app = create_app(settings, database=database)
    with serve_in_thread(app) as base_url:
        yield base_url, world, request.param
    database.dispose()


@pytest.fixture
def live_server(agenda_world: tuple[str, DayWorld, str]) -> str:
    return agenda_world[0]


def _sign_in(page: Page, email: str) -> None:
    page.goto("/signin")
    page.fill("#email", email)
    page.fill("#password", PASSWORD)
    page.locator("main form button[type=submit]").click()
    expect(page.get_by_test_id("signed-in-as")).to_be_visible()


def _run_and_wait(page: Page, event_id: int) -> None:
    page.goto(f"/events/{event_id}/schedule")
    page.fill("input[name=time_limit_s]", "5")
    page.get_by_test_id("run-form").locator("button").click()
    expect(page.get_by_test_id("run-progress")).to_be_visible()  # the page answered at once
    expect(page.get_by_test_id("run-form")).to_be_visible(timeout=RUN_WAIT_MS)  # it refreshed itself
    expect(page.get_by_test_id("run-figures")).to_be_visible()


def _meeting_row(page: Page, event_id: int, a: str, b: str) -> Locator:
    """The row of the meeting of ``a`` and ``b`` on the scheduling page (four slots are shown at once)."""
    for window in ("1", "5"):
        page.goto(f"/events/{event_id}/schedule?slot={window}")
        row = page.get_by_test_id("meeting").filter(has_text=a).filter(has_text=b)
        if row.count():
            return row
    raise AssertionError(f"no meeting of {a} and {b}")


def _ics(page: Page, event_id: int) -> dict[str, tuple[int, datetime, datetime, str]]:
    page.goto(f"/events/{event_id}/agenda")
    with page.expect_download() as download:
        page.get_by_test_id("ics").click()
    body = Path(download.value.path()).read_bytes()
    found = {}
    for event in Calendar.from_ical(body).walk("VEVENT"):
        start = event.decoded("DTSTART")
        found[str(event["UID"])] = (
            int(event.decoded("SEQUENCE")),
            start,
            event.decoded("DTEND"),
            str(event["SUMMARY"]),
        )
    return found


def test_schedule_publish_calendar_checkin_no_show_feedback(
    new_page: NewPage, agenda_world: tuple[str, DayWorld, str]
) -> None:
    _, world, language = agenda_world
    event_id = world.event_id
    officer = new_page(language)
    _sign_in(officer, world.emails["officer"])
    _run_and_wait(officer, event_id)
    expect(officer.get_by_test_id("meetings-held")).to_have_text("5 / 5")

    # Move Ferro–Sakura to the first slot (Friday 10:00 in Rome) at the first table: judged, then saved.
    _meeting_row(officer, event_id, "Ferro", "Sakura").get_by_test_id("move").click()
    officer.select_option("select[name=slot]", "1")
    officer.select_option("select[name=table]", index=0)
    officer.get_by_test_id("move-check").locator("button").click()
    expect(officer.get_by_test_id("verdict")).to_have_attribute("data-valid", "true")
    officer.get_by_test_id("confirm-move").click()
    expect(
        officer.get_by_test_id("meeting").filter(has_text="Sakura").filter(has_text="Ferro")
    ).to_have_attribute("data-locked", "true")
    _run_and_wait(officer, event_id)  # the re-run keeps the locked meeting
    officer.get_by_test_id("publish").click()
    expect(officer.get_by_test_id("notice")).to_be_visible()

    member = new_page(language)
    _sign_in(member, world.emails["ferro"])
    before = _ics(member, event_id)
    assert len(before) == 2
    by_counterpart = {summary: (uid, start, end) for uid, (_, start, end, summary) in before.items()}
    sakura_uid, friday, _ = next(v for k, v in by_counterpart.items() if "Sakura" in k)
    fuji_uid, monday, _ = next(v for k, v in by_counterpart.items() if "Fuji" in k)
    # Friday: summer time in Rome (UTC+2), Tokyo 7 hours ahead; Monday: winter time, 8 hours ahead.
    assert friday.astimezone(ROME).strftime("%a %H:%M %Z") == "Fri 10:00 CEST"
    assert friday.astimezone(TOKYO).strftime("%H:%M") == "17:00"
    assert monday.astimezone(ROME).strftime("%a %Z") == "Mon CET"
    assert (
        monday.astimezone(TOKYO).replace(tzinfo=None) - monday.astimezone(ROME).replace(tzinfo=None)
    ).seconds == 8 * 3600
    page_text = member.get_by_test_id("agenda-entries").inner_text()
    assert "CEST" in page_text and "CET" in page_text and "JST" in page_text  # noqa: PT018

    # A change to the published agenda: the same calendar entry, a higher SEQUENCE.
    officer.goto(f"/events/{event_id}/schedule?slot=5")
    officer.get_by_test_id("meeting").filter(has_text="Fuji").filter(has_text="Ferro").get_by_test_id(
        "move"
    ).click()
    monday_first = datetime(2026, 10, 26, 9, 0, tzinfo=ZoneInfo("UTC"))
    current = 5 + int((before[fuji_uid][1] - monday_first).total_seconds() // 1800)
    moved = False
    for slot in [t for t in (5, 6, 7, 8) if t != current]:
        officer.select_option("select[name=slot]", str(slot))
        officer.get_by_test_id("move-check").locator("button").click()
        if officer.get_by_test_id("verdict").get_attribute("data-valid") == "true":
            officer.get_by_test_id("confirm-move").click()
            moved = True
            break
    assert moved
    after = _ics(member, event_id)
    assert set(after) == set(before)
    assert after[fuji_uid][0] == before[fuji_uid][0] + 1
    assert after[sakura_uid][0] == before[sakura_uid][0]

    # Check-in by the pass, undo, check in again.
    code = member.get_by_test_id("checkin-code").inner_text()
    assert member.locator(".checkin-pass svg").count() == 1
    officer.goto(f"/events/{event_id}/desk")
    officer.get_by_test_id("token").fill(code)
    officer.get_by_test_id("checkin-form").locator("button").click()
    expect(officer.get_by_test_id("check-in")).to_have_count(1)
    officer.get_by_test_id("undo").click()
    expect(officer.get_by_test_id("check-in").first).to_have_attribute("data-undone", "true")
    officer.get_by_test_id("token").fill(code)
    officer.get_by_test_id("checkin-form").locator("button").click()
    expect(officer.get_by_test_id("check-in")).to_have_count(2)

    # No-show on one meeting, feedback on the other.
    member.goto(f"/events/{event_id}/agenda")
    sakura_row = member.locator(f"[data-uid='{sakura_uid}']")
    sakura_row.get_by_test_id("no-show").click()
    expect(member.locator(f"[data-uid='{sakura_uid}'] .agenda-status")).to_contain_text(NO_SHOW[language])
    fuji_row = member.locator(f"[data-uid='{fuji_uid}']")
    fuji_row.locator("summary").click()
    fuji_row.locator("input[value=cooperation_possible]").check()
    fuji_row.locator("textarea[name=comment]").fill(COMMENT[language])
    fuji_row.get_by_test_id("feedback-form").locator("button").click()
    expect(member.locator(f"[data-uid='{fuji_uid}']").get_by_test_id("feedback-sent")).to_be_visible()
    officer.goto(f"/events/{event_id}/feedback")
    expect(officer.get_by_test_id("feedback")).to_contain_text(COMMENT[language])

    # The Japanese side reads its agenda in Japanese, Tokyo's time first.
    japanese = new_page("ja")
    _sign_in(japanese, world.emails["sakura"])
    japanese.goto(f"/events/{event_id}/agenda")
    first = japanese.get_by_test_id("agenda-entry").filter(has_text="Ferro")
    expect(first.get_by_test_id("own-time")).to_contain_text("17:00")
    expect(first.get_by_test_id("own-time")).to_contain_text("JST")
    expect(first.get_by_test_id("other-time")).to_contain_text("CEST")
    expect(japanese.get_by_role("heading", level=1)).to_contain_text("アジェンダ")
