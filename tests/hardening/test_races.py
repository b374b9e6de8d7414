"""Writes that cannot contradict: versions (ETag / If-Match), lifecycle transitions as one conditional
UPDATE, and unique-constraint races as 409 — with real threads against the app, on every store."""

from __future__ import annotations

import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from fastapi.testclient import TestClient

from tests.api.conftest import API, World, assert_error
from tests.api.payloads import NEW_ORGANISATION

ROUNDS = 8


def _at_once(calls: list[Callable[[], Any]]) -> list[Any]:
    """Run the calls in threads released together, so that their reads and writes interleave."""
    barrier = threading.Barrier(len(calls))

    def run(call: Callable[[], Any]) -> Any:
        barrier.wait()
        return call()

    with ThreadPoolExecutor(max_workers=len(calls)) as pool:
        return list(pool.map(run, calls))


def assert_stale(response: Any) -> dict[str, Any]:
    """A 409 ``stale_version`` in the one error shape, plus the record as it is now; returns it."""
    assert response.status_code == 409, response.text
    body = response.json()
    assert set(body) == {"error", "current"}
    assert body["error"]["code"] == "stale_version"
    assert body["error"]["message"]
    assert response.headers["etag"] == f'"{body["current"]["version"]}"'
    return dict(body["current"])


# --- ETag and If-Match -------------------------------------------------------------------------------


def test_reads_and_writes_carry_the_version_as_etag(client: TestClient, world: World) -> None:
    url = f"{API}/opportunities/{world.opps['b_draft']}"
    read = client.get(url, headers=world.auth("member_b"))
    assert read.headers["etag"] == f'"{read.json()["version"]}"'
    edited = client.patch(
        url, json={"trl": 5}, headers={**world.auth("member_b"), "If-Match": read.headers["etag"]}
    )
    assert edited.status_code == 200, edited.text
    assert edited.json()["version"] == read.json()["version"] + 1
    assert edited.headers["etag"] == f'"{edited.json()["version"]}"'


def test_a_stale_if_match_is_a_409_with_the_current_state(client: TestClient, world: World) -> None:
    url = f"{API}/organisations/{world.org_b}"
    etag = client.get(url).headers["etag"]
    first = client.patch(url, json={"city": "Tsukuba"}, headers={**world.auth("member_b"), "If-Match": etag})
    assert first.status_code == 200
    second = client.patch(url, json={"city": "Sendai"}, headers={**world.auth("officer"), "If-Match": etag})
    assert assert_stale(second)["city"] == "Tsukuba"
    assert second.headers["etag"] == first.headers["etag"]
    assert client.get(url).json()["city"] == "Tsukuba"


def test_a_stale_if_match_on_a_transition_changes_nothing(client: TestClient, world: World) -> None:
    url = f"{API}/opportunities/{world.opps['b_in_review']}"
    etag = client.get(url, headers=world.auth("officer")).headers["etag"]
    client.patch(url, json={"trl": 3}, headers=world.auth("officer"))
    response = client.post(url + "/publish", headers={**world.auth("officer"), "If-Match": etag})
    assert assert_stale(response)["status"] == "in_review"


def test_without_if_match_a_write_is_accepted_and_a_malformed_one_is_a_422(
    client: TestClient, world: World
) -> None:
    url = f"{API}/opportunities/{world.opps['b_draft']}"
    assert client.patch(url, json={"trl": 4}, headers=world.auth("member_b")).status_code == 200
    assert (
        client.patch(url, json={"trl": 4}, headers={**world.auth("member_b"), "If-Match": "*"}).status_code
        == 200
    )
    bad = client.patch(url, json={"trl": 4}, headers={**world.auth("member_b"), "If-Match": '"abc"'})
    assert_error(bad, 422, "validation_failed")


# --- concurrent lifecycle transitions ---------------------------------------------------------------


