"""Every entry point bounded: nulls, ids past 64 bits, oversized text, control characters and oversized
bodies are refused with a 422 (or 413) naming the field, before any SQL; nothing is written."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from kakehashi.limits import DESCRIPTION_MAX, MAX_ID
from kakehashi.store import Database
from tests.api.conftest import API, World, assert_error, field_names
from tests.api.payloads import NEW_OPPORTUNITY, NEW_ORGANISATION
from tests.web.conftest import csrf_token

TOO_BIG_ID = 2**63  # 9223372036854775808: past 64 bits (SQLite overflowed)

OPPORTUNITY_NOT_NULL = ["type", "language", "title", "description", "sectors", "keywords", "partner_sought"]
ORGANISATION_NOT_NULL = ["name", "kind", "description", "description_language", "sectors"]


@pytest.mark.parametrize("field", OPPORTUNITY_NOT_NULL)
def test_null_for_a_required_opportunity_field_is_a_422_naming_it(
    client: TestClient, world: World, field: str
) -> None:
    url = f"{API}/opportunities/{world.opps['b_draft']}"
    before = client.get(url, headers=world.auth("member_b")).json()
    response = client.patch(url, json={field: None}, headers=world.auth("member_b"))
    assert field_names(assert_error(response, 422, "validation_failed")) == {field}
    assert client.get(url, headers=world.auth("member_b")).json() == before


@pytest.mark.parametrize("field", ORGANISATION_NOT_NULL)
def test_null_for_a_required_organisation_field_is_a_422_naming_it(
    client: TestClient, world: World, field: str
) -> None:
    url = f"{API}/organisations/{world.org_b}"
    response = client.patch(url, json={field: None}, headers=world.auth("member_b"))
    assert field_names(assert_error(response, 422, "validation_failed")) == {field}


def test_null_still_clears_an_optional_field(client: TestClient, world: World) -> None:
    url = f"{API}/opportunities/{world.opps['b_draft']}"
    response = client.patch(url, json={"trl": None, "deadline": None}, headers=world.auth("member_b"))
    assert response.status_code == 200, response.text
    assert response.json()["trl"] is None


@pytest.mark.parametrize(
    "path",
    [
        f"/opportunities/{TOO_BIG_ID}",
        f"/organisations/{TOO_BIG_ID}",
        f"/organisations/{TOO_BIG_ID}/opportunities",
        f"/opportunities?organisation_id={TOO_BIG_ID}",
        f"/opportunities/{TOO_BIG_ID}/matches",
    ],
)
def test_ids_past_64_bits_are_a_422_on_the_api(client: TestClient, world: World, path: str) -> None:
    response = client.get(API + path, headers=world.auth("officer"))
    assert_error(response, 422, "validation_failed")


@pytest.mark.parametrize("number", [MAX_ID + 1, 2**63 - 1])
def test_ids_past_the_stores_integer_are_a_422(client: TestClient, world: World, number: int) -> None:
    """PostgreSQL's ids are 32-bit: a larger one was an "integer out of range" 500 there."""
    for path in (f"/opportunities/{number}", f"/organisations/{number}"):
        assert_error(client.get(API + path, headers=world.auth("officer")), 422, "validation_failed")
    assert client.get(f"{API}/organisations/{MAX_ID}").status_code == 404


def test_an_organisation_id_past_64_bits_in_a_body_is_a_422(client: TestClient, world: World) -> None:
    body = {**NEW_OPPORTUNITY, "organisation_id": TOO_BIG_ID}
    response = client.post(f"{API}/opportunities", json=body, headers=world.auth("officer"))
    assert field_names(assert_error(response, 422, "validation_failed")) == {"organisation_id"}


@pytest.mark.parametrize(
    "path",
    [f"/opportunities/{TOO_BIG_ID}", f"/organisations/{TOO_BIG_ID}", f"/opportunities/{TOO_BIG_ID}/edit"],
)
def test_ids_past_64_bits_are_a_readable_page(client: TestClient, path: str) -> None:
    response = client.get(path, follow_redirects=False)
    assert response.status_code in (303, 422), response.text
    if response.status_code == 422:
        assert 'data-error-code="validation_failed"' in response.text


