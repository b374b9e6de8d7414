"""``kakehashi import …``: bulk loading of organisations and opportunities (all or nothing)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

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
    help="Import CSV or JSON Lines files. A file with any bad line is rejected whole; re-importing updates.",
    no_args_is_help=True,
)

FileArgument = typer.Argument(..., exists=False, dir_okay=False, help="A .csv or .jsonl file.")


def _run(importer: Callable[[Session, Actor, Path], ImportReport], path: Path) -> None:
    with open_database(settings()) as database:
        database.upgrade()
        with err_console.status(f"Importing {path.name}…"), database.session() as session:
            report = importer(session, SYSTEM, path)
    console.print(report.summary())


@import_app.command("companies")
def companies(path: Path = FileArgument) -> None:
    """The real companies of shared/data/companies-wikipedia (Wikipedia, CC BY-SA)."""
    _run(import_companies, path)


@import_app.command("organisations")
def organisations(path: Path = FileArgument) -> None:
    """Organisations (columns in docs/import.md), matched on external_id."""
    _run(import_organisations, path)


@import_app.command("opportunities")
def opportunities(path: Path = FileArgument) -> None:
    """Opportunities (columns in docs/import.md), matched on external_id; owners must exist."""
    _run(import_opportunities, path)


def register(app: typer.Typer) -> None:
    app.add_typer(import_app, name="import")
