"""The app factory's edges: one JSON error shape for the API, readable pages, CSRF, headers, secret key."""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi import APIRouter, FastAPI
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient

from kakehashi.app import create_app, resolve_secret_key
from kakehashi.config import Settings
from kakehashi.errors import AuthenticationRequired, FieldProblem, NotFound, ValidationFailed
from kakehashi.store import Database
from kakehashi.web.pages import PAGE_ROUTERS
from tests.web.conftest import csrf_token


def _api_probe() -> APIRouter:
    """Routes that raise, to see how the app maps each kind of error on an API path."""
    router = APIRouter(prefix="/api/probe")

    @router.get("/invalid")
    def invalid() -> None:
        raise ValidationFailed(
            "The opportunity is not valid.", problems=[FieldProblem("title", "too short", line=3)]
        )

    @router.get("/missing")
    def missing() -> None:
        raise NotFound("Opportunity 7 does not exist.")

    @router.get("/token-needed")
    def token_needed() -> None:
        raise AuthenticationRequired("The API token is unknown or expired.")

    @router.get("/crash")
    def crash() -> None:
        raise RuntimeError("a bug")

    @router.get("/typed")
    def typed(page: int) -> dict[str, int]:
        return {"page": page}

    return router


def _page_probe() -> APIRouter:
    router = APIRouter()

    @router.get("/crash-page")
    def crash_page() -> None:
        raise RuntimeError("a bug")

    return router


@pytest.fixture
def probed(app: FastAPI) -> TestClient:
    app.include_router(_api_probe())
    app.include_router(_page_probe())
    return TestClient(app, raise_server_exceptions=False)


def test_feature_errors_on_api_paths_have_the_one_json_shape(probed: TestClient) -> None:
    response = probed.get("/api/probe/invalid")
    assert response.status_code == 422
    assert response.json() == {
        "error": {
            "code": "validation_failed",
            "message": "The opportunity is not valid.",
            "message_id": "The opportunity is not valid.",
            "fields": [{"field": "title", "message": "too short", "message_id": "too short", "line": 3}],
        }
    }
    missing = probed.get("/api/probe/missing")
    assert missing.status_code == 404
    assert missing.json()["error"]["code"] == "not_found"


def test_api_asks_for_a_bearer_token_and_hides_crashes(probed: TestClient) -> None:
    unauthenticated = probed.get("/api/probe/token-needed")
    assert unauthenticated.status_code == 401
    assert unauthenticated.headers["www-authenticate"] == "Bearer"
    assert unauthenticated.json()["error"]["code"] == "authentication_required"
    crashed = probed.get("/api/probe/crash")
    assert crashed.status_code == 500
    assert crashed.json()["error"]["code"] == "internal_error"
    assert "a bug" not in crashed.text


def test_a_crash_on_a_page_is_a_readable_page(probed: TestClient) -> None:
    response = probed.get("/crash-page", headers={"accept-language": "it"})
    assert response.status_code == 500
    assert "Si è verificato un errore" in response.text
    assert "a bug" not in response.text


def test_request_validation_names_the_field(probed: TestClient) -> None:
    response = probed.get("/api/probe/typed?page=abc")
    assert response.status_code == 422
    error = response.json()["error"]
    assert error["code"] == "validation_failed"
    assert [f["field"] for f in error["fields"]] == ["page"]


def test_unknown_api_paths_and_methods_use_the_json_shape(probed: TestClient) -> None:
    unknown = probed.get("/api/nothing-here")
    assert unknown.status_code == 404
    assert unknown.json()["error"]["code"] == "not_found"
    wrong_method = probed.post("/api/probe/missing")
    assert wrong_method.status_code == 405
    assert wrong_method.json()["error"]["code"] == "method_not_allowed"


def test_errors_on_pages_are_readable_pages_in_the_interface_language(client: TestClient) -> None:
    response = client.get("/no/such/page", headers={"accept-language": "ja"})
    assert response.status_code == 404
    assert response.headers["content-type"].startswith("text/html")
    assert "ページが見つかりません" in response.text
    assert '<html lang="ja">' in response.text


def test_a_bad_query_value_on_a_page_names_the_field(client: TestClient) -> None:
    response = client.get("/opportunities?type=spaceship", headers={"accept-language": "it"})
    assert response.status_code == 422
    assert "Controlla il modulo" in response.text
    # The field by its label, the allowed values by theirs, all in Italian.
    assert '<li data-field="type"><strong>Tipo</strong>' in response.text
    assert "Scegliere uno tra: Offerta tecnologica, Richiesta tecnologica" in response.text
    assert "Input should be" not in response.text


def test_security_headers_on_every_page(client: TestClient) -> None:
    response = client.get("/")
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["x-frame-options"] == "DENY"
    policy = response.headers["content-security-policy"]
    assert "default-src 'self'" in policy
    assert "frame-ancestors 'none'" in policy
    assert "Accept-Language" in response.headers["vary"]  # caches keep one copy per interface language


