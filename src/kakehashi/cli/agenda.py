"""``kakehashi agenda …``: scheduling runs, agendas (text, JSON, ICS), locks, moves, interpreters,
publishing, check-in and the follow-up questions, for the operators (acting as the system, an admin).

``agenda run`` runs the scheduler in this process with progress on the terminal, like the job the page
starts; slots are numbered from 1, as on the pages and in the API.
"""

from __future__ import annotations

import json
from pathlib import Path

import typer

from kakehashi.accounts.service import SYSTEM
from kakehashi.cli.common import console, open_database, settings

agenda_app = typer.Typer(help="Event agendas: scheduling runs, agendas, the day.", no_args_is_help=True)


@agenda_app.command("run")
def run(
    event_id: int = typer.Argument(..., min=1),
    time_limit: int = typer.Option(60, "--time-limit", min=5, max=600, help="Seconds the solver may use."),
    keep_published: bool = typer.Option(True, help="Published meetings stay unless they must move."),
) -> None:
    """Schedule an event now (in this process), with progress, and print the figures."""
    from kakehashi.events import runs
    from kakehashi.events.agenda_admin import get_run

    with open_database(settings()) as database:
        with database.session() as session:
            created = runs.create_run(
                session,
                SYSTEM,
                event_id,
                runs.RunOptions(time_limit_s=time_limit, keep_published=keep_published),
            )
            run_id = created.id

        def progress(done: int, total: int) -> None:
            console.print(f"run {run_id}: {done}/{total} s")

        runs.execute_run(database, run_id, progress=progress)
        with database.session() as session:
            view = get_run(session, SYSTEM, event_id, run_id)
    figures = view.figures or {}
    console.print(
        f"run {run_id}: {view.status}; meetings {figures.get('meetings_held', 0)}/"
        f"{figures.get('meetings_requested', 0)}; priority {figures.get('priority_held', 0)} "
        f"(bound {figures.get('priority_bound', 0)}); breaks {figures.get('breaks', 0)}; "
        f"changes {json.dumps(figures.get('changes', {}))}"
    )
    for unmet in figures.get("unmet", [])[:20]:
        console.print(f"  unmet: {unmet['a_name']} · {unmet['b_name']} ({unmet['reason']})")


@agenda_app.command("show")
def show(
    event_id: int = typer.Argument(..., min=1),
    registration: int | None = typer.Option(None, min=1, help="One participant's agenda."),
    as_json: bool = typer.Option(False, "--json", help="JSON instead of lines."),
) -> None:
    """The whole agenda, or one participant's (times in UTC; slots from 1)."""
    from kakehashi.events import agenda

    with open_database(settings()) as database, database.session() as session:
        if registration is None:
            entries = agenda.whole_agenda(session, SYSTEM, event_id)
        else:
            entries = agenda.participant_agenda(session, SYSTEM, event_id, registration).entries
        rows = [
            {
                "meeting": e.meeting_id,
                "slot": e.slot + 1,
                "starts_at": e.starts_at.isoformat(),
                "place": "online" if e.online else f"table {e.table}",
                "a": e.own.name,
                "b": e.counterpart.name,
                "status": e.status,
                "locked": e.locked,
                "uid": e.uid,
                "sequence": e.sequence,
                "interpreter": e.interpreter_pair,
            }
            for e in entries
        ]
    if as_json:
        console.print_json(json.dumps(rows))
        return
    for r in rows:
        lock = " locked" if r["locked"] else ""
        console.print(
            f"{r['meeting']:>5} slot {r['slot']:>3} {r['starts_at']} {r['place']:<10} {r['a']} · {r['b']} "
            f"[{r['status']}{lock}]"
        )


@agenda_app.command("ics")
def ics(
    event_id: int = typer.Argument(..., min=1),
    registration: int = typer.Argument(..., min=1),
    output: Path | None = typer.Option(None, "--output", "-o", help="File to write (default: print)."),
) -> None:
    """One participant's agenda as an iCalendar file (English)."""
    from kakehashi.errors import identity
    from kakehashi.events.agenda_ics import participant_ics

    config = settings()
    with open_database(config) as database, database.session() as session:
        body = participant_ics(
            session,
            SYSTEM,
            event_id,
            registration,
            gettext=identity,
            language="en",
            base_url=config.base_url(),
        )
    if output is None:
        typer.echo(body.decode("utf-8"))
    else:
        output.write_bytes(body)
        console.print(f"wrote {output}")


