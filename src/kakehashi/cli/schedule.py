"""``kakehashi schedule FILE.dzn`` (solve) and ``kakehashi schedule check FILE.dzn AGENDA.json``.

``schedule`` is a group whose default command is ``solve``: when the first argument is not a
sub-command name it is taken as the instance file, so both spellings of the issue work.
"""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from typer._click.core import Context  # typer vendors click; its Group API takes this Context
from typer.core import TyperGroup

from kakehashi.errors import FieldProblem, KakehashiError, ValidationFailed
from kakehashi.scheduling.problem import Assignment, Status

if TYPE_CHECKING:
    from kakehashi.scheduling.problem import Problem, Result
    from kakehashi.scheduling.zones import SlotGrid

# The solver (OR-Tools, python-sat), the exporters (icalendar) and the checker are imported inside the
# commands: `kakehashi schedule --help` and `--greedy` then start without them (docs/performance.md).


class SolveByDefault(TyperGroup):
    """A group that runs ``solve`` when the first argument is not one of its sub-commands."""

    default_command = "solve"

    def parse_args(self, ctx: Context, args: list[str]) -> list[str]:
        if args and args[0] not in self.commands and args[0] not in ("--help", "-h"):
            args = [self.default_command, *args]
        return super().parse_args(ctx, args)


schedule_app = typer.Typer(
    cls=SolveByDefault,
    help="Schedule B2B meetings optimally (FILE.dzn solves; 'check' re-verifies an agenda).",
    no_args_is_help=True,
)

FileArg = Annotated[Path, typer.Argument(help="Instance in the benchmark .dzn format.")]


@schedule_app.command("solve")
def solve_command(
    file: FileArg,
    time_limit: Annotated[
        float, typer.Option("--time-limit", min=0.1, help="Seconds; best agenda so far.")
    ] = 30.0,
    fairness: Annotated[int, typer.Option("--fairness", min=-1, help="Max break difference; -1: none.")] = 2,
    threads: Annotated[int, typer.Option("--threads", min=1, help="CP-SAT workers.")] = 2,
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON object.")] = False,
    greedy: Annotated[
        bool, typer.Option("--greedy", help="First-come baseline instead of the solver.")
    ] = False,
    csv_path: Annotated[Path | None, typer.Option("--csv", help="Also write the agenda as CSV.")] = None,
    ics_dir: Annotated[
        Path | None, typer.Option("--ics-dir", help="Also write one .ics per participant.")
    ] = None,
    start: Annotated[
        str, typer.Option(help="First slot, local time (for --csv/--ics-dir).")
    ] = "2026-05-12T09:00",
    tz: Annotated[str, typer.Option("--zone", help="Event time zone.")] = "Europe/Rome",
    slot_minutes: Annotated[int, typer.Option(min=1, help="Slot length.")] = 20,
    lunch_minutes: Annotated[int, typer.Option(min=0, help="Gap after the morning slots.")] = 60,
) -> None:
    """Solve FILE.dzn: minimum total breaks, every meeting held, fair to within --fairness."""
    from kakehashi.scheduling.dzn import read_dzn
    from kakehashi.scheduling.export import agenda_json
    from kakehashi.scheduling.greedy import greedy_first_come

    try:
        problem = read_dzn(file)
        if greedy:
            result = greedy_first_come(problem)
        else:
            from kakehashi.scheduling.solve import SolveOptions, solve

            options = SolveOptions(
                time_limit=time_limit, fairness=None if fairness < 0 else fairness, threads=threads
            )
            result = solve(problem, options, progress=lambda line: typer.echo(f"solving: {line}", err=True))
        grid = _grid(problem, start, tz, slot_minutes, lunch_minutes)
        _exports(problem, result, grid, csv_path, ics_dir, file.stem)
    except KakehashiError as error:
        typer.secho(f"Error: {error}", err=True, fg=typer.colors.RED)
        raise typer.Exit(2) from error
    typer.echo(agenda_json(result) if as_json else _summary(result))
    if result.status not in (Status.OPTIMAL, Status.FEASIBLE):
        raise typer.Exit(1)


