"""A small pipeline world: an Italian owner with a published opportunity, a Japanese organisation that
will ask, a third organisation, an ICE and a JETRO officer, all with API tokens."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
from fastapi.testclient import TestClient

from kakehashi.accounts.roles import Role
from kakehashi.accounts.service import issue_token
from kakehashi.api import BASE_PATH
from kakehashi.app import create_app
from kakehashi.config import Settings
from kakehashi.store import Database
from tests.factories import make_opportunity, make_organisation, make_user

API = BASE_PATH
IT_NAME = "Fonderia Vesuviana S.p.A."
IT_WEBSITE = "https://vesuviana.example.it"
JP_NAME = "Hayabusa Denki K.K."
JP_NAME_JA = "隼電機株式会社"
JP_WEBSITE = "https://hayabusa-denki.example.jp"
THIRD_NAME = "Terza Parte S.r.l."
# What must never reach the other side (nor a third organisation, nor a visitor) before consent.
IT_SECRETS = ("Vesuviana", "vesuviana.example", "Giulia Owner", "giulia@vesuviana")
JP_SECRETS = ("Hayabusa", "隼電機", "hayabusa-denki", "Kenji Asker", "kenji@hayabusa")


@dataclass
class PipelineWorld:
    org_it: int
    org_jp: int
    org_third: int
    opp_it: int
    opp_jp: int
    opp_third: int
    opp_it_draft: int
    tokens: dict[str, str] = field(default_factory=dict)
    user_ids: dict[str, int] = field(default_factory=dict)

    def auth(self, who: str) -> dict[str, str]:
        return {} if who == "visitor" else {"Authorization": f"Bearer {self.tokens[who]}"}


@pytest.fixture
def client(settings: Settings, database: Database) -> Iterator[TestClient]:
    with TestClient(create_app(settings, database=database)) as test_client:
        yield test_client


@pytest.fixture
def pw(database: Database) -> PipelineWorld:
    with database.session() as session:
        org_it = make_organisation(session, name=IT_NAME, website=IT_WEBSITE, country="IT", city="Napoli")
        org_jp = make_organisation(
            session, name=JP_NAME, name_ja=JP_NAME_JA, website=JP_WEBSITE, country="JP", city="Nagoya"
        )
        third = make_organisation(session, name=THIRD_NAME, country="IT")
        people = {
            "owner": make_user(session, organisation=org_it, email="giulia@vesuviana.example.it"),
            "asker": make_user(session, organisation=org_jp, email="kenji@hayabusa-denki.example.jp"),
            "third": make_user(session, organisation=third),
            "ice": make_user(session, role=Role.OFFICER, agency="ICE"),
            "jetro": make_user(session, role=Role.OFFICER, agency="JETRO"),
        }
        people["owner"].display_name = "Giulia Owner"
        people["asker"].display_name = "Kenji Asker"
        built = PipelineWorld(
            org_it=org_it.id,
            org_jp=org_jp.id,
            org_third=third.id,
            opp_it=make_opportunity(session, org_it, title="Power electronics modules for rail").id,
            opp_jp=make_opportunity(
                session, org_jp, type="technology_request", title="Looking for SiC modules"
            ).id,
            opp_third=make_opportunity(session, third).id,
            opp_it_draft=make_opportunity(session, org_it, status="draft").id,
        )
        built.tokens = {who: issue_token(session, u, max_age_s=3600, label="t") for who, u in people.items()}
        built.user_ids = {who: u.id for who, u in people.items()}
    return built


def call(
    client: TestClient, pw: PipelineWorld, who: str, method: str, path: str, body: Any = None, **kw: Any
) -> Any:
    return client.request(
        method, API + path, json=body, headers={**pw.auth(who), **kw.pop("headers", {})}, **kw
    )


def disclosed_introduction(client: TestClient, pw: PipelineWorld) -> int:
    """Interest → owner accepts → asker confirms: a disclosed introduction's id."""
    interest = call(
        client, pw, "asker", "POST", "/interests", {"opportunity_id": pw.opp_it, "note": "We need SiC."}
    )
    assert interest.status_code == 201, interest.text
    intro = call(client, pw, "owner", "POST", f"/interests/{interest.json()['id']}/accept")
    assert intro.status_code == 200, intro.text
    done = call(client, pw, "asker", "POST", f"/introductions/{intro.json()['id']}/consent")
    assert done.json()["disclosed"] is True
    return int(intro.json()["id"])
