"""Figures computed for one filter, reused for a while (``analytics_cache_s``): a dashboard opened by
several officers, or its charts and their exports, then cost one computation. Per process, in memory,
bounded; nothing is stored in the store (the figures are always recomputed from it when they expire)."""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from typing import Final

from kakehashi.analytics.indicators import Indicators
from kakehashi.analytics.tables import Filters

MAX_ENTRIES: Final = 64


class IndicatorCache:
    def __init__(self, *, max_age_s: float, max_entries: int = MAX_ENTRIES) -> None:
        self.max_age_s = max_age_s
        self.max_entries = max_entries
        self._entries: OrderedDict[tuple[str, Filters], tuple[float, Indicators]] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, store: str, filters: Filters) -> Indicators | None:
        if self.max_age_s <= 0:
            return None
        with self._lock:
            entry = self._entries.get((store, filters))
            if entry is None or entry[0] < time.monotonic():
                return None
            self._entries.move_to_end((store, filters))
            return entry[1]

    def put(self, store: str, filters: Filters, indicators: Indicators) -> None:
        if self.max_age_s <= 0:
            return
        with self._lock:
            self._entries[(store, filters)] = (time.monotonic() + self.max_age_s, indicators)
            self._entries.move_to_end((store, filters))
            while len(self._entries) > self.max_entries:
                self._entries.popitem(last=False)

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
