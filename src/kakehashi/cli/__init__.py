"""The ``kakehashi`` command line (Typer). Thin: every command calls a feature's service."""

import typer

from kakehashi.cli.main import build_app, main

__all__ = ["app", "build_app", "main"]


def __getattr__(name: str) -> typer.Typer:
    """``app`` is built on first access, so the script's start-up imports only what its command needs."""
    if name == "app":
        return build_app()
    raise AttributeError(name)
