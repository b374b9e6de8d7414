"""Any indicator table as a file for the reader: CSV (UTF-8 with a byte order mark, so that Excel reads
Japanese right) or XLSX. Header labels and vocabulary codes in the reader's language; counts, ratios,
money and days stay numbers (a ratio 0..1, shown as a percentage in XLSX), dates stay dates."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from datetime import date
from decimal import Decimal
from typing import Final, Literal, TypeAlias

from openpyxl import Workbook
from openpyxl.utils import get_column_letter

from kakehashi.analytics.tables import Cell, Column, Table
from kakehashi.errors import Gettext
from kakehashi.labels import VOCABULARIES, label_message

ExportFormat: TypeAlias = Literal["csv", "xlsx"]
FORMATS: Final[tuple[ExportFormat, ...]] = ("csv", "xlsx")
MEDIA_TYPES: Final[dict[ExportFormat, str]] = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
BOM: Final = "\ufeff"
NUMBER_FORMATS: Final[dict[str, str]] = {
    "ratio": "0.0%",
    "eur": "#,##0.00",
    "jpy": "#,##0",
    "days": "0.0",
    "count": "0",
    "date": "yyyy-mm-dd",
}
_SHEET_FORBIDDEN: Final = str.maketrans(dict.fromkeys("[]:*?/\\", " "))


def header(table: Table, gettext: Gettext) -> list[str]:
    return [gettext(column.label) for column in table.columns]


def cell_value(column: Column, cell: Cell, gettext: Gettext) -> str | int | float | Decimal | date | None:
    """A cell as written in a file: a code becomes its translated label, everything else stays a value."""
    vocabulary = column.vocabulary
    if (
        column.kind == "code"
        and isinstance(cell, str)
        and vocabulary is not None
        and vocabulary in VOCABULARIES
    ):
        return gettext(label_message(vocabulary, cell))
    return cell


def values(table: Table, gettext: Gettext) -> list[list[str | int | float | Decimal | date | None]]:
    return [
        [cell_value(column, cell, gettext) for column, cell in zip(table.columns, row, strict=True)]
        for row in table.rows
    ]


def to_csv(table: Table, *, gettext: Gettext) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(header(table, gettext))
    for row in values(table, gettext):
        writer.writerow(["" if value is None else _csv_text(value) for value in row])
    return (BOM + buffer.getvalue()).encode("utf-8")


def _csv_text(value: str | int | float | Decimal | date) -> str:
    if isinstance(value, float):
        return repr(round(value, 6))
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def to_xlsx(table: Table, *, gettext: Gettext) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = (gettext(table.title).translate(_SHEET_FORBIDDEN).strip() or table.key)[:31]
    sheet.append(header(table, gettext))
    for row in values(table, gettext):
        sheet.append(row)
    _format_columns(sheet, table.columns, len(table.rows))
    sheet.freeze_panes = "A2"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _format_columns(sheet: object, columns: Sequence[Column], n_rows: int) -> None:
    for index, column in enumerate(columns, start=1):
        letter = get_column_letter(index)
        number_format = NUMBER_FORMATS.get(column.kind)
        if number_format is not None:
            for row in range(2, n_rows + 2):
                sheet[f"{letter}{row}"].number_format = number_format  # type: ignore[index]
        sheet.column_dimensions[letter].width = 18  # type: ignore[attr-defined]


def export(table: Table, file_format: ExportFormat, *, gettext: Gettext) -> bytes:
    return to_csv(table, gettext=gettext) if file_format == "csv" else to_xlsx(table, gettext=gettext)


def filename(table: Table, file_format: ExportFormat) -> str:
    return f"kakehashi-{table.key}.{file_format}"