def test_concurrent_transitions_never_contradict_what_they_answered(client: TestClient, world: World) -> None:
    """An officer publishes, another sends back and the owner withdraws, at once, many times over."""
    officer, owner = world.auth("officer"), world.auth("member_b")
    for _ in range(ROUNDS):
        created = client.post(
            f"{API}/opportunities",
            json={
                "type": "technology_offer",
                "language": "en",
                "title": "Quantum annealing controller",
                "description": "Control electronics for superconducting quantum annealers, sought partners.",
                "sectors": ["quantum"],
            },
            headers=owner,
        )
        url = f"{API}/opportunities/{created.json()['id']}"
        assert client.post(url + "/submit", headers=owner).status_code == 200
        publish, send_back, withdraw = _at_once(
            [
                lambda url=url: client.post(url + "/publish", headers=officer),
                lambda url=url: client.post(url + "/send-back", json={"note": "more"}, headers=officer),
                lambda url=url: client.post(url + "/withdraw", headers=owner),
            ]
        )
        answers = {"publish": publish, "send_back": send_back, "withdraw": withdraw}
        for response in answers.values():
            assert response.status_code in (200, 409), response.text
        final = client.get(url, headers=officer).json()
        won = {name for name, response in answers.items() if response.status_code == 200}
        # Publish and send back both start from "in review": they cannot both have happened.
        assert won != {"publish", "send_back", "withdraw"}
        assert not {"publish", "send_back"} <= won
        if "withdraw" in won:
            assert final["status"] == "withdrawn", (won, final["status"])
        else:
            expected = {"publish": "published", "send_back": "draft"}
            assert final["status"] == expected[won.pop()], final["status"]
        # Every success bumped the version once, on top of create (1) and submit (2).
        assert final["version"] == 2 + len([r for r in answers.values() if r.status_code == 200])


# --- unique-constraint races ------------------------------------------------------------------------


def test_concurrent_creations_with_one_external_id_give_one_201_and_409s(
    client: TestClient, world: World
) -> None:
    body = {**NEW_ORGANISATION, "external_id": "org-fotonica-lagunare"}
    responses = _at_once(
        [lambda: client.post(f"{API}/organisations", json=body, headers=world.auth("officer"))] * 12
    )
    statuses = sorted(response.status_code for response in responses)
    assert statuses == [201] + [409] * 11, [r.text for r in responses if r.status_code not in (201, 409)]
    for response in responses[1:]:
        if response.status_code == 409:
            assert_error(response, 409)


def test_concurrent_translation_writes_never_fail_with_a_server_error(
    client: TestClient, world: World
) -> None:
    url = f"{API}/opportunities/{world.opps['b_draft']}"

    def write(n: int) -> Callable[[], Any]:
        body = {
            "translations": {"en": {"title": f"Quantum annealing {n}", "description": "Superconducting QA."}}
        }
        return lambda: client.patch(url, json=body, headers=world.auth("member_b"))

    responses = _at_once([write(n) for n in range(8)])
    assert all(r.status_code in (200, 409) for r in responses), [r.text for r in responses]
    assert any(r.status_code == 200 for r in responses)
    final = client.get(url, headers=world.auth("member_b")).json()
    assert set(final["translations"]) == {"en"}
    assert final["version"] == 1 + sum(r.status_code == 200 for r in responses)


def test_concurrent_verdicts_on_one_match_never_fail_with_a_server_error(
    client: TestClient, world: World
) -> None:
    url = f"{API}/opportunities/{world.opps['b_published']}/matches/{world.opps['a_published']}/verdict"

    def judge(verdict: str | None) -> Callable[[], Any]:
        return lambda: client.put(url, json={"verdict": verdict}, headers=world.auth("member_b"))

    responses = _at_once([judge("shortlisted"), judge("dismissed")] * 4)
    assert all(r.status_code in (204, 409) for r in responses), [r.text for r in responses]
    assert any(r.status_code == 204 for r in responses)
