"""``kakehashi import …``: bulk loading of organisations and opportunities (all or nothing)."""

from __future__ import annotations

from pathlib import Path
from typing import Protocol

import typer
from sqlalchemy.orm import Session

from kakehashi.accounts.roles import Actor
from kakehashi.accounts.service import SYSTEM
from kakehashi.cli.common import console, err_console, open_database, settings
from kakehashi.profiles.importer import (
    ImportReport,
    import_companies,
    import_opportunities,
    import_organisations,
)

import_app = typer.Typer(
    help=(
        "Import CSV, JSON Lines or Excel (.xlsx) files. A file with any bad line is rejected whole; "
        "re-importing updates. CSV encodings (UTF-8, cp932/Shift_JIS, Windows-1252) are detected."
    ),
    no_args_is_help=True,
)

FileArgument = typer.Argument(..., exists=False, dir_okay=False, help="A .csv, .jsonl or .xlsx file.")
EncodingOption = typer.Option(
    None,
    "--encoding",
    help="The text file's encoding: utf-8, cp932 (Shift_JIS) or cp1252 (Windows-1252). Default: detected.",
)


class Importer(Protocol):
    def __call__(
        self, session: Session, actor: Actor, path: Path, *, encoding: str | None = None
    ) -> ImportReport: ...


def _run(importer: Importer, path: Path, encoding: str | None) -> None:
    with open_database(settings()) as database:
        database.upgrade()
        with err_console.status(f"Importing {path.name}…"), database.session() as session:
            report = importer(session, SYSTEM, path, encoding=encoding)
    console.print(report.summary())


@import_app.command("companies")
def companies(path: Path = FileArgument, encoding: str | None = EncodingOption) -> None:
    """The real companies of shared/data/companies-wikipedia (Wikipedia, CC BY-SA)."""
    _run(import_companies, path, encoding)


@import_app.command("organisations")
def organisations(path: Path = FileArgument, encoding: str | None = EncodingOption) -> None:
    """Organisations (columns in docs/import.md), matched on external_id."""
    _run(import_organisations, path, encoding)


@import_app.command("opportunities")
def opportunities(path: Path = FileArgument, encoding: str | None = EncodingOption) -> None:
    """Opportunities (columns in docs/import.md), matched on external_id; owners must exist."""
    _run(import_opportunities, path, encoding)


def register(app: typer.Typer) -> None:
    app.add_typer(import_app, name="import")
