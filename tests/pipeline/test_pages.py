"""The pipeline's pages through their forms: interest → acceptance without names → disclosure → stages →
a JPY investment confirmed by both, with the audit trail on the officer's page."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient

from tests.pipeline.conftest import JP_NAME, PipelineWorld
from tests.web.conftest import post_form, sign_in


def _browser(client: TestClient, email: str) -> TestClient:
    browser = TestClient(client.app, headers={"accept-language": "en"})
    sign_in(browser, email)
    return browser


def _version(page: str) -> str:
    found = re.search(r'name="version" value="(\d+)"', page)
    assert found is not None
    return found.group(1)


def test_the_journey_through_the_pages(client: TestClient, pw: PipelineWorld) -> None:
    asker = _browser(client, "kenji@hayabusa-denki.example.jp")
    owner = _browser(client, "giulia@vesuviana.example.it")
    page = asker.get(f"/opportunities/{pw.opp_it}").text
    assert 'data-testid="interest-form"' in page
    sent = post_form(asker, f"/opportunities/{pw.opp_it}/interest", {"note": "We build inverters."})
    assert sent.status_code == 303
    interests = owner.get("/interests").text
    assert "We build inverters." in interests
    assert JP_NAME not in interests
    interest_id = re.search(r'data-interest-id="(\d+)"', interests)
    assert interest_id is not None
    accepted = post_form(owner, f"/interests/{interest_id.group(1)}/accept", {"version": _version(interests)})
    assert accepted.status_code == 303
    intro_path = accepted.headers["location"]
    assert JP_NAME not in owner.get(intro_path).text
    page = asker.get(intro_path).text
    assert post_form(asker, f"{intro_path}/consent", {"version": _version(page)}).status_code == 303
    disclosed = owner.get(intro_path).text
    assert 'data-disclosed="true"' in disclosed
    assert JP_NAME in disclosed
    # A form of a page reads the same version the API sends: a stale one is refused.
    stale = post_form(asker, f"{intro_path}/consent", {"version": "1"})
    assert stale.status_code == 409
    assert JP_NAME in owner.get("/introductions").text


def test_my_own_opportunity_has_no_interest_form(client: TestClient, pw: PipelineWorld) -> None:
    owner = _browser(client, "giulia@vesuviana.example.it")
    assert 'data-testid="interest-form"' not in owner.get(f"/opportunities/{pw.opp_it}").text
    refused = post_form(owner, f"/opportunities/{pw.opp_it}/interest", {"note": ""})
    assert refused.status_code == 422
    assert "own organisation" in refused.text


def test_officers_move_and_record_an_agreement_from_the_page(client: TestClient, pw: PipelineWorld) -> None:
    from tests.pipeline.conftest import disclosed_introduction

    intro_id = disclosed_introduction(client, pw)
    with client.app.state.database.session() as session:  # type: ignore[attr-defined]
        from kakehashi.accounts.models import User

        officer = session.get(User, pw.user_ids["jetro"])
        assert officer is not None
        email = officer.email
    jetro = _browser(client, email)
    page = jetro.get(f"/introductions/{intro_id}").text
    assert 'data-stage-target="met"' in page
    assert (
        post_form(
            jetro, f"/introductions/{intro_id}/stage", {"stage": "met", "version": _version(page)}
        ).status_code
        == 303
    )
    page = jetro.get(f"/introductions/{intro_id}").text
    agreement = {
        "category": "investment",
        "subtype": "equity",
        "signed_on": "2026-11-30",
        "amount": "150000000",
        "currency": "JPY",
        "jpy_per_eur": "162.35",
        "version": _version(page),
    }
    assert post_form(jetro, f"/introductions/{intro_id}/agreements", agreement).status_code == 303
    page = jetro.get(f"/introductions/{intro_id}").text
    assert 'data-testid="agreement-amount"' in page
    assert 'data-kind="agreement_recorded"' in page
    csv = jetro.get(f"/introductions/{intro_id}/audit.csv")
    assert csv.headers["content-type"].startswith("text/csv")
    assert "agreement_recorded" in csv.text
