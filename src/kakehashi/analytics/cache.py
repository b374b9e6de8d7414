"""Figures computed for one filter, kept with the store's data version they were computed at
(:func:`kakehashi.store.changes.data_version`): a reader gets them only while the version is the same, so
a page after a write is never stale, and a dashboard opened by several officers, its chart images and its
exports cost one computation per table. Per process, in memory, bounded (``MAX_ENTRIES`` filters, each kept
at most ``max_age_s``); nothing is stored in the store."""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from dataclasses import dataclass, field
from typing import Final

from kakehashi.analytics.indicators import Indicators
from kakehashi.analytics.tables import Filters, Table

MAX_ENTRIES: Final = 64
Version = tuple[int, int]


@dataclass
class _Entry:
    version: Version
    expires: float
    whole: Indicators | None = None  # every table, as compute() made them
    tables: dict[str, Table] = field(default_factory=dict)  # single tables (a chart, an export)


class IndicatorCache:
    def __init__(self, *, max_age_s: float, max_entries: int = MAX_ENTRIES) -> None:
        self.max_age_s = max_age_s
        self.max_entries = max_entries
        self._entries: OrderedDict[tuple[str, Filters], _Entry] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, store: str, filters: Filters, version: Version) -> Indicators | None:
        """Every table for ``filters``, if they were computed at ``version``."""
        with self._lock:
            entry = self._fresh(store, filters, version)
            return entry.whole if entry is not None else None

    def get_table(self, store: str, filters: Filters, version: Version, key: str) -> Table | None:
        """The table ``key`` for ``filters``, if it was computed at ``version``."""
        with self._lock:
            entry = self._fresh(store, filters, version)
            if entry is None:
                return None
            if entry.whole is not None:
                return entry.whole.table(key)
            return entry.tables.get(key)

    def put(self, store: str, filters: Filters, version: Version, indicators: Indicators) -> None:
        with self._lock:
            entry = self._entry(store, filters, version)
            if entry is not None:
                entry.whole = indicators

    def put_table(self, store: str, filters: Filters, version: Version, table: Table) -> None:
        with self._lock:
            entry = self._entry(store, filters, version)
            if entry is not None:
                entry.tables[table.key] = table

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()

    def _fresh(self, store: str, filters: Filters, version: Version) -> _Entry | None:
        entry = self._entries.get((store, filters))
        if entry is None or entry.version != version or entry.expires < time.monotonic():
            return None
        self._entries.move_to_end((store, filters))
        return entry

    def _entry(self, store: str, filters: Filters, version: Version) -> _Entry | None:
        """The entry to add to: the one of ``version``, or a new one replacing an older version's."""
        if self.max_age_s <= 0:
            return None
        entry = self._fresh(store, filters, version)
        if entry is None:
            entry = _Entry(version=version, expires=time.monotonic() + self.max_age_s)
            self._entries[(store, filters)] = entry
            self._entries.move_to_end((store, filters))
            while len(self._entries) > self.max_entries:
                self._entries.popitem(last=False)
        return entry
