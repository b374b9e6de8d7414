"""Builds the root Typer app from one module per feature.

Each module in ``COMMAND_MODULES`` exposes ``register(app)``; adding a feature's commands is one line here.
"""

from __future__ import annotations

import importlib
import sys

import click
import typer

from kakehashi.errors import KakehashiError

COMMAND_MODULES: tuple[str, ...] = ("db", "imports", "users", "serve", "matching", "schedule", "jobs")

app = typer.Typer(
    name="kakehashi",
    help="Kakehashi (架け橋): the Italy–Japan industrial partnership platform.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)


def _register_all() -> None:
    for module_name in COMMAND_MODULES:
        importlib.import_module(f"kakehashi.cli.{module_name}").register(app)


_register_all()


def main() -> None:
    """Entry point of the ``kakehashi`` script: a KakehashiError becomes a clear message and exit 2."""
    try:
        app(standalone_mode=False)
    except KakehashiError as error:
        typer.secho(f"Error: {error}", err=True, fg=typer.colors.RED)
        sys.exit(2)
    except click.ClickException as usage:
        usage.show()
        sys.exit(usage.exit_code)
    except click.exceptions.Exit as done:
        sys.exit(done.exit_code)
    except click.Abort:
        typer.secho("Aborted.", err=True)
        sys.exit(1)
