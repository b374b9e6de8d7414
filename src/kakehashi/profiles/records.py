"""Reading import files (CSV, JSON Lines, Excel) into numbered records, one at a time, before validation.

Files are read as a stream, never whole, so a large file costs little memory. Offices in Japan and Italy
save CSV from Excel as cp932 (Shift_JIS) or Windows-1252 rather than UTF-8: the encoding is detected
(UTF-8 with or without BOM, then cp932, then Windows-1252) or given, and always reported.
"""

from __future__ import annotations

import codecs
import csv
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any, Final

from kakehashi.errors import FieldProblem, ValidationFailed

LIST_SEPARATOR = ";"
TRANSLATION_PREFIX = "translation_"
TEXT_SUFFIXES: Final = frozenset({".csv", ".jsonl", ".ndjson", ".json"})
EXCEL_SUFFIXES: Final = frozenset({".xlsx"})
# A cell longer than this cannot be valid (the longest field is 20,000 characters); the csv module's
# own limit (131,072) would otherwise end the import with a traceback.
MAX_CELL: Final = 100_000
# Given with --encoding: the usual names of the three encodings, and Python's own.
ENCODING_ALIASES: Final = {
    "utf8": "utf-8",
    "utf-8": "utf-8",
    "utf-8-sig": "utf-8-sig",
    "cp932": "cp932",
    "shift_jis": "cp932",
    "shift-jis": "cp932",
    "sjis": "cp932",
    "windows-31j": "cp932",
    "cp1252": "cp1252",
    "windows-1252": "cp1252",
    "latin-1": "latin-1",
    "iso-8859-1": "latin-1",
}
_JAPANESE: Final = re.compile(r"[\u3040-\u30ff\u3400-\u9fff]")
_CHUNK: Final = 1 << 20


@dataclass(frozen=True, slots=True)
class Record:
    line: int  # where the record starts in the file (1-based; the row for Excel), for error messages
    data: dict[str, Any]


@dataclass(frozen=True, slots=True)
class Source:
    """An import file and how it is read: ``encoding`` is a Python codec, or ``xlsx``."""

    path: Path
    encoding: str

    def records(self) -> Iterator[Record | FieldProblem]:
        """Each record in file order, or a problem where a line cannot be read (a pass over the file)."""
        if self.encoding == "xlsx":
            from kakehashi.profiles.excel import xlsx_records

            yield from xlsx_records(self.path)
            return
        try:
            if self.path.suffix.lower() == ".csv":
                yield from _csv_records(self.path, self.encoding)
            else:
                yield from _jsonl_records(self.path, self.encoding)
        except UnicodeDecodeError as error:
            raise ValidationFailed(
                "%(file)s is not valid %(encoding)s (byte %(position)s); give the right one with --encoding.",
                params={"file": self.path.name, "encoding": self.encoding, "position": error.start},
                problems=[FieldProblem("encoding", "the file does not decode with this encoding")],
            ) from None


def open_source(path: Path, *, encoding: str | None = None) -> Source:
    """The file at ``path`` with its encoding: the one given, else the one detected."""
    if not path.is_file():
        raise ValidationFailed(
            "%(path)s is not a file.",
            params={"path": str(path)},
            problems=[FieldProblem("file", "not found")],
        )
    suffix = path.suffix.lower()
    if suffix in EXCEL_SUFFIXES:
        return Source(path, "xlsx")
    if suffix not in TEXT_SUFFIXES:
        raise ValidationFailed(
            "%(file)s: unknown file type.",
            params={"file": path.name},
            problems=[FieldProblem("file", "expected .csv, .jsonl or .xlsx")],
        )
    if encoding is not None:
        return Source(path, _known_encoding(encoding))
    return Source(path, detect_encoding(path))


def _known_encoding(name: str) -> str:
    codec = ENCODING_ALIASES.get(name.strip().lower())
    if codec is None:
        raise ValidationFailed(
            "Unknown encoding %(name)s: use utf-8, cp932 (Shift_JIS) or cp1252 (Windows-1252).",
            params={"name": name},
            problems=[FieldProblem("encoding", "not one of utf-8, cp932, cp1252")],
        )
    return codec


def detect_encoding(path: Path) -> str:
    """UTF-8 (``utf-8-sig`` when it starts with a BOM), else cp932, else Windows-1252.

    cp932 also decodes many Windows-1252 files (accented capitals read as half-width katakana), so it is
    chosen only when the text then contains kana or kanji, or when Windows-1252 cannot read it.
    """
    with path.open("rb") as handle:
        has_bom = handle.read(3) == codecs.BOM_UTF8
    if _decodes(path, "utf-8")[0]:
        return "utf-8-sig" if has_bom else "utf-8"
    cp932, japanese = _decodes(path, "cp932")
    if cp932 and japanese:
        return "cp932"
    if _decodes(path, "cp1252")[0]:
        return "cp1252"
    if cp932:
        return "cp932"
    raise ValidationFailed(
        "%(file)s is neither UTF-8, cp932 (Shift_JIS) nor Windows-1252; give its encoding with --encoding.",
        params={"file": path.name},
        problems=[FieldProblem("encoding", "not detected")],
    )


def _decodes(path: Path, encoding: str) -> tuple[bool, bool]:
    """Whether the whole file decodes strictly, and whether Japanese script appears (a streaming pass)."""
    decoder = codecs.getincrementaldecoder(encoding)("strict")
    japanese = False
    with path.open("rb") as handle:
        try:
            while chunk := handle.read(_CHUNK):
                text = decoder.decode(chunk)
                japanese = japanese or _JAPANESE.search(text) is not None
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            return False, japanese
    return True, japanese


def _jsonl_records(path: Path, encoding: str) -> Iterator[Record | FieldProblem]:
    with path.open(encoding=_with_bom(encoding)) as handle:
        for number, raw in enumerate(handle, start=1):
            if not raw.strip():
                continue
            try:
                value = json.loads(raw)
            except json.JSONDecodeError as error:
                yield FieldProblem(
                    "(line)", "invalid JSON: %(reason)s", line=number, params={"reason": error.msg}
                )
                continue
            if not isinstance(value, dict):
                yield FieldProblem("(line)", "expected a JSON object", line=number)
                continue
            yield Record(number, value)


def _csv_records(path: Path, encoding: str) -> Iterator[Record | FieldProblem]:
    csv.field_size_limit(max(csv.field_size_limit(), MAX_CELL))
    with path.open(encoding=_with_bom(encoding), newline="") as handle:
        reader = csv.DictReader(handle)
        reader.fieldnames  # noqa: B018 -- reads the header now, so line_num counts it (header = line 1)
        start = reader.line_num + 1
        while True:
            try:
                row = next(reader)
            except StopIteration:
                return
            except csv.Error as error:
                yield FieldProblem(
                    "(row)", "unreadable CSV: %(reason)s", line=start, params={"reason": str(error)}
                )
                return
            extra = row.pop(None, None)
            if extra:
                yield FieldProblem("(row)", "more cells than header columns", line=start)
            else:
                yield Record(start, {key.strip(): value for key, value in row.items() if key})
            start = reader.line_num + 1


def _with_bom(encoding: str) -> str:
    """A UTF-8 file is read with ``utf-8-sig`` either way: a BOM is skipped, its absence is fine."""
    return "utf-8-sig" if encoding == "utf-8" else encoding


def cell_text(value: Any) -> Any:
    """An Excel cell as the CSV importer would read it (dates in ISO form, whole numbers without .0)."""
    if value is None or isinstance(value, str | bool):
        return value
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == datetime.min.time() else value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


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
