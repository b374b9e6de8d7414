"""Importers: all-or-nothing, line and field named, idempotent by external id."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from sqlalchemy import func, select

from kakehashi.accounts.roles import VISITOR
from kakehashi.accounts.service import SYSTEM
from kakehashi.errors import PermissionDenied, ValidationFailed
from kakehashi.profiles.companies import EXCLUDED, japanese_name
from kakehashi.profiles.importer import import_companies, import_opportunities, import_organisations
from kakehashi.profiles.models import Opportunity, Organisation
from kakehashi.store import Database

ORG_HEADER = (
    "external_id,name,name_ja,country,kind,sectors,ateco_code,city,description,description_language\n"
)
GOOD_ORG = 'org-1,Silicio Alpino,,IT,company,semiconductors; energy,26.11,Catania,"Wafer SiC.",it\n'
GOOD_ORG_JP = "org-2,Kyoto Photonics,京都フォトニクス,JP,startup,quantum,,京都,光量子デバイス,ja\n"
COMPANIES = Path(__file__).parents[2] / "src/kakehashi/demo/data/companies-wikipedia/companies_it_jp.csv"


def count(database: Database, model: type) -> int:
    with database.session() as session:
        return session.scalar(select(func.count()).select_from(model)) or 0


def test_csv_with_one_bad_row_writes_nothing_and_names_line_and_field(
    database: Database, tmp_path: Path
) -> None:
    bad_row = 'org-3,Bad Row S.r.l.,,IT,company,nanotech,26.11,Bari,"x",it\n'
    path = tmp_path / "orgs.csv"
    path.write_text(ORG_HEADER + GOOD_ORG + GOOD_ORG_JP + bad_row, encoding="utf-8")
    with pytest.raises(ValidationFailed) as caught, database.session() as session:
        import_organisations(session, SYSTEM, path)
    problems = caught.value.problems
    assert [(p.line, p.field) for p in problems] == [(4, "sectors.0")]
    assert "line 4, sectors.0" in str(caught.value)
    assert count(database, Organisation) == 0


def test_reimport_updates_instead_of_duplicating(database: Database, tmp_path: Path) -> None:
    path = tmp_path / "orgs.csv"
    path.write_text(ORG_HEADER + GOOD_ORG + GOOD_ORG_JP, encoding="utf-8")
    with database.session() as session:
        first = import_organisations(session, SYSTEM, path)
    path.write_text(ORG_HEADER + GOOD_ORG.replace("Catania", "Siracusa") + GOOD_ORG_JP, encoding="utf-8")
    with database.session() as session:
        second = import_organisations(session, SYSTEM, path)
    assert (first.created, first.updated) == (2, 0)
    assert (second.created, second.updated) == (0, 2)
    assert count(database, Organisation) == 2
    with database.session() as session:
        org = session.scalar(select(Organisation).where(Organisation.external_id == "org-1"))
        assert org is not None
        assert org.city == "Siracusa"
        assert org.sectors == ["semiconductors", "energy"]  # as in the file: the vocabulary order


def test_opportunities_jsonl_import_checks_owner_and_fields(database: Database, tmp_path: Path) -> None:
    orgs = tmp_path / "orgs.csv"
    orgs.write_text(ORG_HEADER + GOOD_ORG, encoding="utf-8")
    good = {
        "external_id": "opp-1",
        "organisation": "org-1",
        "type": "technology_offer",
        "language": "it",
        "title": "Wafer SiC da 200 mm",
        "description": "Offriamo wafer in carburo di silicio da 200 mm per moduli di potenza.",
        "translations": {"en": {"title": "200 mm SiC wafers", "description": "We offer 200 mm SiC wafers."}},
        "sectors": ["semiconductors"],
        "keywords": ["SiC"],
        "trl": 8,
        "status": "published",
    }
    unknown_owner = {**good, "external_id": "opp-2", "organisation": "nobody"}
    bad_trl = {**good, "external_id": "opp-3", "trl": 12}
    path = tmp_path / "opps.jsonl"
    with database.session() as session:
        import_organisations(session, SYSTEM, orgs)
    path.write_text("\n".join(json.dumps(r) for r in (good, bad_trl)) + "\n", encoding="utf-8")
    with pytest.raises(ValidationFailed) as caught, database.session() as session:
        import_opportunities(session, SYSTEM, path)
    assert [(p.line, p.field) for p in caught.value.problems] == [(2, "trl")]
    path.write_text("\n".join(json.dumps(r) for r in (good, unknown_owner)) + "\n", encoding="utf-8")
    with pytest.raises(ValidationFailed) as caught, database.session() as session:
        import_opportunities(session, SYSTEM, path)
    assert [(p.line, p.field) for p in caught.value.problems] == [(2, "organisation")]
    assert count(database, Opportunity) == 0
    path.write_text(json.dumps(good) + "\n", encoding="utf-8")
    for _ in range(2):
        with database.session() as session:
            import_opportunities(session, SYSTEM, path)
    assert count(database, Opportunity) == 1
    with database.session() as session:
        opp = session.scalar(select(Opportunity))
        assert opp is not None
        assert opp.translations == {
            "en": {"title": "200 mm SiC wafers", "description": "We offer 200 mm SiC wafers."}
        }
        assert opp.published_at is not None


def test_malformed_jsonl_line_is_reported(database: Database, tmp_path: Path) -> None:
    path = tmp_path / "opps.jsonl"
    path.write_text('{"external_id": "a"}\n{not json\n', encoding="utf-8")
    with pytest.raises(ValidationFailed) as caught, database.session() as session:
        import_opportunities(session, SYSTEM, path)
    assert [p.line for p in caught.value.problems] == [2]


def test_only_staff_import(database: Database, tmp_path: Path) -> None:
    path = tmp_path / "orgs.csv"
    path.write_text(ORG_HEADER + GOOD_ORG, encoding="utf-8")
    with pytest.raises(PermissionDenied), database.session() as session:
        import_organisations(session, VISITOR, path)


def test_wikipedia_companies_import_with_japanese_names_and_sectors(database: Database) -> None:
    with database.session() as session:
        report = import_companies(session, SYSTEM, COMPANIES)
    assert (report.created, report.updated) == (140, 0)
    with database.session() as session:
        rows = session.scalars(select(Organisation)).all()
        by_name = {o.name: o for o in rows}
        assert sum(o.country == "JP" for o in rows) == 104
        assert sum(o.name_ja is not None for o in rows) == 93
        assert by_name["Toyota"].name_ja == "トヨタ自動車株式会社"
        assert by_name["Toyota"].source == "wikipedia"
        assert all(o.name_ja is None for o in rows if o.country == "IT")
        sectors = {o.name: o.sectors for o in rows}
    assert {s for secs in sectors.values() for s in secs} >= {"semiconductors", "energy", "other"}


def test_japanese_name_extraction() -> None:
    lead = "Toshiba (株式会社東芝, Kabushiki gaisha Tōshiba, English: ) is a Japanese company."
    assert japanese_name(lead) == "株式会社東芝"
    mufg = "MUFG (MUFG; 株式会社三菱UFJフィナンシャル・グループ, Kabushiki gaisha) is a bank."
    assert japanese_name(mufg) == "株式会社三菱UFJフィナンシャル・グループ"
    assert japanese_name("An Italian bank (Milan).") is None


def test_csv_error_in_the_first_data_row_is_line_2(database: Database, tmp_path: Path) -> None:
    # The header is line 1: the first record is line 2, and a quoted cell spanning lines moves the next.
    first_bad = 'org-3,Bad Row S.r.l.,,IT,company,nanotech,26.11,Bari,"x",it\n'
    multi_line = 'org-4,Due Righe S.r.l.,,IT,company,energy,,Bari,"prima riga\nseconda riga",it\n'
    second_bad = 'org-5,Altra S.r.l.,,XX,company,energy,,Bari,"x",it\n'
    path = tmp_path / "orgs.csv"
    path.write_text(ORG_HEADER + first_bad + multi_line + second_bad, encoding="utf-8")
    with pytest.raises(ValidationFailed) as caught, database.session() as session:
        import_organisations(session, SYSTEM, path)
    assert [(p.line, p.field) for p in caught.value.problems] == [(2, "sectors.0"), (5, "country")]
    assert "line 2, sectors.0" in str(caught.value)


def test_jsonl_error_in_the_first_line_is_line_1(database: Database, tmp_path: Path) -> None:
    good = {
        "external_id": "org-9",
        "name": "Nove S.r.l.",
        "country": "IT",
        "kind": "company",
        "sectors": ["energy"],
        "description_language": "it",
    }
    path = tmp_path / "orgs.jsonl"
    lines = [json.dumps({**good, "kind": "guild"}), "", json.dumps({**good, "external_id": "org-10"})]
    path.write_text("\n".join(lines) + "\n" + json.dumps({**good, "country": "FR"}) + "\n", encoding="utf-8")
    with pytest.raises(ValidationFailed) as caught, database.session() as session:
        import_organisations(session, SYSTEM, path)
    assert [(p.line, p.field) for p in caught.value.problems] == [(1, "kind"), (4, "country")]


def test_wrong_rows_of_the_wikipedia_list_are_dropped_from_the_copy_and_skipped(
    database: Database, tmp_path: Path
) -> None:
    with COMPANIES.open(encoding="utf-8-sig", newline="") as handle:
        shipped = {row["name"] for row in csv.DictReader(handle)}
    assert set(EXCLUDED) == {"Abercrombie & Fitch", "7-Eleven"}
    assert not shipped & set(EXCLUDED)
    # The upstream list still has them: an import of it skips them all the same.
    header = ",name,country,people,industry,web,description,continent\n"
    rows = (
        '<Abercrombie_&_Fitch>,Abercrombie & Fitch,Italy,65000,retail,,"An American retailer.",Europe\n'
        '<7-Eleven>,7-Eleven,Japan,45000,retail,http://7eleven.ca,"Headquartered in Dallas, Texas.",Asia\n'
        '<Eni>,Eni,Italy,80911,oil and gas,http://www.eni.com,"Eni S.p.A. is an Italian company.",Europe\n'
    )
    path = tmp_path / "companies.csv"
    path.write_text(header + rows, encoding="utf-8")
    with database.session() as session:
        report = import_companies(session, SYSTEM, path)
    assert (report.created, report.updated) == (1, 0)
    with database.session() as session:
        assert session.scalars(select(Organisation.name)).all() == ["Eni"]
