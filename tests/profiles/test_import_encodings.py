"""Imports for Japanese and Italian offices: UTF-8 (with or without BOM), cp932 and Windows-1252 files,
detected or given, and said which; Excel workbooks; bad lines still write nothing."""

from __future__ import annotations

from pathlib import Path

import pytest
from openpyxl import Workbook
from sqlalchemy import select
from typer.testing import CliRunner

from kakehashi.accounts.service import SYSTEM
from kakehashi.cli import app
from kakehashi.errors import ValidationFailed
from kakehashi.profiles.importer import import_opportunities, import_organisations
from kakehashi.profiles.models import Opportunity, Organisation
from kakehashi.profiles.records import detect_encoding
from kakehashi.store import Database

runner = CliRunner()
HEADER = "external_id,name,name_ja,country,kind,sectors,city,description,description_language\r\n"
JAPANESE = "jp-1,Kyoto Photonics,京都フォトニクス株式会社,JP,startup,quantum,京都市,光量子デバイスの開発と製造,ja\r\n"
ITALIAN = 'it-1,Società Elettronica Ü,,IT,company,energy,Forlì,"Città: è così, perché sì",it\r\n'


def _write(tmp_path: Path, name: str, text: str, encoding: str) -> Path:
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


@pytest.mark.parametrize(
    ("encoding", "rows", "detected"),
    [
        ("cp932", HEADER + JAPANESE, "cp932"),
        ("shift_jis", HEADER + JAPANESE, "cp932"),
        ("cp1252", HEADER + ITALIAN, "cp1252"),
        ("utf-8", HEADER + JAPANESE + ITALIAN, "utf-8"),
        ("utf-8-sig", HEADER + JAPANESE + ITALIAN, "utf-8-sig"),
    ],
)
def test_the_encoding_is_detected_and_reported(
    database: Database, tmp_path: Path, encoding: str, rows: str, detected: str
) -> None:
    path = _write(tmp_path, "orgs.csv", rows, encoding)
    assert detect_encoding(path) == detected
    with database.session() as session:
        report = import_organisations(session, SYSTEM, path)
    assert report.encoding == detected
    assert f"(read as {detected})" in report.summary()
    with database.session() as session:
        names = {(o.name, o.name_ja, o.city) for o in session.scalars(select(Organisation))}
    if "JP" in rows.split("\r\n")[1]:
        assert ("Kyoto Photonics", "京都フォトニクス株式会社", "京都市") in names
    if "Società" in rows:
        assert ("Società Elettronica Ü", None, "Forlì") in names


def test_cp1252_with_only_capitals_is_not_taken_for_half_width_katakana(tmp_path: Path) -> None:
    path = _write(tmp_path, "orgs.csv", HEADER + "it-2,ÈLITE ÀÉ,,IT,company,energy,ÉÈ,x,it\r\n", "cp1252")
    assert detect_encoding(path) == "cp1252"


def test_a_given_encoding_wins_and_a_wrong_one_is_a_clear_error(database: Database, tmp_path: Path) -> None:
    path = _write(tmp_path, "orgs.csv", HEADER + JAPANESE, "cp932")
    with pytest.raises(ValidationFailed, match="not valid utf-8") as caught, database.session() as session:
        import_organisations(session, SYSTEM, path, encoding="utf-8")
    assert caught.value.problems[0].field == "encoding"
    with pytest.raises(ValidationFailed, match="Unknown encoding"), database.session() as session:
        import_organisations(session, SYSTEM, path, encoding="ebcdic")
    with database.session() as session:
        assert import_organisations(session, SYSTEM, path, encoding="Shift_JIS").created == 1


def test_the_command_line_takes_a_japanese_excel_csv_and_says_how_it_read_it(
    cli_env: dict[str, str], tmp_path: Path
) -> None:
    path = _write(tmp_path, "orgs.csv", HEADER + JAPANESE, "cp932")
    result = runner.invoke(app, ["import", "organisations", str(path)], env=cli_env)
    assert result.exit_code == 0, result.output
    assert "1 created, 0 updated (read as cp932)" in result.output
    given = runner.invoke(app, ["import", "organisations", "--encoding", "cp932", str(path)], env=cli_env)
    assert "0 created, 1 updated (read as cp932)" in given.output


def test_an_excel_workbook_is_imported(database: Database, tmp_path: Path) -> None:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(HEADER.strip().split(","))
    sheet.append(
        [
            "jp-1",
            "Kyoto Photonics",
            "京都フォトニクス",
            "JP",
            "startup",
            "quantum; ai",
            "京都",
            "光量子",
            "ja",
        ]
    )
    sheet.append([None] * 9)
    sheet.append(["it-1", "Silicio Etneo", None, "IT", "company", "semiconductors", "Catania", "SiC", "it"])
    workbook.save(tmp_path / "orgs.xlsx")
    with database.session() as session:
        report = import_organisations(session, SYSTEM, tmp_path / "orgs.xlsx")
    assert (report.created, report.updated) == (2, 0)
    with database.session() as session:
        kyoto = session.scalar(select(Organisation).where(Organisation.external_id == "jp-1"))
        assert kyoto is not None
        assert kyoto.sectors == ["ai", "quantum"]


def test_a_bad_row_of_a_workbook_names_its_row_and_writes_nothing(database: Database, tmp_path: Path) -> None:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(HEADER.strip().split(","))
    sheet.append(["it-1", "Silicio Etneo", None, "IT", "company", "semiconductors", "Catania", "SiC", "it"])
    sheet.append(["it-2", "", None, "FR", "company", "semiconductors", "Bari", "SiC", "it"])
    workbook.save(tmp_path / "orgs.xlsx")
    with pytest.raises(ValidationFailed) as caught, database.session() as session:
        import_organisations(session, SYSTEM, tmp_path / "orgs.xlsx")
    assert {(p.line, p.field) for p in caught.value.problems} == {(3, "name"), (3, "country")}
    with database.session() as session:
        assert session.scalar(select(Organisation.id)) is None


def test_a_large_file_is_written_in_batches_in_one_transaction(database: Database, tmp_path: Path) -> None:
    """More lines than one batch; one bad line at the very end: nothing at all is written."""
    rows = [f"org-{n},Organisation {n},,IT,company,energy,Roma,Energia,it\r\n" for n in range(2500)]
    good = _write(tmp_path, "orgs.csv", HEADER + "".join(rows), "utf-8")
    bad = _write(tmp_path, "bad.csv", HEADER + "".join(rows) + "org-x,X,,XX,company,energy,,,it\r\n", "utf-8")
    with pytest.raises(ValidationFailed) as caught, database.session() as session:
        import_organisations(session, SYSTEM, bad)
    assert [(p.line, p.field) for p in caught.value.problems] == [(2502, "country")]
    with database.session() as session:
        assert session.scalar(select(Organisation.id)) is None
    with database.session() as session:
        assert import_organisations(session, SYSTEM, good).created == 2500
    opportunities = tmp_path / "opps.jsonl"
    opportunities.write_text(
        "".join(
            f'{{"external_id": "o-{n}", "organisation": "org-{n}", "type": "technology_offer", "language": "it", '
            f'"title": "Offerta {n}", "description": "Una descrizione abbastanza lunga {n}.", "sectors": ["energy"]}}\n'
            for n in range(1200)
        ),
        encoding="utf-8",
    )
    with database.session() as session:
        assert import_opportunities(session, SYSTEM, opportunities).created == 1200
    with database.session() as session:
        opp = session.scalar(select(Opportunity).where(Opportunity.external_id == "o-1199"))
        assert opp is not None
        assert opp.organisation.external_id == "org-1199"
