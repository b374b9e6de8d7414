"""Event participants and meeting requests: registrations and the organisers' decisions, the participant
list with the best counterparts first, marks and requests with their answers."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query, Request, Response
from fastapi import status as http_status
from pydantic import Field
from sqlalchemy.orm import Session

from kakehashi.accounts.roles import Actor
from kakehashi.api.deps import ActorDep, DatabaseDep, SignedInDep
from kakehashi.api.errors import request_gettext, request_locale
from kakehashi.api.openapi import errors
from kakehashi.api.versions import IfMatchDep, with_current_state, with_etag
from kakehashi.errors import NotFound, StaleVersion
from kakehashi.events import counterparts, registrations, requests
from kakehashi.events.models import MeetingRequest, Registration
from kakehashi.events.schemas import (
    AnswerInput,
    CounterpartView,
    DecisionInput,
    MarkInput,
    RegistrationInput,
    RegistrationPatch,
    RegistrationView,
    RequestView,
)
from kakehashi.events.vocab import RegistrationStatus
from kakehashi.limits import MAX_ID
from kakehashi.matching.service import MatchingService
from kakehashi.store import Database

router = APIRouter(prefix="/events/{event_id}", tags=["events"])

EventId = Annotated[int, Path(ge=1, le=MAX_ID, description="The event's id.")]
RegistrationId = Annotated[int, Path(ge=1, le=MAX_ID, description="The registration's (participant's) id.")]
RequestId = Annotated[int, Path(ge=1, le=MAX_ID, description="The meeting request's id.")]


class RegistrationCreate(RegistrationInput):
    organisation_id: int | None = Field(
        default=None, ge=1, le=MAX_ID, description="Organisers only: the organisation registered (approved)."
    )


# --- registrations --------------------------------------------------------------------------------


def _registration(session: Session, actor: Actor, event_id: int, registration_id: int) -> Registration:
    registration = registrations.get_registration(session, actor, registration_id)
    if registration.event_id != event_id:
        raise NotFound("Registration %(id)s does not exist.", params={"id": registration_id})
    return registration


def _view(session: Session, actor: Actor, registration: Registration, request: Request) -> RegistrationView:
    return registrations.registration_view(
        session, actor, registration, locale=request_locale(request), gettext=request_gettext(request)
    )


def _current_registration(
    stale: StaleVersion,
    database: Database,
    actor: Actor,
    event_id: int,
    registration_id: int,
    request: Request,
) -> StaleVersion:
    def read(session: Session) -> RegistrationView:
        return _view(session, actor, _registration(session, actor, event_id, registration_id), request)

    return with_current_state(stale, database, read)


@router.get(
    "/registrations",
    summary="Registrations (the agencies: all; a member: its own)",
    response_model=list[RegistrationView],
    responses=errors(401, 404, 422),
)
def list_registrations(
    event_id: EventId,
    request: Request,
    actor: ActorDep,
    database: DatabaseDep,
    status: Annotated[RegistrationStatus | None, Query()] = None,
) -> list[RegistrationView]:
    with database.session() as session:
        found = registrations.list_registrations(
            session, actor, event_id, status=status.value if status else None
        )
        return [_view(session, actor, r, request) for r in found]


@router.post(
    "/registrations",
    summary="Register an organisation (a member: its own, for approval; an organiser: any, approved)",
    status_code=http_status.HTTP_201_CREATED,
    response_model=RegistrationView,
    responses=errors(401, 403, 404, 409, 422),
)
def register(
    event_id: EventId,
    body: RegistrationCreate,
    request: Request,
    actor: SignedInDep,
    database: DatabaseDep,
    response: Response,
) -> RegistrationView:
    data = RegistrationInput.model_validate(body.model_dump(exclude={"organisation_id"}, exclude_unset=True))
    with database.session() as session:
        registration = registrations.register(
            session, actor, event_id, data, organisation_id=body.organisation_id
        )
        return with_etag(response, _view(session, actor, registration, request))


@router.get(
    "/registrations/{registration_id}",
    summary="Read a registration (its organisation and the agencies)",
    response_model=RegistrationView,
    responses=errors(401, 404, 422),
)
def get_registration(
    event_id: EventId,
    registration_id: RegistrationId,
    request: Request,
    actor: ActorDep,
    database: DatabaseDep,
    response: Response,
) -> RegistrationView:
    with database.session() as session:
        registration = _registration(session, actor, event_id, registration_id)
        return with_etag(response, _view(session, actor, registration, request))


@router.patch(
    "/registrations/{registration_id}",
    summary="Change representatives, availability, attendance or online hours",
    response_model=RegistrationView,
    responses=errors(401, 403, 404, 409, 422),
)
def update_registration(
    event_id: EventId,
    registration_id: RegistrationId,
    body: RegistrationPatch,
    request: Request,
    actor: SignedInDep,
    database: DatabaseDep,
    expected_version: IfMatchDep,
    response: Response,
) -> RegistrationView:
    try:
        with database.session() as session:
            _registration(session, actor, event_id, registration_id)
            registration = registrations.update_registration(
                session, actor, registration_id, body, expected_version=expected_version
            )
            return with_etag(response, _view(session, actor, registration, request))
    except StaleVersion as stale:
        raise _current_registration(stale, database, actor, event_id, registration_id, request) from None


def _decide(
    event_id: int,
    registration_id: int,
    request: Request,
    actor: Actor,
    database: Database,
    expected_version: int | None,
    response: Response,
    *,
    approve: bool,
    reason: str | None = None,
) -> RegistrationView:
    try:
        with database.session() as session:
            _registration(session, actor, event_id, registration_id)
            registration = registrations.decide(
                session,
                actor,
                registration_id,
                approve=approve,
                reason=reason,
                expected_version=expected_version,
            )
            return with_etag(response, _view(session, actor, registration, request))
    except StaleVersion as stale:
        raise _current_registration(stale, database, actor, event_id, registration_id, request) from None


@router.post(
    "/registrations/{registration_id}/approve",
    summary="Approve a registration (organisers)",
    response_model=RegistrationView,
    responses=errors(401, 403, 404, 409, 422),
)
def approve(
    event_id: EventId,
    registration_id: RegistrationId,
    request: Request,
    actor: SignedInDep,
    database: DatabaseDep,
    expected_version: IfMatchDep,
    response: Response,
) -> RegistrationView:
    return _decide(
        event_id, registration_id, request, actor, database, expected_version, response, approve=True
    )


@router.post(
    "/registrations/{registration_id}/decline",
    summary="Decline a registration, saying why (organisers)",
    response_model=RegistrationView,
    responses=errors(401, 403, 404, 409, 422),
)
def decline(
    event_id: EventId,
    registration_id: RegistrationId,
    body: DecisionInput,
    request: Request,
    actor: SignedInDep,
    database: DatabaseDep,
    expected_version: IfMatchDep,
    response: Response,
) -> RegistrationView:
    return _decide(
        event_id,
        registration_id,
        request,
        actor,
        database,
        expected_version,
        response,
        approve=False,
        reason=body.reason,
    )


@router.post(
    "/registrations/{registration_id}/withdraw",
    summary="Withdraw a registration (its organisation or the organisers)",
    response_model=RegistrationView,
    responses=errors(401, 403, 404, 409, 422),
)
def withdraw_registration(
    event_id: EventId,
    registration_id: RegistrationId,
    request: Request,
    actor: SignedInDep,
    database: DatabaseDep,
    expected_version: IfMatchDep,
    response: Response,
) -> RegistrationView:
    try:
        with database.session() as session:
            _registration(session, actor, event_id, registration_id)
            registration = registrations.withdraw(
                session, actor, registration_id, expected_version=expected_version
            )
            return with_etag(response, _view(session, actor, registration, request))
    except StaleVersion as stale:
        raise _current_registration(stale, database, actor, event_id, registration_id, request) from None


# --- the participant list -------------------------------------------------------------------------


@router.get(
    "/participants",
    summary="The other participants, best counterparts first, with the matching engine's reasons",
    response_model=list[CounterpartView],
    responses=errors(401, 403, 404, 409, 422),
)
def participants(
    event_id: EventId,
    request: Request,
    actor: SignedInDep,
    database: DatabaseDep,
    registration_id: Annotated[
        int | None, Query(ge=1, le=MAX_ID, description="Organisers: the participant whose view this is.")
    ] = None,
) -> list[CounterpartView]:
    matching = request.app.state.matching
    assert isinstance(matching, MatchingService)
    with database.session() as session:
        return counterparts.counterparts(
            session,
            actor,
            event_id,
            model_id=matching.model_id,
            locale=request_locale(request),
            registration_id=registration_id,
        )


# --- requests -------------------------------------------------------------------------------------


def _request(session: Session, actor: Actor, event_id: int, request_id: int) -> MeetingRequest:
    found = requests.get_request(session, actor, request_id)
    if found.event_id != event_id:
        raise NotFound("Meeting request %(id)s does not exist.", params={"id": request_id})
    return found


def _request_view(session: Session, actor: Actor, found: MeetingRequest, request: Request) -> RequestView:
    return requests.request_views(session, actor, [found], locale=request_locale(request))[0]


@router.get(
    "/requests",
    summary="Meeting requests (the agencies: all; a member: its own marks and the requests to it)",
    response_model=list[RequestView],
    responses=errors(401, 404, 422),
)
def list_requests(
    event_id: EventId, request: Request, actor: ActorDep, database: DatabaseDep
) -> list[RequestView]:
    with database.session() as session:
        found = requests.list_requests(session, actor, event_id)
        return requests.request_views(session, actor, found, locale=request_locale(request))


@router.post(
    "/requests",
    summary="Mark a participant: must meet, meet (a request, with a note) or no thanks",
    status_code=http_status.HTTP_201_CREATED,
    response_model=RequestView,
    responses=errors(401, 403, 404, 409, 422),
)
def mark(
    event_id: EventId,
    body: MarkInput,
    request: Request,
    actor: SignedInDep,
    database: DatabaseDep,
    response: Response,
) -> RequestView:
    with database.session() as session:
        found = requests.mark(session, actor, event_id, body)
        return with_etag(response, _request_view(session, actor, found, request))


def _answer(
    event_id: int,
    request_id: int,
    request: Request,
    actor: Actor,
    database: Database,
    expected_version: int | None,
    response: Response,
    *,
    accept: bool | None,
    note: str = "",
) -> RequestView:
    try:
        with database.session() as session:
            _request(session, actor, event_id, request_id)
            if accept is None:
                found = requests.withdraw(session, actor, request_id, expected_version=expected_version)
            else:
                found = requests.answer(
                    session, actor, request_id, accept=accept, note=note, expected_version=expected_version
                )
            return with_etag(response, _request_view(session, actor, found, request))
    except StaleVersion as stale:

        def read(session: Session) -> RequestView:
            return _request_view(session, actor, _request(session, actor, event_id, request_id), request)

        raise with_current_state(stale, database, read) from None


@router.post(
    "/requests/{request_id}/accept",
    summary="Accept a request addressed to your organisation",
    response_model=RequestView,
    responses=errors(401, 403, 404, 409, 422),
)
def accept(
    event_id: EventId,
    request_id: RequestId,
    request: Request,
    actor: SignedInDep,
    database: DatabaseDep,
    expected_version: IfMatchDep,
    response: Response,
    body: AnswerInput | None = None,
) -> RequestView:
    note = body.note if body is not None else ""
    return _answer(
        event_id, request_id, request, actor, database, expected_version, response, accept=True, note=note
    )


@router.post(
    "/requests/{request_id}/decline",
    summary="Decline a request addressed to your organisation",
    response_model=RequestView,
    responses=errors(401, 403, 404, 409, 422),
)
def decline_request(
    event_id: EventId,
    request_id: RequestId,
    request: Request,
    actor: SignedInDep,
    database: DatabaseDep,
    expected_version: IfMatchDep,
    response: Response,
    body: AnswerInput | None = None,
) -> RequestView:
    note = body.note if body is not None else ""
    return _answer(
        event_id, request_id, request, actor, database, expected_version, response, accept=False, note=note
    )


@router.post(
    "/requests/{request_id}/withdraw",
    summary="Withdraw your request or mark",
    response_model=RequestView,
    responses=errors(401, 403, 404, 409, 422),
)
def withdraw_request(
    event_id: EventId,
    request_id: RequestId,
    request: Request,
    actor: SignedInDep,
    database: DatabaseDep,
    expected_version: IfMatchDep,
    response: Response,
) -> RequestView:
    return _answer(event_id, request_id, request, actor, database, expected_version, response, accept=None)
