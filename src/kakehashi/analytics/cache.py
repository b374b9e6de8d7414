"""Figures computed for one filter, each table kept with the store's data version (of the groups of tables
it reads) it was computed at (:func:`kakehashi.store.data_version.read_versions`): a reader gets it only while
that version is the same, so a page after a write is never stale, and a dashboard opened by several officers, its chart images and its
exports cost one computation per table. Per process, in memory, bounded (``MAX_ENTRIES`` filters, each kept
at most ``max_age_s``); nothing is stored in the store."""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from dataclasses import dataclass, field
from typing import Final

from kakehashi.analytics.tables import Filters, Table

MAX_ENTRIES: Final = 64
Version = tuple[int, ...]


@dataclass
class _Entry:
    expires: float
    tables: dict[str, tuple[Version, Table]] = field(default_factory=dict)


class IndicatorCache:
    def __init__(self, *, max_age_s: float, max_entries: int = MAX_ENTRIES) -> None:
        self.max_age_s = max_age_s
        self.max_entries = max_entries
        self._entries: OrderedDict[tuple[str, Filters], _Entry] = OrderedDict()
        self._lock = threading.Lock()

    def get_table(self, store: str, filters: Filters, version: Version, key: str) -> Table | None:
        """The table ``key`` for ``filters``, if it was computed at ``version``."""
        with self._lock:
            entry = self._live(store, filters)
            kept = entry.tables.get(key) if entry is not None else None
            return kept[1] if kept is not None and kept[0] == version else None

    def known(self, store: str, filters: Filters) -> frozenset[str]:
        """The keys of the tables kept for ``filters``, at whatever version."""
        with self._lock:
            entry = self._live(store, filters)
            return frozenset(entry.tables) if entry is not None else frozenset()

    def put_table(self, store: str, filters: Filters, version: Version, table: Table) -> None:
        if self.max_age_s <= 0:
            return
        with self._lock:
            entry = self._live(store, filters)
            if entry is None:
                entry = _Entry(expires=time.monotonic() + self.max_age_s)
                self._entries[(store, filters)] = entry
                while len(self._entries) > self.max_entries:
                    self._entries.popitem(last=False)
            entry.tables[table.key] = (version, table)

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()

    def _live(self, store: str, filters: Filters) -> _Entry | None:
        entry = self._entries.get((store, filters))
        if entry is None or entry.expires < time.monotonic():
            return None
        self._entries.move_to_end((store, filters))
        return entry