def test_session_cookie_is_http_only_and_same_site(client: TestClient) -> None:
    response = client.get("/signin")
    cookie = response.headers["set-cookie"]
    assert cookie.startswith("kakehashi_session=")
    assert "httponly" in cookie.lower()
    assert "samesite=lax" in cookie.lower()


def test_a_form_without_the_csrf_token_is_refused_with_a_clear_page(client: TestClient) -> None:
    client.get("/signin")
    response = client.post("/signin", data={"email": "a@example.org", "password": "whatever1"})
    assert response.status_code == 403
    assert "The form has expired" in response.text
    forged = client.post("/signin", data={"email": "a@example.org", "password": "x", "csrf_token": "forged"})
    assert forged.status_code == 403


def test_every_page_form_post_checks_the_csrf_token(client: TestClient) -> None:
    csrf_token(client)  # a session exists, so only the token is missing
    post_paths = [
        route.path.replace("{opportunity_id}", "1").replace("{action}", "submit")
        for router in PAGE_ROUTERS
        for route in router.routes
        if isinstance(route, APIRoute) and "POST" in route.methods
    ]
    assert len(post_paths) >= 6
    for path in post_paths:
        response = client.post(path, data={"anything": "1"}, follow_redirects=False)
        assert response.status_code == 403, path
        assert 'data-error-code="csrf_failed"' in response.text, path


def test_language_switch_remembers_the_choice_and_stays_on_site(client: TestClient) -> None:
    response = client.get("/language/ja?next=/opportunities", follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"] == "/opportunities"
    assert "kakehashi_locale=ja" in response.headers["set-cookie"]
    page = client.get("/opportunities", headers={"accept-language": "it"})
    assert '<html lang="ja">' in page.text  # the explicit choice wins over the browser
    elsewhere = client.get("/language/it?next=//evil.example/", follow_redirects=False)
    assert elsewhere.headers["location"] == "/"
    for sneaky in ("/\\evil.example/", "https://evil.example/"):
        assert (
            client.get("/language/it", params={"next": sneaky}, follow_redirects=False).headers["location"]
            == "/"
        )
    # A control character in any query parameter is refused outright (no redirect at all).
    tab = client.get("/language/it", params={"next": "/\t/evil.example/"}, follow_redirects=False)
    assert tab.status_code == 422
    assert "location" not in tab.headers
    assert client.get("/language/fr", follow_redirects=False).status_code == 404


def test_browser_language_is_the_default(client: TestClient) -> None:
    assert "Opportunità" in client.get("/", headers={"accept-language": "it-IT,it;q=0.9"}).text
    assert "案件" in client.get("/", headers={"accept-language": "ja-JP"}).text


def test_secret_key_is_generated_once_and_kept(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path / "data")
    first = resolve_secret_key(settings)
    assert len(first) >= 40
    assert resolve_secret_key(settings) == first
    assert (tmp_path / "data" / "secret_key").stat().st_mode & 0o077 == 0
    assert resolve_secret_key(Settings(data_dir=tmp_path / "data", secret_key="configured")) == "configured"


def test_app_builds_its_store_from_the_settings(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path / "data", secret_key="k")
    app = create_app(settings)
    database: Database = app.state.database
    assert database.url == settings.resolved_database_url()
    database.dispose()


def test_static_files_are_served_from_this_origin(client: TestClient) -> None:
    css = client.get("/static/kakehashi.css")
    assert css.status_code == 200
    assert "Noto Sans CJK JP" in css.text


def test_api_docs_are_served_from_this_origin(client: TestClient) -> None:
    page = client.get("/docs")
    assert page.status_code == 200
    assert "/static/swagger/swagger-ui-bundle.js" in page.text
    assert "cdn." not in page.text
    assert "script-src 'self' 'unsafe-inline'" in page.headers["content-security-policy"]
    script = client.get("/static/swagger/swagger-ui-bundle.js")
    assert script.status_code == 200
    assert len(script.content) > 100_000
    assert client.get("/openapi.json").json()["info"]["title"] == "Kakehashi API"


def test_repeated_wrong_passwords_are_throttled(client: TestClient, database: Database) -> None:
    from tests.factories import PASSWORD, make_organisation, make_user
    from tests.web.conftest import csrf_token

    with database.session() as session:
        make_user(session, organisation=make_organisation(session), email="guess@example.org")
    for _ in range(5):
        wrong = client.post(
            "/signin",
            data={"email": "guess@example.org", "password": "wrong-guess", "csrf_token": csrf_token(client)},
        )
        assert wrong.status_code == 401
    blocked = client.post(
        "/signin", data={"email": "guess@example.org", "password": PASSWORD, "csrf_token": csrf_token(client)}
    )
    assert blocked.status_code == 429
