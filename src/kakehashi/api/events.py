"""Events: list, read, create and edit (organising officers), the lifecycle transitions, the slot grid."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated

from fastapi import APIRouter, Path, Query, Request, Response
from fastapi import status as http_status
from sqlalchemy.orm import Session

from kakehashi.accounts.roles import Actor
from kakehashi.api.deps import ActorDep, DatabaseDep, SignedInDep
from kakehashi.api.errors import request_locale
from kakehashi.api.openapi import errors
from kakehashi.api.versions import IfMatchDep, with_current_state, with_etag
from kakehashi.errors import StaleVersion
from kakehashi.events import service
from kakehashi.events.lifecycle import EventAction
from kakehashi.events.schemas import EventInput, EventPatch, EventView, SlotView
from kakehashi.events.vocab import EventStatus
from kakehashi.limits import MAX_ID
from kakehashi.store import Database

router = APIRouter(prefix="/events", tags=["events"])

EventId = Annotated[int, Path(ge=1, le=MAX_ID, description="The event's id.")]


@router.get(
    "", summary="Events the caller may read (drafts: agency staff only)", response_model=list[EventView]
)
def list_events(
    request: Request,
    actor: ActorDep,
    database: DatabaseDep,
    status: Annotated[EventStatus | None, Query(description="Only events in this status.")] = None,
) -> list[EventView]:
    with database.session() as session:
        return service.list_events(
            session, actor, locale=request_locale(request), status=status.value if status else None
        )


@router.get("/{event_id}", summary="Read an event", response_model=EventView, responses=errors(401, 404, 422))
def get_event(
    event_id: EventId, request: Request, actor: ActorDep, database: DatabaseDep, response: Response
) -> EventView:
    with database.session() as session:
        event = service.readable_event(session, actor, event_id)
        return with_etag(response, service.event_view(session, actor, event, locale=request_locale(request)))


@router.get(
    "/{event_id}/slots",
    summary="The event's slot grid: index, day, session, start and end (UTC)",
    response_model=list[SlotView],
    responses=errors(401, 404, 422),
)
def get_slots(event_id: EventId, actor: ActorDep, database: DatabaseDep) -> list[SlotView]:
    with database.session() as session:
        grid = service.grid_of(service.readable_event(session, actor, event_id))
        return [
            SlotView(
                index=s.index,
                day=s.day,
                part=s.part,
                starts_at=s.starts_at,
                ends_at=s.ends_at,
                online=s.online,
            )
            for s in grid.slots
        ]


@router.post(
    "",
    summary="Create an event (a draft; agency officers)",
    status_code=http_status.HTTP_201_CREATED,
    response_model=EventView,
    responses=errors(401, 403, 409, 422),
)
def create_event(
    body: EventInput, request: Request, actor: SignedInDep, database: DatabaseDep, response: Response
) -> EventView:
    with database.session() as session:
        event = service.create_event(session, actor, body)
        return with_etag(response, service.event_view(session, actor, event, locale=request_locale(request)))


@router.patch(
    "/{event_id}",
    summary="Edit an event (its organising officers; the grid until requests open)",
    response_model=EventView,
    responses=errors(401, 403, 404, 409, 422),
)
def update_event(
    event_id: EventId,
    body: EventPatch,
    request: Request,
    actor: SignedInDep,
    database: DatabaseDep,
    expected_version: IfMatchDep,
    response: Response,
) -> EventView:
    locale = request_locale(request)
    try:
        with database.session() as session:
            event = service.update_event(session, actor, event_id, body, expected_version=expected_version)
            return with_etag(response, service.event_view(session, actor, event, locale=locale))
    except StaleVersion as stale:
        raise current_event(stale, database, actor, event_id, locale) from None


def current_event(
    stale: StaleVersion, database: Database, actor: Actor, event_id: int, locale: str
) -> StaleVersion:
    def read(session: Session) -> EventView:
        return service.event_view(
            session, actor, service.readable_event(session, actor, event_id), locale=locale
        )

    return with_current_state(stale, database, read)


TRANSITIONS: dict[EventAction, str] = {
    EventAction.OPEN_REGISTRATION: "Open registration (draft → registration)",
    EventAction.OPEN_BOOKING: "Open meeting requests (registration → booking)",
    EventAction.REOPEN_BOOKING: "Reopen meeting requests (scheduled → booking)",
    EventAction.MARK_SCHEDULED: "Close requests: the agenda is being made (booking → scheduled)",
    EventAction.PUBLISH: "Publish (scheduled → published)",
    EventAction.MARK_HELD: "Mark as held (published → held)",
    EventAction.CLOSE: "Close the event (from any status)",
}


def transition_path(action: EventAction) -> str:
    return "/{event_id}/" + action.value.replace("_", "-")


def _transition_endpoint(action: EventAction) -> Callable[..., EventView]:
    def move(
        event_id: EventId,
        request: Request,
        actor: SignedInDep,
        database: DatabaseDep,
        expected_version: IfMatchDep,
        response: Response,
    ) -> EventView:
        locale = request_locale(request)
        try:
            with database.session() as session:
                event = service.transition(
                    session, actor, event_id, action, expected_version=expected_version
                )
                return with_etag(response, service.event_view(session, actor, event, locale=locale))
        except StaleVersion as stale:
            raise current_event(stale, database, actor, event_id, locale) from None

    return move


for _action, _summary in TRANSITIONS.items():
    router.add_api_route(
        transition_path(_action),
        _transition_endpoint(_action),
        methods=["POST"],
        name=f"{_action.value}_event",
        summary=_summary,
        response_model=EventView,
        responses=errors(401, 403, 404, 409, 422),
    )
