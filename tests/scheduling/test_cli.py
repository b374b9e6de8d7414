from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from icalendar import Calendar
from typer.testing import CliRunner

from kakehashi.cli import app

INSTANCE = """nEmpreses = 4; nReunions = 3; nTaules = 1; nFrangesTotal = 4; nFrangesMati = 2;
demanades = [| 1, 2, 3, | 2, 3, 3, | 3, 4, 3, |];
nReunionsEmpresa = [1, 2, 2, 1];
prohibides = [{0,}, {0,}, {4, 0}, {0,}];
fixat = [0, 0, 0];
"""


def _instance(tmp_path: Path) -> Path:
    path = tmp_path / "tiny.dzn"
    path.write_text(INSTANCE, encoding="utf-8")
    return path


def test_schedule_file_prints_one_json_object(tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["schedule", str(_instance(tmp_path)), "--time-limit", "5", "--json"])
    assert result.exit_code == 0, result.output
    payload = json.loads(result.stdout)
    assert payload["status"] == "optimal"
    assert payload["breaks"] == 0
    assert payload["unscheduled"] == []
    assert {a["meeting"] for a in payload["assignments"]} == {1, 2, 3}
    assert all(1 <= a["slot"] <= 4 and a["table"] == 1 for a in payload["assignments"])
    assert "solving:" in result.stderr


def test_options_before_the_file_and_explicit_solve_also_work(tmp_path: Path) -> None:
    path = str(_instance(tmp_path))
    for args in (["schedule", "--json", path], ["schedule", "solve", path, "--json", "--fairness", "0"]):
        result = CliRunner().invoke(app, args)
        assert result.exit_code == 0, result.output
        assert json.loads(result.stdout)["status"] == "optimal"


def test_check_accepts_the_solver_output_and_rejects_a_tampered_agenda(tmp_path: Path) -> None:
    path = _instance(tmp_path)
    runner = CliRunner()
    solved = runner.invoke(app, ["schedule", str(path), "--json"])
    agenda = tmp_path / "agenda.json"
    agenda.write_text(solved.stdout, encoding="utf-8")
    ok = runner.invoke(app, ["schedule", "check", str(path), str(agenda)])
    assert ok.exit_code == 0, ok.output
    assert ok.stdout.startswith("ok: 0 breaks")
    data = json.loads(solved.stdout)
    for row in data["assignments"]:
        row["slot"] = 4  # everybody in slot 4, where participant 3 is away
    agenda.write_text(json.dumps(data), encoding="utf-8")
    bad = runner.invoke(app, ["schedule", "check", str(path), str(agenda), "--json"])
    assert bad.exit_code == 1
    report = json.loads(bad.stdout)
    assert report["ok"] is False
    assert any("participant 3 is not available" in v for v in report["violations"])


def test_bad_instance_names_field_and_line(tmp_path: Path) -> None:
    path = tmp_path / "bad.dzn"
    path.write_text(INSTANCE.replace("nTaules = 1;", "nTaules = x;"), encoding="utf-8")
    result = CliRunner().invoke(app, ["schedule", str(path), "--json"])
    assert result.exit_code == 2
    assert "line 1, nTaules" in result.stderr


def test_infeasible_instance_exits_1_with_an_explanation(tmp_path: Path) -> None:
    path = tmp_path / "full.dzn"
    path.write_text(
        INSTANCE.replace("prohibides = [{0,}, {0,}, {4, 0}", "prohibides = [{0,}, {1,2,3}, {4, 0}")
    )
    result = CliRunner().invoke(app, ["schedule", str(path), "--json"])
    assert result.exit_code == 1
    payload = json.loads(result.stdout)
    assert payload["status"] == "infeasible"
    assert "participant 2" in payload["explanation"]


def test_greedy_csv_and_calendars_are_written(tmp_path: Path) -> None:
    path = _instance(tmp_path)
    out_csv = tmp_path / "agenda.csv"
    ics = tmp_path / "ics"
    args = ["schedule", str(path), "--greedy", "--csv", str(out_csv), "--ics-dir", str(ics)]
    result = CliRunner().invoke(app, [*args, "--start", "2026-01-14T09:00", "--slot-minutes", "30"])
    assert result.exit_code == 0, result.output
    rows = out_csv.read_text().splitlines()
    assert rows[0].startswith("meeting,participant_a")
    assert len(rows) == 4
    assert rows[1].split(",")[4] == "2026-01-14T08:00:00+00:00"  # 9:00 in Rome, winter
    calendars = sorted(p.name for p in ics.glob("*.ics"))
    assert calendars == [f"participant-{n}.ics" for n in (1, 2, 3, 4)]
    cal = Calendar.from_ical((ics / "participant-2.ics").read_bytes())
    assert len(cal.walk("VEVENT")) == 2


def test_schedule_help_starts_without_the_solver_or_the_store() -> None:
    code = (
        "import sys\n"
        "sys.argv = ['kakehashi', 'schedule', '--help']\n"
        "from kakehashi.cli import main\n"
        "try:\n"
        "    main()\n"
        "except SystemExit:\n"
        "    pass\n"
        "heavy = [m for m in ('ortools', 'pysat', 'sqlalchemy', 'kakehashi.matching') if m in sys.modules]\n"
        "print('HEAVY', heavy)\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert "HEAVY []" in done.stdout, done.stdout
    assert "check" in done.stdout
