"""The events API: role rules, ETag / If-Match, 409 with the current state, bad input named in the
reader's language, and a member never seeing another organisation's requests."""

from __future__ import annotations

from fastapi.testclient import TestClient

from tests.api.conftest import API, World, assert_error

NEW_EVENT = {
    "title_en": "Tokyo Quantum Days",
    "title_ja": "東京量子デー",
    "time_zone": "Asia/Tokyo",
    "days": ["2027-10-29", "2027-11-01"],
    "sessions": [{"part": "morning", "starts": "10:00", "ends": "12:00"}],
    "tables": 2,
}


def test_an_officer_creates_and_opens_an_event_visitors_see_it_once_open(
    client: TestClient, world: World
) -> None:
    created = client.post(f"{API}/events", json=NEW_EVENT, headers=world.auth("officer"))
    assert created.status_code == 201, created.text
    event = created.json()
    assert event["n_slots"] == 8
    assert created.headers["etag"] == '"1"'
    url = f"{API}/events/{event['id']}"
    assert_error(client.get(url), 404, "not_found")
    opened = client.post(f"{url}/open-registration", headers={**world.auth("officer"), "If-Match": '"1"'})
    assert opened.json()["status"] == "registration"
    visible = client.get(url, headers={"accept-language": "ja"})
    assert visible.json()["title"] == "東京量子デー"
    slots = client.get(f"{url}/slots").json()
    assert slots[0]["starts_at"].startswith("2027-10-29T01:00")


def test_a_stale_transition_is_a_409_with_the_event_as_it_is(client: TestClient, world: World) -> None:
    url = f"{API}/events/{world.events['event']}"
    response = client.post(f"{url}/close", headers={**world.auth("officer"), "If-Match": '"1"'})
    error = response.json()
    assert response.status_code == 409
    assert error["error"]["code"] == "stale_version"
    assert error["current"]["status"] == "booking"
    illegal = client.post(f"{url}/publish", headers=world.auth("officer"))
    assert_error(illegal, 409, "invalid_transition")


def test_a_member_sees_its_own_requests_and_never_others(client: TestClient, world: World) -> None:
    url = f"{API}/events/{world.events['event']}/requests"
    assert client.get(url, headers=world.auth("member_a")).json() == []
    own = client.get(url, headers=world.auth("member_b")).json()
    assert [r["id"] for r in own] == [world.events["b_request"]]
    assert own[0]["incoming"] is False
    assert len(client.get(url, headers=world.auth("officer")).json()) == 1
    assert client.get(url).json() == []


def test_requests_to_oneself_and_outside_the_grid_are_refused_in_the_readers_language(
    client: TestClient, world: World
) -> None:
    event = world.events["event"]
    itself = client.post(
        f"{API}/events/{event}/requests",
        json={"to_registration_id": world.events["reg_a"], "mark": "meet"},
        headers={**world.auth("member_a"), "accept-language": "ja"},
    )
    error = assert_error(itself, 422, "validation_failed")
    assert error["message"] == "自組織との面談はリクエストできません。"
    outside = client.patch(
        f"{API}/events/{event}/registrations/{world.events['reg_a']}",
        json={"unavailable_slots": [999]},
        headers={**world.auth("member_a"), "accept-language": "it"},
    )
    problem = assert_error(outside, 422, "validation_failed")["fields"][0]
    assert problem["field"] == "unavailable_slots"
    assert "1000" in problem["message"]


def test_a_request_answered_with_if_match_and_a_member_list_of_counterparts(
    client: TestClient, world: World
) -> None:
    event = world.events["event"]
    sent = client.post(
        f"{API}/events/{event}/requests",
        json={"to_registration_id": world.events["reg_b"], "mark": "must_meet", "note": "Quantum"},
        headers=world.auth("member_a"),
    )
    assert sent.status_code == 201, sent.text
    request_id = sent.json()["id"]
    answer = client.post(
        f"{API}/events/{event}/requests/{request_id}/accept",
        json={"accept": True, "note": "Yes"},
        headers={**world.auth("member_b"), "If-Match": sent.headers["etag"]},
    )
    assert answer.json()["status"] == "accepted"
    listed = client.get(f"{API}/events/{event}/participants", headers=world.auth("member_a")).json()
    names = [row["organisation_name"] for row in listed]
    assert len(names) == 2
    assert (
        listed[[r["registration_id"] for r in listed].index(world.events["reg_b"])]["my_mark"]["status"]
        == "accepted"
    )
