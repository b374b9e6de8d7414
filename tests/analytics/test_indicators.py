"""Indicator values against the hand-computed figures of :mod:`tests.analytics.world` (on both stores)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy.orm import Session

from kakehashi.analytics.indicators import TABLE_KEYS, Indicators, compute, compute_table
from kakehashi.analytics.tables import Filters, Table
from kakehashi.store.database import Database
from tests.analytics.world import World, add_event, add_matches, build


@pytest.fixture
def store(database: Database) -> Iterator[tuple[Session, World]]:
    with database.session() as session:
        world = build(session)
        add_matches(session, world)
        add_event(session, world)
    with database.session() as session:
        yield session, world


def rows(table: Table, *keys: str) -> list[tuple[object, ...]]:
    return [tuple(row[table.column(k)] for k in keys) for row in table.rows]


def test_tables_in_display_order_with_stable_keys(store: tuple[Session, World]) -> None:
    session, _ = store
    indicators = compute(session, Filters())
    assert isinstance(indicators, Indicators)
    assert tuple(t.key for t in indicators.tables()) == TABLE_KEYS
    assert indicators.table("funnel") is indicators.funnel
    for table in indicators.tables():
        assert all(len(row) == len(table.columns) for row in table.rows), table.key


def test_catalogue_and_organisations(store: tuple[Session, World]) -> None:
    session, _ = store
    ind = compute(session, Filters())
    assert rows(ind.catalogue, "country", "sector", "type", "opportunities", "organisations") == [
        ("IT", "semiconductors", "technology_offer", 1, 1),
        ("JP", "ai", "business_offer", 1, 1),
        ("JP", "semiconductors", "technology_request", 1, 1),
    ]
    assert rows(ind.organisations, "country", "sector", "kind", "organisations") == [
        ("IT", "semiconductors", "company", 1),
        ("JP", "ai", "research", 1),
        ("JP", "ai", "startup", 1),
        ("JP", "semiconductors", "startup", 1),
    ]


def test_a_period_with_one_country_only(store: tuple[Session, World]) -> None:
    session, _ = store
    ind = compute(session, Filters(start=date(2026, 4, 1), end=date(2026, 6, 30)))
    assert rows(ind.catalogue, "country", "sector", "type", "opportunities") == [
        ("JP", "ai", "business_offer", 1)
    ]
    assert rows(ind.organisations, "country", "organisations") == [("JP", 1)]
    # intro2 (JP2's AI opportunity) was proposed in the quarter; both agreements were signed in it
    assert rows(ind.sector_country, "sector", "country", "introductions", "agreements") == [
        ("ai", "JP", 1, 1),
        ("semiconductors", "IT", 0, 1),
    ]


def test_country_filter(store: tuple[Session, World]) -> None:
    session, _ = store
    ind = compute(session, Filters(country="JP"))
    assert {row[0] for row in ind.catalogue.rows} == {"JP"}
    assert sum(row[ind.catalogue.column("opportunities")] for row in ind.catalogue.rows) == 2  # type: ignore[misc]


def test_matches(store: tuple[Session, World]) -> None:
    session, _ = store
    ind = compute(session, Filters())
    (row,) = rows(ind.matches, "sector", "suggested", "shortlisted", "dismissed", "shortlist_ratio")
    assert row[:4] == ("semiconductors", 3, 2, 1)
    assert row[4] == pytest.approx(2 / 3)


def test_interests(store: tuple[Session, World]) -> None:
    session, _ = store
    ind = compute(session, Filters())
    keys = ("sector", "expressed", "accepted", "declined", "referred", "withdrawn", "pending", "acceptance")
    assert rows(ind.interests, *keys) == [
        ("ai", 1, 0, 0, 0, 0, 1, None),
        ("semiconductors", 2, 1, 1, 0, 0, 0, 0.5),
    ]


def test_funnel_reached_conversion_and_days(store: tuple[Session, World]) -> None:
    session, _ = store
    ind = compute(session, Filters())
    assert rows(ind.funnel, "stage", "reached", "current", "conversion", "median_days") == [
        ("proposed", 3, 0, None, 10.0),  # 10, 10 and 20 days (closed)
        ("accepted", 2, 0, pytest.approx(2 / 3), 10.0),
        ("met", 2, 0, 1.0, 25.0),  # 30 (to negotiating) and 20 (straight to agreement)
        ("negotiating", 2, 0, 1.0, 30.0),  # reached "or a later one": intro2 skipped it
        ("agreement", 2, 2, 1.0, None),
        ("closed", 1, 1, None, None),
    ]


def test_trends_by_quarter_with_amounts_in_both_currencies(store: tuple[Session, World]) -> None:
    session, _ = store
    ind = compute(session, Filters(start=date(2026, 1, 1), end=date(2026, 12, 31), granularity="quarter"))
    keys = ("period", "opportunities", "interests", "introductions", "agreements", "amount_eur", "amount_jpy")
    assert rows(ind.trends, *keys) == [
        ("2026-Q1", 2, 2, 2, 0, Decimal("0.00"), Decimal("0")),
        # EUR 100,000.00 (= JPY 16,050,000 at 160.50) + JPY 50,000,000 (= EUR 308,641.98 at 162.00)
        ("2026-Q2", 1, 1, 1, 2, Decimal("408641.98"), Decimal("66050000")),
        ("2026-Q3", 0, 0, 0, 0, Decimal("0.00"), Decimal("0")),
        ("2026-Q4", 0, 0, 0, 0, Decimal("0.00"), Decimal("0")),
    ]


def test_trends_by_month_and_year(store: tuple[Session, World]) -> None:
    session, _ = store
    months = compute(session, Filters(start=date(2026, 1, 1), end=date(2026, 3, 31), granularity="month"))
    assert rows(months.trends, "period", "opportunities", "introductions") == [
        ("2026-01", 1, 1),
        ("2026-02", 1, 1),
        ("2026-03", 0, 0),
    ]
    years = compute(session, Filters(granularity="year"))
    assert rows(years.trends, "period", "agreements") == [("2026", 2)]


def test_agreements_by_type_with_recorded_rates(store: tuple[Session, World]) -> None:
    session, _ = store
    ind = compute(session, Filters())
    keys = ("category", "subtype", "agreements", "with_amount", "amount_eur", "amount_jpy")
    assert rows(ind.agreements, *keys) == [
        ("investment", "equity", 1, 1, Decimal("308641.98"), Decimal("50000000")),
        ("technology", "licence", 1, 1, Decimal("100000.00"), Decimal("16050000")),
    ]
    for row in ind.agreements.rows:
        assert all(not isinstance(cell, float) for cell in row[4:])


def test_time_to_agreement(store: tuple[Session, World]) -> None:
    session, _ = store
    ind = compute(session, Filters())
    got = rows(ind.time_to_agreement, "category", "agreements", "median_days", "p75_days")
    # licence: interest 01-20 → signed 04-15 = 85 days (from 09:00 UTC: 84.6); equity: 05-12 → 06-21
    assert got[0][:2] == ("investment", 1)
    assert got[0][2] == pytest.approx(39.6, abs=0.05)
    assert got[1][:2] == ("technology", 1)
    assert got[1][2] == pytest.approx(84.6, abs=0.05)
    assert got[2][:2] == (None, 2)
    assert got[2][2] == pytest.approx((39.625 + 84.625) / 2, abs=0.05)
    assert got[2][3] == pytest.approx(39.625 + 0.75 * 45, abs=0.05)


def test_events(store: tuple[Session, World]) -> None:
    session, world = store
    ind = compute(session, Filters())
    keys = ("participants", "requests", "accepted", "acceptance", "scheduled", "held", "no_shows", "kept")
    assert world.event is not None
    assert rows(ind.events, "event_id", "first_day") == [(str(world.event.id), date(2027, 10, 28))]
    assert rows(ind.events, *keys) == [(2, 2, 1, 0.5, 2, 1, 1, 0.5)]
    assert rows(
        ind.events,
        "feedback_cooperation_possible",
        "feedback_informative",
        "feedback_not_held",
        "followup_negotiation_started",
        "followup_valuable_contact",
    ) == [(1, 1, 0, 1, 0)]
    assert compute(session, Filters(agency="JETRO")).events.rows == ()
    assert len(compute(session, Filters(agency="ICE")).events.rows) == 1


def test_an_empty_period(store: tuple[Session, World]) -> None:
    session, _ = store
    ind = compute(session, Filters(start=date(2025, 1, 1), end=date(2025, 12, 31)))
    for key in (
        "organisations",
        "catalogue",
        "matches",
        "interests",
        "sector_country",
        "events",
        "agreements",
    ):
        assert ind.table(key).rows == (), key
    assert [row[1:3] for row in ind.funnel.rows] == [(0, 0)] * 6
    assert rows(ind.trends, "period", "introductions", "amount_eur") == [
        (f"2025-Q{q}", 0, Decimal("0.00")) for q in range(1, 5)
    ]
    assert ind.time_to_agreement.rows == ((None, 0, None, None),)


def test_an_organisation_sees_only_its_own_figures(store: tuple[Session, World]) -> None:
    session, world = store
    ind = compute(session, Filters(organisation_id=world.jp2.id))
    assert rows(ind.catalogue, "country", "type") == [("JP", "business_offer")]
    # its own interest (declined, about oIT) and the one about its opportunity (pending)
    assert rows(ind.interests, "sector", "expressed", "declined", "pending") == [
        ("ai", 1, 0, 1),
        ("semiconductors", 1, 1, 0),
    ]
    assert rows(ind.funnel, "stage", "reached") == [
        ("proposed", 2),
        ("accepted", 1),
        ("met", 1),
        ("negotiating", 1),
        ("agreement", 1),
        ("closed", 1),
    ]
    assert rows(ind.agreements, "subtype", "amount_jpy") == [("equity", Decimal("50000000"))]
    # JP2's registration was declined: no participant, no meeting of its own
    assert rows(ind.events, "participants", "requests", "scheduled") == [(0, 0, 0)]


def test_sector_and_agency_filters(store: tuple[Session, World]) -> None:
    session, _ = store
    ai = compute(session, Filters(sector="ai"))
    assert rows(ai.agreements, "subtype") == [("equity",)]
    assert rows(ai.interests, "sector") == [("ai",)]
    ice = compute(session, Filters(agency="ICE"))  # an ICE officer follows intro1 only
    assert rows(ice.agreements, "subtype") == [("licence",)]
    assert rows(ice.catalogue, "country") == [("IT",)]  # the agency's clients: Italian organisations
    nobody = compute(session, Filters(agency="NOPE"))
    assert nobody.agreements.rows == ()


def test_one_table_alone_is_the_same_as_in_the_whole(store: tuple[Session, World]) -> None:
    session, world = store
    filters = Filters(start=date(2026, 1, 1), end=date(2026, 6, 30), organisation_id=world.jp2.id)
    whole = compute(session, filters)
    for key in TABLE_KEYS:
        assert compute_table(session, filters, key) == whole.table(key), key
    with pytest.raises(KeyError):
        compute_table(session, filters, "nope")
