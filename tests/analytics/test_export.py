"""CSV and XLSX exports read back: translated headers and labels, numbers as numbers, Japanese intact."""

from __future__ import annotations

import csv
import io
from datetime import date
from decimal import Decimal

from openpyxl import load_workbook

from kakehashi.analytics.export import filename, to_csv, to_xlsx
from kakehashi.analytics.tables import Column, Table
from kakehashi.web.i18n import load_translations

TABLE = Table(
    key="agreements",
    title="Agreements by type",
    columns=(
        Column(key="sector", label="Sector", kind="code", vocabulary="sector"),
        Column(key="agreements", label="Agreements", kind="count"),
        Column(key="acceptance", label="Acceptance ratio", kind="ratio"),
        Column(key="amount_eur", label="Amount (EUR)", kind="eur"),
        Column(key="amount_jpy", label="Amount (JPY)", kind="jpy"),
        Column(key="first_day", label="First day", kind="date"),
    ),
    rows=(
        ("ai", 3, 0.5, Decimal("308641.98"), Decimal("50000000"), date(2027, 10, 28)),
        ("semiconductors", 0, None, Decimal("0.00"), Decimal("0"), None),
    ),
)


def test_csv_has_a_bom_translated_headers_and_plain_numbers() -> None:
    ja = load_translations()["ja"].gettext
    data = to_csv(TABLE, gettext=ja)
    assert data.startswith(b"\xef\xbb\xbf")
    header, first, second = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert header[0] == ja("Sector") != "Sector"
    assert header[3] == ja("Amount (EUR)")
    assert first == [ja("Artificial intelligence"), "3", "0.5", "308641.98", "50000000", "2027-10-28"]
    assert second[2] == ""
    assert second[5] == ""


def test_xlsx_keeps_numbers_as_numbers() -> None:
    it = load_translations()["it"].gettext
    book = load_workbook(io.BytesIO(to_xlsx(TABLE, gettext=it)))
    sheet = book.active
    assert sheet is not None
    assert sheet.title == it("Agreements by type")[:31]
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0] == it("Sector") != "Sector"
    assert rows[1][0] == it("Artificial intelligence")
    assert rows[1][1] == 3
    assert rows[1][2] == 0.5
    assert rows[1][3] == 308641.98
    assert rows[1][4] == 50000000
    assert rows[1][5].date() == date(2027, 10, 28)
    assert sheet["C2"].number_format == "0.0%"
    assert rows[2][2] is None


def test_file_names() -> None:
    assert filename(TABLE, "csv") == "kakehashi-agreements.csv"
    assert filename(TABLE, "xlsx") == "kakehashi-agreements.xlsx"
