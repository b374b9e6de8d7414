"""Table cells as the reader reads them: codes named in the reader's language, numbers, money, ratios and
dates written by :mod:`kakehashi.formatting`. Shared by the dashboard, the charts and the PDF report."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date
from decimal import Decimal

from kakehashi.analytics.tables import Cell, Column, Table
from kakehashi.errors import N_
from kakehashi.formatting import LocaleFormatter
from kakehashi.labels import VOCABULARIES, label_message

Gettext = Callable[[str], str]
NUMERIC_KINDS = ("count", "ratio", "eur", "jpy", "days")
LABEL_KINDS = ("code", "text", "period")


QUARTER_LABEL = N_("Q%(quarter)s %(year)s")
_QUARTER = re.compile(r"^(\d{4})-?Q([1-4])$")
_MONTH = re.compile(r"^(\d{4})-(\d{2})$")


def period_label(value: Cell, gettext: Gettext, formatter: LocaleFormatter | None = None) -> str:
    """A period as the reader writes it: ``2026Q3`` → ``T3 2026`` / ``2026年第3四半期``, ``2026-07`` → the
    month's name (a year, or anything else, stays as it is)."""
    text = value.isoformat() if isinstance(value, date) else str(value)
    quarter = _QUARTER.match(text)
    if quarter:
        return gettext(QUARTER_LABEL) % {"quarter": quarter.group(2), "year": quarter.group(1)}
    month = _MONTH.match(text)
    if month and formatter is not None and 1 <= int(month.group(2)) <= 12:
        return formatter.month(date(int(month.group(1)), int(month.group(2)), 1))
    return text


def label_of(column: Column, value: Cell, gettext: Gettext, formatter: LocaleFormatter | None = None) -> str:
    """A code, text or period cell as a label (an unknown code stays as it is)."""
    if value is None:
        return "—"
    if column.kind == "period":
        return period_label(value, gettext, formatter)
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
        return label_of(column, value, gettext, formatter)
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
