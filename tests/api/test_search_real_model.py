"""One search, with the real model on the demo: a Japanese or Italian query finds offers written in the
other languages, in the list (API and page) and in ``/search`` alike. Slow: the demo is embedded once."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from kakehashi.accounts.models import User
from kakehashi.accounts.service import issue_token
from kakehashi.app import create_app
from kakehashi.config import Settings
from kakehashi.store import Database
from tests.api.conftest import API

pytestmark = pytest.mark.slow

ITALIAN_SIC_OFFERS = {
    "demo-opp-0001",
    "demo-opp-0004",
    "demo-opp-0005",
}  # carburo di silicio / SiC, in Italian


@pytest.fixture(scope="module")
def client(embedded_demo: Settings) -> Iterator[TestClient]:
    database = Database(embedded_demo.resolved_database_url())
    app = create_app(embedded_demo, database=database)
    with database.session() as session:
        officer = session.scalars(select(User).where(User.email == "officer.jetro@kakehashi.example")).one()
        token = issue_token(session, officer, max_age_s=3600)
    with TestClient(
        app, headers={"Authorization": f"Bearer {token}"}
    ) as test_client:  # staff see external ids
        yield test_client
    database.dispose()


def _external_ids(body: dict[str, object]) -> list[str]:
    return [item["external_id"] for item in body["items"]]  # type: ignore[index, union-attr]


def test_japanese_query_finds_the_italian_silicon_carbide_offers_in_the_list(client: TestClient) -> None:
    body = client.get(f"{API}/opportunities", params={"q": "炭化ケイ素"}).json()
    found = _external_ids(body)
    assert body["index_complete"] is True
    assert ITALIAN_SIC_OFFERS & set(found[:10]), found[:10]
    languages = {item["language"] for item in body["items"]}
    assert {"it", "ja"} <= languages  # across languages, not word matching in one


def test_italian_query_finds_robotics_offers(client: TestClient) -> None:
    body = client.get(f"{API}/opportunities", params={"q": "sensori per robotica"}).json()
    assert body["total"] > 0
    titles = " ".join(item["title"].lower() for item in body["items"][:5])
    assert "robot" in titles


def test_the_list_and_search_are_one_engine(client: TestClient) -> None:
    listed = client.get(f"{API}/opportunities", params={"q": "炭化ケイ素", "page_size": 10}).json()
    searched = client.get(f"{API}/search", params={"q": "炭化ケイ素", "limit": 10}).json()
    assert [m["opportunity"]["id"] for m in searched] == [item["id"] for item in listed["items"]]


def test_filters_and_sort_apply_to_the_cross_language_search(client: TestClient) -> None:
    italian = client.get(f"{API}/opportunities", params={"q": "炭化ケイ素", "language": "it"}).json()
    assert {item["language"] for item in italian["items"]} == {"it"}
    assert ITALIAN_SIC_OFFERS & set(_external_ids(italian)[:3])
    newest = client.get(f"{API}/opportunities", params={"q": "炭化ケイ素", "sort": "newest"}).json()
    relevance = client.get(f"{API}/opportunities", params={"q": "炭化ケイ素"}).json()
    assert sorted(_external_ids(newest)) == sorted(_external_ids(relevance))  # the same answer, reordered


def test_the_page_shows_them_to_a_japanese_reader(client: TestClient) -> None:
    page = client.get(
        "/opportunities", params={"q": "炭化ケイ素"}, headers={"Accept-Language": "ja", "Authorization": ""}
    )
    assert page.status_code == 200
    assert "carburo di silicio" in page.text
