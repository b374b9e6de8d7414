"""The reader's language: the translation when there is one, the original one click away, the gist
where there is none; translations added from the page; the anonymity warnings of authors and officers."""

from __future__ import annotations

import re
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from kakehashi.accounts.roles import Role
from kakehashi.profiles.models import Opportunity
from kakehashi.store import Database
from tests.factories import make_opportunity, make_organisation, make_user
from tests.web.conftest import post_form, sign_in

ITALIAN_TITLE = "Substrati in carburo di silicio da 200 mm"
JAPANESE_TITLE = "200 mm 炭化ケイ素基板を供給します"


@pytest.fixture
def world(database: Database) -> dict[str, Any]:
    with database.session() as session:
        org = make_organisation(
            session,
            name="Silicio Etneo S.p.A.",
            name_ja="シリチオ・エトネオ",
            website="https://silicioetneo.example.it",
        )
        translated = make_opportunity(
            session,
            org,
            language="it",
            title=ITALIAN_TITLE,
            description="Offriamo substrati SiC da 200 mm per l'elettronica di potenza, con bassa difettosità.",
            keywords=["carburo di silicio", "wafer"],
            translations={
                "ja": {
                    "title": JAPANESE_TITLE,
                    "description": "パワー半導体向けに欠陥の少ない200 mmのSiC基板を提供します。",
                }
            },
        )
        untranslated = make_opportunity(
            session,
            org,
            language="it",
            title="Sensori per robotica collaborativa",
            description="Cerchiamo partner per sensori di forza destinati alla robotica collaborativa.",
            keywords=["sensori", "robotica"],
        )
        naming = make_opportunity(
            session,
            org,
            status="in_review",
            language="it",
            title="Silicio Etneo cerca distributori",
            description="シリチオ・エトネオは日本の販売代理店を探しています。Visitate silicioetneo.example.it.",
        )
        draft = make_opportunity(
            session,
            org,
            status="draft",
            language="it",
            description="Silicio Etneo offre servizi di epitassia.",
        )
        make_user(session, organisation=org, email="member@example.org")
        make_user(session, organisation=make_organisation(session), email="other@example.org")
        make_user(session, role=Role.OFFICER, agency="JETRO", email="officer@example.org")
        return {
            "translated": translated.id,
            "untranslated": untranslated.id,
            "naming": naming.id,
            "draft": draft.id,
        }


def page(client: TestClient, path: str, language: str) -> str:
    response = client.get(path, headers={"accept-language": language})
    assert response.status_code == 200, response.text
    return response.text


def test_a_japanese_reader_gets_the_japanese_translation_and_the_original_one_click_away(
    client: TestClient, world: dict[str, Any]
) -> None:
    html = page(client, f"/opportunities/{world['translated']}", "ja")
    assert f'<h1 lang="ja" data-testid="opportunity-title">{JAPANESE_TITLE}</h1>' in html
    assert 'data-testid="translation-badge" data-provided-by="organisation"' in html
    assert f'href="/opportunities/{world["translated"]}?original=1"' in html
    assert '<ul class="keywords" lang="it">' in html  # keywords stay in their own language
    original = page(client, f"/opportunities/{world['translated']}?original=1", "ja")
    assert f'<h1 lang="it" data-testid="opportunity-title">{ITALIAN_TITLE}</h1>' in original
    assert 'data-testid="show-translation"' in original


def test_the_list_card_shows_the_readers_translation_with_its_language(
    client: TestClient, world: dict[str, Any]
) -> None:
    japanese = page(client, "/opportunities", "ja")
    assert re.search(
        rf'<h3 lang="ja"><a href="/opportunities/{world["translated"]}">{JAPANESE_TITLE}</a>', japanese
    )
    italian = page(client, "/opportunities", "it")
    assert re.search(
        rf'<h3 lang="it"><a href="/opportunities/{world["translated"]}">{ITALIAN_TITLE}</a>', italian
    )


def test_without_a_translation_the_page_says_so_and_gives_the_key_terms(
    client: TestClient, world: dict[str, Any]
) -> None:
    html = page(client, f"/opportunities/{world['untranslated']}", "ja")
    assert 'data-testid="no-translation"' in html
    gist = html[html.index('data-testid="gist"') :]
    assert '<span lang="it">sensori</span> → <span lang="ja">センサ</span>' in gist
    assert '<span lang="ja">ロボット</span>' in gist
    # An Italian reader reads the original: nothing to excuse, no gist.
    assert 'data-testid="gist"' not in page(client, f"/opportunities/{world['untranslated']}", "it")


