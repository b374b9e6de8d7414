"""An event's agendas and its day: each participant's agenda (its zone and the counterpart's, table or
online link, counterpart's profile, ICS, check-in pass), printable agendas per participant and per table,
the check-in desk, "it happened / it did not happen", feedback, and the follow-up question."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy import select

from kakehashi.errors import KakehashiError, NotFound
from kakehashi.events import agenda, checkin, feedback, followups, outcomes
from kakehashi.events.agenda_access import event_or_404, is_organiser, own_registration, require_organiser
from kakehashi.events.agenda_ics import participant_ics
from kakehashi.events.meeting_access import side_of
from kakehashi.events.models import Registration
from kakehashi.events.qr import qr_svg
from kakehashi.events.run_inputs import slot_starts
from kakehashi.events.vocab import RegistrationStatus
from kakehashi.events.zones_shown import two_zone_span
from kakehashi.limits import MAX_ID
from kakehashi.profiles.models import Organisation
from kakehashi.web.deps import (
    DatabaseDep,
    FormDep,
    SettingsDep,
    SignedInDep,
    TranslationsDep,
    get_formatter,
    get_locale,
    set_notice,
)
from kakehashi.web.forms import form_version
from kakehashi.web.pages.event_schedule import SLOT_WINDOW, slot_window
from kakehashi.web.templating import render

router = APIRouter()


def _secret(request: Request) -> str:
    secret: str = request.app.state.secret_key
    return secret


def _agenda_context(
    request: Request, session: Any, actor: Any, event: Any, registration_id: int, translations: Any
) -> dict[str, Any]:
    found = agenda.participant_agenda(session, actor, event.id, registration_id)
    fmt = get_formatter(request)
    rows = [
        (e, two_zone_span(fmt, e.starts_at, e.ends_at, own_zone=e.own.zone, other_zone=e.counterpart.zone))
        for e in found.entries
    ]
    pass_ = checkin.participant_pass(session, actor, _secret(request), event.id, registration_id)
    title = translations.gettext("Check-in pass of %(name)s") % {"name": pass_.organisation_name}
    return {
        "event": event,
        "title": event.title(get_locale(request)),
        "agenda": found,
        "rows": rows,
        "organiser": is_organiser(actor, event),
        "checkin_pass": pass_,
        "qr": qr_svg(pass_.token, title=title),
        "sent": feedback.sent_feedback(session, actor, registration_id),
    }


@router.get("/events/{event_id}/agenda", response_class=HTMLResponse)
def agenda_page(
    request: Request,
    event_id: int,
    actor: SignedInDep,
    database: DatabaseDep,
    translations: TranslationsDep,
    slot: int | None = Query(default=None, ge=1, le=10_000, description="Organisers: the slots around it."),
) -> HTMLResponse:
    with database.session() as session:
        event = event_or_404(session, event_id)
        if is_organiser(actor, event):
            participants = session.execute(
                select(Registration.id, Organisation.name)
                .join(Organisation, Organisation.id == Registration.organisation_id)
                .where(Registration.event_id == event.id, Registration.status == RegistrationStatus.APPROVED)
                .order_by(Organisation.name)
            ).all()
            window = slot_window(slot, len(slot_starts(event)))
            entries = agenda.whole_agenda(session, actor, event_id, slots=window)
            fmt = get_formatter(request)
            labels = {start: fmt.dual_time(start) for start in {e.starts_at for e in entries}}
            context = {
                "event": event,
                "title": event.title(get_locale(request)),
                "participants": participants,
                "entries": entries,
                "time_labels": labels,  # each slot's time written once, not once per meeting
                "window": window,
                "window_size": SLOT_WINDOW,
                "n_slots": len(slot_starts(event)),
            }
            return render(request, "events/agenda/overview.html", context)
        registration = own_registration(session, actor, event)
        if registration is None:
            raise NotFound("You are not registered at this event.")
        context = _agenda_context(request, session, actor, event, registration.id, translations)
    return render(request, "events/agenda/participant.html", context)


@router.get("/events/{event_id}/agenda/{registration_id}", response_class=HTMLResponse)
def participant_agenda_page(
    request: Request,
    event_id: int,
    registration_id: int,
    actor: SignedInDep,
    database: DatabaseDep,
    translations: TranslationsDep,
) -> HTMLResponse:
    with database.session() as session:
        event = event_or_404(session, event_id)
        context = _agenda_context(request, session, actor, event, registration_id, translations)
    return render(request, "events/agenda/participant.html", context)


@router.get("/events/{event_id}/agenda.ics")
def agenda_ics(
    request: Request,
    event_id: int,
    actor: SignedInDep,
    database: DatabaseDep,
    settings: SettingsDep,
    translations: TranslationsDep,
    registration_id: int | None = Query(default=None, ge=1, le=MAX_ID),
) -> Response:
    with database.session() as session:
        event = event_or_404(session, event_id)
        if registration_id is None:
            registration = own_registration(session, actor, event)
            if registration is None:
                raise NotFound("You are not registered at this event.")
            registration_id = registration.id
        body = participant_ics(
            session,
            actor,
            event_id,
            registration_id,
            gettext=translations.gettext,
            language=get_locale(request),
            base_url=settings.base_url(),
        )
    return Response(
        body,
        media_type="text/calendar; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="event-{event_id}-agenda.ics"'},
    )


@router.get("/events/{event_id}/print/participants", response_class=HTMLResponse)
def print_participants(
    request: Request, event_id: int, actor: SignedInDep, database: DatabaseDep, translations: TranslationsDep
) -> HTMLResponse:
    with database.session() as session:
        event = event_or_404(session, event_id)
        require_organiser(actor, event)
        ids = session.scalars(
            select(Registration.id)
            .where(Registration.event_id == event.id, Registration.status == RegistrationStatus.APPROVED)
            .order_by(Registration.id)
        ).all()
        sheets = [_agenda_context(request, session, actor, event, rid, translations) for rid in ids]
    return render(
        request,
        "events/agenda/print_participants.html",
        {"event": event, "title": event.title(get_locale(request)), "sheets": sheets},
    )


@router.get("/events/{event_id}/print/tables", response_class=HTMLResponse)
def print_tables(request: Request, event_id: int, actor: SignedInDep, database: DatabaseDep) -> HTMLResponse:
    with database.session() as session:
        event = event_or_404(session, event_id)
        sheets = agenda.table_sheets(session, actor, event_id)
    return render(
        request,
        "events/agenda/print_tables.html",
        {"event": event, "title": event.title(get_locale(request)), "sheets": sheets},
    )


@router.get("/events/{event_id}/desk", response_class=HTMLResponse)
def desk(request: Request, event_id: int, actor: SignedInDep, database: DatabaseDep) -> HTMLResponse:
    with database.session() as session:
        event = event_or_404(session, event_id)
        found = checkin.check_ins(session, actor, event_id)
    return render(
        request,
        "events/agenda/desk.html",
        {"event": event, "title": event.title(get_locale(request)), "check_ins": found},
    )


@router.post("/events/{event_id}/desk/checkin")
def desk_checkin(
    request: Request,
    event_id: int,
    actor: SignedInDep,
    database: DatabaseDep,
    form: FormDep,
    translations: TranslationsDep,
) -> Response:
    token = str(form.get("token") or "")[:200]
    try:
        with database.session() as session:
            done = checkin.check_in(session, actor, _secret(request), event_id, token)
        set_notice(
            request, translations.gettext("%(name)s is checked in.") % {"name": done.organisation_name}
        )
    except KakehashiError as error:
        if error.http_status in (401, 403, 404) and "token" not in {p.field for p in error.problems}:
            raise
        set_notice(request, error.localised(translations.gettext))
    return RedirectResponse(f"/events/{event_id}/desk", status_code=303)


@router.post("/events/{event_id}/desk/checkins/{checkin_id}/undo")
def desk_undo(
    request: Request,
    event_id: int,
    checkin_id: int,
    actor: SignedInDep,
    database: DatabaseDep,
    translations: TranslationsDep,
) -> Response:
    with database.session() as session:
        undone = checkin.undo_check_in(session, actor, event_id, checkin_id)
    set_notice(
        request,
        translations.gettext("The check-in of %(name)s is undone.") % {"name": undone.organisation_name},
    )
    return RedirectResponse(f"/events/{event_id}/desk", status_code=303)


def _back(event_id: int, form: Any) -> str:
    target = str(form.get("back") or "")
    if target.startswith(f"/events/{event_id}/") and "//" not in target and len(target) < 200:
        return target
    return f"/events/{event_id}/agenda"


@router.post("/events/{event_id}/meetings/{meeting_id}/outcome")
def report_outcome(
    request: Request,
    event_id: int,
    meeting_id: int,
    actor: SignedInDep,
    database: DatabaseDep,
    form: FormDep,
    translations: TranslationsDep,
) -> Response:
    with database.session() as session:
        outcomes.report_outcome(session, actor, event_id, meeting_id, outcome=str(form.get("outcome") or ""))
    set_notice(request, translations.gettext("Thank you: the meeting's outcome is recorded."))
    return RedirectResponse(_back(event_id, form), status_code=303)


@router.post("/events/{event_id}/meetings/{meeting_id}/feedback")
def give_feedback(
    request: Request,
    event_id: int,
    meeting_id: int,
    actor: SignedInDep,
    database: DatabaseDep,
    form: FormDep,
    translations: TranslationsDep,
) -> Response:
    with database.session() as session:
        feedback.give_feedback(
            session,
            actor,
            event_id,
            meeting_id,
            rating=str(form.get("rating") or ""),
            comment=str(form.get("comment") or ""),
            version=form_version(form),
            interest=feedback.InterestWish(note=str(form.get("interest_note") or ""))
            if form.get("express_interest") == "1"
            else None,
        )
    set_notice(request, translations.gettext("Thank you: your feedback goes to the agencies only."))
    return RedirectResponse(_back(event_id, form), status_code=303)


@router.get("/events/{event_id}/feedback", response_class=HTMLResponse)
def feedback_page(request: Request, event_id: int, actor: SignedInDep, database: DatabaseDep) -> HTMLResponse:
    with database.session() as session:
        event = event_or_404(session, event_id)
        found = feedback.event_feedback(session, actor, event_id)
        answers = followups.event_follow_ups(session, actor, event_id)
    return render(
        request,
        "events/agenda/feedback.html",
        {"event": event, "title": event.title(get_locale(request)), "feedback": found, "answers": answers},
    )


@router.get("/events/{event_id}/meetings/{meeting_id}/follow-up", response_class=HTMLResponse)
def follow_up_page(
    request: Request, event_id: int, meeting_id: int, actor: SignedInDep, database: DatabaseDep
) -> HTMLResponse:
    with database.session() as session:
        event = event_or_404(session, event_id)
        found = side_of(session, actor, event_id, meeting_id, staff_allowed=False)
        entry = next(
            (
                e
                for e in agenda.participant_agenda(
                    session, actor, event_id, found.registration_id or 0
                ).entries
                if e.meeting_id == meeting_id
            ),
            None,
        )
    return render(
        request,
        "events/agenda/follow_up.html",
        {"event": event, "title": event.title(get_locale(request)), "entry": entry, "meeting_id": meeting_id},
    )


@router.post("/events/{event_id}/meetings/{meeting_id}/follow-up")
def answer_follow_up(
    request: Request,
    event_id: int,
    meeting_id: int,
    actor: SignedInDep,
    database: DatabaseDep,
    form: FormDep,
    translations: TranslationsDep,
) -> Response:
    with database.session() as session:
        followups.answer_follow_up(
            session,
            actor,
            event_id,
            meeting_id,
            answer=str(form.get("answer") or ""),
            comment=str(form.get("comment") or ""),
        )
    set_notice(request, translations.gettext("Thank you: your answer is recorded."))
    return RedirectResponse(f"/events/{event_id}/agenda", status_code=303)