def test_an_oversized_organisation_description_is_refused(client: TestClient, world: World) -> None:
    body = {**NEW_ORGANISATION, "description": "x" * (DESCRIPTION_MAX + 1)}
    response = client.post(f"{API}/organisations", json=body, headers=world.auth("officer"))
    assert field_names(assert_error(response, 422)) == {"description"}
    listed = client.get(f"{API}/organisations", params={"q": "Fotonica"}).json()
    assert listed["total"] == 0


def test_an_oversized_translation_is_refused(client: TestClient, world: World) -> None:
    url = f"{API}/opportunities/{world.opps['b_draft']}"
    translation = {"title": "Quantum annealing", "description": "y" * (DESCRIPTION_MAX + 1)}
    response = client.patch(url, json={"translations": {"en": translation}}, headers=world.auth("member_b"))
    assert field_names(assert_error(response, 422)) == {"translations.en.description"}


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("title", "Wafer\x00 in SiC da 200 mm"),
        ("title", "Wafer\nsu due righe"),
        ("description", "Offriamo wafer \x1b[31m in carburo di silicio a bassa densità di difetti."),
        ("keywords", ["SiC", "wa\x07fer"]),
        ("partner_sought", "Fornitore\x00"),
    ],
)
def test_control_characters_are_refused(client: TestClient, world: World, field: str, value: Any) -> None:
    body = {**NEW_OPPORTUNITY, field: value}
    response = client.post(f"{API}/opportunities", json=body, headers=world.auth("member_a"))
    error = assert_error(response, 422, "validation_failed")
    assert field_names(error) == {field}
    assert "Control characters" in error["fields"][0]["message"]


def test_line_breaks_and_tabs_stay_allowed_in_multi_line_fields(client: TestClient, world: World) -> None:
    description = "Prima riga del testo.\r\nSeconda riga,\tcon una tabulazione."
    body = {**NEW_OPPORTUNITY, "description": description, "partner_sought": "Uno\nDue"}
    response = client.post(f"{API}/opportunities", json=body, headers=world.auth("member_a"))
    assert response.status_code == 201, response.text
    assert "\tcon" in response.json()["description"]


def test_a_body_over_the_limit_is_a_413_in_the_json_shape(client: TestClient, world: World) -> None:
    body = {**NEW_ORGANISATION, "description": "x" * (2 * 1024 * 1024)}
    response = client.post(f"{API}/organisations", json=body, headers=world.auth("officer"))
    error = assert_error(response, 413, "payload_too_large")
    assert "1048576" in error["message"]


def test_a_chunked_body_over_the_limit_is_a_413(client: TestClient, world: World) -> None:
    def chunks() -> Any:
        for _ in range(40):
            yield b"x" * 65536

    response = client.post(
        f"{API}/organisations",
        content=chunks(),
        headers={**world.auth("officer"), "Content-Type": "application/json"},
    )
    assert_error(response, 413, "payload_too_large")


def test_a_form_over_the_limit_is_a_readable_page(client: TestClient) -> None:
    response = client.post("/signin", data={"email": "a@example.org", "password": "x" * (2 * 1024 * 1024)})
    assert response.status_code == 413
    assert 'data-error-code="payload_too_large"' in response.text
    assert "Something went wrong" not in response.text


def test_nothing_of_a_refused_body_is_written(client: TestClient, world: World, database: Database) -> None:
    body = {**NEW_ORGANISATION, "name": "Nul\x00 S.r.l."}
    assert_error(client.post(f"{API}/organisations", json=body, headers=world.auth("officer")), 422)
    from sqlalchemy import func, select

    from kakehashi.profiles.models import Organisation

    with database.session() as session:
        assert session.scalar(select(func.count()).select_from(Organisation)) == 2


