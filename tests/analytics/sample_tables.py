"""Hand-made indicator tables in the shapes of the contract (``kakehashi.analytics.tables``): what the
charts, the dashboard and the report are tested on, independent of how the indicators are computed."""

from __future__ import annotations

from decimal import Decimal

from kakehashi.analytics.tables import Column, Filters, Table

FUNNEL = Table(
    key="funnel",
    title="Introductions",
    columns=(
        Column(key="stage", label="Status", kind="code", vocabulary="stage"),
        Column(key="count", label="Introductions", kind="count"),
        Column(key="conversion", label="Agreements", kind="ratio"),
    ),
    rows=(("proposed", 40, 1.0), ("accepted", 24, 0.6), ("met", 18, 0.75), ("agreement", 7, 0.39)),
)
MATRIX = Table(
    key="sector_country",
    title="Opportunities",
    columns=(
        Column(key="sector", label="Sector", kind="code", vocabulary="sector"),
        Column(key="country", label="Country", kind="code", vocabulary="country"),
        Column(key="count", label="Opportunities", kind="count"),
    ),
    rows=(
        ("semiconductors", "IT", 12),
        ("semiconductors", "JP", 31),
        ("energy", "IT", 9),
        ("energy", "JP", 4),
    ),
)
TRENDS = Table(
    key="trends",
    title="Events",
    columns=(
        Column(key="period", label="Events", kind="period"),
        Column(key="introductions", label="Introductions", kind="count"),
        Column(key="agreements", label="Agreements", kind="count"),
    ),
    rows=(("2026Q1", 5, 1), ("2026Q2", 9, 2), ("2026Q3", 14, 4)),
)
AMOUNTS = Table(
    key="agreements",
    title="Agreements",
    columns=(
        Column(key="category", label="Type", kind="code", vocabulary="agreement_category"),
        Column(key="count", label="Agreements", kind="count"),
        Column(key="eur", label="Investment", kind="eur"),
        Column(key="jpy", label="Currency", kind="jpy"),
    ),
    rows=(
        ("investment", 3, Decimal("1250000.00"), Decimal("203750000")),
        ("technology", 2, Decimal("80000.00"), Decimal("13040000")),
    ),
)
EMPTY = Table(
    key="events",
    title="Events",
    columns=(
        Column(key="status", label="Status", kind="text"),
        Column(key="count", label="Events", kind="count"),
    ),
    rows=(),
)
TABLES = (FUNNEL, MATRIX, TRENDS, AMOUNTS, EMPTY)


class FakeIndicators:
    def __init__(self, tables: tuple[Table, ...]) -> None:
        self._tables = tables

    def tables(self) -> tuple[Table, ...]:
        return self._tables


def scaled(table: Table, factor: float) -> Table:
    """The same table with its counts multiplied (an earlier quarter, for the report's summary)."""
    rows = tuple(
        tuple(round(cell * factor) if isinstance(cell, int) else cell for cell in row) for row in table.rows
    )
    return Table(key=table.key, title=table.title, columns=table.columns, rows=rows)


SEEN: list[Filters] = []
