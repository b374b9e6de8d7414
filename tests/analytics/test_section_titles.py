"""The dashboard names a section before its figures are computed: the titles it uses are the tables'."""

from __future__ import annotations

from kakehashi.analytics.indicators import TABLE_KEYS, TITLES, compute
from kakehashi.analytics.tables import Filters
from kakehashi.store import Database


def test_each_sections_title_is_its_tables(database: Database) -> None:
    with database.session() as session:
        found = compute(session, Filters())
    assert set(TITLES) == set(TABLE_KEYS)
    assert {table.key: table.title for table in found.tables()} == TITLES
