"""``kakehashi db …``: schema migrations."""

from __future__ import annotations

import typer

from kakehashi.cli.common import console, open_database, settings

db_app = typer.Typer(help="The store: create or migrate the database schema.", no_args_is_help=True)


@db_app.command("upgrade")
def upgrade(revision: str = typer.Argument("head", help="Alembic revision to reach.")) -> None:
    """Create the database if needed and apply every migration up to REVISION."""
    with open_database(settings()) as database:
        database.upgrade(revision)
        console.print(f"Database at revision {database.current_revision()} ({database.engine.url!r}).")


@db_app.command("current")
def current() -> None:
    """Print the schema revision of the database."""
    with open_database(settings()) as database:
        console.print(database.current_revision() or "(empty: run `kakehashi db upgrade`)")


def register(app: typer.Typer) -> None:
    app.add_typer(db_app, name="db")
