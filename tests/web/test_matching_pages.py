"""Matching in the pages: the panel, shortlist and dismiss, organisation matches, partner search."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient

from kakehashi.matching.embed import FakeEmbedder
from kakehashi.store import Database
from tests.factories import make_opportunity, make_organisation, make_user
from tests.web.conftest import index_now, post_form, sign_in

NEED = {
    "type": "technology_request",
    "title": "Looking for silicon carbide wafer supply",
    "description": "We need 200 mm silicon carbide wafers for power modules, low defect density.",
}
OFFER = {
    "type": "technology_offer",
    "title": "Silicon carbide wafers 200 mm supply",
    "description": "We supply 200 mm silicon carbide wafers with low defect density for power modules.",
}


def _catalogue(database: Database) -> dict[str, int]:
    with database.session() as session:
        jp = make_organisation(session, country="JP", name="Kansai Power Devices")
        it = make_organisation(session, country="IT", name="Silicio Etneo Riservato")
        need = make_opportunity(session, jp, **NEED)
        offer = make_opportunity(session, it, **OFFER)
        draft = make_opportunity(session, jp, status="draft", **NEED)
        make_user(session, organisation=jp, email="jp@example.org")
        make_user(session, organisation=it, email="it@example.org")
        return {"jp": jp.id, "it": it.id, "need": need.id, "offer": offer.id, "draft": draft.id}


def test_panel_lists_the_counterpart_anonymised_for_visitors(client: TestClient, database: Database) -> None:
    ids = _catalogue(database)
    index_now(client)
    page = client.get(f"/opportunities/{ids['need']}")
    assert page.status_code == 200
    assert 'data-testid="matches-panel"' in page.text
    assert f'data-testid="match" data-opportunity-id="{ids["offer"]}"' in page.text
    assert "Silicio Etneo Riservato" not in page.text
    assert 'data-testid="explanation"' in page.text
    assert 'data-verdict="shortlist"' not in page.text  # visitors cannot judge


def test_owner_shortlists_and_dismisses(client: TestClient, database: Database) -> None:
    ids = _catalogue(database)
    index_now(client)
    sign_in(client, "jp@example.org")
    page = client.get(f"/opportunities/{ids['need']}")
    assert 'data-verdict="shortlist"' in page.text
    shortlisted = post_form(client, f"/opportunities/{ids['need']}/matches/{ids['offer']}/shortlist", {})
    assert shortlisted.status_code == 303
    assert 'data-testid="shortlisted"' in client.get(f"/opportunities/{ids['need']}").text
    post_form(client, f"/opportunities/{ids['need']}/matches/{ids['offer']}/dismiss", {})
    page = client.get(f"/opportunities/{ids['need']}")
    assert f'data-testid="match" data-opportunity-id="{ids["offer"]}"' not in page.text


def test_other_organisation_cannot_judge(client: TestClient, database: Database) -> None:
    ids = _catalogue(database)
    index_now(client)
    sign_in(client, "it@example.org")
    response = post_form(client, f"/opportunities/{ids['need']}/matches/{ids['offer']}/dismiss", {})
    assert response.status_code == 403


def test_judging_needs_csrf(client: TestClient, database: Database) -> None:
    ids = _catalogue(database)
    index_now(client)
    sign_in(client, "jp@example.org")
    response = client.post(
        f"/opportunities/{ids['need']}/matches/{ids['offer']}/dismiss", follow_redirects=False
    )
    assert response.status_code == 403


def test_draft_has_no_panel(client: TestClient, database: Database) -> None:
    ids = _catalogue(database)
    index_now(client)
    sign_in(client, "jp@example.org")
    page = client.get(f"/opportunities/{ids['draft']}")
    assert page.status_code == 200
    assert 'data-testid="matches-panel"' not in page.text


def test_partner_search_and_its_validation(client: TestClient, database: Database) -> None:
    ids = _catalogue(database)
    index_now(client)
    page = client.get("/search", params={"q": "silicon carbide wafers", "type": "technology_offer"})
    assert page.status_code == 200
    assert f'data-opportunity-id="{ids["offer"]}"' in page.text
    assert f'data-opportunity-id="{ids["need"]}"' not in page.text
    bad = client.get("/search", params={"q": "x", "sector": "nanotech"})
    assert bad.status_code == 422
    assert "sector" in bad.text


def test_organisation_matches_for_members_only(client: TestClient, database: Database) -> None:
    ids = _catalogue(database)
    index_now(client)
    sign_in(client, "jp@example.org")
    assert f'data-opportunity-id="{ids["offer"]}"' in client.get(f"/organisations/{ids['jp']}/matches").text
    assert client.get(f"/organisations/{ids['it']}/matches").status_code == 403


def test_pages_read_stored_matches_without_calling_the_model(
    client: TestClient, database: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    ids = _catalogue(database)
    index_now(client)

    def no_model(*_args: object, **_kwargs: object) -> None:
        raise AssertionError("the embedder was called on a request")

    monkeypatch.setattr(FakeEmbedder, "embed", no_model)
    page = client.get(f"/opportunities/{ids['need']}", headers={"accept-language": "ja"})
    assert page.status_code == 200
    assert 'data-testid="explanation"' in page.text
    assert "技術" in page.text  # the stored explanation rendered in the reader's language
    api = client.get(f"/api/v1/opportunities/{ids['offer']}/matches", params={"locale": "it"})
    assert api.status_code == 200
    assert api.json()[0]["explanation"]["locale"] == "it"
    sign_in(client, "jp@example.org")
    assert client.get(f"/organisations/{ids['jp']}/matches").status_code == 200


def test_a_page_says_when_matches_are_being_computed(client: TestClient, database: Database) -> None:
    client.app.state.embedding_worker.stop()  # type: ignore[attr-defined]  # as if it had not caught up yet
    ids = _catalogue(database)
    page = client.get(f"/opportunities/{ids['need']}")
    assert 'data-testid="matches-pending"' in page.text
    assert 'data-testid="no-matches"' not in page.text
    api = client.get(f"/api/v1/opportunities/{ids['need']}/matches")
    assert api.status_code == 202
    assert api.headers["x-matches-status"] == "pending"
    index_now(client)
    page = client.get(f"/opportunities/{ids['need']}")
    assert 'data-testid="matches-pending"' not in page.text
    assert f'data-testid="match" data-opportunity-id="{ids["offer"]}"' in page.text


def test_a_shortlisted_match_shows_its_boost(client: TestClient, database: Database) -> None:
    ids = _catalogue(database)
    index_now(client)
    sign_in(client, "jp@example.org")
    post_form(client, f"/opportunities/{ids['need']}/matches/{ids['offer']}/shortlist", {})
    page = client.get(f"/opportunities/{ids['need']}").text
    note = re.search(r'data-testid="shortlist-boost">ranked (\d+) = (\d+) \+ (\d+) for your shortlist', page)
    assert note is not None
    total, score, boost = (int(g) for g in note.groups())
    assert (total, boost) == (score + boost, 20)


def test_organisation_matches_are_grouped_by_our_opportunity_and_explained(
    client: TestClient, database: Database
) -> None:
    ids = _catalogue(database)
    index_now(client)
    sign_in(client, "jp@example.org")
    page = client.get(f"/organisations/{ids['jp']}/matches").text
    group = page.split(f'data-testid="our-opportunity" data-opportunity-id="{ids["need"]}"')[1]
    assert f'data-testid="match" data-opportunity-id="{ids["offer"]}"' in group
    assert 'data-testid="explanation"' in group
    assert f'data-opportunity-id="{ids["draft"]}"' not in page  # drafts are not matched
