"""Opportunities: search and filters, read, post, edit, the lifecycle transitions, the review queue."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated

from fastapi import APIRouter, Body, Path, Query, Request, Response
from fastapi import status as http_status
from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from kakehashi.accounts.roles import Actor
from kakehashi.api.deps import ActorDep, DatabaseDep, SettingsDep, SignedInDep
from kakehashi.api.openapi import errors
from kakehashi.api.paging import OpportunityPage, PageNumber, PageSize, page_size_or_default
from kakehashi.api.versions import IfMatchDep, with_current_state, with_etag
from kakehashi.errors import FieldProblem, StaleVersion, ValidationFailed
from kakehashi.limits import MAX_ID
from kakehashi.matching import listing
from kakehashi.matching.service import MatchingService
from kakehashi.profiles import service
from kakehashi.profiles.lifecycle import Action
from kakehashi.profiles.schemas import (
    OpportunityFilters,
    OpportunityInput,
    OpportunityPatch,
    OpportunityView,
    TranslationInput,
)
from kakehashi.profiles.views import opportunity_view
from kakehashi.profiles.vocab import Country, Language, OpportunityType, Sector, Status

router = APIRouter(tags=["opportunities"])

OpportunityId = Annotated[int, Path(ge=1, le=MAX_ID, description="The opportunity's id.")]


class OpportunityCreate(OpportunityInput):
    organisation_id: int | None = Field(
        default=None,
        ge=1,
        le=MAX_ID,
        description="The owning organisation; defaults to the member's own organisation.",
    )


class TransitionNote(BaseModel):
    model_config = ConfigDict(extra="forbid")

    note: Annotated[str, StringConstraints(strip_whitespace=True, max_length=2000)] | None = Field(
        default=None, description="For the owner: why it was sent back, or a remark on publication."
    )


class OpportunityListPage(OpportunityPage):
    """A page of opportunities, with how it was ordered and whether the search index was complete."""

    sort: listing.Sort = Field(description="The order: relevance (with q), newest or deadline.")
    index_complete: bool = Field(
        description="False while opportunities wait to be indexed: a search may then miss some."
    )
    index_pending: int = Field(description="How many opportunities wait to be indexed.")


@router.get(
    "/opportunities",
    summary="Search and filter the opportunities the caller may read",
    response_model=OpportunityListPage,
    responses=errors(401, 422),
)
def list_opportunities(
    request: Request,
    actor: ActorDep,
    settings: SettingsDep,
    q: Annotated[
        str | None,
        Query(
            max_length=200,
            description="What you look for, in Italian, Japanese or English: the cross-lingual search of "
            "`GET /search` over published opportunities (for the agencies' other statuses, every word "
            "must appear in the text).",
        ),
    ] = None,
    type: Annotated[OpportunityType | None, Query()] = None,
    sector: Annotated[Sector | None, Query()] = None,
    country: Annotated[Country | None, Query(description="Country of the posting organisation.")] = None,
    language: Annotated[Language | None, Query(description="Original language.")] = None,
    status: Annotated[Status | None, Query()] = None,
    organisation_id: Annotated[int | None, Query(ge=1, le=MAX_ID)] = None,
    sort: Annotated[
        listing.Sort | None, Query(description="relevance (the default with q), newest (without), deadline.")
    ] = None,
    page: PageNumber = 1,
    page_size: PageSize = None,
) -> OpportunityListPage:
    filters = OpportunityFilters(
        q=q,
        type=type,
        sector=sector,
        country=country,
        language=language,
        status=status,
        organisation_id=organisation_id,
    )
    matching = request.app.state.matching
    assert isinstance(matching, MatchingService)
    found = listing.list_opportunities(
        matching, actor, filters, sort=sort, page=page, page_size=page_size_or_default(page_size, settings)
    )
    return OpportunityListPage(
        items=found.page.items,
        total=found.page.total,
        page=found.page.page,
        page_size=found.page.page_size,
        pages=found.page.pages,
        sort=found.sort,
        index_complete=found.index.complete,
        index_pending=found.index.pending,
    )


@router.get(
    "/opportunities/{opportunity_id}",
    summary="Read an opportunity (anonymised unless it is the caller's own, or the caller is staff)",
    response_model=OpportunityView,
    responses=errors(401, 404, 422),
)
def get_opportunity(
    opportunity_id: OpportunityId, actor: ActorDep, database: DatabaseDep, response: Response
) -> OpportunityView:
    with database.session() as session:
        return with_etag(response, service.get_opportunity(session, actor, opportunity_id))


@router.post(
    "/opportunities",
    summary="Post a new opportunity (a draft)",
    status_code=http_status.HTTP_201_CREATED,
    response_model=OpportunityView,
    responses=errors(401, 403, 404, 409, 422),
)
def create_opportunity(
    body: OpportunityCreate, actor: SignedInDep, database: DatabaseDep, response: Response
) -> OpportunityView:
    organisation_id = _owning_organisation(body, actor)
    data = OpportunityInput.model_validate(body.model_dump(exclude={"organisation_id"}))
    with database.session() as session:
        opp = service.create_opportunity(session, actor, organisation_id, data)
        return with_etag(response, opportunity_view(opp, actor))


def _owning_organisation(body: OpportunityCreate, actor: Actor) -> int:
    if body.organisation_id is not None:
        return body.organisation_id
    if actor.organisation_id is None:
        raise ValidationFailed(
            "Say which organisation posts this opportunity.",
            problems=[FieldProblem("organisation_id", "required: you do not belong to an organisation")],
        )
    return actor.organisation_id


@router.patch(
    "/opportunities/{opportunity_id}",
    summary="Edit an opportunity (the owner while it is a draft; staff until it is published)",
    response_model=OpportunityView,
    responses=errors(401, 403, 404, 409, 422),
)
def update_opportunity(
    opportunity_id: OpportunityId,
    body: OpportunityPatch,
    actor: SignedInDep,
    database: DatabaseDep,
    expected_version: IfMatchDep,
    response: Response,
) -> OpportunityView:
    try:
        with database.session() as session:
            opp = service.update_opportunity(
                session, actor, opportunity_id, body, expected_version=expected_version
            )
            return with_etag(response, opportunity_view(opp, actor))
    except StaleVersion as stale:
        raise _current(stale, database, actor, opportunity_id) from None


def _current(stale: StaleVersion, database: DatabaseDep, actor: Actor, opportunity_id: int) -> StaleVersion:
    return with_current_state(
        stale, database, lambda session: service.get_opportunity(session, actor, opportunity_id)
    )


@router.put(
    "/opportunities/{opportunity_id}/translations/{language}",
    summary="Add or replace one translation (the organisation's members or agency staff, until it expires); "
    "`If-Match`: the opportunity's `ETag`",
    response_model=OpportunityView,
    responses=errors(401, 403, 404, 409, 422),
)
def save_translation(
    opportunity_id: OpportunityId,
    language: Annotated[Language, Path(description="The translation's language (not the original's).")],
    body: TranslationInput,
    actor: SignedInDep,
    database: DatabaseDep,
    expected_version: IfMatchDep,
    response: Response,
) -> OpportunityView:
    try:
        with database.session() as session:
            opp = service.save_translation(
                session, actor, opportunity_id, language, body, expected_version=expected_version
            )
            return with_etag(response, opportunity_view(opp, actor))
    except StaleVersion as stale:
        raise _current(stale, database, actor, opportunity_id) from None


TRANSITIONS: dict[Action, str] = {
    Action.SUBMIT: "Submit a draft for review (owner or staff)",
    Action.PUBLISH: "Publish an opportunity in review (staff)",
    Action.SEND_BACK: "Send an opportunity in review back to its owner as a draft (staff)",
    Action.EXPIRE: "Expire a published opportunity (staff)",
    Action.WITHDRAW: "Withdraw an opportunity that is not yet expired (owner or staff)",
}


def transition_path(action: Action) -> str:
    return "/opportunities/{opportunity_id}/" + action.value.replace("_", "-")


def _transition_endpoint(action: Action) -> Callable[..., OpportunityView]:
    def move(
        opportunity_id: OpportunityId,
        actor: SignedInDep,
        database: DatabaseDep,
        expected_version: IfMatchDep,
        response: Response,
        body: Annotated[TransitionNote | None, Body()] = None,
    ) -> OpportunityView:
        note = body.note if body is not None else None
        try:
            with database.session() as session:
                opp = service.transition(
                    session, actor, opportunity_id, action, note=note, expected_version=expected_version
                )
                return with_etag(response, opportunity_view(opp, actor))
        except StaleVersion as stale:
            raise _current(stale, database, actor, opportunity_id) from None

    return move


for _action, _summary in TRANSITIONS.items():
    router.add_api_route(
        transition_path(_action),
        _transition_endpoint(_action),
        methods=["POST"],
        name=f"{_action.value}_opportunity",
        summary=_summary,
        response_model=OpportunityView,
        responses=errors(401, 403, 404, 409, 422),
    )


@router.get(
    "/review-queue",
    summary="Opportunities waiting for review, oldest first (agency staff)",
    response_model=list[OpportunityView],
    responses=errors(401, 403),
)
def review_queue(actor: SignedInDep, database: DatabaseDep) -> list[OpportunityView]:
    with database.session() as session:
        return service.review_queue(session, actor)
