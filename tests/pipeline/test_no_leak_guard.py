"""The consent guard: before both sides accept, no pipeline route (page or API, discovered from the app's
routes: a new route that this table does not cover fails) shows the hidden side's identity (names,
website, members' names and e-mails) to a visitor, to the other side or to a third organisation; nor do
the notices and e-mails written meanwhile."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient
from sqlalchemy import select

from kakehashi.accounts.models import User
from kakehashi.accounts.service import issue_token
from kakehashi.api import BASE_PATH
from kakehashi.notifications.models import Notice
from kakehashi.notifications.readers import addressee, reader_of
from kakehashi.notifications.render import notice_mail, notice_text
from kakehashi.profiles.models import Organisation
from kakehashi.store import Database
from tests.factories import make_opportunity, make_organisation, make_user
from tests.pipeline.conftest import IT_SECRETS, JP_SECRETS, PipelineWorld, call
from tests.web.conftest import csrf_token, sign_in

PIPELINE_WORDS = ("interest", "introduction", "agreement", "alert")
VIEWERS = ("visitor", "owner", "asker", "third")
# What each viewer may not learn before consent (its own identity it may see).
HIDDEN_FROM = {
    "visitor": IT_SECRETS + JP_SECRETS,
    "owner": JP_SECRETS,
    "asker": IT_SECRETS,
    "third": IT_SECRETS + JP_SECRETS,
}

# GET routes: the addresses that read them ({...} from the guard's world).
READS: dict[str, list[str]] = {
    "/interests": ["/interests"],
    "/introductions": ["/introductions", "/introductions?country=JP"],
    "/introductions/{introduction_id}": ["/introductions/{intro}", "/introductions/{proposal}"],
    "/introductions/{introduction_id}/audit.csv": ["/introductions/{intro}/audit.csv"],
    "/alerts": ["/alerts"],
    f"{BASE_PATH}/interests": [f"{BASE_PATH}/interests"],
    f"{BASE_PATH}/interests/{{interest_id}}": [
        f"{BASE_PATH}/interests/{{pending}}",
        f"{BASE_PATH}/interests/{{accepted}}",
    ],
    f"{BASE_PATH}/introductions": [f"{BASE_PATH}/introductions"],
    f"{BASE_PATH}/introductions/{{introduction_id}}": [
        f"{BASE_PATH}/introductions/{{intro}}",
        f"{BASE_PATH}/introductions/{{proposal}}",
    ],
    f"{BASE_PATH}/introductions/{{introduction_id}}/messages": [
        f"{BASE_PATH}/introductions/{{intro}}/messages"
    ],
    f"{BASE_PATH}/introductions/{{introduction_id}}/audit": [f"{BASE_PATH}/introductions/{{intro}}/audit"],
    f"{BASE_PATH}/agreements/{{agreement_id}}": [f"{BASE_PATH}/agreements/{{agreement}}"],
    f"{BASE_PATH}/alerts": [f"{BASE_PATH}/alerts"],
}
# Write routes: a request each viewer makes (that must not disclose anyone in its answer). They never
# complete the consent of both sides (the asker's consent is never sent).
WRITES: dict[tuple[str, str], tuple[str, Any]] = {
    ("POST", "/opportunities/{opportunity_id}/interest"): ("/opportunities/{opp_it}/interest", {"note": "x"}),
    ("POST", "/interests/{interest_id}/accept"): ("/interests/{pending}/accept", {}),
    ("POST", "/interests/{interest_id}/{decision}"): ("/interests/{pending}/refer", {}),
    ("POST", "/introductions"): (
        "/introductions",
        {"opportunity_a_id": "{opp_jp}", "opportunity_b_id": "{opp_it}"},
    ),
    ("POST", "/introductions/{introduction_id}/{action}"): (
        "/introductions/{intro}/messages",
        {"body": "hello"},
    ),
    ("POST", "/agreements/{agreement_id}/confirm"): ("/agreements/{agreement}/confirm", {}),
    ("POST", "/alerts"): ("/alerts", {"query": "SiC"}),
    ("POST", "/alerts/{alert_id}/delete"): ("/alerts/{alert}/delete", {}),
    ("POST", f"{BASE_PATH}/interests"): (f"{BASE_PATH}/interests", {"opportunity_id": "{opp_it}"}),
    ("POST", f"{BASE_PATH}/interests/{{interest_id}}/accept"): (
        f"{BASE_PATH}/interests/{{pending}}/accept",
        None,
    ),
    ("POST", f"{BASE_PATH}/interests/{{interest_id}}/decline"): (
        f"{BASE_PATH}/interests/{{pending}}/decline",
        None,
    ),
    ("POST", f"{BASE_PATH}/interests/{{interest_id}}/refer"): (
        f"{BASE_PATH}/interests/{{pending}}/refer",
        None,
    ),
    ("POST", f"{BASE_PATH}/interests/{{interest_id}}/withdraw"): (
        f"{BASE_PATH}/interests/{{pending}}/withdraw",
        None,
    ),
    ("POST", f"{BASE_PATH}/introductions"): (
        f"{BASE_PATH}/introductions",
        {"opportunity_a_id": "{opp_jp}", "opportunity_b_id": "{opp_it}"},
    ),
    ("POST", f"{BASE_PATH}/introductions/{{introduction_id}}/consent"): (
        f"{BASE_PATH}/introductions/{{proposal}}/consent",
        None,
    ),
    ("POST", f"{BASE_PATH}/introductions/{{introduction_id}}/withdraw-consent"): (
        f"{BASE_PATH}/introductions/{{intro}}/withdraw-consent",
        None,
    ),
    ("POST", f"{BASE_PATH}/introductions/{{introduction_id}}/stage"): (
        f"{BASE_PATH}/introductions/{{intro}}/stage",
        {"stage": "met"},
    ),
    ("PATCH", f"{BASE_PATH}/introductions/{{introduction_id}}"): (
        f"{BASE_PATH}/introductions/{{intro}}",
        {"next_step": "x"},
    ),
    ("POST", f"{BASE_PATH}/introductions/{{introduction_id}}/messages"): (
        f"{BASE_PATH}/introductions/{{intro}}/messages",
        {"body": "hello"},
    ),
    ("POST", f"{BASE_PATH}/introductions/{{introduction_id}}/agreements"): (
        f"{BASE_PATH}/introductions/{{intro}}/agreements",
        {"category": "research", "subtype": "joint_project", "signed_on": "2026-11-01"},
    ),
    ("POST", f"{BASE_PATH}/agreements/{{agreement_id}}/confirm"): (
        f"{BASE_PATH}/agreements/{{agreement}}/confirm",
        None,
    ),
    ("POST", f"{BASE_PATH}/alerts"): (f"{BASE_PATH}/alerts", {"query": "SiC"}),
    ("DELETE", f"{BASE_PATH}/alerts/{{alert_id}}"): (f"{BASE_PATH}/alerts/{{alert}}", None),
}


# Who does not make a write: the second consent would disclose both sides, as it should (its answer is
# checked in test_interests_and_consent.py).
NOT_BY = {("POST", f"{BASE_PATH}/introductions/{{introduction_id}}/consent"): {"asker"}}


def _routes(routes: Any, prefix: str = "") -> Iterator[tuple[str, str]]:
    """(method, path) of every route, through included routers (FastAPI keeps them nested)."""
    for route in routes:
        if hasattr(route, "original_router"):
            yield from _routes(route.original_router.routes, prefix + route.include_context.prefix)
        elif isinstance(route, APIRoute):
            yield from ((m, prefix + route.path) for m in route.methods or () if m != "HEAD")


def _pipeline_routes(app: FastAPI) -> set[tuple[str, str]]:
    return {(m, path) for m, path in _routes(app.routes) if any(word in path for word in PIPELINE_WORDS)}


def test_the_guard_covers_every_pipeline_route(client: TestClient) -> None:
    covered = {("GET", path) for path in READS} | set(WRITES)
    assert _pipeline_routes(client.app) == covered  # type: ignore[arg-type]


@dataclass
class Guarded:
    ids: dict[str, int]
    clients: dict[str, TestClient]

    def fill(self, template: Any) -> Any:
        if isinstance(template, dict):
            return {key: self.fill(value) for key, value in template.items()}
        if isinstance(template, str) and template.startswith("{") and template.endswith("}"):
            return self.ids[template[1:-1]]
        return template.format(**self.ids) if isinstance(template, str) else template


@pytest.fixture
def guarded(client: TestClient, pw: PipelineWorld, database: Database) -> Iterator[Guarded]:
    """Before consent: a pending interest, an accepted one (the owner consented, the asker not yet) with
    messages from both sides, an officer's proposal, and an agreement on an introduction of the third."""
    with database.session() as session:
        owner_org = session.get(Organisation, pw.org_it)
        assert owner_org is not None
        second = make_opportunity(session, owner_org, title="Silicon carbide packaging").id
    pending = call(
        client, pw, "asker", "POST", "/interests", {"opportunity_id": second, "note": "rail"}
    ).json()
    other = call(client, pw, "asker", "POST", "/interests", {"opportunity_id": pw.opp_it}).json()
    intro = call(client, pw, "owner", "POST", f"/interests/{other['id']}/accept").json()
    call(
        client,
        pw,
        "owner",
        "POST",
        f"/introductions/{intro['id']}/messages",
        {"body": "Giulia Owner, Vesuviana"},
    )
    call(
        client,
        pw,
        "asker",
        "POST",
        f"/introductions/{intro['id']}/messages",
        {"body": "Kenji Asker, Hayabusa"},
    )
    proposal = call(
        client,
        pw,
        "ice",
        "POST",
        "/introductions",
        {"opportunity_a_id": pw.opp_jp, "opportunity_b_id": pw.opp_it},
    ).json()
    alert = call(client, pw, "asker", "POST", "/alerts", {"query": "SiC"}).json()[0]
    # An agreement on an introduction between a fourth organisation (not a viewer) and the owner.
    with database.session() as session:
        fourth = make_organisation(session, name="Quarta Meccanica S.r.l.", country="IT")
        pw.tokens["fourth"] = issue_token(
            session, make_user(session, organisation=fourth), max_age_s=600, label="t"
        )
    third_interest = call(client, pw, "fourth", "POST", "/interests", {"opportunity_id": pw.opp_it}).json()
    third_intro = call(client, pw, "owner", "POST", f"/interests/{third_interest['id']}/accept").json()
    call(client, pw, "fourth", "POST", f"/introductions/{third_intro['id']}/consent")
    agreement = call(
        client,
        pw,
        "ice",
        "POST",
        f"/introductions/{third_intro['id']}/agreements",
        {"category": "research", "subtype": "joint_project", "signed_on": "2026-11-01"},
    ).json()
    ids = {
        "pending": pending["id"],
        "accepted": other["id"],
        "intro": intro["id"],
        "proposal": proposal["id"],
        "alert": alert["id"],
        "agreement": agreement["id"],
        "opp_it": pw.opp_it,
        "opp_jp": pw.opp_jp,
    }
    clients: dict[str, TestClient] = {}
    emails = {"owner": "giulia@vesuviana.example.it", "asker": "kenji@hayabusa-denki.example.jp"}
    with database.session() as session:
        third = session.get(User, pw.user_ids["third"])
        assert third is not None
        emails["third"] = third.email
    for viewer in VIEWERS:
        # Without its own lifespan: the app was started by ``client`` (its state is shared).
        browser = TestClient(client.app, headers={"accept-language": "en"})
        if viewer != "visitor":
            sign_in(browser, emails[viewer])
        clients[viewer] = browser
    yield Guarded(ids=ids, clients=clients)
    for browser in clients.values():
        browser.close()  # its HTTP client only (the app's lifespan belongs to ``client``)


