"""``kakehashi audit export``: the security audit log as CSV or JSON Lines."""

from __future__ import annotations

import sys
from datetime import UTC, datetime
from enum import StrEnum
from pathlib import Path

import typer

from kakehashi.accounts.service import SYSTEM
from kakehashi.audit import service as audit
from kakehashi.audit.service import AuditFilter
from kakehashi.cli.common import console, open_database, settings

audit_app = typer.Typer(help="The security audit log.", no_args_is_help=True)


class ExportFormat(StrEnum):
    CSV = "csv"
    JSONL = "jsonl"


def _moment(raw: str | None) -> datetime | None:
    if raw is None:
        return None
    moment = datetime.fromisoformat(raw)
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


@audit_app.command("export")
def export(
    format: ExportFormat = typer.Option(ExportFormat.CSV, "--format", help="csv or jsonl."),
    output: Path | None = typer.Option(
        None, "--output", "-o", help="File to write (default: standard output)."
    ),
    kind: str | None = typer.Option(None, help="Only this kind of event (for example sign_in_failed)."),
    user_id: int | None = typer.Option(None, help="Only events of this user id."),
    since: str | None = typer.Option(None, help="From this time (ISO 8601, UTC if no zone)."),
    until: str | None = typer.Option(None, help="Before this time (ISO 8601, UTC if no zone)."),
) -> None:
    """Export the audit log, oldest first."""
    where = AuditFilter(kind=kind, user_id=user_id, since=_moment(since), until=_moment(until))
    with open_database(settings()) as database, database.session() as session:
        events = audit.iter_events(session, SYSTEM, where)
        lines = audit.to_csv(events) if format == ExportFormat.CSV else audit.to_jsonl(events)
        if output is None:
            for line in lines:
                sys.stdout.write(line)
            return
        with output.open("w", encoding="utf-8", newline="") as target:
            target.writelines(lines)
        console.print(f"Wrote the audit log to {output}.")


def register(app: typer.Typer) -> None:
    app.add_typer(audit_app, name="audit")
