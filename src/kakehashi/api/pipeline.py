"""The pipeline's API: expressions of interest, introductions (consent, stages, follow-up, thread, audit
trail), agreements and alerts. Thin: each route calls one service of :mod:`kakehashi.pipeline`."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Path, Query, Response
from fastapi import status as http_status
from pydantic import BaseModel
from sqlalchemy.orm import Session

from kakehashi.accounts.roles import Actor
from kakehashi.api.deps import DatabaseDep, SignedInDep
from kakehashi.api.openapi import errors
from kakehashi.api.versions import IfMatchDep, with_current_state, with_etag
from kakehashi.audit.service import as_dict
from kakehashi.errors import StaleVersion
from kakehashi.limits import MAX_ID
from kakehashi.pipeline import agreements, alerts, conversation, interests, introductions, trail
from kakehashi.pipeline.introductions import BoardFilters
from kakehashi.pipeline.models import Agreement
from kakehashi.pipeline.schemas import (
    AgreementInput,
    AgreementView,
    Decision,
    FollowUpInput,
    InterestInput,
    InterestView,
    IntroductionView,
    MessageInput,
    MessageView,
    MoveInput,
    ProposalInput,
    SavedSearchInput,
    SavedSearchView,
)
from kakehashi.pipeline.views import agreement_view
from kakehashi.pipeline.vocab import Stage
from kakehashi.profiles.vocab import Country, Sector
from kakehashi.store import Database
from kakehashi.store.base import utcnow

router = APIRouter(tags=["pipeline"])

InterestId = Annotated[int, Path(ge=1, le=MAX_ID, description="The expression of interest's id.")]
IntroductionId = Annotated[int, Path(ge=1, le=MAX_ID, description="The introduction's id.")]
AgreementId = Annotated[int, Path(ge=1, le=MAX_ID, description="The agreement's id.")]
AlertId = Annotated[int, Path(ge=1, le=MAX_ID, description="The alert's id.")]
WRITE_ERRORS = errors(401, 403, 404, 409, 422)


def _today() -> date:
    return utcnow().date()


def _stale_interest(stale: StaleVersion, database: Database, actor: Actor, interest_id: int) -> StaleVersion:
    return with_current_state(stale, database, lambda s: interests.get_interest(s, actor, interest_id))


def _stale_intro(stale: StaleVersion, database: Database, actor: Actor, introduction_id: int) -> StaleVersion:
    return with_current_state(
        stale, database, lambda s: introductions.get(s, actor, introduction_id, today=_today())
    )


# --- interests ----------------------------------------------------------------------------------


@router.get(
    "/interests", summary="Interests received and sent (agencies: all)", response_model=list[InterestView]
)
def list_interests(
    actor: SignedInDep, database: DatabaseDep, status: Annotated[str | None, Query(max_length=12)] = None
) -> list[InterestView]:
    with database.session() as session:
        return interests.list_interests(session, actor, status=status)


@router.post(
    "/interests",
    summary="Express interest in a published opportunity (members)",
    status_code=http_status.HTTP_201_CREATED,
    response_model=InterestView,
    responses=WRITE_ERRORS,
)
def express_interest(
    body: InterestInput, actor: SignedInDep, database: DatabaseDep, response: Response
) -> InterestView:
    with database.session() as session:
        interest = interests.express(session, actor, body)
        return with_etag(response, interests.get_interest(session, actor, interest.id))


@router.get(
    "/interests/{interest_id}",
    summary="Read an interest",
    response_model=InterestView,
    responses=errors(401, 404),
)
def get_interest(
    interest_id: InterestId, actor: SignedInDep, database: DatabaseDep, response: Response
) -> InterestView:
    with database.session() as session:
        return with_etag(response, interests.get_interest(session, actor, interest_id))


@router.post(
    "/interests/{interest_id}/accept",
    summary="Accept an interest (the owner): an introduction opens, identities still hidden",
    response_model=IntroductionView,
    responses=WRITE_ERRORS,
)
def accept_interest(
    interest_id: InterestId,
    actor: SignedInDep,
    database: DatabaseDep,
    expected_version: IfMatchDep,
    response: Response,
) -> IntroductionView:
    try:
        with database.session() as session:
            intro = interests.accept(session, actor, interest_id, expected_version=expected_version)
            return with_etag(response, introductions.get(session, actor, intro.id, today=_today()))
    except StaleVersion as stale:
        raise _stale_interest(stale, database, actor, interest_id) from None


def _interest_decision(
    decide: Callable[..., Any],
) -> Callable[..., InterestView]:
    def endpoint(
        interest_id: InterestId,
        actor: SignedInDep,
        database: DatabaseDep,
        expected_version: IfMatchDep,
        response: Response,
        body: Decision | None = None,
    ) -> InterestView:
        reason = body.reason if body is not None else None
        try:
            with database.session() as session:
                kwargs: dict[str, Any] = {"expected_version": expected_version}
                if decide is not interests.withdraw:
                    kwargs["reason"] = reason
                decide(session, actor, interest_id, **kwargs)
                return with_etag(response, interests.get_interest(session, actor, interest_id))
        except StaleVersion as stale:
            raise _stale_interest(stale, database, actor, interest_id) from None

    return endpoint


for _path, _decide, _summary in (
    ("decline", interests.decline, "Decline an interest (the owner), with an optional reason"),
    ("refer", interests.refer, "Ask the agency to look at an interest (the owner)"),
    ("withdraw", interests.withdraw, "Withdraw one's own interest before it is decided"),
):
    router.add_api_route(
        f"/interests/{{interest_id}}/{_path}",
        _interest_decision(_decide),
        methods=["POST"],
        name=f"{_path}_interest",
        summary=_summary,
        response_model=InterestView,
        responses=WRITE_ERRORS,
    )


# --- introductions ------------------------------------------------------------------------------


class Board(BaseModel):
    stages: dict[str, list[IntroductionView]]


@router.get(
    "/introductions",
    summary="The officers' board by stage (filters), or the member's own introductions",
    response_model=Board,
    responses=errors(401, 403, 422),
)
def list_introductions(
    actor: SignedInDep,
    database: DatabaseDep,
    agency: Annotated[str | None, Query(pattern="^(ICE|JETRO)$")] = None,
    sector: Annotated[Sector | None, Query()] = None,
    country: Annotated[Country | None, Query()] = None,
    event_meeting_id: Annotated[int | None, Query(ge=1, le=MAX_ID)] = None,
    event_id: Annotated[
        int | None, Query(ge=1, le=MAX_ID, description="Introductions from meetings of this event.")
    ] = None,
    officer_id: Annotated[int | None, Query(ge=1, le=MAX_ID)] = None,
    stage: Annotated[Stage | None, Query()] = None,
    idle: bool = False,
) -> Board:
    with database.session() as session:
        if not actor.is_staff:
            grouped: dict[str, list[IntroductionView]] = {s.value: [] for s in Stage}
            for view in introductions.mine(session, actor, today=_today()):
                grouped[view.stage.value].append(view)
            return Board(stages=grouped)
        filters = BoardFilters(
            agency=agency,
            sector=sector.value if sector else None,
            country=country.value if country else None,
            event_meeting_id=event_meeting_id,
            event_id=event_id,
            officer_id=officer_id,
            stage=stage.value if stage else None,
            idle_only=idle,
        )
        return Board(stages=introductions.board(session, actor, filters, today=_today()))


@router.post(
    "/introductions",
    summary="Propose an introduction from an interest, a match or an event meeting (officers)",
    status_code=http_status.HTTP_201_CREATED,
    response_model=IntroductionView,
    responses=WRITE_ERRORS,
)
def propose(
    body: ProposalInput, actor: SignedInDep, database: DatabaseDep, response: Response
) -> IntroductionView:
    with database.session() as session:
        intro = introductions.propose(session, actor, body)
        return with_etag(response, introductions.get(session, actor, intro.id, today=_today()))


@router.get(
    "/introductions/{introduction_id}",
    summary="Read an introduction (the other side's identity only after both consented)",
    response_model=IntroductionView,
    responses=errors(401, 404),
)
def get_introduction(
    introduction_id: IntroductionId, actor: SignedInDep, database: DatabaseDep, response: Response
) -> IntroductionView:
    with database.session() as session:
        return with_etag(response, introductions.get(session, actor, introduction_id, today=_today()))


def _introduction_write(
    change: Callable[[Session, Actor, int, Any, int | None], object],
) -> Callable[..., IntroductionView]:
    def run(
        introduction_id: int,
        actor: Actor,
        database: Database,
        body: Any,
        expected_version: int | None,
        response: Response,
    ) -> IntroductionView:
        try:
            with database.session() as session:
                change(session, actor, introduction_id, body, expected_version)
                return with_etag(response, introductions.get(session, actor, introduction_id, today=_today()))
        except StaleVersion as stale:
            raise _stale_intro(stale, database, actor, introduction_id) from None

    return run


_consent = _introduction_write(lambda s, a, i, _b, v: introductions.consent(s, a, i, expected_version=v))
_withdraw = _introduction_write(
    lambda s, a, i, _b, v: introductions.withdraw_consent(s, a, i, expected_version=v)
)
_move = _introduction_write(
    lambda s, a, i, b, v: introductions.move(s, a, i, b, expected_version=v, today=_today())
)
_follow = _introduction_write(lambda s, a, i, b, v: introductions.follow_up(s, a, i, b, expected_version=v))


@router.post(
    "/introductions/{introduction_id}/consent",
    summary="Accept the introduction (a side); identities are disclosed when both have",
    response_model=IntroductionView,
    responses=WRITE_ERRORS,
)
def consent(
    introduction_id: IntroductionId,
    actor: SignedInDep,
    database: DatabaseDep,
    expected_version: IfMatchDep,
    response: Response,
) -> IntroductionView:
    return _consent(introduction_id, actor, database, None, expected_version, response)


@router.post(
    "/introductions/{introduction_id}/withdraw-consent",
    summary="Withdraw one's consent before identities are disclosed",
    response_model=IntroductionView,
    responses=WRITE_ERRORS,
)
def withdraw_consent(
    introduction_id: IntroductionId,
    actor: SignedInDep,
    database: DatabaseDep,
    expected_version: IfMatchDep,
    response: Response,
) -> IntroductionView:
    return _withdraw(introduction_id, actor, database, None, expected_version, response)


@router.post(
    "/introductions/{introduction_id}/stage",
    summary="Move to the next stage, or close without agreement with a reason (officers)",
    response_model=IntroductionView,
    responses=WRITE_ERRORS,
)
def move(
    introduction_id: IntroductionId,
    body: MoveInput,
    actor: SignedInDep,
    database: DatabaseDep,
    expected_version: IfMatchDep,
    response: Response,
) -> IntroductionView:
    return _move(introduction_id, actor, database, body, expected_version, response)


@router.patch(
    "/introductions/{introduction_id}",
    summary="Notes, next step and due date, following officer (officers)",
    response_model=IntroductionView,
    responses=WRITE_ERRORS,
)
def follow_up(
    introduction_id: IntroductionId,
    body: FollowUpInput,
    actor: SignedInDep,
    database: DatabaseDep,
    expected_version: IfMatchDep,
    response: Response,
) -> IntroductionView:
    return _follow(introduction_id, actor, database, body, expected_version, response)


@router.get(
    "/introductions/{introduction_id}/messages",
    summary="The thread the caller may read",
    response_model=list[MessageView],
    responses=errors(401, 404),
)
def messages(introduction_id: IntroductionId, actor: SignedInDep, database: DatabaseDep) -> list[MessageView]:
    with database.session() as session:
        return conversation.thread(session, actor, introduction_id)


@router.post(
    "/introductions/{introduction_id}/messages",
    summary="Write in the thread (before disclosure, a side writes to the agency only)",
    status_code=http_status.HTTP_201_CREATED,
    response_model=list[MessageView],
    responses=WRITE_ERRORS,
)
def post_message(
    introduction_id: IntroductionId, body: MessageInput, actor: SignedInDep, database: DatabaseDep
) -> list[MessageView]:
    with database.session() as session:
        conversation.post(session, actor, introduction_id, body.body)
        return conversation.thread(session, actor, introduction_id)


@router.get(
    "/introductions/{introduction_id}/audit",
    summary="The audit trail of an introduction (agencies)",
    response_model=list[dict[str, Any]],
    responses=errors(401, 403, 404),
)
def audit_trail(
    introduction_id: IntroductionId, actor: SignedInDep, database: DatabaseDep
) -> list[dict[str, Any]]:
    with database.session() as session:
        return [as_dict(event) for event in trail.events(session, actor, introduction_id)]


# --- agreements ---------------------------------------------------------------------------------


@router.post(
    "/introductions/{introduction_id}/agreements",
    summary="Record an agreement (officers): typed, with amount, currency and the day's rate for money",
    status_code=http_status.HTTP_201_CREATED,
    response_model=AgreementView,
    responses=WRITE_ERRORS,
)
def record_agreement(
    introduction_id: IntroductionId,
    body: AgreementInput,
    actor: SignedInDep,
    database: DatabaseDep,
    expected_version: IfMatchDep,
    response: Response,
) -> AgreementView:
    try:
        with database.session() as session:
            agreement = agreements.record(
                session, actor, introduction_id, body, expected_version=expected_version
            )
            return with_etag(response, agreement_view(agreement))
    except StaleVersion as stale:
        raise _stale_intro(stale, database, actor, introduction_id) from None


@router.post(
    "/agreements/{agreement_id}/confirm",
    summary="Confirm an agreement (each party)",
    response_model=AgreementView,
    responses=WRITE_ERRORS,
)
def confirm_agreement(
    agreement_id: AgreementId,
    actor: SignedInDep,
    database: DatabaseDep,
    expected_version: IfMatchDep,
    response: Response,
) -> AgreementView:
    with database.session() as session:
        agreement = agreements.confirm(session, actor, agreement_id, expected_version=expected_version)
        return with_etag(response, agreement_view(agreement))


@router.get(
    "/agreements/{agreement_id}",
    summary="Read an agreement",
    response_model=AgreementView,
    responses=errors(401, 404),
)
def get_agreement(agreement_id: AgreementId, actor: SignedInDep, database: DatabaseDep) -> AgreementView:
    with database.session() as session:
        agreement = session.get(Agreement, agreement_id)
        if agreement is not None:
            introductions.readable(session, actor, agreement.introduction_id)  # 404 for others
            return agreement_view(agreement)
        from kakehashi.pipeline.errors import agreement_not_found

        raise agreement_not_found(agreement_id)


# --- alerts -------------------------------------------------------------------------------------


@router.get(
    "/alerts",
    summary="The organisation's alerts",
    response_model=list[SavedSearchView],
    responses=errors(401, 403),
)
def list_alerts(actor: SignedInDep, database: DatabaseDep) -> list[SavedSearchView]:
    with database.session() as session:
        return alerts.list_alerts(session, actor)


@router.post(
    "/alerts",
    summary="Save a search or follow an own opportunity's matches (run as a job, never on the request)",
    status_code=http_status.HTTP_201_CREATED,
    response_model=list[SavedSearchView],
    responses=WRITE_ERRORS,
)
def save_alert(body: SavedSearchInput, actor: SignedInDep, database: DatabaseDep) -> list[SavedSearchView]:
    with database.session() as session:
        alerts.save(session, actor, body)
        return alerts.list_alerts(session, actor)


@router.delete(
    "/alerts/{alert_id}",
    summary="Delete an alert",
    status_code=http_status.HTTP_204_NO_CONTENT,
    responses=errors(401, 403, 404),
)
def delete_alert(alert_id: AlertId, actor: SignedInDep, database: DatabaseDep) -> Response:
    with database.session() as session:
        alerts.delete(session, actor, alert_id)
    return Response(status_code=http_status.HTTP_204_NO_CONTENT)