def test_the_organisation_adds_a_translation_from_the_page(
    client: TestClient, world: dict[str, Any], database: Database
) -> None:
    path = f"/opportunities/{world['untranslated']}"
    assert 'data-testid="translation-form"' not in page(client, path, "en")  # not for visitors
    sign_in(client, "member@example.org")
    assert 'data-testid="translation-form"' in client.get(path).text
    too_short = post_form(
        client, f"{path}/translations", {"language": "en", "title": "Ok", "description": "x"}
    )
    assert too_short.status_code == 422
    assert 'data-testid="field-error-title"' in too_short.text
    saved = post_form(
        client,
        f"{path}/translations",
        {
            "language": "en",
            "title": "Sensors for collaborative robotics",
            "description": "We look for partners for force sensors in collaborative robots.",
        },
    )
    assert saved.status_code == 303
    html = page(client, path, "en")
    assert '<h1 lang="en" data-testid="opportunity-title">Sensors for collaborative robotics</h1>' in html
    with database.session() as session:
        opp = session.get(Opportunity, world["untranslated"])
        assert opp is not None
        assert opp.translation_providers == {"en": "organisation"}


def test_an_officer_translation_is_credited_to_the_agency(
    client: TestClient, world: dict[str, Any], database: Database
) -> None:
    sign_in(client, "officer@example.org")
    body = {
        "language": "ja",
        "title": "協働ロボット用センサ",
        "description": "協働ロボット向け力覚センサのパートナーを探しています。",
    }
    assert post_form(client, f"/opportunities/{world['untranslated']}/translations", body).status_code == 303
    html = page(client, f"/opportunities/{world['untranslated']}", "ja")
    assert 'data-provided-by="agency"' in html


def test_another_organisation_cannot_translate(
    client: TestClient, world: dict[str, Any], database: Database
) -> None:
    sign_in(client, "other@example.org")
    body = {"language": "en", "title": "Hijacked title", "description": "Someone else's words for it."}
    response = post_form(client, f"/opportunities/{world['untranslated']}/translations", body)
    assert response.status_code == 403
    with database.session() as session:
        assert (
            session.scalars(select(Opportunity.id).where(Opportunity.title == "Hijacked title")).all() == []
        )
        opp = session.get(Opportunity, world["untranslated"])
        assert opp is not None
        assert opp.translations == {}


def test_the_officer_sees_the_warning_at_review(client: TestClient, world: dict[str, Any]) -> None:
    sign_in(client, "officer@example.org")
    queue = client.get("/review").text
    item = queue[queue.index(f'data-opportunity-id="{world["naming"]}"') :]
    assert 'data-testid="anonymity-warning"' in item
    assert 'data-field="title"' in item
    assert '<span lang="ja">シリチオ・エトネオ</span>' in item
    assert "silicioetneo.example.it" in item
    assert 'data-testid="anonymity-warning"' in client.get(f"/opportunities/{world['naming']}").text


def test_the_author_is_warned_on_the_edit_page_and_before_submitting(
    client: TestClient, world: dict[str, Any], database: Database
) -> None:
    sign_in(client, "member@example.org")
    assert 'data-testid="anonymity-warning"' in client.get(f"/opportunities/{world['draft']}/edit").text
    asked = post_form(client, f"/opportunities/{world['draft']}/actions/submit", {})
    assert asked.status_code == 200
    assert 'data-testid="confirm-submit"' in asked.text
    with database.session() as session:
        opp = session.get(Opportunity, world["draft"])
        assert opp is not None
        assert opp.status == "draft"
    anyway = post_form(client, f"/opportunities/{world['draft']}/actions/submit", {"despite_names": "1"})
    assert anyway.status_code == 303
    with database.session() as session:
        opp = session.get(Opportunity, world["draft"])
        assert opp is not None
        assert opp.status == "in_review"


def test_visitors_never_see_the_warning_nor_the_external_id(
    client: TestClient, world: dict[str, Any], database: Database
) -> None:
    with database.session() as session:
        opp = session.get(Opportunity, world["translated"])
        assert opp is not None
        opp.external_id = "etneo-2027-01"
        opp.keywords = ["Silicio Etneo"]
    html = page(client, f"/opportunities/{world['translated']}", "en")
    assert 'data-testid="anonymity-warning"' not in html
    assert "etneo-2027-01" not in html
    api = client.get(f"/api/v1/opportunities/{world['translated']}").json()
    assert api["external_id"] is None
    assert api["anonymity_warnings"] == []
    listed = client.get("/api/v1/opportunities").json()["items"]
    assert all(item["external_id"] is None for item in listed)
