"""Pages: oversized or control-character input shows the form again naming the field; a stale form shows
the form again with a clear message, keeping what was typed; nothing is written in either case."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from kakehashi.app import create_app
from kakehashi.config import Settings
from kakehashi.limits import DESCRIPTION_MAX
from kakehashi.profiles import service
from kakehashi.profiles.models import Opportunity, Organisation
from kakehashi.profiles.schemas import OrganisationPatch
from kakehashi.store import Database
from tests.factories import SYSTEM, make_opportunity, make_organisation, make_user
from tests.web.conftest import post_form, sign_in


@pytest.fixture
def member_client(settings: Settings, database: Database) -> Iterator[tuple[TestClient, int, int]]:
    with database.session() as session:
        org = make_organisation(session, name="Silicio Etneo S.r.l.")
        user = make_user(session, organisation=org)
        draft = make_opportunity(session, org, status="draft")
        email, org_id, draft_id = user.email, org.id, draft.id
    with TestClient(create_app(settings, database=database), headers={"accept-language": "en"}) as client:
        sign_in(client, email)
        yield client, org_id, draft_id


def _organisation_form(**changes: str) -> dict[str, str]:
    form = {
        "name": "Silicio Etneo S.r.l.",
        "kind": "company",
        "sectors": "semiconductors",
        "description": "A test organisation.",
        "description_language": "en",
    }
    form.update(changes)
    return form


def test_a_long_description_shows_the_form_again_naming_the_field(
    member_client: tuple[TestClient, int, int], database: Database
) -> None:
    client, org_id, _ = member_client
    response = post_form(
        client, "/my/organisation", _organisation_form(description="x" * (DESCRIPTION_MAX + 500))
    )
    assert response.status_code == 422
    assert 'data-testid="organisation-form"' in response.text
    assert "Write at most 20000 characters." in response.text
    with database.session() as session:
        assert session.get(Organisation, org_id).description == "A test organisation."  # type: ignore[union-attr]


def test_a_nul_byte_in_a_title_shows_the_form_again(
    member_client: tuple[TestClient, int, int], database: Database
) -> None:
    client, _, draft_id = member_client
    form = {
        "type": "technology_offer",
        "language": "en",
        "title": "Silicon\x00 carbide",
        "description": "We offer 200 mm silicon carbide wafers for power electronics.",
        "sectors": "semiconductors",
    }
    response = post_form(client, f"/opportunities/{draft_id}/edit", form)
    assert response.status_code == 422
    assert 'data-testid="opportunity-form"' in response.text
    assert "Control characters are not allowed." in response.text
    with database.session() as session:
        assert "\x00" not in session.get(Opportunity, draft_id).title  # type: ignore[union-attr]


def test_a_stale_organisation_form_is_shown_again_with_a_message(
    member_client: tuple[TestClient, int, int], database: Database
) -> None:
    client, org_id, _ = member_client
    page = client.get("/my/organisation").text
    assert 'name="version" value="1"' in page
    with database.session() as session:  # someone else saves meanwhile
        service.update_organisation(session, SYSTEM, org_id, OrganisationPatch(city="Catania"))
    response = post_form(client, "/my/organisation", _organisation_form(version="1", city="Palermo"))
    assert response.status_code == 409
    assert "The record was changed by someone else" in response.text
    assert 'value="Palermo"' in response.text  # what was typed is kept
    assert 'name="version" value="2"' in response.text  # sending again knowingly replaces
    with database.session() as session:
        assert session.get(Organisation, org_id).city == "Catania"  # type: ignore[union-attr]
    again = post_form(client, "/my/organisation", _organisation_form(version="2", city="Palermo"))
    assert again.status_code == 303


def test_a_stale_lifecycle_button_changes_nothing(
    member_client: tuple[TestClient, int, int], database: Database
) -> None:
    client, _, draft_id = member_client
    assert 'name="version" value="1"' in client.get(f"/opportunities/{draft_id}").text
    with database.session() as session:
        opp = session.get(Opportunity, draft_id)
        assert opp is not None
        opp.partner_sought = "Someone else's edit"
    response = post_form(client, f"/opportunities/{draft_id}/actions/submit", {"version": "1"})
    assert response.status_code == 409
    with database.session() as session:
        assert session.get(Opportunity, draft_id).status == "draft"  # type: ignore[union-attr]
