"""Builds the root Typer app from one module per feature.

Each module in ``COMMAND_MODULES`` exposes ``register(app)``; adding a feature's commands is one line here.
The app is built on first use, and the ``kakehashi`` script registers only the module of the command it
runs when that command is listed in ``SOLE_MODULE``: ``kakehashi schedule`` then imports neither the
store nor the matching models (start-up is part of every scheduling run; see docs/performance.md).
"""

from __future__ import annotations

import importlib
import sys
from collections.abc import Sequence

import click
import typer

from kakehashi.errors import KakehashiError

COMMAND_MODULES: tuple[str, ...] = (
    "db",
    "imports",
    "users",
    "audit",
    "serve",
    "matching",
    "schedule",
    "backup",
    "jobs",
    "agenda",
    "notices",
    "events",
    "pipeline",
    "analytics",
    "analytics_report",
)
SOLE_MODULE: dict[str, str] = {"schedule": "schedule"}  # command name -> the only module it needs

_built: dict[tuple[str, ...], typer.Typer] = {}


def build_app(modules: Sequence[str] = COMMAND_MODULES) -> typer.Typer:
    """The root app with the commands of ``modules`` (built once per selection)."""
    key = tuple(modules)
    if key not in _built:
        root = typer.Typer(
            name="kakehashi",
            help="Kakehashi (架け橋): the Italy–Japan industrial partnership platform.",
            no_args_is_help=True,
            pretty_exceptions_enable=False,
            add_completion=False,
        )
        for module_name in key:
            importlib.import_module(f"kakehashi.cli.{module_name}").register(root)
        _built[key] = root
    return _built[key]


def __getattr__(name: str) -> typer.Typer:
    """``app``: the full root app, built on first access (kept for ``from kakehashi.cli import app``)."""
    if name == "app":
        return build_app()
    raise AttributeError(name)


def main() -> None:
    """Entry point of the ``kakehashi`` script: a KakehashiError becomes a clear message and exit 2."""
    first = sys.argv[1] if len(sys.argv) > 1 else ""
    sole = SOLE_MODULE.get(first)
    root = build_app((sole,) if sole else COMMAND_MODULES)
    try:
        root(standalone_mode=False)
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
