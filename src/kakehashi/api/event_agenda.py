"""Event agendas and the day: scheduling runs and their status, the agenda as JSON and ICS, locks,
moves, interpreters, publishing, check-in, outcomes, feedback and follow-ups (issue 8, items 4 to 6).

Role rules: organisers (officers of an organising agency, admins) run and edit; a member reads only its
own organisation's agenda and reports only on its own meetings; feedback and follow-up answers are read
by the agencies only. Slots are numbered from 1 here, as in the CLI.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Path, Query, Request, Response
from fastapi import status as http_status
from pydantic import BaseModel, ConfigDict, Field

from kakehashi.api.deps import DatabaseDep, SettingsDep, SignedInDep
from kakehashi.api.errors import request_gettext, request_locale
from kakehashi.api.openapi import errors
from kakehashi.api.versions import IfMatchDep, etag
from kakehashi.errors import NotFound, PermissionDenied
from kakehashi.events import agenda, agenda_admin, checkin, feedback, followups, locks, moves, outcomes, runs
from kakehashi.events.agenda_access import event_or_404, is_organiser, own_registration
from kakehashi.events.agenda_ics import participant_ics
from kakehashi.jobs.runner import JobRunner
from kakehashi.limits import MAX_ID, NOTE_MAX

router = APIRouter(tags=["event agendas"])

EventId = Annotated[int, Path(ge=1, le=MAX_ID)]
ItemId = Annotated[int, Path(ge=1, le=MAX_ID)]
MAX_SLOT = 10_000


class RunIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    time_limit_s: int = Field(
        default=runs.TIME_LIMIT_DEFAULT_S, ge=runs.TIME_LIMIT_MIN_S, le=runs.TIME_LIMIT_MAX_S
    )
    keep_published: bool = Field(
        default=True, description="Published meetings keep their slot; only what must change changes."
    )


class RunOut(BaseModel):
    id: int
    event_id: int
    status: str = Field(description="queued, running, succeeded, failed.")
    done: int = Field(description="Seconds of the time limit spent so far.")
    total: int
    options: dict[str, Any]
    figures: dict[str, Any] | None = Field(
        description="meetings_held, meetings_requested, priority_held, priority_bound (proven), breaks, "
        "max_breaks, fairness, unmet (each pair with its reason), changes (added, moved, cancelled, kept)."
    )
    proof_status: str | None
    error: str | None
    created_at: datetime
    started_at: datetime | None
    finished_at: datetime | None


class StartedOut(BaseModel):
    run_id: int


def _runner(request: Request) -> JobRunner:
    runner: JobRunner = request.app.state.job_runner
    return runner


@router.post(
    "/events/{event_id}/runs",
    summary="Start a scheduling run in the background (organisers)",
    status_code=http_status.HTTP_202_ACCEPTED,
    response_model=StartedOut,
    responses=errors(401, 403, 404, 409, 422),
)
def start_run(
    request: Request, event_id: EventId, body: RunIn, actor: SignedInDep, database: DatabaseDep
) -> StartedOut:
    options = runs.RunOptions(time_limit_s=body.time_limit_s, keep_published=body.keep_published)
    return StartedOut(run_id=runs.start_run(database, _runner(request), actor, event_id, options))


@router.get(
    "/events/{event_id}/runs",
    summary="The scheduling runs of an event, newest first (organisers)",
    response_model=list[RunOut],
    responses=errors(401, 403, 404),
)
def list_runs(event_id: EventId, actor: SignedInDep, database: DatabaseDep) -> list[RunOut]:
    with database.session() as session:
        return [
            RunOut.model_validate(r, from_attributes=True)
            for r in agenda_admin.event_runs(session, actor, event_id)
        ]


@router.get(
    "/events/{event_id}/runs/{run_id}",
    summary="A run's status, progress and figures (organisers)",
    response_model=RunOut,
    responses=errors(401, 403, 404),
)
def get_run(event_id: EventId, run_id: ItemId, actor: SignedInDep, database: DatabaseDep) -> RunOut:
    with database.session() as session:
        return RunOut.model_validate(
            agenda_admin.get_run(session, actor, event_id, run_id), from_attributes=True
        )


class PartyOut(BaseModel):
    registration_id: int
    organisation_id: int
    name: str
    country: str
    zone: str


class EntryOut(BaseModel):
    meeting_id: int
    uid: str
    sequence: int
    version: int
    slot: int = Field(description="From 1.")
    starts_at: datetime
    ends_at: datetime
    status: str = Field(description="scheduled (preliminary, organisers only), published, cancelled.")
    locked: bool
    online: bool
    online_link: str | None
    table: str | None
    interpreter_pair: str | None
    outcome: str | None
    own: PartyOut = Field(description="The participant whose agenda this is (side a in the whole agenda).")
    counterpart: PartyOut


class AgendaOut(BaseModel):
    event_id: int
    event_zone: str
    participant: PartyOut | None = Field(description="Whose agenda; null for the organisers' whole agenda.")
    entries: list[EntryOut]


def _entry(e: agenda.AgendaEntry) -> EntryOut:
    data = EntryOut.model_validate(e, from_attributes=True)
    data.slot = e.slot + 1
    return data


@router.get(
    "/events/{event_id}/agenda",
    summary="The agenda: a member's own meetings, or every meeting for the organisers",
    response_model=AgendaOut,
    responses=errors(401, 403, 404),
)
def get_agenda(event_id: EventId, actor: SignedInDep, database: DatabaseDep) -> AgendaOut:
    with database.session() as session:
        event = event_or_404(session, event_id)
        if is_organiser(actor, event):
            entries = agenda.whole_agenda(session, actor, event_id)
            return AgendaOut(
                event_id=event.id,
                event_zone=event.time_zone,
                participant=None,
                entries=[_entry(e) for e in entries],
            )
        registration = own_registration(session, actor, event)
        if registration is None:
            raise PermissionDenied("You can see only your own organisation's agenda.")
        return _participant(session, actor, event_id, registration.id)


def _participant(session: Any, actor: Any, event_id: int, registration_id: int) -> AgendaOut:
    found = agenda.participant_agenda(session, actor, event_id, registration_id)
    return AgendaOut(
        event_id=found.event_id,
        event_zone=found.event_zone,
        participant=PartyOut.model_validate(found.participant, from_attributes=True),
        entries=[_entry(e) for e in found.entries],
    )


@router.get(
    "/events/{event_id}/registrations/{registration_id}/agenda",
    summary="One participant's agenda (its members, the organisers)",
    response_model=AgendaOut,
    responses=errors(401, 403, 404),
)
def get_participant_agenda(
    event_id: EventId, registration_id: ItemId, actor: SignedInDep, database: DatabaseDep
) -> AgendaOut:
    with database.session() as session:
        return _participant(session, actor, event_id, registration_id)


@router.get(
    "/events/{event_id}/agenda.ics",
    summary="The participant's agenda as an iCalendar file (stable UID, rising SEQUENCE, cancellations)",
    response_class=Response,
    responses={
        200: {"content": {"text/calendar": {"schema": {"type": "string", "format": "binary"}}}},
        **errors(401, 403, 404),
    },
)
def get_agenda_ics(
    request: Request,
    event_id: EventId,
    actor: SignedInDep,
    database: DatabaseDep,
    settings: SettingsDep,
    registration_id: Annotated[
        int | None, Query(ge=1, le=MAX_ID, description="Organisers: whose agenda.")
    ] = None,
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
            gettext=request_gettext(request),
            language=request_locale(request),
            base_url=settings.base_url(),
        )
    return Response(
        body,
        media_type="text/calendar; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="event-{event_id}-agenda.ics"'},
    )


class LockIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    locked: bool


class MeetingOut(BaseModel):
    id: int
    slot: int = Field(description="From 1.")
    table_id: int | None
    online: bool
    locked: bool
    status: str
    sequence: int
    version: int


def _meeting(response: Response, m: Any) -> MeetingOut:
    response.headers["ETag"] = etag(m.version)
    return MeetingOut(
        id=m.id,
        slot=m.slot + 1,
        table_id=m.table_id,
        online=m.online,
        locked=m.locked,
        status=m.status,
        sequence=m.sequence,
        version=m.version,
    )


@router.put(
    "/events/{event_id}/meetings/{meeting_id}/lock",
    summary="Lock or unlock a meeting: a re-run keeps a locked meeting (organisers)",
    response_model=MeetingOut,
    responses=errors(401, 403, 404, 409, 422),
)
def put_lock(
    event_id: EventId,
    meeting_id: ItemId,
    body: LockIn,
    actor: SignedInDep,
    database: DatabaseDep,
    response: Response,
    if_match: IfMatchDep,
) -> MeetingOut:
    with database.session() as session:
        meeting = locks.set_locked(session, actor, event_id, meeting_id, locked=body.locked, version=if_match)
        return _meeting(response, meeting)


class MoveIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    slot: int = Field(ge=1, le=MAX_SLOT, description="From 1.")
    table_id: int | None = Field(default=None, ge=1, le=MAX_ID, description="Null: online.")


class ProblemOut(BaseModel):
    field: str
    message: str


class VerdictOut(BaseModel):
    valid: bool
    problems: list[ProblemOut]
    checker: list[str] = Field(description="The independent checker's findings (English).")


@router.get(
    "/events/{event_id}/meetings/{meeting_id}/move-check",
    summary="Whether a move is valid, before it is made (organisers)",
    response_model=VerdictOut,
    responses=errors(401, 403, 404, 422),
)
def check_move(
    request: Request,
    event_id: EventId,
    meeting_id: ItemId,
    actor: SignedInDep,
    database: DatabaseDep,
    slot: Annotated[int, Query(ge=1, le=MAX_SLOT)],
    table_id: Annotated[int | None, Query(ge=1, le=MAX_ID)] = None,
) -> VerdictOut:
    gettext = request_gettext(request)
    with database.session() as session:
        verdict = moves.judge_move(session, actor, event_id, meeting_id, slot=slot - 1, table_id=table_id)
    return VerdictOut(
        valid=verdict.valid,
        problems=[ProblemOut(field=p.field, message=p.text(gettext)) for p in verdict.problems],
        checker=list(verdict.checker),
    )


@router.post(
    "/events/{event_id}/meetings/{meeting_id}/move",
    summary="Move a meeting by hand (valid moves only; the meeting is then locked) (organisers)",
    response_model=MeetingOut,
    responses=errors(401, 403, 404, 409, 422),
)
def post_move(
    event_id: EventId,
    meeting_id: ItemId,
    body: MoveIn,
    actor: SignedInDep,
    database: DatabaseDep,
    response: Response,
    if_match: IfMatchDep,
) -> MeetingOut:
    with database.session() as session:
        meeting = moves.move_meeting(
            session, actor, event_id, meeting_id, slot=body.slot - 1, table_id=body.table_id, version=if_match
        )
        return _meeting(response, meeting)


class InterpreterIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    slot: int = Field(ge=1, le=MAX_SLOT)
    pair: Literal["it-ja", "en-it", "en-ja"]
    count: int = Field(ge=0, le=locks.INTERPRETERS_MAX)


class InterpretersIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    items: list[InterpreterIn] = Field(max_length=MAX_SLOT)


@router.put(
    "/events/{event_id}/interpreters",
    summary="Declare the interpreters present per slot and language pair (organisers)",
    response_model=InterpretersIn,
    responses=errors(401, 403, 404, 422),
)
def put_interpreters(
    event_id: EventId, body: InterpretersIn, actor: SignedInDep, database: DatabaseDep
) -> InterpretersIn:
    counts: dict[tuple[int, str], int] = {(item.slot - 1, item.pair): item.count for item in body.items}
    with database.session() as session:
        saved = locks.set_interpreters(session, actor, event_id, counts)
    return InterpretersIn(
        items=[
            InterpreterIn(slot=slot + 1, pair=pair, count=count)
            for (slot, pair), count in sorted(saved.items())
        ]
    )


class PublishedOut(BaseModel):
    published: int = Field(description="How many meetings were published now.")


@router.post(
    "/events/{event_id}/agenda/publish",
    summary="Publish the agenda: participants see it and are told (organisers)",
    response_model=PublishedOut,
    responses=errors(401, 403, 404, 409),
)
def publish(
    event_id: EventId, actor: SignedInDep, database: DatabaseDep, if_match: IfMatchDep
) -> PublishedOut:
    with database.session() as session:
        return PublishedOut(published=agenda_admin.publish_agenda(session, actor, event_id, version=if_match))


class CheckInIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    token: str = Field(
        min_length=1, max_length=60, description="The code of the participant's pass (its QR code)."
    )


class CheckInOut(BaseModel):
    id: int
    registration_id: int
    organisation_name: str
    at: datetime
    undone: bool
    version: int


@router.post(
    "/events/{event_id}/checkins",
    summary="Check a participant in by the code of its pass (organisers)",
    status_code=http_status.HTTP_201_CREATED,
    response_model=CheckInOut,
    responses=errors(401, 403, 404, 409, 422),
)
def post_checkin(
    request: Request, event_id: EventId, body: CheckInIn, actor: SignedInDep, database: DatabaseDep
) -> CheckInOut:
    with database.session() as session:
        view = checkin.check_in(session, actor, request.app.state.secret_key, event_id, body.token)
        return CheckInOut.model_validate(view, from_attributes=True)


@router.delete(
    "/events/{event_id}/checkins/{checkin_id}",
    summary="Undo a check-in (organisers)",
    response_model=CheckInOut,
    responses=errors(401, 403, 404, 409),
)
def undo_checkin(
    event_id: EventId, checkin_id: ItemId, actor: SignedInDep, database: DatabaseDep
) -> CheckInOut:
    with database.session() as session:
        return CheckInOut.model_validate(
            checkin.undo_check_in(session, actor, event_id, checkin_id), from_attributes=True
        )


@router.get(
    "/events/{event_id}/checkins",
    summary="The check-ins of an event, latest first (organisers)",
    response_model=list[CheckInOut],
    responses=errors(401, 403, 404),
)
def list_checkins(event_id: EventId, actor: SignedInDep, database: DatabaseDep) -> list[CheckInOut]:
    with database.session() as session:
        return [
            CheckInOut.model_validate(v, from_attributes=True)
            for v in checkin.check_ins(session, actor, event_id)
        ]


class OutcomeIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    outcome: Literal["happened", "no_show"]
    absent_registration_id: int | None = Field(default=None, ge=1, le=MAX_ID)


class OutcomeOut(BaseModel):
    meeting_id: int
    outcome: str = Field(description="The meeting's outcome now: a no_show from anyone wins.")


@router.put(
    "/events/{event_id}/meetings/{meeting_id}/outcome",
    summary="It happened / it did not happen (either side of the meeting, or the organisers)",
    response_model=OutcomeOut,
    responses=errors(401, 403, 404, 422),
)
def put_outcome(
    event_id: EventId, meeting_id: ItemId, body: OutcomeIn, actor: SignedInDep, database: DatabaseDep
) -> OutcomeOut:
    with database.session() as session:
        found = outcomes.report_outcome(
            session,
            actor,
            event_id,
            meeting_id,
            outcome=body.outcome,
            absent_registration_id=body.absent_registration_id,
        )
    return OutcomeOut(meeting_id=meeting_id, outcome=found)


class FeedbackIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    rating: Literal["not_held", "insufficient_interest", "informative", "cooperation_possible"]
    comment: str = Field(default="", max_length=NOTE_MAX)
    express_interest: bool = Field(
        default=False, description="Also express interest in the counterpart's opportunity (pipeline rules)."
    )
    interest_opportunity_id: int | None = Field(
        default=None, ge=1, le=2**31 - 1, description="Which one (default: its first published opportunity)."
    )
    interest_note: str = Field(default="", max_length=NOTE_MAX, description="Read by the counterpart.")


class SavedOut(BaseModel):
    saved: bool = True


@router.put(
    "/events/{event_id}/meetings/{meeting_id}/feedback",
    summary="Feedback on a meeting by a side of it (read by the agencies only)",
    response_model=SavedOut,
    responses=errors(401, 403, 404, 409, 422),
)
def put_feedback(
    event_id: EventId,
    meeting_id: ItemId,
    body: FeedbackIn,
    actor: SignedInDep,
    database: DatabaseDep,
    if_match: IfMatchDep,
) -> SavedOut:
    with database.session() as session:
        feedback.give_feedback(
            session,
            actor,
            event_id,
            meeting_id,
            rating=body.rating,
            comment=body.comment,
            version=if_match,
            interest=feedback.InterestWish(body.interest_opportunity_id, body.interest_note)
            if body.express_interest
            else None,
        )
    return SavedOut()


class FeedbackOut(BaseModel):
    id: int
    meeting_id: int
    registration_id: int
    organisation_name: str
    counterpart_name: str
    rating: str
    comment: str
    at: datetime
    version: int


@router.get(
    "/events/{event_id}/feedback",
    summary="Every feedback of an event (the organising agencies only)",
    response_model=list[FeedbackOut],
    responses=errors(401, 403, 404),
)
def list_feedback(event_id: EventId, actor: SignedInDep, database: DatabaseDep) -> list[FeedbackOut]:
    with database.session() as session:
        return [
            FeedbackOut.model_validate(f, from_attributes=True)
            for f in feedback.event_feedback(session, actor, event_id)
        ]


class FollowUpIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    answer: Literal["no_further_contact", "valuable_contact", "negotiation_started", "agreement_reached"]
    comment: str = Field(default="", max_length=NOTE_MAX)


class FollowUpOut(BaseModel):
    id: int
    meeting_id: int
    registration_id: int
    asked_at: datetime
    answer: str | None
    comment: str
    answered_at: datetime | None
    version: int
    introduction_id: int | None = None  # proposed when both sides want to continue


@router.put(
    "/events/{event_id}/meetings/{meeting_id}/follow-up",
    summary="Answer the follow-up question on a meeting (a side of it)",
    response_model=SavedOut,
    responses=errors(401, 403, 404, 422),
)
def put_follow_up(
    event_id: EventId, meeting_id: ItemId, body: FollowUpIn, actor: SignedInDep, database: DatabaseDep
) -> SavedOut:
    with database.session() as session:
        followups.answer_follow_up(
            session, actor, event_id, meeting_id, answer=body.answer, comment=body.comment
        )
    return SavedOut()


@router.get(
    "/events/{event_id}/follow-ups",
    summary="The follow-up answers of an event (the organising agencies only)",
    response_model=list[FollowUpOut],
    responses=errors(401, 403, 404),
)
def list_follow_ups(event_id: EventId, actor: SignedInDep, database: DatabaseDep) -> list[FollowUpOut]:
    with database.session() as session:
        return [
            FollowUpOut.model_validate(f, from_attributes=True)
            for f in followups.event_follow_ups(session, actor, event_id)
        ]
