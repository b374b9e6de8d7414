"""API tokens: sign in with e-mail and password, sign out, and who am I."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from fastapi import APIRouter, Response, status
from pydantic import AfterValidator, BaseModel, ConfigDict, Field, StringConstraints
from sqlalchemy.orm import Session

from kakehashi.accounts.models import User
from kakehashi.accounts.roles import Role
from kakehashi.accounts.service import get_user, issue_token, revoke_token, token_expiry
from kakehashi.accounts.signin import sign_in
from kakehashi.api.deps import AddressDep, DatabaseDep, SettingsDep, SignedInDep, ThrottleDep, TokenDep
from kakehashi.api.openapi import errors
from kakehashi.api.versions import with_etag
from kakehashi.errors import AuthenticationRequired
from kakehashi.limits import single_line

router = APIRouter(tags=["auth"])


class TokenRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    email: Annotated[
        str,
        StringConstraints(strip_whitespace=True, min_length=3, max_length=254),
        AfterValidator(single_line),
    ]
    password: Annotated[str, StringConstraints(min_length=1, max_length=1000)]
    label: Annotated[
        str, StringConstraints(strip_whitespace=True, max_length=100), AfterValidator(single_line)
    ] = Field(default="", description="A name to recognise the token by (for example the client's name).")


class TokenOut(BaseModel):
    token: str = Field(description="Send it as `Authorization: Bearer <token>`; it is shown only once.")
    token_type: Literal["bearer"] = "bearer"
    expires_at: datetime


class MeOut(BaseModel):
    id: int
    email: str
    display_name: str
    role: Role
    organisation_id: int | None
    agency: str | None = Field(description="ICE or JETRO for agency officers.")
    locale: str | None
    version: int = Field(description="The account's version, also its `ETag`; send it as `If-Match`.")


def me_view(session: Session, user_id: int) -> MeOut:
    """The signed-in user as the API shows them (also the ``current`` of a stale write of theirs)."""
    user = get_user(session, user_id)
    if user is None:
        raise AuthenticationRequired("This account no longer exists.")
    return MeOut(
        id=user.id,
        email=user.email,
        display_name=user.display_name,
        role=Role(user.role),
        organisation_id=user.organisation_id,
        agency=user.agency.code if user.agency else None,
        locale=user.locale,
        version=user.version,
    )


@router.post(
    "/auth/token",
    summary="Sign in: exchange e-mail and password for an API token",
    status_code=status.HTTP_201_CREATED,
    response_model=TokenOut,
    responses=errors(401, 422, 429),
)
def create_token(
    body: TokenRequest,
    database: DatabaseDep,
    settings: SettingsDep,
    throttle: ThrottleDep,
    address: AddressDep,
) -> TokenOut:
    def issue(session: Session, user: User) -> tuple[str, datetime | None]:
        token = issue_token(session, user, max_age_s=settings.api_token_max_age_s, label=body.label)
        return token, token_expiry(session, token)

    token, expires_at = sign_in(
        database,
        throttle,
        email=body.email,
        password=body.password,
        address=address,
        then=issue,
        channel="api",
    )
    assert expires_at is not None
    return TokenOut(token=token, expires_at=expires_at)


@router.delete(
    "/auth/token",
    summary="Sign out: revoke the token of this request",
    status_code=status.HTTP_204_NO_CONTENT,
    response_class=Response,
    responses=errors(401),
)
def delete_token(_actor: SignedInDep, token: TokenDep, database: DatabaseDep) -> Response:
    assert token is not None  # SignedInDep has accepted it
    with database.session() as session:
        revoke_token(session, token)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.get(
    "/me",
    summary="The signed-in user (with its version as `ETag`)",
    response_model=MeOut,
    responses=errors(401),
)
def me(actor: SignedInDep, database: DatabaseDep, response: Response) -> MeOut:
    assert actor.user_id is not None
    with database.session() as session:
        return with_etag(response, me_view(session, actor.user_id))
