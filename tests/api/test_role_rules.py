"""The issue's role rules, systematically over every write endpoint of the API.

A member of organisation A gets 403 or 404 on every write to organisation B and its opportunities, and
nothing of B changes; a visitor gets 401 on every write; A never sees B's unpublished opportunities; a
visitor (and A) never learns which organisation is behind an anonymised opportunity.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient

from kakehashi.accounts.roles import Actor, Role
from kakehashi.store import Database
from tests.api.conftest import API, B_EXTERNAL_ID, B_NAME, B_NAME_JA, B_WEBSITE, World, assert_error
from tests.api.payloads import NEW_OPPORTUNITY, NEW_ORGANISATION
from tests.factories import actor, make_organisation, make_user

ACTIONS = ("submit", "publish", "send-back", "expire", "withdraw")
B_TARGETS = ("b_draft", "b_in_review", "b_published")

# (method, path template, body): every write endpoint, aimed at organisation B and its opportunities.
WRITES: list[tuple[str, str, Any]] = [
    ("POST", "/organisations", NEW_ORGANISATION),
    ("POST", "/jobs", {"job": "index-rebuild", "arguments": {"full": True}}),  # staff only
    ("PATCH", "/organisations/{org_b}", {"city": "Osaka"}),
    ("POST", "/opportunities", {**NEW_OPPORTUNITY, "organisation_id": "{org_b}"}),
    *[("PATCH", f"/opportunities/{{{target}}}", {"trl": 2}) for target in B_TARGETS],
    *[
        ("POST", f"/opportunities/{{{target}}}/{action}", {"note": "x"})
        for target in B_TARGETS
        for action in ACTIONS
    ],
    *[
        ("PUT", f"/opportunities/{{{target}}}/matches/{{a_published}}/verdict", {"verdict": "dismissed"})
        for target in B_TARGETS
    ],
    # Event agendas and the day (B meets C at an event A neither organises nor meets at).
    ("POST", "/events/{event_id}/runs", {"time_limit_s": 5}),
    ("PUT", "/events/{event_id}/meetings/{meeting_id}/lock", {"locked": True}),
    ("POST", "/events/{event_id}/meetings/{meeting_id}/move", {"slot": 1, "table_id": None}),
    ("PUT", "/events/{event_id}/interpreters", {"items": [{"slot": 1, "pair": "it-ja", "count": 2}]}),
    ("POST", "/events/{event_id}/agenda/publish", {}),
    ("POST", "/events/{event_id}/checkins", {"token": "KH1-E1-R1-AAAAAAAAAAAAAAAA"}),
    ("DELETE", "/events/{event_id}/checkins/{checkin_id}", None),
    ("PUT", "/events/{event_id}/meetings/{meeting_id}/outcome", {"outcome": "no_show"}),
    ("PUT", "/events/{event_id}/meetings/{meeting_id}/feedback", {"rating": "informative", "comment": "x"}),
    ("PUT", "/events/{event_id}/meetings/{meeting_id}/follow-up", {"answer": "valuable_contact"}),
    # The pipeline, aimed at B's interest, introduction, agreement and alert (with organisation C; A is
    # neither side): A is refused everything, whatever B's side is.
    ("POST", "/interests", {"opportunity_id": "{b_published}", "organisation_id": "{org_b}", "note": "x"}),
    *[
        ("POST", f"/interests/{{interest_b}}/{action}", {})
        for action in ("accept", "decline", "refer", "withdraw")
    ],
    ("POST", "/introductions", {"opportunity_a_id": "{a_published}", "opportunity_b_id": "{b_published}"}),
    ("POST", "/introductions/{intro_b}/consent", None),
    ("POST", "/introductions/{intro_b}/withdraw-consent", None),
    ("POST", "/introductions/{intro_b}/stage", {"stage": "closed", "reason": "x"}),
    ("PATCH", "/introductions/{intro_b}", {"next_step": "x"}),
    ("POST", "/introductions/{intro_b}/messages", {"body": "x"}),
    (
        "POST",
        "/introductions/{intro_b}/agreements",
        {"category": "research", "subtype": "joint_project", "signed_on": "2026-11-01"},
    ),
    ("POST", "/agreements/{agreement_b}/confirm", None),
    ("DELETE", "/alerts/{alert_b}", None),
    *[
        (
            "PUT",
            f"/opportunities/{{{target}}}/translations/it",
            {"title": "Titolo tradotto", "description": "Una traduzione che non deve passare."},
        )
        for target in B_TARGETS
    ],
    ("POST", "/notices/{b_notice}/read", {}),  # a notice of B's member: A gets "not found"
]
EVENT_ACTIONS = (
    "open-registration",
    "open-booking",
    "reopen-booking",
    "mark-scheduled",
    "publish",
    "mark-held",
    "close",
)
# Events: A is an approved participant of {event}, so each write is aimed at B's registration or request,
# or is an organisers' write (a member gets 403).
WRITES += [
    (
        "POST",
        "/events",
        {
            "title_en": "A member's event",
            "days": ["2027-03-01"],
            "sessions": [{"part": "morning", "starts": "09:00", "ends": "12:00"}],
        },
    ),
    ("PATCH", "/events/{event}", {"request_cap": 1}),
    *[("POST", f"/events/{{event}}/{action}", None) for action in EVENT_ACTIONS],
    (
        "POST",
        "/events/{event}/registrations",
        {"organisation_id": "{org_b}", "representatives": [{"name": "Intruder", "languages": ["it"]}]},
    ),
    ("PATCH", "/events/{event}/registrations/{reg_b}", {"note": "changed by A"}),
    ("POST", "/events/{event}/registrations/{reg_b}/approve", None),
    ("POST", "/events/{event}/registrations/{reg_b}/decline", {"reason": "x"}),
    ("POST", "/events/{event}/registrations/{reg_b}/withdraw", None),
    (
        "POST",
        "/events/{event}/requests",
        {"from_registration_id": "{reg_b}", "to_registration_id": "{reg_c}", "mark": "no_thanks"},
    ),
    ("POST", "/events/{event}/requests/{b_request}/accept", {"accept": True}),
    ("POST", "/events/{event}/requests/{b_request}/decline", {"accept": False}),
    ("POST", "/events/{event}/requests/{b_request}/withdraw", None),
]
WRITE_IDS = [f"{method} {path}" for method, path, _ in WRITES]
# Endpoints that write only the caller's own things, so that nothing of B can be reached through them.
OWN_WRITES = {
    ("POST", "/auth/token"),
    ("DELETE", "/auth/token"),
    ("PUT", "/me/password"),
    ("POST", "/auth/password-reset"),
    ("POST", "/auth/password-reset/confirm"),
    ("POST", "/notices/read-all"),
    ("PUT", "/me/notification-settings"),
    ("POST", "/alerts"),  # an alert of the caller's own organisation
}
# Administrators only (tests/api/test_accounts_admin.py checks members, officers and visitors are refused).
ADMIN_WRITES = {("PATCH", "/users/{user_id}")}


@pytest.fixture(autouse=True)
def _with_an_event(event_world: World) -> None:
    """Every test here also has the event of ``world.events`` (aimed at by the event writes)."""


# The path parameters that the pipeline's placeholders stand for.
PIPELINE_PARAMETERS = {
    "{interest_b}": "{interest_id}",
    "{intro_b}": "{introduction_id}",
    "{agreement_b}": "{agreement_id}",
    "{alert_b}": "{alert_id}",
}


@pytest.fixture
def b_pipeline(world: World, database: Database) -> dict[str, int]:
    """B's pipeline with organisation C: C's interest in B's opportunity, accepted by both (disclosed),
    an agreement, and an alert of B."""
    from kakehashi.pipeline import agreements, alerts, interests, introductions
    from kakehashi.pipeline.schemas import AgreementInput, InterestInput, SavedSearchInput

    with database.session() as session:
        org_c = make_organisation(session, name="Terza Via S.r.l.", country="IT")
        member_c = actor(make_user(session, organisation=org_c))
        member_b = Actor(role=Role.MEMBER, user_id=None, organisation_id=world.org_b)
        officer = Actor(role=Role.OFFICER, user_id=None, agency_code="ICE")
        decided = interests.express(
            session, member_c, InterestInput(opportunity_id=world.opps["b_published"])
        )
        intro = interests.accept(session, member_b, decided.id)
        introductions.consent(session, member_c, intro.id)
        agreement = agreements.record(
            session,
            officer,
            intro.id,
            AgreementInput.model_validate(
                {"category": "research", "subtype": "joint_project", "signed_on": "2026-11-01"}
            ),
        )
        org_d = make_organisation(session, name="Quarta S.r.l.", country="IT")
        pending = interests.express(
            session,
            actor(make_user(session, organisation=org_d)),
            InterestInput(opportunity_id=world.opps["b_published"]),
        )
        alert = alerts.save(session, member_b, SavedSearchInput(query="量子"))
        return {
            "interest_b": pending.id,
            "intro_b": intro.id,
            "agreement_b": agreement.id,
            "alert_b": alert.id,
        }


def _fill(template: Any, world: World, extra: dict[str, int] | None = None) -> Any:
    """Put the world's ids into a path or a body (``"{org_b}"`` becomes B's id, an int in bodies)."""
    names = {"org_b": world.org_b, **world.opps, **world.events, **world.notices, **(extra or {})}
    if isinstance(template, dict):
        return {key: _fill(value, world, extra) for key, value in template.items()}
    if isinstance(template, str) and template.startswith("{") and template.endswith("}"):
        return names[template[1:-1]]
    if isinstance(template, str):
        return template.format(**names)
    return template


def _snapshot_of_b(client: TestClient, world: World) -> Any:
    officer = world.auth("officer")
    return (
        client.get(f"{API}/organisations/{world.org_b}", headers=officer).json(),
        client.get(f"{API}/organisations/{world.org_b}/opportunities", headers=officer).json(),
        client.get(f"{API}/opportunities?page_size=100", headers=officer).json()["total"],
        client.get(f"{API}/events/{world.events['event']}", headers=officer).json(),
        client.get(f"{API}/events/{world.events['event']}/registrations", headers=officer).json(),
        client.get(f"{API}/events/{world.events['event']}/requests", headers=officer).json(),
    )


def _generic(path: str) -> str:
    for placeholder, parameter in PIPELINE_PARAMETERS.items():
        path = path.replace(placeholder, parameter)
    return path


def test_the_table_covers_every_write_endpoint(client: TestClient) -> None:
    """Read from the OpenAPI document, so that a new write endpoint must join the table above."""
    spec = client.get("/openapi.json").json()
    routes = {
        (method.upper(), path.removeprefix(API))
        for path, operations in spec["paths"].items()
        if path.startswith(API + "/")
        for method in operations
        if method.upper() not in {"GET", "HEAD", "OPTIONS"}
    }
    generic = {
        (
            method,
            path.replace("{org_b}", "{organisation_id}")
            .replace("{b_draft}", "{opportunity_id}")
            .replace("{a_published}", "{target_id}")
            .replace("{b_notice}", "{notice_id}")
            .replace("/translations/it", "/translations/{language}")
            .replace("{event}", "{event_id}")
            .replace("{reg_b}", "{registration_id}")
            .replace("{b_request}", "{request_id}"),
        )
        for method, path, _ in WRITES
        if "{b_in_review}" not in path and "{b_published}" not in path
    }
    generic = {(method, _generic(path)) for method, path in generic}
    assert routes - OWN_WRITES - ADMIN_WRITES == generic


@pytest.mark.parametrize(("method", "path", "body"), WRITES, ids=WRITE_IDS)
def test_member_of_a_cannot_write_anything_of_b(
    client: TestClient, world: World, b_pipeline: dict[str, int], method: str, path: str, body: Any
) -> None:
    before = _snapshot_of_b(client, world)
    response = client.request(
        method,
        API + _fill(path, world, b_pipeline),
        json=_fill(body, world, b_pipeline),
        headers=world.auth("member_a"),
    )
    error = assert_error(response, response.status_code)
    assert response.status_code in (403, 404), response.text
    assert error["code"] in ("permission_denied", "not_found")
    assert _snapshot_of_b(client, world) == before


@pytest.mark.parametrize(("method", "path", "body"), WRITES, ids=WRITE_IDS)
def test_visitor_cannot_write_anything(
    client: TestClient, world: World, b_pipeline: dict[str, int], method: str, path: str, body: Any
) -> None:
    before = _snapshot_of_b(client, world)
    response = client.request(
        method, API + _fill(path, world, b_pipeline), json=_fill(body, world, b_pipeline)
    )
    assert_error(response, 401, "authentication_required")
    assert _snapshot_of_b(client, world) == before


def test_the_same_writes_succeed_for_b_itself(client: TestClient, world: World) -> None:
    # The control: what A is refused, B's own member may do (so the 403s above are about the organisation).
    member_b = world.auth("member_b")
    assert (
        client.patch(
            f"{API}/organisations/{world.org_b}", json={"city": "Osaka"}, headers=member_b
        ).status_code
        == 200
    )
    draft = f"{API}/opportunities/{world.opps['b_draft']}"
    assert client.patch(draft, json={"trl": 2}, headers=member_b).status_code == 200
    assert client.post(f"{draft}/submit", headers=member_b).status_code == 200
    assert client.post(f"{API}/opportunities", json=NEW_OPPORTUNITY, headers=member_b).status_code == 201
    verdict = f"{API}/opportunities/{world.opps['b_published']}/matches/{world.opps['a_published']}/verdict"
    assert client.put(verdict, json={"verdict": "dismissed"}, headers=member_b).status_code == 204


def test_a_member_of_a_gets_404_for_every_unpublished_opportunity_of_b(
    client: TestClient, world: World
) -> None:
    for name in ("b_draft", "b_in_review", "b_expired", "b_withdrawn"):
        response = client.get(f"{API}/opportunities/{world.opps[name]}", headers=world.auth("member_a"))
        assert_error(response, 404, "not_found")
    assert (
        client.get(
            f"{API}/opportunities/{world.opps['b_published']}", headers=world.auth("member_a")
        ).status_code
        == 200
    )


@pytest.mark.parametrize(
    "query",
    [
        "",
        "status=draft",
        "status=in_review",
        "status=expired",
        "status=withdrawn",
        "country=JP",
        "sector=quantum",
        "q=量子アニーリング",
        "language=ja",
    ],
)
def test_a_member_of_a_never_lists_unpublished_opportunities_of_b(
    client: TestClient, world: World, query: str
) -> None:
    listed = client.get(f"{API}/opportunities?page_size=100&{query}", headers=world.auth("member_a")).json()
    b_ids = {i for name, i in world.opps.items() if name.startswith("b_")}
    seen_of_b = {item["id"] for item in listed["items"]} & b_ids
    assert seen_of_b <= {world.opps["b_published"]}
    # A's own draft is listed to A: the filter is by organisation, not a blanket "published only".
    if query in ("", "status=draft"):
        assert world.opps["a_draft"] in {item["id"] for item in listed["items"]}


# --- anonymisation ---------------------------------------------------------------------------------


def _leaves(node: Any, path: str = "") -> Iterator[tuple[str, Any]]:
    """Every (path, value) leaf of a JSON document; list indices become ``*``."""
    if isinstance(node, dict):
        for key, value in node.items():
            yield from _leaves(value, f"{path}.{key}" if path else key)
    elif isinstance(node, list):
        for value in node:
            yield from _leaves(value, f"{path}.*" if path else "*")
    else:
        yield path, node


def assert_nothing_identifies_b(document: Any, world: World, *, list_prefix: str) -> None:
    """No name, id, website or external id of B anywhere, and no integer but the opportunity's own."""
    text = str(document).casefold()
    for secret in (B_NAME, B_NAME_JA, B_WEBSITE, "kurogane", B_EXTERNAL_ID, "sendai"):
        assert secret.casefold() not in text
    opportunity_ids = set(world.opps.values())
    for path, value in _leaves(document):
        assert "organisation_id" not in path
        if path == f"{list_prefix}organisation":
            assert value is None
        if isinstance(value, int) and not isinstance(value, bool):
            # The version only counts the opportunity's own writes: it says nothing of who posted it.
            allowed = {f"{list_prefix}id", f"{list_prefix}trl", f"{list_prefix}version"}
            assert path in allowed | {"total", "page", "page_size", "pages", "index_pending"}, path
            if path == f"{list_prefix}id":
                assert value in opportunity_ids


