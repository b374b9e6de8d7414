"""The shape every indicator is handed over in: a filter (what to count) and tables (what was counted).

Charts, pages, exports (CSV, XLSX), the API and the PDF report all read :class:`Table`, so that the numbers
behind a chart are exactly the ones a click away and in the files. Titles and column labels are English
gettext message ids (``N_``), translated where they are shown; cells are plain values (``str`` codes that a
column's ``vocabulary`` names, ``int``, ``Decimal``, ``float`` ratios in 0..1, ``date``), never formatted
text: formatting is the reader's language's (``kakehashi.formatting``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Literal, TypeAlias

Granularity: TypeAlias = Literal["month", "quarter", "year"]
# What a column holds, for formatting and charts: a code of a vocabulary (``labels.py``), a period label,
# a count, a ratio (0..1, shown as a percentage), money in EUR or JPY, a duration in days, or a date.
ColumnKind: TypeAlias = Literal["code", "text", "period", "count", "ratio", "eur", "jpy", "days", "date"]
Cell: TypeAlias = str | int | float | Decimal | date | None


@dataclass(frozen=True, kw_only=True)
class Filters:
    """What the indicators count. ``start``/``end`` bound the period (inclusive dates, UTC); ``None`` is
    open. ``organisation_id`` scopes every figure to one organisation (what its members may see);
    ``agency`` is an agency code (ICE, JETRO)."""

    start: date | None = None
    end: date | None = None
    granularity: Granularity = "quarter"
    sector: str | None = None
    country: str | None = None
    agency: str | None = None
    event_id: int | None = None
    organisation_id: int | None = None


@dataclass(frozen=True, kw_only=True)
class Column:
    key: str
    label: str  # English gettext message id
    kind: ColumnKind
    vocabulary: str | None = None  # for kind "code": the labels.py vocabulary that names the codes


@dataclass(frozen=True, kw_only=True)
class Table:
    """One indicator table: the numbers behind one chart (``key`` is stable: file names, API, anchors)."""

    key: str
    title: str  # English gettext message id
    columns: tuple[Column, ...]
    rows: tuple[tuple[Cell, ...], ...]
    note: str = ""  # English gettext message id: how the figures are counted (shown under the chart)
    note_params: dict[str, str | int] = field(default_factory=dict)

    def column(self, key: str) -> int:
        """The position of the column ``key``."""
        return next(i for i, column in enumerate(self.columns) if column.key == key)
