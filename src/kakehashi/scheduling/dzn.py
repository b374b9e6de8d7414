"""Reader of the B2B benchmark format: MiniZinc data (.dzn), Catalan or English field names.

Accepts the variants found in the published files: free whitespace, trailing commas in arrays and sets,
a dummy ``0`` in forbidden-slot sets, ``{}`` for no element, ``%`` comments and ``a..b`` ranges in sets.
Every error names the field and the line.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from kakehashi.errors import N_, FieldProblem, Params, ValidationFailed
from kakehashi.scheduling.problem import Meeting, Problem, Session

# canonical (English) name -> accepted spellings
FIELD_NAMES: dict[str, tuple[str, ...]] = {
    "nBusiness": ("nBusiness", "nEmpreses"),
    "nMeetings": ("nMeetings", "nReunions"),
    "nTables": ("nTables", "nTaules"),
    "nTotalSlots": ("nTotalSlots", "nFrangesTotal"),
    "nMorningSlots": ("nMorningSlots", "nFrangesMati"),
    "requested": ("requested", "demanades"),
    "nMeetingsBusiness": ("nMeetingsBusiness", "nReunionsEmpresa"),
    "forbidden": ("forbidden", "prohibides"),
    "fixed": ("fixed", "fixat"),
    "precedences": ("precedences", "precedencies"),
}
_ALIAS = {alias: canonical for canonical, aliases in FIELD_NAMES.items() for alias in aliases}
_TOKEN = re.compile(r"\s*(?:(\.\.)|([A-Za-z_][A-Za-z0-9_]*)|(-?\d+)|([=;\[\]{}|,]))")

Value = int | list[object]


@dataclass(frozen=True, slots=True)
class _Token:
    text: str
    kind: str  # "name", "int", "sym"
    line: int


def _tokenize(text: str, source: str) -> list[_Token]:
    tokens: list[_Token] = []
    for line_no, raw in enumerate(text.splitlines(), start=1):
        line = raw.split("%", 1)[0]
        pos = 0
        while pos < len(line):
            if line[pos:].strip() == "":
                break
            match = _TOKEN.match(line, pos)
            if match is None:
                bad = line[pos:].strip()[:20]
                raise ValidationFailed(
                    "cannot read %(source)s",
                    params={"source": source},
                    problems=[
                        FieldProblem("dzn", "unexpected text %(text)s", line_no, params={"text": repr(bad)})
                    ],
                )
            rng, name, num, sym = match.groups()
            if rng:
                tokens.append(_Token("..", "sym", line_no))
            elif name:
                tokens.append(_Token(name, "name", line_no))
            elif num:
                tokens.append(_Token(num, "int", line_no))
            else:
                tokens.append(_Token(sym, "sym", line_no))
            pos = match.end()
    return tokens


class _Parser:
    def __init__(self, tokens: list[_Token], source: str) -> None:
        self.tokens = tokens
        self.pos = 0
        self.source = source
        self.field = "dzn"

    def fail(self, message: str, params: Params | None = None) -> ValidationFailed:
        line = self.tokens[min(self.pos, len(self.tokens) - 1)].line if self.tokens else None
        return ValidationFailed(
            "cannot read %(source)s",
            params={"source": self.source},
            problems=[FieldProblem(self.field, message, line, params=params or {})],
        )

    def peek(self) -> _Token | None:
        return self.tokens[self.pos] if self.pos < len(self.tokens) else None

    def take(self, text: str | None = None, kind: str | None = None) -> _Token:
        token = self.peek()
        if token is None:
            raise self.fail(N_("unexpected end of file, expected %(expected)s"), {"expected": text or kind})
        if (text is not None and token.text != text) or (kind is not None and token.kind != kind):
            raise self.fail(
                N_("expected %(expected)s, found %(found)s"),
                {"expected": text or kind, "found": repr(token.text)},
            )
        self.pos += 1
        return token

    def statements(self) -> dict[str, tuple[Value, int]]:
        found: dict[str, tuple[Value, int]] = {}
        while self.peek() is not None:
            name = self.take(kind="name")
            self.field = name.text
            self.take("=")
            value = self.value()
            if self.peek() is not None:
                self.take(";")
            canonical = _ALIAS.get(name.text, name.text)
            if canonical in found:
                raise self.fail(N_("given twice"))
            found[canonical] = (value, name.line)
        return found

    def value(self) -> Value:
        token = self.peek()
        if token is not None and token.kind == "int":
            return int(self.take().text)
        if token is not None and token.text == "{":
            return self.set_value()
        self.take("[")
        nxt = self.peek()
        if nxt is not None and nxt.text == "|":
            return self.rows()
        items: list[object] = []
        while (nxt := self.peek()) is not None and nxt.text != "]":
            items.append(self.value())
            if (sep := self.peek()) is not None and sep.text == ",":
                self.take(",")
            elif sep is None or sep.text != "]":
                raise self.fail(N_("expected ',' or ']' in array"))
        self.take("]")
        return items

    def set_value(self) -> list[object]:
        self.take("{")
        items: list[object] = []
        while (nxt := self.peek()) is not None and nxt.text != "}":
            low = int(self.take(kind="int").text)
            if (rng := self.peek()) is not None and rng.text == "..":
                self.take("..")
                items.extend(range(low, int(self.take(kind="int").text) + 1))
            else:
                items.append(low)
            if (sep := self.peek()) is not None and sep.text == ",":
                self.take(",")
        self.take("}")
        return [set(items)]

    def rows(self) -> list[object]:
        rows: list[object] = []
        self.take("|")
        current: list[int] = []
        while True:
            token = self.peek()
            if token is None:
                raise self.fail(N_("unterminated 2-d array"))
            if token.text == "]":
                self.take("]")
                break
            if token.text == "|":
                self.take("|")
                rows.append(current)
                current = []
                continue
            current.append(int(self.take(kind="int").text))
            if (sep := self.peek()) is not None and sep.text == ",":
                self.take(",")
        if current:
            rows.append(current)
        return rows


def parse_dzn(text: str, *, source: str = "<dzn>") -> Problem:
    """Parse benchmark text into a Problem (0-based inside)."""
    fields = _Parser(_tokenize(text, source), source).statements()
    return _build(fields, source)


def read_dzn(path: Path) -> Problem:
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise ValidationFailed(
            "cannot read %(source)s",
            params={"source": str(path)},
            problems=[FieldProblem("file", "%(reason)s", params={"reason": str(error)})],
        ) from error
    return parse_dzn(text, source=str(path))


class _Fields:
    def __init__(self, fields: dict[str, tuple[Value, int]], source: str) -> None:
        self.fields = fields
        self.source = source

    def fail(self, name: str, message: str, params: Params | None = None) -> ValidationFailed:
        line = self.fields[name][1] if name in self.fields else None
        label = "|".join(FIELD_NAMES.get(name, (name,)))
        return ValidationFailed(
            "invalid %(source)s",
            params={"source": self.source},
            problems=[FieldProblem(label, message, line, params=params or {})],
        )

    def integer(self, name: str, *, default: int | None = None) -> int:
        if name not in self.fields:
            if default is not None:
                return default
            raise self.fail(name, N_("missing"))
        value = self.fields[name][0]
        if not isinstance(value, int):
            raise self.fail(name, N_("must be an integer"))
        return value

    def array(self, name: str, length: int) -> list[object] | None:
        if name not in self.fields:
            return None
        value = self.fields[name][0]
        if not isinstance(value, list):
            raise self.fail(name, N_("must be an array"))
        if len(value) != length:
            raise self.fail(
                name,
                N_("has %(count)s entries, expected %(expected)s"),
                {"count": len(value), "expected": length},
            )
        return value

    def int_sets(self, name: str, length: int, upper: int) -> list[frozenset[int]]:
        """An array of sets of 1..upper, returned 0-based; 0 is the format's dummy element."""
        raw = self.array(name, length)
        if raw is None:
            return [frozenset() for _ in range(length)]
        sets: list[frozenset[int]] = []
        for i, item in enumerate(raw, start=1):
            if not (isinstance(item, list) and len(item) == 1 and isinstance(item[0], set)):
                raise self.fail(name, N_("entry %(entry)s must be a set like {1,2}"), {"entry": i})
            values = {v for v in item[0] if v != 0}
            if any(not 1 <= v <= upper for v in values):
                raise self.fail(
                    name, N_("entry %(entry)s has a value outside 1..%(upper)s"), {"entry": i, "upper": upper}
                )
            sets.append(frozenset(v - 1 for v in values))
        return sets