@agenda_app.command("lock")
def lock(
    event_id: int = typer.Argument(..., min=1),
    meeting: int = typer.Argument(..., min=1),
    unlock: bool = typer.Option(False, "--unlock", help="Unlock instead."),
) -> None:
    """Lock a meeting (a re-run keeps it) or unlock it."""
    from kakehashi.events import locks

    with open_database(settings()) as database, database.session() as session:
        locks.set_locked(session, SYSTEM, event_id, meeting, locked=not unlock, version=None)
    console.print(f"meeting {meeting} {'unlocked' if unlock else 'locked'}")


@agenda_app.command("move")
def move(
    event_id: int = typer.Argument(..., min=1),
    meeting: int = typer.Argument(..., min=1),
    slot: int = typer.Option(..., min=1, max=10_000, help="The slot, from 1."),
    table: int | None = typer.Option(None, min=1, help="The table's id (leave out for online)."),
    check: bool = typer.Option(False, "--check", help="Only say whether the move is valid."),
) -> None:
    """Move a meeting by hand (refused with the reasons when it breaks a rule)."""
    from kakehashi.events import moves

    with open_database(settings()) as database, database.session() as session:
        if check:
            verdict = moves.judge_move(session, SYSTEM, event_id, meeting, slot=slot - 1, table_id=table)
            console.print("valid" if verdict.valid else "not valid")
            for problem in verdict.problems:
                console.print(f"  {problem.describe()}")
            raise typer.Exit(0 if verdict.valid else 1)
        moves.move_meeting(session, SYSTEM, event_id, meeting, slot=slot - 1, table_id=table, version=None)
    console.print(f"meeting {meeting} moved to slot {slot} and locked")


@agenda_app.command("interpreters")
def interpreters(
    event_id: int = typer.Argument(..., min=1),
    pair: str = typer.Argument(..., help="it-ja, en-it or en-ja."),
    count: int = typer.Argument(..., min=0, max=100),
    first: int = typer.Option(1, min=1, help="First slot (from 1)."),
    last: int = typer.Option(..., min=1, max=10_000, help="Last slot."),
) -> None:
    """Declare ``count`` interpreters of ``pair`` in slots first..last (other declarations kept)."""
    from kakehashi.events import locks
    from kakehashi.events.run_inputs import supply_of

    with open_database(settings()) as database, database.session() as session:
        counts = supply_of(session, event_id)
        counts.update({(t - 1, pair): count for t in range(first, last + 1)})
        locks.set_interpreters(session, SYSTEM, event_id, counts)
    console.print(f"{pair}: {count} in slots {first}..{last}")


@agenda_app.command("publish")
def publish(event_id: int = typer.Argument(..., min=1)) -> None:
    """Publish the preliminary agenda (participants are told)."""
    from kakehashi.events.agenda_admin import publish_agenda

    with open_database(settings()) as database, database.session() as session:
        count = publish_agenda(session, SYSTEM, event_id)
    console.print(f"{count} meeting(s) published")


@agenda_app.command("checkin")
def checkin(
    event_id: int = typer.Argument(..., min=1), token: str = typer.Argument(..., help="The code of the pass.")
) -> None:
    """Check a participant in by the code of its pass."""
    from kakehashi.app import resolve_secret_key
    from kakehashi.events import checkin as desk

    config = settings()
    with open_database(config) as database, database.session() as session:
        done = desk.check_in(session, SYSTEM, resolve_secret_key(config), event_id, token)
    console.print(f"{done.organisation_name} checked in (check-in {done.id})")


@agenda_app.command("follow-ups")
def follow_ups(after_days: int = typer.Option(90, min=0, max=730, help="Days after the meeting.")) -> None:
    """Ask the follow-up question of every meeting held long enough ago (once each)."""
    from kakehashi.events.followups import run_follow_ups

    with open_database(settings()) as database:
        count = run_follow_ups(database, after_days=after_days)
    console.print(f"{count} follow-up question(s) asked")


def register(app: typer.Typer) -> None:
    app.add_typer(agenda_app, name="agenda")
