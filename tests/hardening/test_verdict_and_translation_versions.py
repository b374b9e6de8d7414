"""Match verdicts and opportunity translations under optimistic concurrency: ETag / If-Match, 409 with the
current state on a stale write, and conditional writes so that concurrent writers cannot both win."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from fastapi.testclient import TestClient

from kakehashi.profiles.models import Opportunity
from kakehashi.store import Database
from tests.api.conftest import API, World
from tests.factories import make_user
from tests.hardening.test_races import _at_once, assert_stale
from tests.web.conftest import csrf_token, sign_in

WRITERS = 8


def _verdict_url(world: World) -> str:
    return f"{API}/opportunities/{world.opps['b_published']}/matches/{world.opps['a_published']}/verdict"


def test_a_verdict_has_a_version_that_never_starts_again(client: TestClient, world: World) -> None:
    url, member = _verdict_url(world), world.auth("member_b")
    never = client.get(url, headers=member)
    assert never.json() == {"verdict": None, "version": 0}
    assert never.headers["etag"] == '"0"'
    shortlisted = client.put(url, json={"verdict": "shortlisted"}, headers={**member, "If-Match": '"0"'})
    assert shortlisted.status_code == 204
    assert shortlisted.headers["etag"] == '"1"'
    stale = client.put(url, json={"verdict": "dismissed"}, headers={**member, "If-Match": '"0"'})
    assert assert_stale(stale) == {"verdict": "shortlisted", "version": 1}
    cleared = client.put(url, json={"verdict": None}, headers={**member, "If-Match": '"1"'})
    assert cleared.headers["etag"] == '"2"'
    assert client.get(url, headers=member).json() == {"verdict": None, "version": 2}
    # An ETag read before the clear cannot pass once a new verdict is given: the version kept counting.
    client.put(url, json={"verdict": "dismissed"}, headers=member)
    assert assert_stale(client.put(url, json={"verdict": None}, headers={**member, "If-Match": '"1"'}))[
        "verdict"
    ] == ("dismissed")
    assert client.get(url, headers=world.auth("member_a")).status_code == 403


@pytest.mark.parametrize("first_verdict", [False, True])
def test_concurrent_verdicts_with_one_etag_one_wins(
    client: TestClient, world: World, first_verdict: bool
) -> None:
    url, member = _verdict_url(world), world.auth("member_b")
    if first_verdict:  # an UPDATE race on an existing row; otherwise an INSERT race on a new one
        client.put(url, json={"verdict": "dismissed"}, headers=member)
    tag = client.get(url, headers=member).headers["etag"]

    def judge(verdict: str) -> Callable[[], Any]:
        return lambda: client.put(url, json={"verdict": verdict}, headers={**member, "If-Match": tag})

    responses = _at_once([judge("shortlisted"), judge("dismissed")] * (WRITERS // 2))
    statuses = sorted(r.status_code for r in responses)
    assert statuses == [204] + [409] * (WRITERS - 1), [r.text for r in responses]
    winner = next(r for r in responses if r.status_code == 204)
    final = client.get(url, headers=member)
    assert final.headers["etag"] == winner.headers["etag"]
    assert final.json()["version"] == int(tag.strip('"')) + 1


def test_concurrent_verdicts_without_etag_count_every_success(client: TestClient, world: World) -> None:
    url, member = _verdict_url(world), world.auth("member_b")
    client.put(url, json={"verdict": "dismissed"}, headers=member)
    responses = _at_once([lambda: client.put(url, json={"verdict": "shortlisted"}, headers=member)] * WRITERS)
    assert all(r.status_code in (204, 409) for r in responses), [r.text for r in responses]
    won = sum(r.status_code == 204 for r in responses)
    assert won >= 1
    assert client.get(url, headers=member).json() == {"verdict": "shortlisted", "version": 1 + won}


# --- translations ----------------------------------------------------------------------------------


def _translation(n: int) -> dict[str, str]:
    return {"title": f"Quantum annealing controller {n}", "description": "Superconducting quantum annealing."}


def test_a_translation_checks_and_bumps_the_opportunity_version(client: TestClient, world: World) -> None:
    url, member = f"{API}/opportunities/{world.opps['b_draft']}", world.auth("member_b")
    tag = client.get(url, headers=member).headers["etag"]
    saved = client.put(url + "/translations/en", json=_translation(1), headers={**member, "If-Match": tag})
    assert saved.status_code == 200, saved.text
    assert saved.headers["etag"] == f'"{int(tag.strip(chr(34))) + 1}"'
    assert saved.json()["translations"]["en"]["title"] == _translation(1)["title"]
    stale = client.put(url + "/translations/en", json=_translation(2), headers={**member, "If-Match": tag})
    current = assert_stale(stale)
    assert current["translations"]["en"]["title"] == _translation(1)["title"]
    # An edit of the opportunity makes a translation read before it stale, and the other way round.
    edited = client.patch(url, json={"trl": 4}, headers={**member, "If-Match": saved.headers["etag"]})
    assert edited.status_code == 200
    assert_stale(
        client.put(
            url + "/translations/it",
            json=_translation(3),
            headers={**member, "If-Match": saved.headers["etag"]},
        )
    )


def test_concurrent_translations_with_one_etag_one_wins(client: TestClient, world: World) -> None:
    url, officer = f"{API}/opportunities/{world.opps['b_published']}", world.auth("officer")
    tag = client.get(url, headers=officer).headers["etag"]

    def translate(n: int) -> Callable[[], Any]:
        return lambda: client.put(
            url + "/translations/it", json=_translation(n), headers={**officer, "If-Match": tag}
        )

    responses = _at_once([translate(n) for n in range(WRITERS)])
    statuses = sorted(r.status_code for r in responses)
    assert statuses == [200] + [409] * (WRITERS - 1), [r.text for r in responses]
    winner = next(r for r in responses if r.status_code == 200).json()
    final = client.get(url, headers=officer).json()
    assert final["translations"]["it"] == winner["translations"]["it"]
    assert final["version"] == int(tag.strip('"')) + 1


# --- pages ------------------------------------------------------------------------------------------


def _version(database: Database, opportunity_id: int) -> int:
    with database.session() as session:
        opp = session.get(Opportunity, opportunity_id)
        assert opp is not None
        return opp.version


def test_pages_send_versions_and_refuse_stale_verdicts_and_translations(
    client: TestClient, world: World, database: Database
) -> None:
    with database.session() as session:
        from kakehashi.profiles.models import Organisation

        org_b = session.get(Organisation, world.org_b)
        assert org_b is not None
        make_user(session, organisation=org_b, email="translator@example.org")
    sign_in(client, "translator@example.org")
    draft = world.opps["b_draft"]
    page = client.get(f"/opportunities/{draft}")
    read_at = _version(database, draft)
    assert f'name="version" value="{read_at}"' in page.text
    token = csrf_token(client, f"/opportunities/{draft}")
    client.patch(f"{API}/opportunities/{draft}", json={"trl": 6}, headers=world.auth("member_b"))
    stale = client.post(
        f"/opportunities/{draft}/translations",
        data={"language": "en", **_translation(9), "version": str(read_at), "csrf_token": token},
        follow_redirects=False,
    )
    assert stale.status_code == 409
    assert f'name="version" value="{read_at + 1}"' in stale.text
    assert _translation(9)["title"] in stale.text  # the typed text stays
    assert _version(database, draft) == read_at + 1

    source, target = world.opps["b_published"], world.opps["a_published"]
    client.put(_verdict_url(world), json={"verdict": "shortlisted"}, headers=world.auth("member_b"))
    refused = client.post(
        f"/opportunities/{source}/matches/{target}/dismiss",
        data={"version": "0", "csrf_token": token},
        follow_redirects=False,
    )
    assert refused.status_code == 409
    assert client.get(_verdict_url(world), headers=world.auth("member_b")).json()["verdict"] == "shortlisted"
    accepted = client.post(
        f"/opportunities/{source}/matches/{target}/dismiss",
        data={"version": "1", "csrf_token": token},
        follow_redirects=False,
    )
    assert accepted.status_code == 303