def _grid(problem: Problem, start: str, tz: str, minutes: int, lunch: int) -> SlotGrid:
    from kakehashi.scheduling.zones import SlotGrid, zone

    try:
        first = datetime.fromisoformat(start).replace(tzinfo=zone(tz))
    except ValueError as error:
        raise ValidationFailed(
            "bad --start", problems=[FieldProblem("start", "%(reason)s", params={"reason": str(error)})]
        ) from error
    return SlotGrid.day(
        first, n_slots=problem.n_slots, minutes=minutes, morning_slots=problem.n_morning_slots, lunch=lunch
    )


def _exports(
    problem: Problem, result: Result, grid: SlotGrid, csv_path: Path | None, ics_dir: Path | None, event: str
) -> None:
    if not result.assignments:
        return
    from kakehashi.scheduling.export import (
        agenda_csv,
        participant_calendars,
        write_calendars,
        write_text_atomically,
    )

    if csv_path is not None:
        write_text_atomically(csv_path, agenda_csv(problem, result, grid))
    if ics_dir is not None:
        write_calendars(ics_dir, participant_calendars(problem, result, grid, event=event))


def _summary(result: Result) -> str:
    lines = [f"status: {result.status}", f"seconds: {result.seconds:.2f}"]
    if result.breaks is not None:
        lines.append(f"breaks: {result.breaks} (lower bound {result.lower_bound}, max {result.max_breaks})")
    lines.append(f"unscheduled: {len(result.unscheduled)}")
    if result.explanation:
        lines.append(f"why: {result.explanation}")
    return "\n".join(lines)


@schedule_app.command("check")
def check_command(
    file: FileArg,
    agenda: Annotated[Path, typer.Argument(help="JSON agenda as printed by 'schedule --json'.")],
    fairness: Annotated[int, typer.Option("--fairness", min=-1, help="Max break difference; -1: none.")] = 2,
    as_json: Annotated[bool, typer.Option("--json")] = False,
) -> None:
    """Re-verify an agenda against FILE.dzn and recompute its breaks; exit 1 when it breaks a rule."""
    from kakehashi.scheduling.check import check_agenda
    from kakehashi.scheduling.dzn import read_dzn

    try:
        problem = read_dzn(file)
        assignments = _read_agenda(agenda)
    except KakehashiError as error:
        typer.secho(f"Error: {error}", err=True, fg=typer.colors.RED)
        raise typer.Exit(2) from error
    report = check_agenda(problem, assignments, fairness=None if fairness < 0 else fairness)
    if as_json:
        payload = {"ok": report.ok, "breaks": report.breaks, "max_breaks": report.max_breaks}
        typer.echo(json.dumps({**payload, "violations": list(report.violations)}))
    else:
        typer.echo(f"{'ok' if report.ok else 'INVALID'}: {report.breaks} breaks, max {report.max_breaks}")
        for violation in report.violations:
            typer.echo(f"  - {violation}")
    if not report.ok:
        raise typer.Exit(1)


def _read_agenda(path: Path) -> list[Assignment]:
    try:
        data: Any = json.loads(path.read_text(encoding="utf-8"))
        rows = data["assignments"] if isinstance(data, dict) else data
        return [
            Assignment(
                int(r["meeting"]) - 1, int(r["slot"]) - 1, None if r["table"] is None else int(r["table"]) - 1
            )
            for r in rows
        ]
    except (OSError, ValueError, KeyError, TypeError) as error:
        problem = FieldProblem(
            "assignments",
            "expected a list of {meeting, slot, table}: %(reason)s",
            params={"reason": str(error)},
        )
        raise ValidationFailed(
            "cannot read agenda %(path)s", params={"path": str(path)}, problems=[problem]
        ) from error


def register(app: typer.Typer) -> None:
    app.add_typer(schedule_app, name="schedule")
