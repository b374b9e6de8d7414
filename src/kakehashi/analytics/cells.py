"""Table cells as the reader reads them: codes named in the reader's language, numbers, money, ratios and
dates written by :mod:`kakehashi.formatting`. Shared by the dashboard, the charts and the PDF report."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from decimal import Decimal

from kakehashi.analytics.tables import Cell, Column, Table
from kakehashi.formatting import LocaleFormatter
from kakehashi.labels import VOCABULARIES, label_message

Gettext = Callable[[str], str]
NUMERIC_KINDS = ("count", "ratio", "eur", "jpy", "days")
LABEL_KINDS = ("code", "text", "period")


def label_of(column: Column, value: Cell, gettext: Gettext) -> str:
    """A code, text or period cell as a label (an unknown code stays as it is)."""
    if value is None:
        return "—"
    vocabulary = column.vocabulary
    if column.kind == "code" and vocabulary is not None and vocabulary in VOCABULARIES:
        return gettext(label_message(vocabulary, str(value)))
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def number_of(value: Cell) -> float:
    """A numeric cell as a float for drawing (None is 0)."""
    if isinstance(value, int | float | Decimal):
        return float(value)
    return 0.0


def format_cell(column: Column, value: Cell, formatter: LocaleFormatter, gettext: Gettext) -> str:
    """One cell, written for the reader."""
    if value is None:
        return "—"
    kind = column.kind
    if kind in LABEL_KINDS:
        return label_of(column, value, gettext)
    if kind == "ratio":
        return formatter.percent(number_of(value))
    if kind in ("eur", "jpy"):
        return formatter.money(value if not isinstance(value, str | date) else None, kind.upper())
    if isinstance(value, date):
        return formatter.date(value)
    if isinstance(value, str):
        return value
    if kind == "days":
        return formatter.number(round(number_of(value), 1))
    return formatter.number(value)


def format_value(kind: str, value: float, formatter: LocaleFormatter) -> str:
    """A drawn value (an axis tick, a bar's label) in the column's kind."""
    if kind == "ratio":
        return formatter.percent(value)
    if kind in ("eur", "jpy"):
        return formatter.money(Decimal(str(round(value, 2))), kind.upper())
    if kind == "days":
        return formatter.number(round(value, 1))
    return formatter.number(round(value) if float(value).is_integer() else round(value, 2))


def label_columns(table: Table) -> list[int]:
    return [i for i, column in enumerate(table.columns) if column.kind in LABEL_KINDS]


def numeric_columns(table: Table) -> list[int]:
    return [i for i, column in enumerate(table.columns) if column.kind in NUMERIC_KINDS]
