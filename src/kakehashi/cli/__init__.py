"""The ``kakehashi`` command line (Typer). Thin: every command calls a feature's service."""

from kakehashi.cli.main import app, main

__all__ = ["app", "main"]
