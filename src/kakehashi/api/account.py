"""Accounts over the API: own password change and reset; users and the audit log for administrators."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Any

from fastapi import APIRouter, BackgroundTasks, Path, Query, Request, Response, status
from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from kakehashi.accounts import admin
from kakehashi.accounts.models import User
from kakehashi.accounts.recovery import change_password, request_reset, reset_mail, reset_password
from kakehashi.accounts.roles import Role
from kakehashi.api.auth import me_view
from kakehashi.api.deps import AddressDep, DatabaseDep, SettingsDep, SignedInDep, TokenDep
from kakehashi.api.openapi import errors
from kakehashi.api.paging import PageNumber, PageSize, page_size_or_default
from kakehashi.api.versions import IfMatchDep, etag, with_current_state, with_etag
from kakehashi.audit import service as audit
from kakehashi.audit.service import AuditFilter, AuditKind
from kakehashi.errors import StaleVersion
from kakehashi.notifications.mail import MailSender

router = APIRouter(tags=["accounts"])

Password = Annotated[str, StringConstraints(min_length=1, max_length=1000)]


class PasswordChange(BaseModel):
    model_config = ConfigDict(extra="forbid")

    current_password: Password
    new_password: Password = Field(description="12 to 256 characters; not a common password, e-mail or name.")


class ResetRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    email: Annotated[str, StringConstraints(strip_whitespace=True, min_length=3, max_length=254)]


class ResetConfirm(BaseModel):
    model_config = ConfigDict(extra="forbid")

    token: Annotated[str, StringConstraints(min_length=1, max_length=200)]
    new_password: Password


@router.put(
    "/me/password",
    summary="Change my password (every other session and token of mine ends); `ETag`: the new version",
    status_code=status.HTTP_204_NO_CONTENT,
    response_class=Response,
    responses=errors(401, 409, 422),
)
def put_password(
    body: PasswordChange,
    actor: SignedInDep,
    token: TokenDep,
    database: DatabaseDep,
    address: AddressDep,
    expected_version: IfMatchDep,
) -> Response:
    user_id = actor.user_id
    assert user_id is not None
    try:
        with database.session() as session:
            user = change_password(
                session,
                user_id,
                current_password=body.current_password,
                new_password=body.new_password,
                address=address,
                keep_token=token,
                expected_version=expected_version,
            )
            version = user.version
    except StaleVersion as stale:
        raise with_current_state(stale, database, lambda session: me_view(session, user_id)) from None
    return Response(status_code=status.HTTP_204_NO_CONTENT, headers={"ETag": etag(version)})


@router.post(
    "/auth/password-reset",
    summary="E-mail a one-time password reset link (the answer is the same for unknown e-mails)",
    status_code=status.HTTP_204_NO_CONTENT,
    response_class=Response,
    responses=errors(422),
)
def post_reset(
    body: ResetRequest,
    request: Request,
    database: DatabaseDep,
    settings: SettingsDep,
    address: AddressDep,
    background: BackgroundTasks,
) -> Response:
    with database.session() as session:
        link = request_reset(
            session, email=body.email, max_age_s=settings.password_reset_max_age_s, address=address
        )
    if link is not None:
        mail = reset_mail(link, translations=request.app.state.translations, settings=settings)
        mailer: MailSender = request.app.state.mailer
        background.add_task(mailer.send_quietly, mail)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.post(
    "/auth/password-reset/confirm",
    summary="Set a new password with a reset link's token (the token works once)",
    status_code=status.HTTP_204_NO_CONTENT,
    response_class=Response,
    responses=errors(404, 422),
)
def post_reset_confirm(body: ResetConfirm, database: DatabaseDep, address: AddressDep) -> Response:
    with database.session() as session:
        reset_password(session, token=body.token, new_password=body.new_password, address=address)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


class UserOut(BaseModel):
    id: int
    email: str
    display_name: str
    role: Role
    organisation_id: int | None
    agency: str | None
    active: bool
    version: int = Field(description="The account's version, also its `ETag`; send it as `If-Match`.")

    @classmethod
    def of(cls, user: User) -> UserOut:
        return cls(
            id=user.id,
            email=user.email,
            display_name=user.display_name,
            role=Role(user.role),
            organisation_id=user.organisation_id,
            agency=user.agency.code if user.agency else None,
            active=user.is_active,
            version=user.version,
        )


class UserChange(BaseModel):
    model_config = ConfigDict(extra="forbid")

    role: Role | None = None
    organisation_id: Annotated[int | None, Field(ge=1, le=2**31 - 1)] = None
    agency: Annotated[str | None, StringConstraints(max_length=8)] = None
    active: bool | None = Field(default=None, description="false deactivates: sessions and tokens end.")


@router.get(
    "/users", summary="Every user (administrators)", response_model=list[UserOut], responses=errors(401, 403)
)
def get_users(actor: SignedInDep, database: DatabaseDep) -> list[UserOut]:
    with database.session() as session:
        return [UserOut.of(user) for user in admin.list_users(session, actor)]


UserId = Annotated[int, Path(ge=1, le=2**31 - 1)]


@router.get(
    "/users/{user_id}",
    summary="One user, with its version as `ETag` (administrators)",
    response_model=UserOut,
    responses=errors(401, 403, 404, 422),
)
def get_one_user(user_id: UserId, actor: SignedInDep, database: DatabaseDep, response: Response) -> UserOut:
    with database.session() as session:
        return with_etag(response, UserOut.of(admin.user_for_admin(session, actor, user_id)))


@router.patch(
    "/users/{user_id}",
    summary="Change a user's role or deactivate / reactivate them (administrators; `If-Match` checked)",
    response_model=UserOut,
    responses=errors(401, 403, 404, 409, 422),
)
def patch_user(
    user_id: UserId,
    body: UserChange,
    actor: SignedInDep,
    database: DatabaseDep,
    expected_version: IfMatchDep,
    response: Response,
) -> UserOut:
    try:
        with database.session() as session:
            user = admin.change_user(
                session,
                actor,
                user_id,
                role=body.role,
                organisation_id=body.organisation_id,
                agency_code=body.agency,
                active=body.active,
                expected_version=expected_version,
            )
            return with_etag(response, UserOut.of(user))
    except StaleVersion as stale:
        raise with_current_state(
            stale, database, lambda session: UserOut.of(admin.user_for_admin(session, actor, user_id))
        ) from None


class AuditEventOut(BaseModel):
    id: int
    at: datetime
    kind: str
    actor_user_id: int | None
    actor_email: str | None
    target: str | None
    address: str | None
    detail: dict[str, Any]


class AuditPage(BaseModel):
    items: list[AuditEventOut]
    total: int
    page: int
    page_size: int


def _aware(moment: datetime | None) -> datetime | None:
    """A time without a zone is read as UTC, as everywhere in the store."""
    if moment is None or moment.tzinfo is not None:
        return moment
    return moment.replace(tzinfo=UTC)


@router.get(
    "/audit",
    summary="The security audit log, newest first (administrators)",
    response_model=AuditPage,
    responses=errors(401, 403, 422),
)
def get_audit(
    actor: SignedInDep,
    database: DatabaseDep,
    settings: SettingsDep,
    kind: AuditKind | None = None,
    user_id: Annotated[int | None, Query(ge=1, le=2**31 - 1)] = None,
    target: Annotated[str | None, Query(max_length=100)] = None,
    since: datetime | None = None,
    until: datetime | None = None,
    page: PageNumber = 1,
    page_size: PageSize = None,
) -> AuditPage:
    size = page_size_or_default(page_size, settings)
    where = AuditFilter(
        kind=kind.value if kind else None,
        user_id=user_id,
        target=target,
        since=_aware(since),
        until=_aware(until),
    )
    with database.session() as session:
        events, total = audit.list_events(session, actor, where, page=page, page_size=size)
        items = [AuditEventOut.model_validate(audit.as_dict(event)) for event in events]
    return AuditPage(items=items, total=total, page=page, page_size=size)
