"""Notices over the API: only one's own, rendered in the reader's language and zone; settings with ETags."""

from __future__ import annotations

from datetime import UTC, datetime

from fastapi.testclient import TestClient

from kakehashi.errors import N_
from kakehashi.labels import Label
from kakehashi.notifications import notify
from kakehashi.store import Database
from tests.api.conftest import API, World, assert_error

MOVED = N_("Your meeting on %(sector)s moved to %(start_at)s.")


def _notice_for(database: Database, client: TestClient, world: World, who: str) -> int:
    me = client.get(f"{API}/notices", headers=world.auth(who))
    assert me.status_code == 200
    with database.session() as session:
        from sqlalchemy import select

        from kakehashi.accounts.models import User

        user_ids = list(session.scalars(select(User.id).where(User.organisation_id == world.org_b)))
        [notice_id] = notify(
            session,
            kind="event.meeting.moved",
            message=MOVED,
            params={"sector": Label("sector", "quantum"), "start_at": datetime(2027, 10, 30, 8, tzinfo=UTC)},
            link="/events/1",
            users=user_ids,
        )
    return notice_id


def test_my_notices_in_my_language_and_zone(client: TestClient, database: Database, world: World) -> None:
    notice_id = _notice_for(database, client, world, "member_b")
    mine = client.get(f"{API}/notices", headers=world.auth("member_b")).json()  # no Accept-Language: Japanese
    assert mine["unread"] == 2
    assert mine["zone"] == "Asia/Tokyo"
    newest = mine["items"][0]
    assert newest["id"] == notice_id
    assert "量子" in newest["text"]
    assert newest["params"]["start_at"] == "2027/10/30 17:00 (JST)"
    english = client.get(f"{API}/notices", headers={**world.auth("member_b"), "Accept-Language": "en"}).json()
    assert english["items"][0]["text"].startswith("Your meeting on Quantum technologies")
    assert client.get(f"{API}/notices", headers=world.auth("member_a")).json()["items"] == []


def test_mark_read_is_idempotent_and_only_mine(client: TestClient, database: Database, world: World) -> None:
    notice_id = _notice_for(database, client, world, "member_b")
    assert_error(
        client.post(f"{API}/notices/{notice_id}/read", headers=world.auth("member_a")), 404, "not_found"
    )
    first = client.post(f"{API}/notices/{notice_id}/read", headers=world.auth("member_b")).json()
    again = client.post(f"{API}/notices/{notice_id}/read", headers=world.auth("member_b")).json()
    assert (first, again) == ({"marked": 1, "unread": 1}, {"marked": 0, "unread": 1})
    assert client.post(f"{API}/notices/read-all", headers=world.auth("member_b")).json() == {
        "marked": 1,
        "unread": 0,
    }
    assert_error(client.get(f"{API}/notices"), 401, "authentication_required")


def test_settings_with_etag(client: TestClient, world: World) -> None:
    me = world.auth("member_a")
    read = client.get(f"{API}/me/notification-settings", headers=me)
    assert read.headers["ETag"] == '"0"'
    assert read.json()["zone_in_use"] == "Europe/Rome"
    body = {"time_zone": "Asia/Tokyo", "email_off": ["alert"], "digest": "weekly"}
    saved = client.put(f"{API}/me/notification-settings", json=body, headers={**me, "If-Match": '"0"'})
    assert saved.status_code == 200
    assert saved.headers["ETag"] == '"1"'
    assert saved.json()["zone_in_use"] == "Asia/Tokyo"
    stale = client.put(f"{API}/me/notification-settings", json=body, headers={**me, "If-Match": '"0"'})
    assert stale.status_code == 409
    assert stale.json()["error"]["code"] == "stale_version"
    assert stale.json()["current"]["version"] == 1
    bad = client.put(
        f"{API}/me/notification-settings",
        json={**body, "time_zone": "Mars/Olympus"},
        headers={**me, "If-Match": '"1"'},
    )
    assert_error(bad, 422)
