"""Introductions brokered by the agencies: proposals, stages, races, agreements, the audit trail."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from fastapi.testclient import TestClient

from kakehashi.accounts.roles import Actor, Role
from kakehashi.errors import StaleVersion
from kakehashi.pipeline import introductions
from kakehashi.pipeline.models import Agreement, Introduction
from kakehashi.pipeline.schemas import MoveInput
from kakehashi.pipeline.vocab import Stage
from kakehashi.store import Database
from tests.api.conftest import assert_error
from tests.pipeline.conftest import JP_SECRETS, PipelineWorld, call, disclosed_introduction

INVESTMENT = {
    "category": "investment",
    "subtype": "equity",
    "signed_on": "2026-11-20",
    "description": "Minority stake in the Naples plant.",
    "sectors": ["semiconductors"],
    "amount": "150000000",
    "currency": "JPY",
    "jpy_per_eur": "162.35",
}


def _move(
    client: TestClient, pw: PipelineWorld, intro_id: int, stage: str, who: str = "jetro", **extra: str
) -> object:
    return call(client, pw, who, "POST", f"/introductions/{intro_id}/stage", {"stage": stage, **extra})


def test_an_officer_proposes_from_a_match_and_follows_the_own_countrys_side(
    client: TestClient, pw: PipelineWorld
) -> None:
    response = call(
        client,
        pw,
        "jetro",
        "POST",
        "/introductions",
        {"opportunity_a_id": pw.opp_jp, "opportunity_b_id": pw.opp_it},
    )
    assert response.status_code == 201, response.text
    intro = response.json()
    assert intro["origin"] == "match"
    assert intro["officer_a"] is not None  # JETRO follows the Japanese side (A)
    assert intro["officer_b"] is None
    both = call(
        client,
        pw,
        "ice",
        "POST",
        "/introductions",
        {"opportunity_a_id": pw.opp_third, "opportunity_b_id": pw.opp_jp, "follow_both": True},
    ).json()
    assert both["officer_a"] == both["officer_b"]
    # Each side sees a proposal without the other's identity.
    seen = call(client, pw, "owner", "GET", f"/introductions/{intro['id']}").json()
    for secret in JP_SECRETS:
        assert secret not in str(seen)


def test_members_cannot_propose(client: TestClient, pw: PipelineWorld) -> None:
    response = call(
        client,
        pw,
        "owner",
        "POST",
        "/introductions",
        {"opportunity_a_id": pw.opp_jp, "opportunity_b_id": pw.opp_third},
    )
    assert_error(response, 403, "permission_denied")


def test_a_stage_jump_that_skips_consent_is_refused(client: TestClient, pw: PipelineWorld) -> None:
    intro = call(
        client,
        pw,
        "jetro",
        "POST",
        "/introductions",
        {"opportunity_a_id": pw.opp_jp, "opportunity_b_id": pw.opp_it},
    ).json()
    for stage in ("accepted", "met", "negotiating", "agreement"):
        response = _move(client, pw, intro["id"], stage)
        assert_error(response, 409, "invalid_transition")
    assert call(client, pw, "jetro", "GET", f"/introductions/{intro['id']}").json()["stage"] == "proposed"


def test_stages_dates_and_closing_needs_a_reason(client: TestClient, pw: PipelineWorld) -> None:
    intro_id = disclosed_introduction(client, pw)
    met = _move(client, pw, intro_id, "met").json()  # type: ignore[attr-defined]
    assert met["stage"] == "met"
    assert met["met_on"] is not None
    assert _move(client, pw, intro_id, "negotiating").json()["stage"] == "negotiating"  # type: ignore[attr-defined]
    assert_error(_move(client, pw, intro_id, "closed"), 422, "validation_failed")
    closed = _move(client, pw, intro_id, "closed", reason="Prices too far apart").json()  # type: ignore[attr-defined]
    assert closed["stage"] == "closed"
    assert closed["closed_reason"] == "Prices too far apart"
    assert_error(_move(client, pw, intro_id, "met"), 409, "invalid_transition")
    # An agreement on a closed introduction is refused and nothing is written.
    refused = call(client, pw, "jetro", "POST", f"/introductions/{intro_id}/agreements", INVESTMENT)
    assert_error(refused, 409, "invalid_transition")


def test_members_cannot_move_stages(client: TestClient, pw: PipelineWorld) -> None:
    intro_id = disclosed_introduction(client, pw)
    assert_error(_move(client, pw, intro_id, "met", who="owner"), 403, "permission_denied")


def test_two_officers_moving_one_introduction_at_once_cannot_both_win(
    database: Database, pw: PipelineWorld, client: TestClient
) -> None:
    intro_id = disclosed_introduction(client, pw)
    ice = Actor(role=Role.OFFICER, user_id=pw.user_ids["ice"], agency_code="ICE")
    jetro = Actor(role=Role.OFFICER, user_id=pw.user_ids["jetro"], agency_code="JETRO")
    today = date(2026, 12, 1)
    with database.session() as first, database.session() as second:
        mine = first.get(Introduction, intro_id)
        theirs = second.get(Introduction, intro_id)
        assert mine is not None
        assert theirs is not None
        introductions.move(first, ice, intro_id, MoveInput(stage=Stage.MET), today=today)
        first.commit()
        with pytest.raises(StaleVersion):
            introductions.move(
                second, jetro, intro_id, MoveInput(stage=Stage.CLOSED, reason="x"), today=today
            )
    with database.session() as session:
        final = session.get(Introduction, intro_id)
        assert final is not None
        assert final.stage == "met"


def test_jpy_investment_with_the_days_rate_confirmed_by_both(
    client: TestClient, pw: PipelineWorld, database: Database
) -> None:
    intro_id = disclosed_introduction(client, pw)
    _move(client, pw, intro_id, "met")
    _move(client, pw, intro_id, "negotiating")
    response = call(client, pw, "jetro", "POST", f"/introductions/{intro_id}/agreements", INVESTMENT)
    assert response.status_code == 201, response.text
    agreement = response.json()
    assert agreement["amount"] == "150000000.00"
    assert agreement["currency"] == "JPY"
    assert agreement["amount_eur"] == "923929.78"
    assert call(client, pw, "jetro", "GET", f"/introductions/{intro_id}").json()["stage"] == "agreement"
    for who in ("asker", "owner"):
        confirmed = call(client, pw, who, "POST", f"/agreements/{agreement['id']}/confirm")
        assert confirmed.status_code == 200, confirmed.text
    final = call(client, pw, "owner", "GET", f"/agreements/{agreement['id']}").json()
    assert final["confirmed_a"] is True
    assert final["confirmed_b"] is True
    assert_error(call(client, pw, "third", "POST", f"/agreements/{agreement['id']}/confirm"), 404)
    with database.session() as session:
        stored = session.get(Agreement, agreement["id"])
        assert stored is not None
        assert str(stored.jpy_per_eur) == "162.350000"


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"amount": "-5"}, "amount"),
        ({"currency": "USD"}, "currency"),
        ({"jpy_per_eur": None}, "jpy_per_eur"),
        ({"jpy_per_eur": "0.0061"}, "jpy_per_eur"),  # the rate typed the wrong way round
        ({"subtype": "licence"}, "subtype"),  # a technology subtype under investment
        ({"amount": None}, "amount"),
    ],
)
def test_bad_agreements_are_refused_and_change_nothing(
    client: TestClient, pw: PipelineWorld, change: dict[str, object], field: str
) -> None:
    intro_id = disclosed_introduction(client, pw)
    response = call(
        client, pw, "ice", "POST", f"/introductions/{intro_id}/agreements", {**INVESTMENT, **change}
    )
    error = assert_error(response, 422, "validation_failed")
    assert field in {p["field"] for p in error["fields"]}
    view = call(client, pw, "ice", "GET", f"/introductions/{intro_id}").json()
    assert view["agreements"] == []
    assert view["stage"] == "accepted"


def test_a_research_agreement_needs_no_amount(client: TestClient, pw: PipelineWorld) -> None:
    intro_id = disclosed_introduction(client, pw)
    body = {"category": "research", "subtype": "joint_project", "signed_on": "2026-11-01"}
    response = call(client, pw, "ice", "POST", f"/introductions/{intro_id}/agreements", body)
    assert response.status_code == 201, response.text
    assert response.json()["amount"] is None


def test_idle_flag_board_filters_and_my_introductions(client: TestClient, pw: PipelineWorld) -> None:
    intro_id = disclosed_introduction(client, pw)
    yesterday = (date.today() - timedelta(days=2)).isoformat()
    patched = call(
        client,
        pw,
        "ice",
        "PATCH",
        f"/introductions/{intro_id}",
        {"next_step": "Send samples", "next_step_due": yesterday, "follow": "b"},
    )
    assert patched.status_code == 200, patched.text
    assert patched.json()["idle"] is True
    board = call(client, pw, "ice", "GET", "/introductions?idle=true").json()["stages"]
    assert [v["id"] for v in board["accepted"]] == [intro_id]
    assert call(client, pw, "ice", "GET", "/introductions?country=JP").json()["stages"]["accepted"]
    assert call(client, pw, "ice", "GET", "/introductions?agency=ICE").json()["stages"]["accepted"]
    assert not call(client, pw, "ice", "GET", "/introductions?agency=JETRO").json()["stages"]["accepted"]
    assert not call(client, pw, "ice", "GET", "/introductions?sector=quantum").json()["stages"]["accepted"]
    mine = call(client, pw, "owner", "GET", "/introductions").json()["stages"]
    assert [v["id"] for v in mine["accepted"]] == [intro_id]
    assert mine["accepted"][0]["notes"] is None  # officers' notes stay with the agencies
    third = call(client, pw, "third", "GET", "/introductions").json()["stages"]
    assert all(not column for column in third.values())


def test_the_audit_trail_shows_every_step_and_exports_csv(client: TestClient, pw: PipelineWorld) -> None:
    intro_id = disclosed_introduction(client, pw)
    _move(client, pw, intro_id, "met")
    call(client, pw, "jetro", "POST", f"/introductions/{intro_id}/agreements", INVESTMENT)
    kinds = [e["kind"] for e in call(client, pw, "jetro", "GET", f"/introductions/{intro_id}/audit").json()]
    assert kinds == [
        "interest_expressed",
        "interest_accepted",
        "consent_given",
        "consent_given",
        "identities_disclosed",
        "introduction_stage",
        "introduction_stage",
        "agreement_recorded",
    ]
    assert_error(call(client, pw, "owner", "GET", f"/introductions/{intro_id}/audit"), 403)


def test_messages_before_disclosure_go_through_the_agency(client: TestClient, pw: PipelineWorld) -> None:
    interest = call(client, pw, "asker", "POST", "/interests", {"opportunity_id": pw.opp_it}).json()
    intro = call(client, pw, "owner", "POST", f"/interests/{interest['id']}/accept").json()
    call(
        client,
        pw,
        "owner",
        "POST",
        f"/introductions/{intro['id']}/messages",
        {"body": "Giulia Owner here, call me"},
    )
    assert call(client, pw, "asker", "GET", f"/introductions/{intro['id']}/messages").json() == []
    staff = call(client, pw, "ice", "GET", f"/introductions/{intro['id']}/messages").json()
    assert staff[0]["to_agency"] is True
    call(client, pw, "asker", "POST", f"/introductions/{intro['id']}/consent")
    call(client, pw, "asker", "POST", f"/introductions/{intro['id']}/messages", {"body": "Hello from Nagoya"})
    owner_thread = call(client, pw, "owner", "GET", f"/introductions/{intro['id']}/messages").json()
    assert [m["body"] for m in owner_thread] == ["Giulia Owner here, call me", "Hello from Nagoya"]
    assert owner_thread[1]["author_name"] == "Kenji Asker"
    assert_error(
        call(client, pw, "third", "POST", f"/introductions/{intro['id']}/messages", {"body": "hi"}), 404
    )


def test_an_officer_proposing_from_an_interest_records_its_acceptance_in_the_trail(
    client: TestClient, pw: PipelineWorld, database: Database
) -> None:
    interest = call(client, pw, "asker", "POST", "/interests", {"opportunity_id": pw.opp_it, "note": "SiC?"})
    assert interest.status_code == 201, interest.text
    interest_id = interest.json()["id"]
    assert call(client, pw, "owner", "POST", f"/interests/{interest_id}/refer", {}).status_code == 200
    proposed = call(client, pw, "jetro", "POST", "/introductions", {"interest_id": interest_id})
    assert proposed.status_code == 201, proposed.text
    from sqlalchemy import select

    from kakehashi.audit.models import AuditEvent

    with database.session() as session:
        kinds = session.execute(
            select(AuditEvent.kind, AuditEvent.detail).where(AuditEvent.target == f"interest:{interest_id}")
        ).all()
    accepted = [detail for kind, detail in kinds if kind == "interest_accepted"]
    assert accepted == [
        {"from": "referred", "to": "accepted", "by": "agency", "introduction_id": proposed.json()["id"]}
    ]
    trail = call(client, pw, "jetro", "GET", f"/introductions/{proposed.json()['id']}/audit")
    assert "interest_accepted" in trail.text
