"""Reading import files (CSV or JSON Lines) into numbered records, before any validation."""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from kakehashi.errors import FieldProblem, ValidationFailed

LIST_SEPARATOR = ";"
TRANSLATION_PREFIX = "translation_"


@dataclass(frozen=True, slots=True)
class Record:
    line: int  # where the record starts in the file (1-based), for error messages
    data: dict[str, Any]


def read_records(path: Path) -> list[Record]:
    """Records of a ``.csv`` or ``.jsonl``/``.ndjson`` file; a malformed line is a ValidationFailed."""
    if not path.is_file():
        raise ValidationFailed(
            "%(path)s is not a file.",
            params={"path": str(path)},
            problems=[FieldProblem("file", "not found")],
        )
    suffix = path.suffix.lower()
    if suffix == ".csv":
        return list(_csv_records(path))
    if suffix in (".jsonl", ".ndjson", ".json"):
        return list(_jsonl_records(path))
    raise ValidationFailed(
        "%(file)s: unknown file type.",
        params={"file": path.name},
        problems=[FieldProblem("file", "expected .csv or .jsonl")],
    )


def _jsonl_records(path: Path) -> Iterator[Record]:
    problems = []
    records = []
    with path.open(encoding="utf-8") as handle:
        for number, raw in enumerate(handle, start=1):
            if not raw.strip():
                continue
            try:
                value = json.loads(raw)
            except json.JSONDecodeError as error:
                problems.append(
                    FieldProblem(
                        "(line)", "invalid JSON: %(reason)s", line=number, params={"reason": error.msg}
                    )
                )
                continue
            if not isinstance(value, dict):
                problems.append(FieldProblem("(line)", "expected a JSON object", line=number))
                continue
            records.append(Record(number, value))
    if problems:
        raise ValidationFailed(
            "%(file)s has malformed lines; nothing was imported.",
            params={"file": path.name},
            problems=problems,
        )
    yield from records


def _csv_records(path: Path) -> Iterator[Record]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        reader = csv.DictReader(handle)
        reader.fieldnames  # noqa: B018 -- reads the header now, so line_num counts it (header = line 1)
        start = reader.line_num + 1
        for row in reader:
            extra = row.pop(None, None)
            if extra:
                raise ValidationFailed(
                    "%(file)s has a row with more cells than columns; nothing was imported.",
                    params={"file": path.name},
                    problems=[FieldProblem("(row)", "more cells than header columns", line=start)],
                )
            yield Record(start, {key.strip(): value for key, value in row.items() if key})
            start = reader.line_num + 1


def csv_cell_list(value: Any) -> Any:
    """``a; b`` in a CSV cell is a list; JSON values pass unchanged."""
    if isinstance(value, str):
        return [part.strip() for part in value.split(LIST_SEPARATOR) if part.strip()]
    return value


def blank_to_none(data: dict[str, Any]) -> dict[str, Any]:
    return {
        key: (None if isinstance(value, str) and not value.strip() else value) for key, value in data.items()
    }


def gather_translations(data: dict[str, Any]) -> dict[str, Any]:
    """CSV columns ``translation_<lang>_title`` / ``translation_<lang>_description`` become ``translations``."""
    result = {k: v for k, v in data.items() if not k.startswith(TRANSLATION_PREFIX)}
    translations: dict[str, dict[str, Any]] = dict(result.get("translations") or {})
    for key, value in data.items():
        if not key.startswith(TRANSLATION_PREFIX) or value is None:
            continue
        lang, _, part = key.removeprefix(TRANSLATION_PREFIX).partition("_")
        translations.setdefault(lang, {})[part] = value
    if translations:
        result["translations"] = translations
    return result
