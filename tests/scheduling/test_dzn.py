from __future__ import annotations

import re
from pathlib import Path

import pytest

from kakehashi.errors import ValidationFailed
from kakehashi.scheduling.dzn import parse_dzn, read_dzn
from kakehashi.scheduling.problem import Session

ENGLISH = """\
% English field names, odd whitespace and trailing commas
nBusiness=4 ;
nMeetings = 3;
nTables = 2;
nTotalSlots = 6;   nMorningSlots = 3;
requested = [| 1, 2, 1,
  | 3 , 4 , 2 |
  1,3,3,|];
nMeetingsBusiness = [2,1,2,1,];
forbidden = [{0,}, {1, 2,0}, {}, {4..5}];
fixed = [0, 0, 6,];
precedences = [{}, {1}, {0,}];
meetingsxBusiness = [{1,2,4}, {1,2}, {1,3,4}, {1,3}];
"""


def test_reads_english_names_whitespace_trailing_commas_and_dummy_zero() -> None:
    problem = parse_dzn(ENGLISH)
    assert (problem.n_participants, problem.n_slots, problem.n_tables, problem.morning_end) == (4, 6, 2, 3)
    assert [(m.a, m.b, m.session) for m in problem.meetings] == [
        (0, 1, Session.MORNING),
        (2, 3, Session.AFTERNOON),
        (0, 2, Session.ANY),
    ]
    assert problem.forbidden == (frozenset(), frozenset({0, 1}), frozenset(), frozenset({3, 4}))
    assert problem.meetings[2].fixed_slot == 5
    assert problem.meetings[1].after == (0,)
    assert problem.onsite_slots(0) == [2]  # morning, participant 2 away in slots 1-2


def test_catalan_and_english_names_give_the_same_problem() -> None:
    catalan = ENGLISH
    for english, cat in [
        ("nBusiness", "nEmpreses"),
        ("nMeetingsBusiness", "nReunionsEmpresa"),
        ("nMeetings", "nReunions"),
        ("nTables", "nTaules"),
        ("nTotalSlots", "nFrangesTotal"),
        ("nMorningSlots", "nFrangesMati"),
        ("requested", "demanades"),
        ("forbidden", "prohibides"),
        ("fixed", "fixat"),
    ]:
        catalan = re.sub(rf"\b{english}\b", cat, catalan)
    assert "nEmpreses" in catalan
    assert parse_dzn(catalan) == parse_dzn(ENGLISH)


def test_every_real_instance_reads_with_consistent_counts(data_dir: Path) -> None:
    files = sorted(data_dir.glob("*.dzn"))
    assert len(files) == 9
    for path in files:
        requested, participants = (int(x) for x in re.findall(r"(\d+)r-\d+t-(\d+)e", path.name)[0])
        problem = read_dzn(path)
        # the file names round the request count (the 30r file holds 35 requests)
        assert len(problem.meetings) >= requested
        assert problem.n_participants == participants
        assert sum(len(ms) for ms in problem.meetings_of()) == 2 * len(problem.meetings)


@pytest.mark.parametrize(
    ("text", "field", "line"),
    [
        (ENGLISH.replace("nTables = 2;", "nTables = [2];"), "nTables", 4),
        (
            ENGLISH.replace("nMeetingsBusiness = [2,1,2,1,]", "nMeetingsBusiness = [2,1,2,2,]"),
            "nMeetingsBusiness",
            9,
        ),
        (ENGLISH.replace("| 3 , 4 , 2 |", "| 3 , 9 , 2 |"), "requested", 6),
        (ENGLISH.replace("{4..5}", "{4..7}"), "forbidden", 10),
        (ENGLISH.replace("fixed = [0, 0, 6,]", "fixed = [0, 0]"), "fixed", 11),
        (ENGLISH.replace("nTables = 2;", "nTables = 2 $;"), "dzn", 4),
        (ENGLISH.replace("nTables = 2;\n", ""), "nTables", None),
    ],
)
def test_errors_name_the_field_and_line(text: str, field: str, line: int | None) -> None:
    with pytest.raises(ValidationFailed) as caught:
        parse_dzn(text)
    problem = caught.value.problems[0]
    assert field in problem.field
    assert problem.line == line


def test_unreadable_file_is_a_validation_error(tmp_path: Path) -> None:
    with pytest.raises(ValidationFailed, match="cannot read"):
        read_dzn(tmp_path / "missing.dzn")
