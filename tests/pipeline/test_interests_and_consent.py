"""Interests, consent and disclosure through the API: the rules of issue 9, items 1 and 2."""

from __future__ import annotations

from fastapi.testclient import TestClient

from tests.api.conftest import assert_error
from tests.pipeline.conftest import IT_SECRETS, JP_NAME, JP_SECRETS, PipelineWorld, call


def _express(client: TestClient, pw: PipelineWorld, note: str = "We build rail inverters.") -> dict:  # type: ignore[type-arg]
    response = call(client, pw, "asker", "POST", "/interests", {"opportunity_id": pw.opp_it, "note": note})
    assert response.status_code == 201, response.text
    return dict(response.json())


def test_owner_sees_the_interest_without_learning_who_asked(client: TestClient, pw: PipelineWorld) -> None:
    interest = _express(client, pw)
    seen = call(client, pw, "owner", "GET", "/interests").json()
    assert [i["id"] for i in seen] == [interest["id"]]
    text = str(seen)
    for secret in JP_SECRETS:
        assert secret not in text
    assert seen[0]["asker"]["identified"] is False
    assert seen[0]["asker"]["organisation_id"] is None
    assert seen[0]["asker"]["country"] == "JP"
    assert seen[0]["note"] == "We build rail inverters."
    # The agencies see everything.
    staff = call(client, pw, "ice", "GET", "/interests").json()
    assert staff[0]["asker"]["name"] == JP_NAME


def test_interest_in_ones_own_opportunity_is_refused(client: TestClient, pw: PipelineWorld) -> None:
    response = call(client, pw, "owner", "POST", "/interests", {"opportunity_id": pw.opp_it})
    error = assert_error(response, 422, "validation_failed")
    assert "own" in error["message"]
    assert call(client, pw, "ice", "GET", "/interests").json() == []


def test_interest_in_an_unpublished_opportunity_is_refused(client: TestClient, pw: PipelineWorld) -> None:
    response = call(client, pw, "asker", "POST", "/interests", {"opportunity_id": pw.opp_it_draft})
    assert_error(response, 422, "validation_failed")


def test_a_second_open_interest_is_a_conflict(client: TestClient, pw: PipelineWorld) -> None:
    _express(client, pw)
    response = call(client, pw, "asker", "POST", "/interests", {"opportunity_id": pw.opp_it})
    assert_error(response, 409, "conflict")


def test_a_note_naming_the_asker_is_refused(client: TestClient, pw: PipelineWorld) -> None:
    response = call(
        client, pw, "asker", "POST", "/interests", {"opportunity_id": pw.opp_it, "note": "隼電機です"}
    )
    error = assert_error(response, 422, "validation_failed")
    assert error["fields"][0]["field"] == "note"


def test_decline_with_reason_and_the_asker_still_sees_no_owner(client: TestClient, pw: PipelineWorld) -> None:
    interest = _express(client, pw)
    declined = call(
        client, pw, "owner", "POST", f"/interests/{interest['id']}/decline", {"reason": "Not now"}
    )
    assert declined.status_code == 200, declined.text
    assert declined.json()["status"] == "declined"
    mine = call(client, pw, "asker", "GET", f"/interests/{interest['id']}").json()
    assert mine["reason"] == "Not now"
    for secret in IT_SECRETS:
        assert secret not in str(mine)
    again = call(client, pw, "owner", "POST", f"/interests/{interest['id']}/accept")
    assert_error(again, 409, "invalid_transition")


def test_refer_to_the_agency_then_accept(client: TestClient, pw: PipelineWorld) -> None:
    interest = _express(client, pw)
    referred = call(client, pw, "owner", "POST", f"/interests/{interest['id']}/refer")
    assert referred.json()["status"] == "referred"
    accepted = call(client, pw, "owner", "POST", f"/interests/{interest['id']}/accept")
    assert accepted.status_code == 200


def test_only_the_owner_decides(client: TestClient, pw: PipelineWorld) -> None:
    interest = _express(client, pw)
    assert_error(call(client, pw, "asker", "POST", f"/interests/{interest['id']}/accept"), 403)
    assert_error(call(client, pw, "third", "POST", f"/interests/{interest['id']}/accept"), 404)
    assert_error(call(client, pw, "visitor", "POST", f"/interests/{interest['id']}/accept"), 401)


def test_identities_are_disclosed_only_after_both_consent(client: TestClient, pw: PipelineWorld) -> None:
    interest = _express(client, pw)
    intro = call(client, pw, "owner", "POST", f"/interests/{interest['id']}/accept").json()
    assert intro["stage"] == "proposed"
    assert intro["consent_b"] is True
    assert intro["consent_a"] is False
    owner_view = call(client, pw, "owner", "GET", f"/introductions/{intro['id']}").json()
    asker_view = call(client, pw, "asker", "GET", f"/introductions/{intro['id']}").json()
    for secret in JP_SECRETS:
        assert secret not in str(owner_view)
    for secret in IT_SECRETS:
        assert secret not in str(asker_view)
    done = call(client, pw, "asker", "POST", f"/introductions/{intro['id']}/consent").json()
    assert done["disclosed"] is True
    assert done["stage"] == "accepted"
    owner_view = call(client, pw, "owner", "GET", f"/introductions/{intro['id']}").json()
    assert owner_view["party_a"]["name"] == JP_NAME
    assert owner_view["party_a"]["page"] == f"/organisations/{pw.org_jp}"
    assert owner_view["party_a"]["contacts"][0]["email"].startswith("kenji@")
    # A third organisation never reads it.
    assert_error(call(client, pw, "third", "GET", f"/introductions/{intro['id']}"), 404)


def test_withdrawal_of_consent_before_disclosure(client: TestClient, pw: PipelineWorld) -> None:
    interest = _express(client, pw)
    intro = call(client, pw, "owner", "POST", f"/interests/{interest['id']}/accept").json()
    withdrawn = call(client, pw, "owner", "POST", f"/introductions/{intro['id']}/withdraw-consent").json()
    assert withdrawn["consent_b"] is False
    after = call(client, pw, "asker", "POST", f"/introductions/{intro['id']}/consent").json()
    assert after["disclosed"] is False
    for secret in IT_SECRETS:
        assert secret not in str(after)
    call(client, pw, "owner", "POST", f"/introductions/{intro['id']}/consent")
    late = call(client, pw, "owner", "POST", f"/introductions/{intro['id']}/withdraw-consent")
    assert_error(late, 409, "invalid_transition")


def test_withdrawing_an_interest(client: TestClient, pw: PipelineWorld) -> None:
    interest = _express(client, pw)
    assert_error(call(client, pw, "owner", "POST", f"/interests/{interest['id']}/withdraw"), 403)
    gone = call(client, pw, "asker", "POST", f"/interests/{interest['id']}/withdraw")
    assert gone.json()["status"] == "withdrawn"


def test_stale_if_match_on_a_decision(client: TestClient, pw: PipelineWorld) -> None:
    interest = _express(client, pw)
    response = call(
        client, pw, "owner", "POST", f"/interests/{interest['id']}/decline", headers={"If-Match": '"99"'}
    )
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "stale_version"
    assert response.json()["current"]["status"] == "pending"
    assert call(client, pw, "owner", "GET", f"/interests/{interest['id']}").json()["status"] == "pending"
