"""Organisations: list, search, filters, pagination, read, register, edit, an organisation's own list."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from kakehashi.profiles.models import Organisation
from kakehashi.store import Database
from tests.api.conftest import API, B_NAME, World, assert_error, field_names
from tests.api.payloads import NEW_ORGANISATION
from tests.factories import make_organisation


def _names(response: Any) -> list[str]:
    assert response.status_code == 200, response.text
    return [item["name"] for item in response.json()["items"]]


def test_list_is_public_and_sorted_by_name(client: TestClient, world: World) -> None:
    assert _names(client.get(f"{API}/organisations")) == [B_NAME, "Silicio Etneo S.r.l."]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("q=etneo", ["Silicio Etneo S.r.l."]),
        ("q=黒鉄", [B_NAME]),
        ("q=annealing", [B_NAME]),
        ("country=JP", [B_NAME]),
        ("country=IT", ["Silicio Etneo S.r.l."]),
        ("sector=quantum", [B_NAME]),
        ("sector=semiconductors", ["Silicio Etneo S.r.l."]),
        ("sector=biotech", []),
        ("country=IT&sector=quantum", []),
    ],
)
def test_each_filter(client: TestClient, world: World, query: str, expected: list[str]) -> None:
    assert _names(client.get(f"{API}/organisations?{query}")) == expected


def test_text_search_reaches_across_languages_through_the_glossary(
    client: TestClient, database: Database
) -> None:
    with database.session() as session:
        make_organisation(
            session, name="Carburi Siciliani", description="Produciamo wafer in carburo di silicio da 200 mm."
        )
        make_organisation(session, name="Robotica Alpina", description="Sensori tattili per la robotica.")
        make_organisation(session, name="Solo Robot", description="Robot per la logistica.")
    assert _names(client.get(f"{API}/organisations", params={"q": "炭化ケイ素"})) == ["Carburi Siciliani"]
    assert _names(client.get(f"{API}/organisations", params={"q": "silicon carbide"})) == [
        "Carburi Siciliani"
    ]
    # every concept the query names must be mentioned: sensors and robotics, not robotics alone
    assert _names(client.get(f"{API}/organisations", params={"q": "ロボット用センサー"})) == [
        "Robotica Alpina"
    ]


def test_pagination(client: TestClient, database: Database) -> None:
    with database.session() as session:
        for n in range(5):
            make_organisation(session, name=f"Impresa {n}")
    first = client.get(f"{API}/organisations?page_size=2").json()
    last = client.get(f"{API}/organisations?page_size=2&page=3").json()
    beyond = client.get(f"{API}/organisations?page_size=2&page=4").json()
    assert [i["name"] for i in first["items"]] == ["Impresa 0", "Impresa 1"]
    assert (first["total"], first["page"], first["page_size"], first["pages"]) == (5, 1, 2, 3)
    assert [i["name"] for i in last["items"]] == ["Impresa 4"]
    assert beyond["items"] == []
    assert beyond["total"] == 5


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("page=0", "page"),
        ("page_size=101", "page_size"),
        ("page_size=0", "page_size"),
        ("country=FR", "country"),
        ("sector=textiles", "sector"),
    ],
)
def test_bad_list_parameters_are_422_naming_the_parameter(client: TestClient, query: str, field: str) -> None:
    error = assert_error(client.get(f"{API}/organisations?{query}"), 422, "validation_failed")
    assert field_names(error) == {field}


def test_get_one(client: TestClient, world: World) -> None:
    body = client.get(f"{API}/organisations/{world.org_b}").json()
    assert body["name"] == B_NAME
    assert body["sectors"] == ["quantum"]
    assert body["can_edit"] is False


def test_get_unknown_is_404(client: TestClient, world: World) -> None:
    assert_error(client.get(f"{API}/organisations/999999"), 404, "not_found")


@pytest.mark.parametrize("who", ["officer", "admin"])
def test_staff_registers_an_organisation(
    client: TestClient, world: World, database: Database, who: str
) -> None:
    response = client.post(f"{API}/organisations", json=NEW_ORGANISATION, headers=world.auth(who))
    assert response.status_code == 201, response.text
    body = response.json()
    assert body["ateco_title"]  # looked up in ISTAT's classification
    assert body["sectors"] == ["semiconductors", "quantum"]
    with database.session() as session:
        stored = session.get(Organisation, body["id"])
        assert stored is not None
        assert stored.name_ja == "フォトニカ・ラグナーレ"


def test_a_member_cannot_register_organisations(client: TestClient, world: World, database: Database) -> None:
    response = client.post(f"{API}/organisations", json=NEW_ORGANISATION, headers=world.auth("member_a"))
    assert_error(response, 403, "permission_denied")
    assert_error(client.post(f"{API}/organisations", json=NEW_ORGANISATION), 401, "authentication_required")
    assert client.get(f"{API}/organisations").json()["total"] == 2


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"sectors": []}, "sectors"),
        ({"sectors": ["textiles"]}, "sectors.0"),
        ({"website": "not a url"}, "website"),
        ({"ateco_code": "99.99.99"}, "ateco_code"),
        ({"country": "FR"}, "country"),
        ({"name": "   "}, "name"),
        ({"favourite_colour": "blue"}, "favourite_colour"),
    ],
)
def test_invalid_organisation_is_422_naming_the_field(
    client: TestClient, world: World, change: dict[str, Any], field: str
) -> None:
    body = {**NEW_ORGANISATION, **change}
    error = assert_error(
        client.post(f"{API}/organisations", json=body, headers=world.auth("officer")),
        422,
        "validation_failed",
    )
    assert field_names(error) == {field}


def test_missing_required_fields_are_each_named(client: TestClient, world: World) -> None:
    response = client.post(f"{API}/organisations", json={"name": "Solo nome"}, headers=world.auth("officer"))
    error = assert_error(response, 422)
    assert field_names(error) == {"country", "kind", "sectors", "description_language"}


def test_duplicate_external_id_is_409_naming_it(client: TestClient, world: World) -> None:
    body = {**NEW_ORGANISATION, "external_id": "org-kurogane-ryoshi"}
    error = assert_error(client.post(f"{API}/organisations", json=body, headers=world.auth("officer")), 409)
    assert field_names(error) == {"external_id"}
    assert client.get(f"{API}/organisations").json()["total"] == 2


@pytest.mark.parametrize("who", ["member_a", "officer", "admin"])
def test_own_member_or_staff_edits_an_organisation(client: TestClient, world: World, who: str) -> None:
    response = client.patch(
        f"{API}/organisations/{world.org_a}",
        json={"city": "Siracusa", "sectors": ["energy", "semiconductors"]},
        headers=world.auth(who),
    )
    assert response.status_code == 200, response.text
    assert response.json()["city"] == "Siracusa"
    assert response.json()["can_edit"] is True
    again = client.get(f"{API}/organisations/{world.org_a}", headers=world.auth(who)).json()
    assert again == response.json()
    assert (again["city"], again["sectors"], again["name"]) == (
        "Siracusa",
        ["semiconductors", "energy"],  # the vocabulary's order, whatever the order sent
        "Silicio Etneo S.r.l.",
    )


def test_patch_validation_names_the_field_and_writes_nothing(client: TestClient, world: World) -> None:
    response = client.patch(
        f"{API}/organisations/{world.org_a}",
        json={"city": "Siracusa", "jsic_code": "not-a-code"},
        headers=world.auth("member_a"),
    )
    assert field_names(assert_error(response, 422)) == {"jsic_code"}
    assert client.get(f"{API}/organisations/{world.org_a}").json()["city"] == "Catania"


def test_patch_unknown_organisation_is_404(client: TestClient, world: World) -> None:
    assert_error(
        client.patch(f"{API}/organisations/999999", json={"city": "X"}, headers=world.auth("officer")), 404
    )


def test_organisation_list_of_opportunities_has_every_status(client: TestClient, world: World) -> None:
    for who in ("member_b", "officer"):
        response = client.get(f"{API}/organisations/{world.org_b}/opportunities", headers=world.auth(who))
        assert response.status_code == 200, response.text
        statuses = sorted(item["status"] for item in response.json())
        assert statuses == ["draft", "expired", "in_review", "published", "withdrawn"]
        assert all(item["organisation"]["id"] == world.org_b for item in response.json())


def test_organisation_list_of_opportunities_is_private(client: TestClient, world: World) -> None:
    assert_error(
        client.get(f"{API}/organisations/{world.org_b}/opportunities", headers=world.auth("member_a")), 403
    )
    assert_error(client.get(f"{API}/organisations/{world.org_b}/opportunities"), 401)
    assert_error(client.get(f"{API}/organisations/999999/opportunities", headers=world.auth("officer")), 404)
