"""``kakehashi analytics show|export`` through Typer's runner."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from openpyxl import load_workbook
from typer.testing import CliRunner

from kakehashi.cli import app
from kakehashi.store import Database
from tests.analytics.world import build
from tests.factories import make_user

runner = CliRunner()


def _env(database: Database, tmp_path: Path) -> dict[str, str]:
    return {
        "KAKEHASHI_DATA_DIR": str(tmp_path / "data"),
        "KAKEHASHI_DATABASE_URL": database.url,
        "KAKEHASHI_SECRET_KEY": "test-secret-key",
        "KAKEHASHI_EMBEDDER": "fake",
        "COLUMNS": "200",
    }


def test_show_prints_the_tables(database: Database, tmp_path: Path) -> None:
    with database.session() as session:
        build(session)
    result = runner.invoke(
        app,
        ["analytics", "show", "--table", "agreements", "--start", "2026-01-01"],
        env=_env(database, tmp_path),
    )
    assert result.exit_code == 0, result.output
    assert "Agreements by type" in result.output
    assert "308641.98" in result.output
    assert "16050000" in result.output
    assert "Trends" not in result.output


def test_export_csv_and_xlsx_with_filters(database: Database, tmp_path: Path) -> None:
    with database.session() as session:
        build(session)
    env = _env(database, tmp_path)
    out = tmp_path / "trends.csv"
    args = ["analytics", "export", "--table", "trends", "--out", str(out), "--language", "ja"]
    result = runner.invoke(
        app, [*args, "--start", "2026-04-01", "--end", "2026-06-30", "--granularity", "month"], env=env
    )
    assert result.exit_code == 0, result.output
    rows = list(csv.reader(io.StringIO(out.read_bytes().decode("utf-8-sig"))))
    assert [row[0] for row in rows[1:]] == ["2026-04", "2026-05", "2026-06"]
    xlsx = tmp_path / "catalogue.xlsx"
    result = runner.invoke(
        app,
        [
            "analytics",
            "export",
            "--table",
            "catalogue",
            "--format",
            "xlsx",
            "--out",
            str(xlsx),
            "--country",
            "JP",
        ],
        env=env,
    )
    assert result.exit_code == 0, result.output
    sheet = load_workbook(xlsx).active
    assert sheet is not None
    assert [row[3] for row in sheet.iter_rows(min_row=2, values_only=True)] == [1, 1]


def test_as_a_member_and_bad_filters(database: Database, tmp_path: Path) -> None:
    with database.session() as session:
        world = build(session)
        member = make_user(session, organisation=world.jp2)
        email = member.email
    env = _env(database, tmp_path)
    result = runner.invoke(app, ["analytics", "show", "--table", "agreements", "--as", email], env=env)
    assert result.exit_code == 0, result.output
    assert "50000000" in result.output
    assert "16050000" not in result.output
    bad = runner.invoke(app, ["analytics", "show", "--sector", "textiles"], env=env)
    assert bad.exit_code != 0
