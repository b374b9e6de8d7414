"""The matching endpoints: counterparts, organisation matches, search, verdicts, index status."""

from __future__ import annotations

from fastapi.testclient import TestClient

from kakehashi.store import Database
from tests.api.conftest import API, B_NAME, World, assert_error
from tests.factories import make_opportunity
from tests.web.conftest import index_now

NEED = {
    "type": "technology_request",
    "language": "en",
    "title": "Looking for quantum annealing processors",
    "description": "We look for superconducting quantum annealing processors and control electronics.",
    "sectors": ["quantum"],
}


def _need_of_a(database: Database, world: World) -> int:
    with database.session() as session:
        from kakehashi.profiles.models import Organisation

        org_a = session.get(Organisation, world.org_a)
        assert org_a is not None
        return make_opportunity(session, org_a, **NEED).id


def test_matches_of_an_opportunity_hide_who_posted(
    client: TestClient, world: World, database: Database
) -> None:
    need = _need_of_a(database, world)
    index_now(client)
    response = client.get(f"{API}/opportunities/{need}/matches", params={"locale": "ja", "limit": 5})
    assert response.status_code == 200
    matches = response.json()
    ids = [m["opportunity"]["id"] for m in matches]
    assert world.opps["b_published"] in ids
    assert world.opps["b_draft"] not in ids
    assert B_NAME not in response.text
    first = matches[0]
    assert 0 <= first["score"] <= 1
    assert {"semantic", "complementarity", "sectors", "forward", "backward"} <= set(first["components"])
    assert first["explanation"]["locale"] == "ja"


def test_verdicts_change_what_is_shown(client: TestClient, world: World, database: Database) -> None:
    need = _need_of_a(database, world)
    index_now(client)
    target = world.opps["b_published"]
    url = f"{API}/opportunities/{need}/matches/{target}/verdict"
    member_a = world.auth("member_a")
    assert client.put(url, json={"verdict": "shortlisted"}, headers=member_a).status_code == 204
    shown = client.get(f"{API}/opportunities/{need}/matches", headers=member_a).json()
    assert [m["shortlisted"] for m in shown if m["opportunity"]["id"] == target] == [True]
    assert client.put(url, json={"verdict": "dismissed"}, headers=member_a).status_code == 204
    shown = client.get(f"{API}/opportunities/{need}/matches", headers=member_a).json()
    assert target not in [m["opportunity"]["id"] for m in shown]
    assert client.put(url, json={"verdict": None}, headers=member_a).status_code == 204
    shown = client.get(f"{API}/opportunities/{need}/matches", headers=member_a).json()
    assert target in [m["opportunity"]["id"] for m in shown]
    bad = client.put(url, json={"verdict": "maybe"}, headers=member_a)
    assert_error(bad, 422, "validation_failed")


def test_search_with_filters_and_validation(client: TestClient, world: World) -> None:
    index_now(client)
    found = client.get(f"{API}/search", params={"q": "量子アニーリング", "sector": "quantum"})
    assert found.status_code == 200
    assert world.opps["b_published"] in [m["opportunity"]["id"] for m in found.json()]
    none = client.get(f"{API}/search", params={"q": "量子アニーリング", "sector": "biotech"})
    assert none.json() == []
    assert_error(client.get(f"{API}/search", params={"q": ""}), 422)
    assert_error(client.get(f"{API}/search", params={"q": "x", "country": "FR"}), 422)


def test_organisation_matches_are_for_its_members(
    client: TestClient, world: World, database: Database
) -> None:
    need = _need_of_a(database, world)
    index_now(client)
    mine = client.get(f"{API}/organisations/{world.org_a}/matches", headers=world.auth("member_a"))
    assert mine.status_code == 200
    assert world.opps["b_published"] in [m["opportunity"]["id"] for m in mine.json()]
    answer = next(m for m in mine.json() if m["opportunity"]["id"] == world.opps["b_published"])
    assert answer["source_opportunity_id"] == need  # which of our opportunities it answers
    assert answer["explanation"] is not None
    theirs = client.get(f"{API}/organisations/{world.org_b}/matches", headers=world.auth("member_a"))
    assert_error(theirs, 403, "permission_denied")
    assert_error(client.get(f"{API}/organisations/{world.org_a}/matches"), 401)


def test_index_status_names_the_model(client: TestClient) -> None:
    status = client.get(f"{API}/index/status").json()
    assert status["model_id"].startswith("fake")
    assert status["last_error"] is None


def test_matches_of_an_unknown_or_hidden_opportunity_are_404(client: TestClient, world: World) -> None:
    assert_error(client.get(f"{API}/opportunities/999999/matches"), 404, "not_found")
    hidden = client.get(
        f"{API}/opportunities/{world.opps['b_draft']}/matches", headers=world.auth("member_a")
    )
    assert_error(hidden, 404, "not_found")
