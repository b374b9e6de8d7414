"""What every route needs: the settings, the store, and who is calling.

The caller is read from ``Authorization: Bearer <token>``: no header means a visitor; a malformed,
unknown or expired token is a 401 (never silently a visitor, so a client notices a bad token).
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from kakehashi.accounts.roles import VISITOR, Actor
from kakehashi.accounts.service import actor_for_token
from kakehashi.accounts.throttle import SignInThrottle
from kakehashi.api.clients import client_address
from kakehashi.config import Settings
from kakehashi.errors import AuthenticationRequired
from kakehashi.store import Database

# Declared for the OpenAPI document (the "Authorize" button of /docs); the header is parsed below.
_bearer_scheme = HTTPBearer(
    auto_error=False,
    scheme_name="token",
    description="An API token from `POST /api/v1/auth/token`, sent as `Authorization: Bearer <token>`.",
)


def get_settings(request: Request) -> Settings:
    settings = request.app.state.settings
    assert isinstance(settings, Settings)
    return settings


def get_database(request: Request) -> Database:
    database = request.app.state.database
    assert isinstance(database, Database)
    return database


def get_sign_in_throttle(request: Request) -> SignInThrottle:
    """The app's one throttle: failures on the sign-in page and on the API count together."""
    throttle = request.app.state.sign_in_throttle
    assert isinstance(throttle, SignInThrottle)
    return throttle


SettingsDep = Annotated[Settings, Depends(get_settings)]
DatabaseDep = Annotated[Database, Depends(get_database)]
ThrottleDep = Annotated[SignInThrottle, Depends(get_sign_in_throttle)]
AddressDep = Annotated[str | None, Depends(client_address)]


def bearer_token(
    request: Request,
    _declared: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer_scheme)],
) -> str | None:
    """The token of the Authorization header, None without one; 401 when the header is malformed."""
    header = request.headers.get("Authorization")
    if header is None:
        return None
    scheme, _, token = header.strip().partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise AuthenticationRequired("The Authorization header must read 'Bearer <token>'.")
    return token.strip()


TokenDep = Annotated[str | None, Depends(bearer_token)]


def current_actor(database: DatabaseDep, token: TokenDep) -> Actor:
    if token is None:
        return VISITOR
    with database.session() as session:
        return actor_for_token(session, token)


ActorDep = Annotated[Actor, Depends(current_actor)]


def signed_in_actor(actor: ActorDep) -> Actor:
    """Writes need an account: a visitor is asked to authenticate (401) before any role check (403)."""
    if not actor.is_signed_in:
        raise AuthenticationRequired("Sign in first: send 'Authorization: Bearer <token>'.")
    return actor


SignedInDep = Annotated[Actor, Depends(signed_in_actor)]
