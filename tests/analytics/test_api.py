"""The analytics API: who sees which figures, the filters as validated parameters, the file exports."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from fastapi.testclient import TestClient
from openpyxl import load_workbook

from kakehashi.accounts.roles import Role
from kakehashi.accounts.service import issue_token
from kakehashi.analytics.indicators import TABLE_KEYS
from kakehashi.app import create_app
from kakehashi.config import Settings
from kakehashi.store import Database
from tests.analytics.world import World, build
from tests.api.conftest import API, assert_error, field_names
from tests.factories import make_user


@dataclass
class Readers:
    world: World
    tokens: dict[str, str]

    def auth(self, who: str) -> dict[str, str]:
        return {} if who == "visitor" else {"Authorization": f"Bearer {self.tokens[who]}"}


@pytest.fixture
def client(settings: Settings, database: Database) -> Iterator[TestClient]:
    with TestClient(create_app(settings, database=database)) as test_client:
        yield test_client


@pytest.fixture
def readers(database: Database) -> Readers:
    with database.session() as session:
        world = build(session)
        people = {
            "officer": make_user(session, role=Role.OFFICER, agency="JETRO"),
            "admin": make_user(session, role=Role.ADMIN),
            "member_jp2": make_user(session, organisation=world.jp2),
        }
        tokens = {who: issue_token(session, user, max_age_s=3600) for who, user in people.items()}
        return Readers(world=world, tokens=tokens)


def tables(body: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {table["key"]: table for table in body["tables"]}


def column(table: dict[str, Any], key: str) -> list[Any]:
    index = [c["key"] for c in table["columns"]].index(key)
    return [row[index] for row in table["rows"]]


@pytest.mark.parametrize("who", ["officer", "admin"])
def test_agency_staff_see_every_figure(client: TestClient, readers: Readers, who: str) -> None:
    response = client.get(f"{API}/analytics", headers=readers.auth(who))
    assert response.status_code == 200, response.text
    body = response.json()
    assert [t["key"] for t in body["tables"]] == list(TABLE_KEYS)
    assert column(tables(body)["agreements"], "subtype") == ["equity", "licence"]
    assert column(tables(body)["agreements"], "amount_eur") == ["308641.98", "100000.00"]  # exact decimals


def test_a_member_sees_only_its_organisation(client: TestClient, readers: Readers) -> None:
    body = client.get(f"{API}/analytics", headers=readers.auth("member_jp2")).json()
    assert body["filters"]["organisation_id"] == readers.world.jp2.id
    assert column(tables(body)["agreements"], "subtype") == ["equity"]
    assert column(tables(body)["catalogue"], "country") == ["JP"]
    other = client.get(
        f"{API}/analytics?organisation_id={readers.world.it1.id}", headers=readers.auth("member_jp2")
    )
    assert_error(other, 403, "permission_denied")


def test_visitors_must_sign_in(client: TestClient, readers: Readers) -> None:
    assert_error(client.get(f"{API}/analytics", headers=readers.auth("visitor")), 401)
    assert_error(client.get(f"{API}/analytics/funnel.csv", headers=readers.auth("visitor")), 401)


def test_filters_and_translated_titles(client: TestClient, readers: Readers) -> None:
    headers = {**readers.auth("officer"), "Accept-Language": "ja"}
    query = "start=2026-04-01&end=2026-06-30&granularity=month"
    body = client.get(f"{API}/analytics?{query}", headers=headers).json()
    trends = tables(body)["trends"]
    assert column(trends, "period") == ["2026-04", "2026-05", "2026-06"]
    assert trends["title"] != "Trends by period"  # in Japanese
    assert column(tables(body)["catalogue"], "country") == ["JP"]


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("sector=textiles", "sector"),
        ("country=DE", "country"),
        ("agency=NASA", "agency"),
        ("granularity=week", "granularity"),
        ("start=1999-12-31", "start"),
        ("end=2026-13-01", "end"),
        ("event_id=0", "event_id"),
        ("event_id=999999", "event_id"),
        ("organisation_id=999999", "organisation_id"),
        ("start=2026-05-01&end=2026-04-01", "end"),
    ],
)
def test_bad_filters_are_422_naming_the_field(
    client: TestClient, readers: Readers, query: str, field: str
) -> None:
    headers = {**readers.auth("officer"), "Accept-Language": "it"}
    error = assert_error(client.get(f"{API}/analytics?{query}", headers=headers), 422, "validation_failed")
    assert field_names(error) == {field}


def test_csv_and_xlsx_exports(client: TestClient, readers: Readers) -> None:
    headers = {**readers.auth("officer"), "Accept-Language": "ja"}
    response = client.get(f"{API}/analytics/agreements.csv", headers=headers)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("text/csv")
    assert 'filename="kakehashi-agreements.csv"' in response.headers["content-disposition"]
    assert response.content.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert len(rows) == 3
    assert rows[1][4:] == ["308641.98", "50000000"]
    response = client.get(f"{API}/analytics/trends.xlsx?start=2026-01-01&end=2026-06-30", headers=headers)
    assert response.status_code == 200, response.text
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert sheet is not None
    values = list(sheet.iter_rows(values_only=True))
    assert [row[0] for row in values[1:]] == ["2026-Q1", "2026-Q2"]
    assert values[2][4] == 2  # agreements in Q2, a number


def test_unknown_table_or_format_is_422(client: TestClient, readers: Readers) -> None:
    headers = readers.auth("officer")
    assert field_names(assert_error(client.get(f"{API}/analytics/nope.csv", headers=headers), 422)) == {
        "table_key"
    }
    assert field_names(assert_error(client.get(f"{API}/analytics/funnel.pdf", headers=headers), 422)) == {
        "file_format"
    }


def test_a_cache_reuses_the_figures_for_the_same_filters(database: Database, readers: Readers) -> None:
    from kakehashi.accounts.service import SYSTEM
    from kakehashi.analytics.cache import IndicatorCache
    from kakehashi.analytics.service import indicators
    from kakehashi.analytics.tables import Filters

    cache = IndicatorCache(max_age_s=60)
    with database.session() as session:
        first = indicators(session, SYSTEM, Filters(), cache=cache)
        assert indicators(session, SYSTEM, Filters(), cache=cache) == first
        assert indicators(session, SYSTEM, Filters(sector="ai"), cache=cache) is not first
    off = IndicatorCache(max_age_s=0)
    off.put_table("x", Filters(), (0, 0), first.funnel)
    assert off.get_table("x", Filters(), (0, 0), "funnel") is None
