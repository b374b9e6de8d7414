"""A stand-in for ``kakehashi.analytics.indicators`` that hands out the sample tables and remembers the
filters it was asked for (what the role rules are checked on)."""

from __future__ import annotations

import sys
import types
from typing import Any

import pytest
from tests.analytics.sample_tables import TABLES, FakeIndicators

from kakehashi.analytics.tables import Filters, Table


class Recorder:
    def __init__(self, tables: tuple[Table, ...]) -> None:
        self.tables = tables
        self.asked: list[Filters] = []

    def compute(self, _session: Any, filters: Filters) -> FakeIndicators:
        self.asked.append(filters)
        return FakeIndicators(self.tables)


def install(monkeypatch: pytest.MonkeyPatch, tables: tuple[Table, ...] = TABLES) -> Recorder:
    """Hand ``tables`` to whoever asks for the indicators during this test."""
    recorder = Recorder(tables)
    module = types.ModuleType("kakehashi.analytics.indicators")
    module.compute = recorder.compute  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "kakehashi.analytics.indicators", module)
    return recorder
