"""The cooperation dashboard in it/ja/en: officers see every figure, members their own organisation's,
visitors are sent to sign in; bad filters are named in the reader's language; the report is a job whose
page shows progress and then the file."""

from __future__ import annotations

import time
from dataclasses import replace
from datetime import date
from typing import Any

import pytest
from fastapi.testclient import TestClient

from kakehashi.accounts.roles import Role
from kakehashi.analytics.indicators import TABLE_KEYS, TITLES, TableMaker
from kakehashi.analytics.tables import Filters, Table
from kakehashi.store import Database
from tests.analytics.fake_indicators import Recorder, install
from tests.analytics.sample_tables import TABLES
from tests.factories import make_organisation, make_user
from tests.web.conftest import csrf_token, sign_in


@pytest.fixture
def figures(monkeypatch: pytest.MonkeyPatch) -> Recorder:
    return install(monkeypatch)


def officer(database: Database) -> None:
    with database.session() as session:
        make_user(session, role=Role.OFFICER, agency="JETRO", email="jetro@example.org")


def test_a_jetro_officer_reads_the_dashboard_in_japanese(
    client: TestClient, database: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    recorder = tables(monkeypatch)
    officer(database)
    sign_in(client, "jetro@example.org")
    address = "/analytics?sector=semiconductors&granularity=quarter"
    page = client.get(address, headers={"accept-language": "ja"})
    assert page.status_code == 200
    assert "協力の分析" in page.text
    assert recorder.asked == []  # no figure kept: every section is a request of its own
    assert page.text.count('data-testid="analytics-pending"') == len(TABLE_KEYS)
    assert "<h2>段階別の紹介</h2>" in page.text  # each section named in the reader's language
    query = "granularity=quarter&amp;sector=semiconductors"
    assert f'data-fragment="/analytics/fragments/sector_country?{query}"' in page.text
    assert f'href="/analytics/sections/sector_country?{query}"' in page.text  # without script
    assert '<script src="/static/analytics.js' in page.text
    assert 'href="/analytics"' in page.text  # the header's link
    for key in ("sector_country", "funnel"):
        fragment = client.get(
            f"/analytics/fragments/{key}?sector=semiconductors&granularity=quarter",
            headers={"accept-language": "ja"},
        )
        assert fragment.status_code == 200
        assert fragment.text.lstrip().startswith('<section class="analytics-section" id="' + key)
    assert [(key, f.sector) for key, f in recorder.asked] == [
        ("sector_country", "semiconductors"),
        ("funnel", "semiconductors"),
    ]
    page = client.get(address, headers={"accept-language": "ja"})  # the two sections are kept now
    assert len(recorder.asked) == 2
    assert page.text.count('data-testid="analytics-section"') == 2
    assert page.text.count('data-testid="analytics-pending"') == len(TABLE_KEYS) - 2
    assert 'alt="案件：最大は半導体・マイクロエレクトロニクス × 日本（31）です。 合計：56。"' in page.text
    assert "このグラフの数値" in page.text  # the numbers behind, one click away
    assert "<td>双方が承諾</td>" in page.text
    assert f"/analytics/exports/sector_country.csv?{query}" in page.text


def test_a_member_sees_only_its_organisations_figures(
    client: TestClient, database: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    recorder = tables(monkeypatch)
    officer(database)
    with database.session() as session:
        org = make_organisation(session)
        make_user(session, organisation=org, email="member@example.org")
        org_id = org.id
    sign_in(client, "jetro@example.org")  # an officer's figures kept first: never handed to a member
    assert client.get("/analytics/fragments/funnel").status_code == 200
    client.post("/signout", data={"csrf_token": csrf_token(client, "/analytics")})
    sign_in(client, "member@example.org")
    page = client.get("/analytics", headers={"accept-language": "it"})
    assert page.status_code == 200
    assert "Questi sono solo i dati della tua organizzazione." in page.text
    assert 'data-testid="analytics-section"' not in page.text  # the officer's funnel is not shown
    for address in ("/analytics/fragments/funnel", "/analytics/sections/funnel?organisation_id=1"):
        assert client.get(address, headers={"accept-language": "it"}).status_code == 200
    section_page = client.get("/analytics/sections/trends", headers={"accept-language": "it"})
    assert "Questi sono solo i dati della tua organizzazione." in section_page.text
    assert [(key, f.organisation_id) for key, f in recorder.asked] == [
        ("funnel", None),
        ("funnel", org_id),
        ("trends", org_id),
    ]  # the member's second funnel was its own, kept


@pytest.mark.parametrize(
    "address", ["/analytics", "/analytics/fragments/funnel", "/analytics/sections/funnel?country=JP"]
)
def test_a_visitor_is_sent_to_sign_in(
    client: TestClient, monkeypatch: pytest.MonkeyPatch, address: str
) -> None:
    recorder = tables(monkeypatch)
    response = client.get(address, follow_redirects=False)
    assert response.status_code in (302, 303)
    assert response.headers["location"].startswith("/signin")
    assert recorder.asked == []


@pytest.mark.parametrize(
    ("locale", "message"),
    [
        ("it", "Scrivi la data come AAAA-MM-GG."),
        ("ja", "日付は YYYY-MM-DD の形式で入力してください。"),
        ("en", "Write a date as YYYY-MM-DD."),
    ],
)
@pytest.mark.parametrize(
    "address", ["/analytics", "/analytics/fragments/funnel", "/analytics/sections/funnel"]
)
def test_bad_filters_are_named_in_the_readers_language(
    client: TestClient,
    database: Database,
    monkeypatch: pytest.MonkeyPatch,
    locale: str,
    message: str,
    address: str,
) -> None:
    recorder = tables(monkeypatch)
    officer(database)
    sign_in(client, "jetro@example.org")
    page = client.get(f"{address}?start=31/12/2026&sector=tourism", headers={"accept-language": locale})
    assert page.status_code == 422
    assert message in page.text
    if address == "/analytics":
        assert 'data-testid="field-error-sector"' in page.text
    else:
        assert 'data-testid="form-errors"' in page.text
        assert page.text.count("<li>") == 2  # both fields named
    assert recorder.asked == []


def test_an_unknown_event_on_a_fragment_is_named_on_the_event_field(
    client: TestClient, database: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    recorder = tables(monkeypatch)
    officer(database)
    sign_in(client, "jetro@example.org")
    page = client.get("/analytics/fragments/events?event=999", headers={"accept-language": "en"})
    assert page.status_code == 422
    assert "There is no event 999." in page.text
    assert "<strong>Event</strong>" in page.text
    assert recorder.asked == []


def test_the_report_is_made_in_the_background_then_offered(
    client: TestClient, database: Database, figures: Recorder
) -> None:
    officer(database)
    sign_in(client, "jetro@example.org")
    asked = client.post(
        "/analytics/reports",
        data={"quarter": "2026Q3", "lang": "ja", "csrf_token": csrf_token(client, "/analytics")},
        follow_redirects=False,
    )
    assert asked.status_code == 303
    status_page = asked.headers["location"]
    deadline = time.monotonic() + 120
    page = client.get(status_page)
    while 'data-status="succeeded"' not in page.text and time.monotonic() < deadline:
        assert 'data-status="failed"' not in page.text
        time.sleep(0.2)
        page = client.get(status_page)
    assert 'data-testid="report-download"' in page.text
    pdf = client.get(status_page + "/file")
    assert pdf.headers["content-type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF")
    asked_periods = {(f.start, f.end) for f in figures.asked}
    assert (date(2026, 7, 1), date(2026, 9, 30)) in asked_periods  # the quarter
    assert (date(2026, 4, 1), date(2026, 6, 30)) in asked_periods  # the one before, for the summary


def test_a_bad_quarter_is_refused_before_any_job(
    client: TestClient, database: Database, figures: Recorder
) -> None:
    officer(database)
    sign_in(client, "jetro@example.org")
    page = client.post(
        "/analytics/reports",
        data={"quarter": "2026Q9", "lang": "it", "csrf_token": csrf_token(client, "/analytics")},
        headers={"accept-language": "it"},
        follow_redirects=False,
    )
    assert page.status_code == 422
    assert "Scrivi un trimestre come 2026Q3." in page.text


def test_only_who_asked_and_officers_read_a_report(
    client: TestClient, database: Database, figures: Recorder
) -> None:
    officer(database)
    with database.session() as session:
        make_user(session, organisation=make_organisation(session), email="member@example.org")
    sign_in(client, "jetro@example.org")
    asked = client.post(
        "/analytics/reports",
        data={"quarter": "2026Q2", "lang": "en", "csrf_token": csrf_token(client, "/analytics")},
        follow_redirects=False,
    )
    status_page = asked.headers["location"]
    client.post("/signout", data={"csrf_token": csrf_token(client, "/analytics")})
    sign_in(client, "member@example.org")
    assert client.get(status_page).status_code == 403
    assert client.get(status_page + "/file").status_code == 403
    assert client.get("/analytics/reports/" + "x" * 24).status_code == 404


def tables(monkeypatch: pytest.MonkeyPatch) -> TableRecorder:
    """Hand out the sample tables to whoever computes one table, remembering which and for whom."""
    from kakehashi.analytics import service

    recorder = TableRecorder()
    monkeypatch.setattr(service, "compute_table", recorder)
    return recorder


class TableRecorder:
    """A stand-in for ``compute_table``: the sample tables, and the filters each was asked for."""

    def __init__(self, *, empty: bool = False) -> None:
        self.asked: list[tuple[str, Filters]] = []
        self.empty = empty

    def __call__(self, _session: object, filters: Filters, key: str) -> Table:
        self.asked.append((key, filters))
        found = next((t for t in TABLES if t.key == key), None)
        if found is None:  # a key without a sample: an empty table of that key
            found = replace(TABLES[0], key=key, title=TITLES[key], rows=())
        return replace(found, rows=()) if self.empty else found


def test_each_chart_is_an_image_of_its_own_request_kept_until_the_figures_change(
    client: TestClient, database: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    from kakehashi.analytics import service

    recorder = TableRecorder()
    monkeypatch.setattr(service, "compute_table", recorder)
    officer(database)
    sign_in(client, "jetro@example.org")
    address = "/analytics/charts/sector_country.svg?granularity=quarter&sector=semiconductors"
    ja = client.get(address, headers={"accept-language": "ja"})
    assert ja.status_code == 200
    assert ja.headers["content-type"].startswith("image/svg+xml")
    assert ja.text.lstrip().startswith("<svg")
    assert "script" not in ja.headers["content-security-policy"]
    assert [(key, f.sector) for key, f in recorder.asked] == [("sector_country", "semiconductors")]
    en = client.get(address, headers={"accept-language": "en"})
    assert en.status_code == 200
    assert en.text != ja.text  # drawn in the reader's language
    assert len(recorder.asked) == 1  # the table kept: the store did not change
    again = client.get(address, headers={"accept-language": "ja", "if-none-match": ja.headers["etag"]})
    assert again.status_code == 304
    with database.session() as session:
        make_organisation(session)  # a write to a table the figures read
    client.get(address, headers={"accept-language": "ja"})
    assert len(recorder.asked) == 2  # computed again, never the figures from before the write


def test_a_section_links_to_its_chart_and_draws_none(
    client: TestClient, database: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    tables(monkeypatch)
    officer(database)
    sign_in(client, "jetro@example.org")
    for address in ("/analytics/fragments/sector_country", "/analytics"):  # the page: kept by then
        page = client.get(address + "?sector=semiconductors")
        assert page.status_code == 200
        assert '<img src="/analytics/charts/sector_country.svg?sector=semiconductors"' in page.text
        assert "data:image/svg+xml" not in page.text


def test_a_members_chart_is_of_its_own_organisation_and_unknown_charts_are_404(
    client: TestClient, database: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    from kakehashi.analytics import service

    recorder = TableRecorder()
    monkeypatch.setattr(service, "compute_table", recorder)
    with database.session() as session:
        org = make_organisation(session)
        make_user(session, organisation=org, email="member@example.org")
        org_id = org.id
    assert client.get("/analytics/charts/funnel.svg", follow_redirects=False).status_code in (302, 303)
    sign_in(client, "member@example.org")
    assert client.get("/analytics/charts/funnel.svg").status_code == 200
    assert [f.organisation_id for _, f in recorder.asked] == [org_id]
    assert client.get("/analytics/charts/nope.svg").status_code == 404


@pytest.mark.parametrize(
    ("locale", "message"),
    [
        ("it", "Non c&#39;è un grafico per questa selezione."),
        ("ja", "この選択にはグラフがありません。"),
        ("en", "There is no chart for this selection."),
    ],
)
def test_an_empty_selection_has_no_chart_in_the_readers_language(
    client: TestClient, database: Database, monkeypatch: pytest.MonkeyPatch, locale: str, message: str
) -> None:
    from kakehashi.analytics import service

    monkeypatch.setattr(service, "compute_table", TableRecorder(empty=True))
    officer(database)
    sign_in(client, "jetro@example.org")
    response = client.get("/analytics/charts/funnel.svg?country=IT", headers={"accept-language": locale})
    assert response.status_code == 404
    assert message in response.text


def test_the_page_after_a_write_computes_no_table_and_a_fragment_only_its_own(
    client: TestClient, database: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    from kakehashi.analytics import indicators

    ran: list[str] = []
    for key, make in list(indicators.MAKERS.items()):  # the real indicator functions, counted

        def counted(session: Any, scope: Any, key: str = key, make: TableMaker = make) -> Table:
            ran.append(key)
            return make(session, scope)

        monkeypatch.setitem(indicators.MAKERS, key, counted)
    officer(database)
    sign_in(client, "jetro@example.org")
    page = client.get("/analytics?country=JP")
    assert page.status_code == 200
    assert ran == []
    assert page.text.count('data-testid="analytics-pending"') == len(TABLE_KEYS)
    fragment = client.get("/analytics/fragments/catalogue?country=JP")
    assert fragment.status_code == 200
    assert 'data-key="catalogue"' in fragment.text
    assert ran == ["catalogue"]
    assert client.get("/analytics/sections/funnel?country=JP").status_code == 200
    assert ran == ["catalogue", "funnel"]
    page = client.get("/analytics?country=JP")  # both kept: shown at once, nothing computed
    assert ran == ["catalogue", "funnel"]
    assert page.text.count('data-testid="analytics-section"') == 2
    with database.session() as session:
        make_organisation(session)  # a write: the kept figures are no longer the store's
    page = client.get("/analytics?country=JP")
    assert ran == ["catalogue", "funnel"]
    assert page.text.count('data-testid="analytics-pending"') == len(TABLE_KEYS)


def test_a_fragment_is_kept_until_the_figures_change_and_unknown_sections_are_404(
    client: TestClient, database: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    recorder = tables(monkeypatch)
    officer(database)
    sign_in(client, "jetro@example.org")
    first = client.get("/analytics/fragments/funnel", headers={"accept-language": "it"})
    assert first.status_code == 200
    assert first.headers["cache-control"] == "private, no-cache"
    tag = first.headers["etag"]
    again = client.get("/analytics/fragments/funnel", headers={"accept-language": "it", "if-none-match": tag})
    assert again.status_code == 304
    japanese = client.get(
        "/analytics/fragments/funnel", headers={"accept-language": "ja", "if-none-match": tag}
    )
    assert japanese.status_code == 200  # another language, another fragment
    assert len(recorder.asked) == 1
    with database.session() as session:
        make_organisation(session)
    client.get("/analytics/fragments/funnel", headers={"accept-language": "it", "if-none-match": tag})
    assert len(recorder.asked) == 2  # computed again after the write
    for address in ("/analytics/fragments/nope", "/analytics/sections/nope"):
        assert client.get(address).status_code == 404
