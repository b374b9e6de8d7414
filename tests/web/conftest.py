"""Page tests through Starlette's TestClient on a fresh database (SQLite, and PostgreSQL when configured)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from kakehashi.app import create_app
from kakehashi.config import Settings
from kakehashi.store import Database
from tests.factories import PASSWORD

_CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


@pytest.fixture
def app(settings: Settings, database: Database) -> FastAPI:
    return create_app(settings, database=database)


@pytest.fixture
def client(app: FastAPI) -> Iterator[TestClient]:
    with TestClient(app, headers={"accept-language": "en"}) as test_client:
        yield test_client


def csrf_token(client: TestClient, path: str = "/signin") -> str:
    """This client's session token, read from a page's form as a browser would."""
    match = _CSRF.search(client.get(path).text)
    assert match is not None, f"no CSRF field on {path}"
    return match.group(1)


def sign_in(client: TestClient, email: str, password: str = PASSWORD) -> None:
    response = client.post(
        "/signin",
        data={"email": email, "password": password, "csrf_token": csrf_token(client)},
        follow_redirects=False,
    )
    assert response.status_code == 303, response.text


def post_form(client: TestClient, path: str, data: dict[str, Any]) -> Any:
    """Send a form the way the pages do, with this session's CSRF token."""
    return client.post(path, data={**data, "csrf_token": csrf_token(client)}, follow_redirects=False)


def index_now(client: TestClient) -> None:
    """Run the indexing the background worker would run after a write (embed, store the matches)."""
    client.app.state.matching.sync()  # type: ignore[attr-defined]
