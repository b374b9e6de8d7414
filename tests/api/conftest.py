"""API fixtures: the real app over the per-test database, and a small world of two organisations.

Organisation A (Italian) and organisation B (Japanese), each with a member; an ICE officer; an admin;
B has one opportunity in every status and A a draft and a published one. Tokens are issued through the
accounts service, so requests authenticate exactly as a client's would.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from kakehashi.accounts.models import User
from kakehashi.accounts.roles import Role
from kakehashi.accounts.service import issue_token
from kakehashi.api import BASE_PATH
from kakehashi.app import create_app
from kakehashi.config import Settings
from kakehashi.errors import N_
from kakehashi.events.agenda_models import CheckIn
from kakehashi.notifications import notify
from kakehashi.store import Database
from tests.events.day_world import event_for_every_page
from tests.factories import make_opportunity, make_organisation, make_user

API = BASE_PATH
B_NAME = "Kurogane Ryoshi Kenkyujo K.K."
B_NAME_JA = "黒鉄量子研究所株式会社"
B_WEBSITE = "https://kurogane-ryoshi.example.jp"
B_EXTERNAL_ID = "org-kurogane-ryoshi"


@pytest.fixture
def client(settings: Settings, database: Database) -> Iterator[TestClient]:
    with TestClient(create_app(settings, database=database)) as test_client:
        yield test_client


@dataclass
class World:
    """Ids and bearer headers of the fixture's people and things."""

    org_a: int
    org_b: int
    tokens: dict[str, str] = field(default_factory=dict)
    opps: dict[str, int] = field(default_factory=dict)
    # An event where B meets C (A is not a side, nor an organiser): event_id, meeting_id, checkin_id.
    events: dict[str, int] = field(default_factory=dict)
    notices: dict[str, int] = field(default_factory=dict)

    def auth(self, who: str) -> dict[str, str]:
        """Request headers of ``who`` (member_a, member_b, officer, admin); a visitor sends none."""
        return {} if who == "visitor" else {"Authorization": f"Bearer {self.tokens[who]}"}


def _token(session: Any, user: User) -> str:
    return issue_token(session, user, max_age_s=3600, label="tests")


@pytest.fixture
def world(database: Database) -> World:
    with database.session() as session:
        org_a = make_organisation(session, name="Silicio Etneo S.r.l.", country="IT", city="Catania")
        org_b = make_organisation(
            session,
            name=B_NAME,
            name_ja=B_NAME_JA,
            external_id=B_EXTERNAL_ID,
            website=B_WEBSITE,
            country="JP",
            kind="startup",
            sectors=["quantum"],
            city="Sendai",
            description="Quantum annealing processors and control electronics.",
            description_language="en",
        )
        people = {
            "member_a": make_user(session, organisation=org_a),
            "member_b": make_user(session, organisation=org_b),
            "officer": make_user(session, role=Role.OFFICER, agency="ICE"),
            "admin": make_user(session, role=Role.ADMIN),
        }
        built = World(org_a=org_a.id, org_b=org_b.id)
        built.tokens = {who: _token(session, user) for who, user in people.items()}
        quantum = {
            "type": "technology_offer",
            "language": "ja",
            "sectors": ["quantum"],
            "keywords": ["量子アニーリング"],
            "description": "超伝導量子アニーリングプロセッサの共同開発パートナーを探しています。制御エレクトロニクスも提供します。",
        }
        for status in ("draft", "in_review", "published", "expired", "withdrawn"):
            title = f"量子アニーリング {status}"
            built.opps[f"b_{status}"] = make_opportunity(
                session, org_b, status=status, title=title, **quantum
            ).id
        built.opps["a_draft"] = make_opportunity(session, org_a, status="draft").id
        built.opps["a_published"] = make_opportunity(session, org_a, status="published").id
        [built.notices["b_notice"]] = notify(
            session,
            kind="intro.stage",
            message=N_("Your introduction moved on."),
            users=[people["member_b"].id],
            email=False,
        )
    return built


@pytest.fixture
def event_world(world: World, database: Database) -> World:
    """The world plus an ICE event open for requests: A and B approved, B's pending request to a third
    participant C; and a JETRO event with a published agenda where B meets D (ids in ``world.events``)."""
    from kakehashi.accounts.service import actor_for_token
    from kakehashi.events import registrations, requests, service
    from kakehashi.events.lifecycle import EventAction
    from kakehashi.events.schemas import MarkInput, RegistrationInput
    from tests.events.factories import event_input

    with database.session() as session:
        officer = actor_for_token(session, world.tokens["officer"])
        member_b = actor_for_token(session, world.tokens["member_b"])
        event = service.create_event(session, officer, event_input(meeting_rule="any"))
        service.transition(session, officer, event.id, EventAction.OPEN_REGISTRATION)
        org_c = make_organisation(session, name="Kyoto Photonics", country="JP")
        regs = {}
        for name, org_id in (("a", world.org_a), ("b", world.org_b), ("c", org_c.id)):
            data = RegistrationInput.model_validate(
                {"representatives": [{"name": f"Rep {name}", "languages": ["en"]}]}
            )
            regs[name] = registrations.register(session, officer, event.id, data, organisation_id=org_id).id
        service.transition(session, officer, event.id, EventAction.OPEN_BOOKING)
        request = requests.mark(
            session, member_b, event.id, MarkInput(to_registration_id=regs["c"], mark="meet")
        )
        world.events |= {
            "event": event.id,
            "reg_a": regs["a"],
            "reg_b": regs["b"],
            "reg_c": regs["c"],
            "b_request": request.id,
        }
        # An event of B with a third organisation (the agenda and day writes aim at it).
        org_d = make_organisation(session, name="Vetreria Lagunare S.p.A.", country="IT")
        made = event_for_every_page(session, org_it_id=org_d.id, org_jp_id=world.org_b, organisers=("JETRO",))
        checkin_id = session.scalar(
            select(CheckIn.id).where(CheckIn.registration_id == made["registration_it"])
        )
        assert checkin_id is not None
        world.events |= {
            "event_id": made["event_id"],
            "meeting_id": made["meeting_id"],
            "checkin_id": checkin_id,
        }
    return world


def assert_error(response: Any, status: int, code: str | None = None) -> dict[str, Any]:
    """The response is the one JSON error shape with ``status``; returns its ``error`` object."""
    assert response.status_code == status, response.text
    body = response.json()
    assert set(body) == {"error"}
    error = body["error"]
    assert set(error) == {"code", "message", "message_id", "fields"}
    assert isinstance(error["message"], str)
    assert error["message"]
    for problem in error["fields"]:
        assert set(problem) == {"field", "message", "message_id", "line"}
    if code is not None:
        assert error["code"] == code
    return dict(error)


def field_names(error: dict[str, Any]) -> set[str]:
    return {problem["field"] for problem in error["fields"]}
