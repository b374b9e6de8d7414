"""The organisers' scheduling page of an event: start a run (a background job), watch its progress, read
its figures and the preliminary agenda, lock meetings, move one (the page says first whether the move is
valid), declare interpreters, re-run, publish. Pages read stored results only."""

from __future__ import annotations

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from kakehashi.events import agenda, agenda_admin, locks, moves, runs
from kakehashi.events.agenda_access import event_or_404, require_organiser
from kakehashi.events.agenda_models import Meeting
from kakehashi.events.locks import meeting_of_event
from kakehashi.events.problem_build import INTERPRETER_PAIRS
from kakehashi.events.run_inputs import slot_starts, supply_of
from kakehashi.jobs.runner import JobRunner
from kakehashi.store import Database
from kakehashi.web.deps import (
    DatabaseDep,
    FormDep,
    SignedInDep,
    TranslationsDep,
    get_formatter,
    get_locale,
    set_notice,
)
from kakehashi.web.forms import form_version
from kakehashi.web.templating import render

router = APIRouter()
MAX_SLOT = 10_000


SLOT_WINDOW = 4  # slots of the agenda shown at once (up to ~200 meetings at 40 tables and online rooms)


def slot_window(slot: int | None, n_slots: int) -> range:
    """The window of slots (0-based) that holds ``slot`` (1-based; the first window without one)."""
    first = 0 if slot is None else ((min(slot, max(1, n_slots)) - 1) // SLOT_WINDOW) * SLOT_WINDOW
    return range(first, min(n_slots, first + SLOT_WINDOW))


@router.get("/events/{event_id}/schedule", response_class=HTMLResponse)
def schedule_page(
    request: Request,
    event_id: int,
    actor: SignedInDep,
    database: DatabaseDep,
    slot: int | None = Query(default=None, ge=1, le=MAX_SLOT, description="Show the slots around this one."),
) -> HTMLResponse:
    with database.session() as session:
        event = event_or_404(session, event_id)
        require_organiser(actor, event)
        found_runs = agenda_admin.event_runs(session, actor, event_id, limit=10)
        window = slot_window(slot, len(slot_starts(event)))
        entries = agenda.whole_agenda(session, actor, event_id, slots=window)
        supply = supply_of(session, event_id)
        starts = slot_starts(event)
        fmt = get_formatter(request)
        context = {
            "event": event,
            "title": event.title(get_locale(request)),
            "runs": found_runs,
            "active": next((r for r in found_runs if not r.finished), None),
            "latest": next((r for r in found_runs if r.status == "succeeded"), None),
            "entries": entries,
            "window": window,
            "window_size": SLOT_WINDOW,
            "starts": starts,
            # Each slot's time written once (a page lists up to thousands of meetings in a few dozen slots).
            "slot_labels": [fmt.dual_time(start) for start in starts],
            "minutes": event.slot_minutes,
            "supply": supply,
            "pairs": INTERPRETER_PAIRS,
            "tables": sorted(event.tables, key=lambda t: t.number),
            "limits": (runs.TIME_LIMIT_MIN_S, runs.TIME_LIMIT_MAX_S, runs.TIME_LIMIT_DEFAULT_S),
        }
    return render(request, "events/agenda/schedule.html", context)


@router.post("/events/{event_id}/schedule/run")
def start_run(
    request: Request,
    event_id: int,
    actor: SignedInDep,
    database: DatabaseDep,
    form: FormDep,
    translations: TranslationsDep,
) -> Response:
    text = str(form.get("time_limit_s") or runs.TIME_LIMIT_DEFAULT_S)
    limit = int(text) if text.isdigit() and len(text) < 6 else 0
    keep = form.get("keep_published") is not None
    runner: JobRunner = request.app.state.job_runner
    runs.start_run(
        database, runner, actor, event_id, runs.RunOptions(time_limit_s=limit, keep_published=keep)
    )
    set_notice(request, translations.gettext("The scheduler is running in the background."))
    return RedirectResponse(f"/events/{event_id}/schedule", status_code=303)


@router.post("/events/{event_id}/meetings/{meeting_id}/lock")
def lock_meeting(
    request: Request,
    event_id: int,
    meeting_id: int,
    actor: SignedInDep,
    database: DatabaseDep,
    form: FormDep,
    translations: TranslationsDep,
) -> Response:
    locked = form.get("locked") == "1"
    with database.session() as session:
        locks.set_locked(session, actor, event_id, meeting_id, locked=locked, version=form_version(form))
    set_notice(
        request,
        translations.gettext("Locked: a re-run keeps this meeting.")
        if locked
        else translations.gettext("Unlocked."),
    )
    return RedirectResponse(
        f"/events/{event_id}/schedule?slot={slot_of(database, meeting_id)}#meeting-{meeting_id}",
        status_code=303,
    )


def slot_of(database: Database, meeting_id: int) -> int:
    with database.session() as session:
        found = session.get(Meeting, meeting_id)
        return 1 if found is None else found.slot + 1


@router.get("/events/{event_id}/meetings/{meeting_id}/move", response_class=HTMLResponse)
def move_page(
    request: Request,
    event_id: int,
    meeting_id: int,
    actor: SignedInDep,
    database: DatabaseDep,
    translations: TranslationsDep,
    slot: int | None = Query(default=None, ge=1, le=MAX_SLOT),
    table: str | None = Query(default=None, max_length=12, pattern=r"^(online|\d{1,10})$"),
) -> HTMLResponse:
    with database.session() as session:
        event = event_or_404(session, event_id)
        require_organiser(actor, event)
        meeting = meeting_of_event(session, event, meeting_id)
        entry = next(
            (e for e in agenda.whole_agenda(session, actor, event_id) if e.meeting_id == meeting_id), None
        )
        verdict = None
        table_id = None if table in (None, "online") else int(table or 0)
        if slot is not None:
            verdict = moves.judge_move(session, actor, event_id, meeting_id, slot=slot - 1, table_id=table_id)
        context = {
            "event": event,
            "meeting": meeting,
            "entry": entry,
            "starts": slot_starts(event),
            "minutes": event.slot_minutes,
            "tables": sorted(event.tables, key=lambda t: t.number),
            "chosen_slot": slot,
            "chosen_table": table,
            "verdict": verdict,
            "verdict_texts": [p.text(translations.gettext) for p in verdict.problems] if verdict else [],
        }
    return render(request, "events/agenda/move.html", context)


@router.post("/events/{event_id}/meetings/{meeting_id}/move")
def move_meeting(
    request: Request,
    event_id: int,
    meeting_id: int,
    actor: SignedInDep,
    database: DatabaseDep,
    form: FormDep,
    translations: TranslationsDep,
) -> Response:
    slot_text, table_text = str(form.get("slot") or ""), str(form.get("table") or "")
    slot = int(slot_text) if slot_text.isdigit() and len(slot_text) < 6 else 0
    table_id = int(table_text) if table_text.isdigit() and len(table_text) < 10 else None
    with database.session() as session:
        moves.move_meeting(
            session, actor, event_id, meeting_id, slot=slot - 1, table_id=table_id, version=form_version(form)
        )
    set_notice(request, translations.gettext("The meeting is moved and locked."))
    return RedirectResponse(f"/events/{event_id}/schedule?slot={slot}#meeting-{meeting_id}", status_code=303)


@router.post("/events/{event_id}/interpreters")
def save_interpreters(
    request: Request,
    event_id: int,
    actor: SignedInDep,
    database: DatabaseDep,
    form: FormDep,
    translations: TranslationsDep,
) -> Response:
    counts: dict[tuple[int, str], int] = {}
    for name, value in form.multi_items():
        parts = name.split(":")
        text = str(value).strip()
        if len(parts) != 3 or parts[0] != "interpreters" or not parts[1].isdigit() or len(parts[1]) > 5:
            continue
        counts[(int(parts[1]) - 1, parts[2])] = int(text) if text.isdigit() and len(text) < 5 else -1
    with database.session() as session:
        locks.set_interpreters(session, actor, event_id, counts)
    set_notice(request, translations.gettext("The interpreters are saved."))
    return RedirectResponse(f"/events/{event_id}/schedule#interpreters", status_code=303)


@router.post("/events/{event_id}/agenda/publish")
def publish(
    request: Request,
    event_id: int,
    actor: SignedInDep,
    database: DatabaseDep,
    form: FormDep,
    translations: TranslationsDep,
) -> Response:
    with database.session() as session:
        count = agenda_admin.publish_agenda(session, actor, event_id, version=form_version(form))
    notice = translations.gettext("Meetings published: %(num)s; their participants are told.")
    set_notice(request, notice % {"num": count})
    return RedirectResponse(f"/events/{event_id}/schedule", status_code=303)
