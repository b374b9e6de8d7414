"""One JSON error shape for every error status of the API, and the OpenAPI document at /docs."""

from __future__ import annotations

from fastapi.testclient import TestClient

from tests.api.conftest import API, World, assert_error, field_names


def test_each_error_status_has_the_one_shape(client: TestClient, world: World) -> None:
    member_a = world.auth("member_a")
    assert_error(client.get(f"{API}/me"), 401, "authentication_required")
    assert_error(client.get(f"{API}/review-queue", headers=member_a), 403, "permission_denied")
    assert_error(
        client.get(f"{API}/opportunities/{world.opps['b_draft']}", headers=member_a), 404, "not_found"
    )
    published = world.opps["a_published"]
    conflict = client.post(f"{API}/opportunities/{published}/submit", headers=member_a)
    assert_error(conflict, 409, "invalid_transition")
    invalid = client.patch(f"{API}/opportunities/{world.opps['a_draft']}", json={"trl": 10}, headers=member_a)
    error = assert_error(invalid, 422, "validation_failed")
    assert error["fields"] == [
        {
            "field": "trl",
            "message": "The value must be at most 9.",
            "message_id": "The value must be at most %(n)s.",
            "line": None,
        }
    ]


def test_a_422_names_nested_fields_by_their_path(client: TestClient, world: World) -> None:
    body = {"translations": {"ja": {"title": "量子", "description": "短い"}}}
    url = f"{API}/opportunities/{world.opps['a_draft']}"
    error = assert_error(client.patch(url, json=body, headers=world.auth("member_a")), 422)
    assert field_names(error) == {"translations.ja.title", "translations.ja.description"}


def test_a_body_that_is_not_json_is_a_422(client: TestClient, world: World) -> None:
    response = client.patch(
        f"{API}/organisations/{world.org_a}",
        content=b"{not json",
        headers={**world.auth("member_a"), "Content-Type": "application/json"},
    )
    assert_error(response, 422, "validation_failed")


def test_unknown_api_path_and_wrong_method_answer_in_the_shape(client: TestClient) -> None:
    assert_error(client.get(f"{API}/no-such-thing"), 404, "not_found")
    assert_error(client.put(f"{API}/opportunities"), 405, "method_not_allowed")


def test_docs_page_is_served(client: TestClient) -> None:
    response = client.get("/docs")
    assert response.status_code == 200
    assert "swagger" in response.text.lower()


def test_every_operation_is_documented(client: TestClient) -> None:
    spec = client.get("/openapi.json").json()
    operations = [
        (path, method, op)
        for path, ops in spec["paths"].items()
        if path.startswith(API)
        for method, op in ops.items()
    ]
    assert len(operations) == 108
    assert {tag for _, _, op in operations for tag in op["tags"]} == {
        "auth",
        "accounts",
        "organisations",
        "opportunities",
        "matching",
        "jobs",
        "event agendas",
        "events",
        "pipeline",
        "notices",
        "analytics",
    }
    for path, method, op in operations:
        assert op.get("summary"), (path, method)
        success = [code for code in op["responses"] if code.startswith("2")]
        assert len(success) == 1, (path, method)
        if success != ["204"]:
            content = op["responses"][success[0]]["content"]
            # calendar: the .ics; CSV (and XLSX): the analytics exports
            body = content.get("application/json") or content.get("text/calendar") or content.get("text/csv")
            assert body is not None, (path, method)
            assert "schema" in body, (path, method)
        for code, response in op["responses"].items():
            if code.startswith(("4", "5")):
                schema = response["content"]["application/json"]["schema"]
                assert schema["$ref"] == "#/components/schemas/ErrorResponse", (path, method, code)
    assert "token" in spec["components"]["securitySchemes"]