def _assert_hidden(viewer: str, address: str, text: str) -> None:
    for secret in HIDDEN_FROM[viewer]:
        assert secret.casefold() not in text.casefold(), f"{viewer} {address} shows {secret!r}"


def _api_headers(pw: PipelineWorld, viewer: str) -> dict[str, str]:
    return pw.auth(viewer)


@pytest.mark.parametrize("route", sorted(READS))
def test_no_read_shows_a_hidden_side(guarded: Guarded, pw: PipelineWorld, route: str) -> None:
    for viewer in VIEWERS:
        for template in READS[route]:
            address = guarded.fill(template)
            browser = guarded.clients[viewer]
            headers = _api_headers(pw, viewer) if address.startswith(BASE_PATH) else {}
            response = browser.get(address, headers=headers)
            _assert_hidden(viewer, address, response.text)


@pytest.mark.parametrize("route", sorted(WRITES), ids=[f"{m} {p}" for m, p in sorted(WRITES)])
def test_no_write_answer_shows_a_hidden_side(
    guarded: Guarded, pw: PipelineWorld, route: tuple[str, str]
) -> None:
    method = route[0]
    template, body = WRITES[route]
    for viewer in VIEWERS:
        if viewer in NOT_BY.get(route, set()):
            continue
        browser = guarded.clients[viewer]
        address = guarded.fill(template)
        if address.startswith(BASE_PATH):
            response = browser.request(
                method, address, json=guarded.fill(body), headers=_api_headers(pw, viewer)
            )
        else:
            form = {
                **{k: str(v) for k, v in guarded.fill(body or {}).items()},
                "csrf_token": csrf_token(browser, "/signin" if viewer == "visitor" else "/"),
            }
            response = browser.request(method, address, data=form, follow_redirects=True)
        _assert_hidden(viewer, f"{method} {address}", response.text)


def test_no_notice_or_email_shows_a_hidden_side(
    guarded: Guarded, database: Database, pw: PipelineWorld
) -> None:
    with database.session() as session:
        for viewer in ("owner", "asker", "third"):
            user = session.get(User, pw.user_ids[viewer])
            assert user is not None
            reader = reader_of(session, user)
            notices = list(session.scalars(select(Notice).where(Notice.user_id == user.id)))
            for notice in notices:
                _assert_hidden(viewer, notice.kind, notice_text(notice, reader))
                mail = notice_mail(notice, to=addressee(user), reader=reader, site="http://kakehashi.test")
                _assert_hidden(viewer, f"mail {notice.kind}", f"{mail.subject} {mail.body}")
        assert session.scalar(select(Notice.id).where(Notice.user_id == pw.user_ids["owner"])) is not None
