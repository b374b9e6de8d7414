"""The notices page, the header's unread count, and the notification settings form."""

from __future__ import annotations

import re
from datetime import UTC, datetime

from fastapi.testclient import TestClient
from sqlalchemy import select

from kakehashi.accounts.models import User
from kakehashi.errors import N_
from kakehashi.notifications import notify
from kakehashi.notifications.models import Notice
from kakehashi.notifications.preferences import preferences_of
from kakehashi.store import Database
from tests.factories import make_organisation, make_user
from tests.web.conftest import post_form, sign_in

MOVED = N_("Your meeting moved to %(start_at)s.")


def _people(database: Database) -> tuple[User, User]:
    with database.session() as session:
        italian = make_user(session, organisation=make_organisation(session, country="IT"))
        other = make_user(session, organisation=make_organisation(session, country="JP"))
    return italian, other


def _notify(database: Database, user_id: int, link: str | None = "/opportunities") -> int:
    with database.session() as session:
        [notice_id] = notify(
            session,
            kind="event.meeting.moved",
            message=MOVED,
            params={"start_at": datetime(2027, 10, 30, 8, tzinfo=UTC)},
            link=link,
            users=[user_id],
            email=False,
        )
    return notice_id


def _unread_badge(html: str) -> str | None:
    found = re.search(r'data-testid="unread-count"[^>]*>([^<]+)<', html)
    return found.group(1) if found else None


def test_list_unread_first_open_and_mark_all(client: TestClient, database: Database) -> None:
    italian, other = _people(database)
    first = _notify(database, italian.id)
    second = _notify(database, italian.id, link=None)
    _notify(database, other.id)
    sign_in(client, italian.email)
    page = client.get("/notices")
    assert page.status_code == 200
    assert _unread_badge(page.text) == "2"
    assert "30 Oct 2027, 10:00 (CEST)" in page.text or "Oct 30, 2027, 10:00" in page.text.replace(
        "\u202f", " "
    )
    assert page.text.count('data-testid="notice-item"') == 2  # never the other user's
    opened = post_form(client, f"/notices/{first}/read", {"open": "1"})
    assert (opened.status_code, opened.headers["location"]) == (303, "/opportunities")
    page = client.get("/notices")
    ids = re.findall(r'data-notice-id="(\d+)" data-unread="(\w+)"', page.text)
    assert ids == [(str(second), "true"), (str(first), "false")]  # unread first
    assert _unread_badge(page.text) == "1"
    post_form(client, "/notices/read-all", {})
    assert _unread_badge(client.get("/notices").text) is None
    with database.session() as session:
        other_unread = session.scalar(select(Notice.read_at).where(Notice.user_id == other.id))
    assert other_unread is None


def test_another_users_notice_is_not_found(client: TestClient, database: Database) -> None:
    italian, other = _people(database)
    theirs = _notify(database, other.id)
    sign_in(client, italian.email)
    assert post_form(client, f"/notices/{theirs}/read", {}).status_code == 404
    with database.session() as session:
        assert session.get_one(Notice, theirs).read_at is None


def test_visitors_are_sent_to_sign_in(client: TestClient) -> None:
    response = client.get("/notices", follow_redirects=False)
    assert response.status_code in (303, 401)


def test_settings_form_saves_and_refuses_a_stale_version(client: TestClient, database: Database) -> None:
    italian, _ = _people(database)
    sign_in(client, italian.email)
    page = client.get("/account/notifications")
    assert 'name="version" value="0"' in page.text
    saved = post_form(
        client,
        "/account/notifications",
        {"version": "0", "time_zone": "Asia/Tokyo", "email_on": ["event", "intro"], "digest": "weekly"},
    )
    assert saved.status_code == 303
    with database.session() as session:
        prefs = preferences_of(session, italian.id)
        assert session.get_one(User, italian.id).time_zone == "Asia/Tokyo"
    assert (prefs.version, prefs.digest) == (1, "weekly")
    assert prefs.email_off == {"interest", "message", "alert"}
    stale = post_form(client, "/account/notifications", {"version": "0", "time_zone": "", "digest": "daily"})
    assert stale.status_code == 409
    assert 'data-testid="field-error-version"' in stale.text
    bad = post_form(
        client, "/account/notifications", {"version": "1", "time_zone": "Mars/Olympus", "digest": "daily"}
    )
    assert bad.status_code == 422
    assert 'data-testid="field-error-time_zone"' in bad.text
    with database.session() as session:
        assert preferences_of(session, italian.id).version == 1