@pytest.mark.parametrize("who", ["visitor", "member_a"])
def test_anonymised_in_detail(client: TestClient, world: World, who: str) -> None:
    body = client.get(f"{API}/opportunities/{world.opps['b_published']}", headers=world.auth(who)).json()
    assert body["anonymised"] is True
    assert_nothing_identifies_b(body, world, list_prefix="")


@pytest.mark.parametrize("who", ["visitor", "member_a"])
@pytest.mark.parametrize(
    "query", ["", "country=JP", "sector=quantum", "language=ja", "type=technology_offer", "q=量子"]
)
def test_anonymised_in_lists(client: TestClient, world: World, who: str, query: str) -> None:
    client.app.state.matching.sync()  # type: ignore[attr-defined]  # a search reads the index
    body = client.get(f"{API}/opportunities?{query}", headers=world.auth(who)).json()
    assert world.opps["b_published"] in [item["id"] for item in body["items"]]
    # A's own opportunities name A to A (checked elsewhere); everything else must not identify B.
    own = {world.opps["a_draft"], world.opps["a_published"]}
    body["items"] = [item for item in body["items"] if item["id"] not in own]
    assert_nothing_identifies_b(body, world, list_prefix="items.*.")


@pytest.mark.parametrize("who", ["visitor", "member_a"])
@pytest.mark.parametrize("q", [B_NAME, "Kurogane", B_NAME_JA, "kurogane-ryoshi"])
def test_searching_for_b_does_not_use_its_name(client: TestClient, world: World, who: str, q: str) -> None:
    # The search ranks by meaning, so some answer always comes; what must hold is that B's names play
    # no part in it: the same answer, in the same order, once B is renamed.
    from kakehashi.profiles.models import Organisation

    def answer() -> list[int]:
        return [
            i["id"]
            for i in client.get(f"{API}/opportunities", params={"q": q}, headers=world.auth(who)).json()[
                "items"
            ]
        ]

    client.app.state.matching.sync()  # type: ignore[attr-defined]  # the same index for both answers
    before = answer()
    with client.app.state.database.session() as session:  # type: ignore[attr-defined]
        b = session.get(Organisation, world.org_b)
        assert b is not None
        b.name, b.name_ja, b.website = "Other Holdings K.K.", "別会社", "https://other.example"
    assert answer() == before


@pytest.mark.parametrize("who", ["visitor", "member_a"])
def test_filtering_by_b_finds_nothing(client: TestClient, world: World, who: str) -> None:
    url = f"{API}/opportunities?organisation_id={world.org_b}"
    assert client.get(url, headers=world.auth(who)).json()["items"] == []


def test_staff_do_find_b_by_name(client: TestClient, world: World) -> None:
    # The control for the test above: the search itself does reach the organisation's name.
    found = client.get(
        f"{API}/opportunities?q=Kurogane&status=published", headers=world.auth("officer")
    ).json()
    assert found["items"][0]["id"] == world.opps["b_published"]  # name hits first, then the ranking
    assert found["items"][0]["organisation"]["name"] == B_NAME
