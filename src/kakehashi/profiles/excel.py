"""Excel workbooks (``.xlsx``) as import records: the first sheet, a header row, one record per row.

openpyxl's read-only mode streams the rows, so a large workbook is read in bounded memory like a CSV.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from zipfile import BadZipFile

from openpyxl import load_workbook

from kakehashi.errors import FieldProblem, ValidationFailed
from kakehashi.profiles.records import Record, cell_text


def xlsx_records(path: Path) -> Iterator[Record | FieldProblem]:
    try:
        workbook = load_workbook(path, read_only=True, data_only=True)
    except (BadZipFile, KeyError, OSError) as error:
        raise ValidationFailed(
            "%(file)s is not an Excel workbook (.xlsx): %(reason)s",
            params={"file": path.name, "reason": str(error)},
            problems=[FieldProblem("file", "not an .xlsx workbook")],
        ) from None
    try:
        rows = workbook.worksheets[0].iter_rows(values_only=True)
        header = [str(cell).strip() if cell is not None else "" for cell in next(rows, ())]
        for number, row in enumerate(rows, start=2):
            if all(cell is None or (isinstance(cell, str) and not cell.strip()) for cell in row):
                continue
            if len(row) > len(header) and any(cell is not None for cell in row[len(header) :]):
                yield FieldProblem("(row)", "more cells than header columns", line=number)
                continue
            yield Record(
                number, {key: cell_text(value) for key, value in zip(header, row, strict=False) if key}
            )
    finally:
        workbook.close()