def _build(raw: dict[str, tuple[Value, int]], source: str) -> Problem:
    f = _Fields(raw, source)
    n_business = f.integer("nBusiness")
    n_meetings = f.integer("nMeetings")
    n_slots = f.integer("nTotalSlots")
    n_morning = f.integer("nMorningSlots", default=n_slots)
    n_tables = f.integer("nTables")
    requested = f.array("requested", n_meetings)
    if requested is None:
        raise f.fail("requested", N_("missing"))
    fixed = f.array("fixed", n_meetings) or [0] * n_meetings
    precedences = f.int_sets("precedences", n_meetings, n_meetings)
    forbidden = f.int_sets("forbidden", n_business, n_slots)
    meetings: list[Meeting] = []
    for m, row in enumerate(requested, start=1):
        if not (isinstance(row, list) and len(row) == 3 and all(isinstance(v, int) for v in row)):
            raise f.fail(
                "requested", N_("row %(row)s must be 'participant, participant, session'"), {"row": m}
            )
        a, b, s = (int(v) for v in row)
        if not (1 <= a <= n_business and 1 <= b <= n_business) or a == b:
            raise f.fail(
                "requested",
                N_("row %(row)s: participants must be two different ids in 1..%(upper)s"),
                {"row": m, "upper": n_business},
            )
        if s not in (1, 2, 3):
            raise f.fail(
                "requested",
                N_("row %(row)s: session must be 1, 2 or 3, got %(session)s"),
                {"row": m, "session": s},
            )
        slot = fixed[m - 1]
        if not isinstance(slot, int) or not 0 <= slot <= n_slots:
            raise f.fail(
                "fixed",
                N_("entry %(entry)s must be 0 or a slot in 1..%(upper)s"),
                {"entry": m, "upper": n_slots},
            )
        meetings.append(
            Meeting(a - 1, b - 1, Session(s), slot - 1 if slot else None, tuple(sorted(precedences[m - 1])))
        )
    problem = Problem(
        n_participants=n_business,
        n_slots=n_slots,
        n_tables=n_tables,
        meetings=tuple(meetings),
        n_morning_slots=n_morning,
        forbidden=tuple(forbidden),
    )
    _check_counts(f, problem)
    return problem


def _check_counts(f: _Fields, problem: Problem) -> None:
    counts = f.array("nMeetingsBusiness", problem.n_participants)
    if counts is None:
        return
    actual = [len(ms) for ms in problem.meetings_of()]
    for p, (given, real) in enumerate(zip(counts, actual, strict=True), start=1):
        if given != real:
            raise f.fail(
                "nMeetingsBusiness",
                N_("participant %(participant)s is given %(given)s meetings but requests %(real)s"),
                {"participant": p, "given": given, "real": real},
            )
