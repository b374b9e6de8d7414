"""Property-based testing of the whole OpenAPI document with schemathesis, as a visitor and as each role,
on every store: no server error, and every response (status, content type, headers, body) as documented.

Each operation and role gets a fresh store with the API world (two organisations, a member of each, an
officer, an admin, opportunities in every status) and a bounded, derandomised number of generated
requests, so the run is reproducible and stays within a few minutes per store.
"""

from __future__ import annotations

import os
from typing import Any

import pytest
import schemathesis
from fastapi import FastAPI
from hypothesis import HealthCheck, settings
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from kakehashi.app import create_app
from kakehashi.config import Settings
from kakehashi.store import Database
from tests.api.conftest import World

ROLES = ("visitor", "member_b", "officer", "admin")
CHECKS: list[Any] = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]
# Examples per operation and role; raise it to search harder (KAKEHASHI_SCHEMATHESIS_EXAMPLES=200).
EXAMPLES = int(os.environ.get("KAKEHASHI_SCHEMATHESIS_EXAMPLES", "8"))


def _openapi_document() -> dict[str, Any]:
    """The document the app serves at /openapi.json (it depends on no setting nor store)."""
    settings_ = Settings(secret_key="openapi", embedder="fake", database_url="sqlite://")
    database = Database("sqlite://")
    try:
        return create_app(settings_, database=database).openapi()
    finally:
        database.dispose()


schema = schemathesis.openapi.from_dict(_openapi_document())


@pytest.fixture(params=ROLES)
def role(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def app(settings: Settings, database: Database) -> FastAPI:
    return create_app(settings, database=database)


@pytest.mark.slow
@schema.parametrize()
@settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=list(HealthCheck),
)
def test_every_operation_conforms_for_every_role(
    case: schemathesis.Case, app: FastAPI, world: World, role: str
) -> None:
    case.call_and_validate(
        app=app, headers=world.auth(role), checks=CHECKS, timeout=120
    )  # a loaded CI machine
