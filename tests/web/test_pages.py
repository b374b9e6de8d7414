"""The pages keep the role rules and show readable problems; each test on a fresh database."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from kakehashi.accounts.roles import Role
from kakehashi.accounts.service import SYSTEM, create_user
from kakehashi.config import Settings
from kakehashi.profiles.models import Opportunity, Organisation
from kakehashi.store import Database
from tests.factories import PASSWORD, make_opportunity, make_organisation, make_user
from tests.web.conftest import index_now, post_form, sign_in


@pytest.fixture
def world(database: Database) -> dict[str, Any]:
    """Two organisations (A in Italy, B in Japan), a member of each, an officer, and some opportunities."""
    with database.session() as session:
        org_a = make_organisation(session, name="Silicio Alpino S.r.l.", country="IT")
        org_b = make_organisation(session, name="Kyoto Quantum KK", name_ja="京都量子株式会社", country="JP")
        published_b = make_opportunity(
            session,
            org_b,
            language="ja",
            type="technology_request",
            title="炭化ケイ素ウェハーの調達先を探しています",
            description="パワー半導体向けに 200 mm の炭化ケイ素ウェハーを安定して供給できるパートナーを探しています。",
            translations={
                "en": {
                    "title": "Looking for SiC wafer suppliers",
                    "description": "We look for a partner to supply 200 mm SiC wafers.",
                }
            },
        )
        draft_b = make_opportunity(session, org_b, status="draft", title="Secret draft of B")
        make_opportunity(session, org_a, title="Wafer in carburo di silicio da 200 mm", language="it")
        make_user(session, organisation=org_a, email="member.a@example.org")
        make_user(session, organisation=org_b, email="member.b@example.org")
        make_user(session, role=Role.OFFICER, agency="JETRO", email="officer@example.org")
        return {"org_a": org_a.id, "org_b": org_b.id, "published_b": published_b.id, "draft_b": draft_b.id}


def _count_opportunities(database: Database) -> int:
    with database.session() as session:
        return session.scalar(select(func.count()).select_from(Opportunity)) or 0


def test_visitors_see_published_opportunities_anonymised(client: TestClient, world: dict[str, Any]) -> None:
    listing = client.get("/opportunities")
    assert "炭化ケイ素ウェハーの調達先を探しています" in listing.text
    assert "Kyoto Quantum" not in listing.text
    assert "京都量子" not in listing.text
    assert "Secret draft of B" not in listing.text
    page = client.get(f"/opportunities/{world['published_b']}")
    assert page.status_code == 200
    assert 'data-testid="anonymised"' in page.text
    assert "Kyoto Quantum" not in page.text
    assert f"/organisations/{world['org_b']}" not in page.text


def test_translations_are_switchable_and_the_original_is_badged(
    client: TestClient, world: dict[str, Any]
) -> None:
    original = client.get(f"/opportunities/{world['published_b']}?original=1")
    assert 'data-language="ja"' in original.text
    assert '<h1 lang="ja"' in original.text
    translated = client.get(f"/opportunities/{world['published_b']}?lang=en")
    assert "Looking for SiC wafer suppliers" in translated.text
    assert '<h1 lang="en"' in translated.text


def test_a_member_never_sees_another_organisations_draft(client: TestClient, world: dict[str, Any]) -> None:
    sign_in(client, "member.a@example.org")
    assert client.get(f"/opportunities/{world['draft_b']}").status_code == 404
    assert "Secret draft of B" not in client.get("/opportunities?q=secret").text
    assert client.get(f"/opportunities/{world['draft_b']}/edit").status_code == 404


def test_a_member_cannot_write_to_another_organisation(
    client: TestClient, world: dict[str, Any], database: Database
) -> None:
    sign_in(client, "member.a@example.org")
    edit = post_form(
        client,
        f"/opportunities/{world['published_b']}/edit",
        {
            "type": "technology_offer",
            "language": "en",
            "title": "Hijacked",
            "description": "x" * 30,
            "sectors": ["ai"],
        },
    )
    assert edit.status_code in (403, 404)
    withdraw = post_form(client, f"/opportunities/{world['published_b']}/actions/withdraw", {})
    assert withdraw.status_code in (403, 404)
    with database.session() as session:
        opportunity = session.get(Opportunity, world["published_b"])
        assert opportunity is not None
        assert opportunity.status == "published"
        assert opportunity.title != "Hijacked"


def test_pages_for_members_and_officers_are_guarded(client: TestClient, world: dict[str, Any]) -> None:
    to_sign_in = client.get("/my/organisation", follow_redirects=False)
    assert to_sign_in.status_code == 303
    assert to_sign_in.headers["location"] == "/signin?next=/my/organisation"
    sign_in(client, "member.a@example.org")
    assert client.get("/review").status_code == 403


def test_wrong_password_is_refused_in_the_interface_language(
    client: TestClient, world: dict[str, Any]
) -> None:
    client.get("/language/it")
    response = post_form(client, "/signin", {"email": "member.a@example.org", "password": "not the password"})
    assert response.status_code == 401
    assert "E-mail o password errate." in response.text


def test_member_creates_submits_and_officer_publishes(
    client: TestClient, world: dict[str, Any], database: Database, settings: Settings
) -> None:
    sign_in(client, "member.a@example.org")
    created = post_form(
        client,
        "/my/opportunities/new",
        {
            "type": "rd_partner_request",
            "language": "it",
            "title": "Partner per ottica quantistica integrata",
            "description": "Cerchiamo un partner giapponese per sviluppare fotonica integrata per sensori quantistici.",
            "sectors": ["quantum", "semiconductors"],
            "keywords": "fotonica, sensori quantistici",
            "trl": "4",
            "deadline": "2027-06-30",
            "translation_ja_title": "集積量子フォトニクスのパートナー募集",
            "translation_ja_description": "量子センサー向け集積フォトニクスの共同開発パートナーを募集します。",
        },
    )
    assert created.status_code == 303
    page_path = created.headers["location"]
    opportunity_id = int(page_path.rsplit("/", 1)[1])
    submitted = post_form(client, f"/opportunities/{opportunity_id}/actions/submit", {})
    assert submitted.status_code == 303
    assert post_form(client, "/signout", {}).status_code == 303

    sign_in(client, "officer@example.org")
    queue = client.get("/review")
    assert "Partner per ottica quantistica integrata" in queue.text
    published = post_form(client, f"/opportunities/{opportunity_id}/actions/publish", {"next": "/review"})
    assert published.headers["location"] == "/review"

    with database.session() as session:
        opportunity = session.get(Opportunity, opportunity_id)
        assert opportunity is not None
        assert opportunity.status == "published"
        assert opportunity.keywords == ["fotonica", "sensori quantistici"]
        assert opportunity.translations["ja"]["title"] == "集積量子フォトニクスのパートナー募集"


def test_an_invalid_opportunity_names_each_field_and_writes_nothing(
    client: TestClient, world: dict[str, Any], database: Database
) -> None:
    before = _count_opportunities(database)
    sign_in(client, "member.a@example.org")
    client.get("/language/ja")
    response = post_form(
        client,
        "/my/opportunities/new",
        {
            "type": "technology_offer",
            "language": "it",
            "title": "ab",
            "description": "troppo corta",
            "trl": "4",
        },
    )
    assert response.status_code == 422
    assert 'data-testid="field-error-title"' in response.text
    assert 'data-testid="field-error-description"' in response.text
    assert 'data-testid="field-error-sectors"' in response.text
    assert "分野を 1 つ以上選んでください。" in response.text
    assert 'value="ab"' in response.text  # what was typed is kept
    assert _count_opportunities(database) == before


def test_member_edits_the_organisation_and_bad_website_is_named(
    client: TestClient, world: dict[str, Any], database: Database
) -> None:
    sign_in(client, "member.a@example.org")
    fields = {
        "name": "Silicio Alpino S.r.l.",
        "name_ja": "シリチオ・アルピーノ",
        "kind": "company",
        "description": "Wafer in carburo di silicio.",
        "description_language": "it",
        "sectors": ["semiconductors", "energy"],
        "city": "Catania",
    }
    bad = post_form(client, "/my/organisation", {**fields, "website": "not a url"})
    assert bad.status_code == 422
    assert 'data-testid="field-error-website"' in bad.text
    good = post_form(client, "/my/organisation", {**fields, "website": "https://silicio.example"})
    assert good.status_code == 303
    with database.session() as session:
        organisation = session.get(Organisation, world["org_a"])
        assert organisation is not None
        assert organisation.name_ja == "シリチオ・アルピーノ"
        assert organisation.website == "https://silicio.example"
        assert set(organisation.sectors) == {"energy", "semiconductors"}


def test_search_and_filters(client: TestClient, world: dict[str, Any]) -> None:
    index_now(client)
    by_words = client.get("/opportunities?q=carburo di silicio")  # a ranked search: the best answer first
    assert by_words.text.index("Wafer in carburo di silicio da 200 mm") < by_words.text.index(
        "炭化ケイ素ウェハー"
    )
    assert 'data-testid="index-incomplete"' not in by_words.text
    with_filter = client.get("/opportunities?q=carburo di silicio&language=ja")  # filters apply to it
    assert "炭化ケイ素ウェハー" in with_filter.text
    assert "Wafer in carburo" not in with_filter.text
    newest = client.get("/opportunities?q=carburo di silicio&sort=newest")
    assert '<option value="newest" selected>' in newest.text
    # Without a query the list is newest first, yet "relevance" stays the choice the form sends, so a
    # query typed next is ranked by relevance.
    assert '<option value="relevance" selected>' in client.get("/opportunities").text
    by_language = client.get("/opportunities?language=ja")
    assert "炭化ケイ素ウェハーの調達先を探しています" in by_language.text
    assert "Wafer in carburo" not in by_language.text
    by_country = client.get("/opportunities?country=IT&type=technology_offer")
    assert "Wafer in carburo" in by_country.text
    assert "炭化ケイ素" not in by_country.text


def test_visitors_cannot_filter_by_status(client: TestClient, world: dict[str, Any]) -> None:
    response = client.get("/opportunities?status=draft")
    assert "Secret draft of B" not in response.text
    assert 'name="status"' not in response.text


def test_pagination_links_keep_the_filters(
    world: dict[str, Any], database: Database, settings: Settings
) -> None:
    from kakehashi.app import create_app

    small_pages = settings.model_copy(update={"page_size": 1})
    with TestClient(create_app(small_pages, database=database)) as client:
        first = client.get("/opportunities?sector=semiconductors")
        assert 'data-testid="next-page"' in first.text
        assert "/opportunities?sector=semiconductors&amp;page=2" in first.text
        second = client.get("/opportunities?sector=semiconductors&page=2")
        assert 'data-testid="previous-page"' in second.text


def test_organisation_page_shows_wikipedia_attribution_for_imported_companies(
    client: TestClient, database: Database
) -> None:
    with database.session() as session:
        imported = make_organisation(session, name="Toray Industries", source="wikipedia", country="JP")
        own = make_organisation(session, name="Own entry")
    assert 'data-testid="wikipedia-attribution"' in client.get(f"/organisations/{imported.id}").text
    assert 'data-testid="wikipedia-attribution"' not in client.get(f"/organisations/{own.id}").text


def test_organisation_directory_filters_by_country(client: TestClient, world: dict[str, Any]) -> None:
    japanese = client.get("/organisations?country=JP")
    assert "Kyoto Quantum KK" in japanese.text
    assert "Silicio Alpino" not in japanese.text
    assert "京都量子株式会社" in client.get("/organisations?q=kyoto").text
    assert client.get("/organisations?sector=astrology").status_code == 422


def test_signing_in_applies_the_accounts_language(client: TestClient, database: Database) -> None:
    with database.session() as session:
        organisation = make_organisation(session)
        create_user(
            session,
            SYSTEM,
            email="tanaka@example.org",
            password=PASSWORD,
            display_name="田中",
            role=Role.MEMBER,
            organisation_id=organisation.id,
            locale="ja",
        )
    sign_in(client, "tanaka@example.org")
    assert '<html lang="ja">' in client.get("/", headers={"accept-language": "en"}).text


def test_officer_sends_back_with_a_note_the_member_reads(
    client: TestClient, world: dict[str, Any], database: Database
) -> None:
    with database.session() as session:
        org_a = session.get(Organisation, world["org_a"])
        assert org_a is not None
        waiting = make_opportunity(session, org_a, status="in_review", title="Needs more detail")
    sign_in(client, "officer@example.org")
    sent_back = post_form(
        client,
        f"/opportunities/{waiting.id}/actions/send_back",
        {"note": "Please add the TRL.", "next": "/review"},
    )
    assert sent_back.status_code == 303
    assert post_form(client, "/signout", {}).status_code == 303
    sign_in(client, "member.a@example.org")
    page = client.get(f"/opportunities/{waiting.id}")
    assert 'data-status="draft"' in page.text
    assert "Please add the TRL." in page.text


def test_a_published_opportunity_cannot_be_edited_by_its_member(
    client: TestClient, world: dict[str, Any], database: Database
) -> None:
    with database.session() as session:
        org_a = session.get(Organisation, world["org_a"])
        assert org_a is not None
        published = make_opportunity(session, org_a, title="Already public")
    sign_in(client, "member.a@example.org")
    assert client.get(f"/opportunities/{published.id}/edit").status_code == 409
    attempt = post_form(
        client,
        f"/opportunities/{published.id}/edit",
        {
            "type": "technology_offer",
            "language": "en",
            "title": "Changed after publication",
            "description": "x" * 40,
            "sectors": ["ai"],
        },
    )
    assert attempt.status_code == 409
    with database.session() as session:
        row = session.get(Opportunity, published.id)
        assert row is not None
        assert row.title == "Already public"
