"""API errors are written in the language of ``Accept-Language``; ``code`` and ``message_id`` stay."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from tests.api.conftest import API, World, assert_error

MISSING = {
    "it": "L'opportunità 999999 non esiste.",
    "ja": "案件 999999 は存在しません。",
    "en": "Opportunity 999999 does not exist.",
}


@pytest.mark.parametrize(
    ("accept_language", "locale"), [("it-IT,it;q=0.9", "it"), ("ja", "ja"), ("en-GB", "en")]
)
def test_a_404_in_the_client_language(client: TestClient, accept_language: str, locale: str) -> None:
    response = client.get(f"{API}/opportunities/999999", headers={"accept-language": accept_language})
    error = assert_error(response, 404, "not_found")
    assert error["message"] == MISSING[locale]
    assert error["message_id"] == "Opportunity %(id)s does not exist."
    assert response.headers["content-language"] == locale


def test_an_unpublished_opportunity_reads_like_a_missing_one(client: TestClient, world: World) -> None:
    headers = {**world.auth("member_a"), "accept-language": "ja"}
    error = assert_error(client.get(f"{API}/opportunities/{world.opps['b_in_review']}", headers=headers), 404)
    assert error["message"] == f"案件 {world.opps['b_in_review']} は存在しません。"


def test_validation_names_allowed_values_by_their_translated_labels(client: TestClient, world: World) -> None:
    headers = {**world.auth("member_a"), "accept-language": "it"}
    url = f"{API}/opportunities/{world.opps['a_draft']}"
    error = assert_error(client.patch(url, json={"type": "spaceship", "trl": 0}, headers=headers), 422)
    assert error["message"] == "La richiesta non è valida."
    by_field = {problem["field"]: problem for problem in error["fields"]}
    assert by_field["type"]["message"].startswith(
        "Scegliere uno tra: Offerta tecnologica, Richiesta tecnologica"
    )
    assert by_field["type"]["message_id"] == "Choose one of: %(allowed)s."
    assert by_field["trl"]["message"] == "Il valore deve essere almeno 1."
    assert "Input should" not in str(error)


def test_role_and_state_errors_in_japanese(client: TestClient, world: World) -> None:
    headers = {**world.auth("member_a"), "accept-language": "ja"}
    forbidden = assert_error(client.get(f"{API}/review-queue", headers=headers), 403, "permission_denied")
    assert forbidden["message"] == "審査待ち一覧は機関の担当者専用です。"
    published = world.opps["a_published"]
    conflict = assert_error(
        client.post(f"{API}/opportunities/{published}/submit", headers=headers), 409, "invalid_transition"
    )
    assert conflict["message"] == "状態が「公開中」の案件には「審査に提出」はできません。"
    unauthenticated = assert_error(
        client.get(f"{API}/me", headers={"accept-language": "ja"}), 401, "authentication_required"
    )
    assert "ログイン" in unauthenticated["message"]


def test_http_errors_without_a_feature_are_translated_too(client: TestClient) -> None:
    error = assert_error(
        client.get(f"{API}/nothing-here", headers={"accept-language": "it"}), 404, "not_found"
    )
    assert error["message"] == "A questo indirizzo non c'è nulla, oppure non è visibile per te."


def test_without_a_supported_language_the_default_locale_speaks(client: TestClient) -> None:
    response = client.get(f"{API}/opportunities/999999", headers={"accept-language": "fr-FR,de"})
    assert assert_error(response, 404)["message"] == MISSING["en"]
