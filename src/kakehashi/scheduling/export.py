"""Agendas out: JSON (the CLI shape), CSV (one row per meeting), and one ICS calendar per participant.

Files are written to a temporary name and renamed, and a calendar folder is filled in a temporary
folder and moved into place, so a failure never leaves half an export behind.
"""

from __future__ import annotations

import csv
import io
import json
import os
import shutil
import tempfile
from pathlib import Path

from icalendar import Calendar, Event

from kakehashi.scheduling.problem import Problem, Result
from kakehashi.scheduling.zones import SlotGrid


def _name(problem: Problem, p: int) -> str:
    return problem.names[p] if problem.names else f"participant {p + 1}"


def agenda_json(result: Result) -> str:
    return json.dumps(result.to_json_dict(), ensure_ascii=False)


def agenda_csv(problem: Problem, result: Result, grid: SlotGrid | None = None) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["meeting", "participant_a", "participant_b", "slot", "start_utc", "table", "online"])
    for a in sorted(result.assignments, key=lambda a: (a.slot, a.meeting)):
        meeting = problem.meetings[a.meeting]
        start = grid.interval(a.slot)[0].isoformat() if grid is not None else ""
        table = "" if a.table is None else a.table + 1
        writer.writerow([a.meeting + 1, meeting.a + 1, meeting.b + 1, a.slot + 1, start, table, a.online])
    return out.getvalue()


def participant_calendars(
    problem: Problem, result: Result, grid: SlotGrid, *, event: str
) -> dict[int, bytes]:
    """ICS bytes per participant holding at least one meeting; times in UTC (clients show local time)."""
    calendars: dict[int, Calendar] = {}
    for a in sorted(result.assignments, key=lambda a: a.slot):
        meeting = problem.meetings[a.meeting]
        begin, end = grid.interval(a.slot)
        for p, other in ((meeting.a, meeting.b), (meeting.b, meeting.a)):
            cal = calendars.get(p)
            if cal is None:
                cal = Calendar()
                cal.add("prodid", "-//Kakehashi//B2B agenda//EN")
                cal.add("version", "2.0")
                cal.add("x-wr-calname", f"{event}: {_name(problem, p)}")
                calendars[p] = cal
            entry = Event()
            entry.add("uid", f"{event}-m{a.meeting + 1}-p{p + 1}@kakehashi")
            entry.add("summary", f"B2B meeting with {_name(problem, other)}")
            entry.add("dtstart", begin)
            entry.add("dtend", end)
            entry.add("dtstamp", begin)
            entry.add("location", "online" if a.table is None else f"table {a.table + 1}")
            cal.add_component(entry)
    return {p: cal.to_ical() for p, cal in calendars.items()}


def write_text_atomically(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as handle:
            handle.write(text)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def write_calendars(folder: Path, calendars: dict[int, bytes]) -> list[Path]:
    """One ``participant-<n>.ics`` per participant, the folder replaced as a whole."""
    folder.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(dir=folder.parent, prefix=f".{folder.name}."))
    try:
        for p, data in calendars.items():
            (staging / f"participant-{p + 1}.ics").write_bytes(data)
        if folder.exists():
            shutil.rmtree(folder)
        os.replace(staging, folder)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return sorted(folder.glob("*.ics"))