@pytest.mark.parametrize(
    "path",
    [
        f"{API}/organisations?q=Sili%00cio",
        f"{API}/opportunities?q=wafer%1b",
        f"{API}/search?q=%00",
        "/organisations?q=Sili%00cio",
        "/opportunities?q=%00",
    ],
)
def test_control_characters_in_a_query_are_a_422(client: TestClient, path: str) -> None:
    """PostgreSQL refuses a NUL byte in a string: it was a 500 there."""
    response = client.get(path)
    assert response.status_code == 422, response.text
    assert "q" in response.text


def test_a_nul_byte_in_a_sign_in_is_not_a_server_error(client: TestClient) -> None:
    """PostgreSQL refuses a NUL byte in a query: the e-mail lookup was a 500 there."""
    body = {"email": "a\x00b@example.org", "password": "x"}
    assert_error(client.post(f"{API}/auth/token", json=body), 422, "validation_failed")
    form = {"email": "a\x00b@example.org", "password": "x", "csrf_token": csrf_token(client)}
    page = client.post("/signin", data=form, follow_redirects=False)
    assert page.status_code in (401, 422), page.text


# --- bounds found by walking the OpenAPI and the page routes once more ----------------------------------


@pytest.fixture
def signed_in_admin(client: TestClient, database: Database) -> TestClient:
    from kakehashi.accounts.roles import Role
    from tests.factories import make_user
    from tests.web.conftest import sign_in

    with database.session() as session:
        make_user(session, role=Role.ADMIN, email="bounds-admin@example.org")
    sign_in(client, "bounds-admin@example.org")
    return client


@pytest.mark.parametrize(
    ("path", "data"),
    [
        (f"/admin/users/{TOO_BIG_ID}/role", {"role": "officer", "agency": "ICE"}),
        (f"/admin/users/{TOO_BIG_ID}/deactivate", {}),
        (f"/opportunities/{TOO_BIG_ID}/translations", {"language": "en", "title": "t", "description": "d"}),
    ],
)
def test_page_forms_with_ids_past_64_bits_are_a_422_page(
    signed_in_admin: TestClient, path: str, data: dict[str, str]
) -> None:
    token = csrf_token(signed_in_admin, "/admin/users")
    response = signed_in_admin.post(path, data={**data, "csrf_token": token}, follow_redirects=False)
    assert response.status_code == 422, response.text
    assert 'data-error-code="validation_failed"' in response.text


@pytest.mark.parametrize("query", [f"user={TOO_BIG_ID}", "user=0", f"page={TOO_BIG_ID}", "page=0"])
def test_audit_filters_out_of_range_are_a_422_page(signed_in_admin: TestClient, query: str) -> None:
    for path in ("/admin/audit", "/admin/audit/export"):
        response = signed_in_admin.get(f"{path}?{query}")
        if "page=" in query and path.endswith("export"):
            continue  # the export has no pages
        assert response.status_code == 422, (path, response.text)


def test_repeated_search_filters_are_bounded(client: TestClient) -> None:
    from kakehashi.limits import FILTER_VALUES_MAX

    many = "&".join(["sector=quantum"] * (FILTER_VALUES_MAX + 1))
    response = client.get(f"{API}/search?q=wafer&{many}")
    assert field_names(assert_error(response, 422, "validation_failed")) == {"sector"}
    assert client.get(f"{API}/search?q=wafer&sector=quantum&sector=energy").status_code == 200


def test_the_translations_of_a_body_are_bounded_in_the_documented_schema(client: TestClient) -> None:
    from kakehashi.limits import TRANSLATIONS_MAX

    schemas = client.get("/openapi.json").json()["components"]["schemas"]
    for name in ("OpportunityCreate", "OpportunityPatch"):
        translations = schemas[name]["properties"]["translations"]
        bounded = [translations, *translations.get("anyOf", [])]
        assert any(part.get("maxProperties") == TRANSLATIONS_MAX for part in bounded), translations
