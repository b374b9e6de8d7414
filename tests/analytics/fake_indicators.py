"""A stand-in for ``kakehashi.analytics.indicators`` that hands out the sample tables and remembers the
filters it was asked for (what the role rules are checked on)."""

from __future__ import annotations

import sys
import types
from collections.abc import Iterator
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


@pytest.fixture
def fake_indicators(monkeypatch: pytest.MonkeyPatch) -> Iterator[Recorder]:
    recorder = Recorder(TABLES)
    module = types.ModuleType("kakehashi.analytics.indicators")
    module.compute = recorder.compute  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "kakehashi.analytics.indicators", module)
    yield recorder
