"""A stand-in for ``kakehashi.analytics.indicators`` that hands out the sample tables and remembers the
filters it was asked for (what the role rules are checked on)."""

from __future__ import annotations

from typing import Any

import pytest

from kakehashi.analytics.tables import Filters, Table
from tests.analytics.sample_tables import TABLES, FakeIndicators


class Recorder:
    def __init__(self, tables: tuple[Table, ...]) -> None:
        self.tables = tables
        self.asked: list[Filters] = []

    def compute(self, _session: Any, filters: Filters) -> FakeIndicators:
        self.asked.append(filters)
        return FakeIndicators(self.tables)


def install(monkeypatch: pytest.MonkeyPatch, tables: tuple[Table, ...] = TABLES) -> Recorder:
    """Hand ``tables`` to whoever asks for the indicators during this test."""
    from kakehashi.analytics import indicators, service

    recorder = Recorder(tables)
    monkeypatch.setattr(indicators, "compute", recorder.compute)
    monkeypatch.setattr(service, "compute", recorder.compute)
    return recorder
