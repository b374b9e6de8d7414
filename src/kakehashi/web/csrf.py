"""CSRF protection for every form POST of the pages.

Each session holds one token; every form carries it in a hidden field and a dependency on every
pages router checks it on unsafe methods, so a route cannot forget. A missing or wrong token is a 403
with a page that says what happened and what to do.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from typing import Final

from fastapi import Request

from kakehashi.web.errors import CsrfFailed

CSRF_FIELD: Final = "csrf_token"
_SESSION_KEY: Final = "csrf"
# The cookie's key for the id of a signed-in server-side session (see kakehashi.accounts.sessions).
SESSION_ID_KEY: Final = "sid"
_SAFE_METHODS: Final = frozenset({"GET", "HEAD", "OPTIONS"})


def _bound_token(request: Request) -> str | None:
    """A signed-in session's token is derived from its id: bound to the session, new with each session."""
    session_id = request.session.get(SESSION_ID_KEY)
    if not isinstance(session_id, str) or not session_id:
        return None
    key = str(request.app.state.secret_key).encode()
    return hmac.new(key, b"csrf:" + session_id.encode(), hashlib.sha256).hexdigest()


def csrf_token(request: Request) -> str:
    """This session's token: bound to the signed-in session, else random and created on first use."""
    bound = _bound_token(request)
    if bound is not None:
        return bound
    token = request.session.get(_SESSION_KEY)
    if not isinstance(token, str) or not token:
        token = secrets.token_urlsafe(32)
        request.session[_SESSION_KEY] = token
    return token


def rotate_csrf_token(request: Request) -> str:
    """A fresh token (after sign-in and sign-out, so a token seen before cannot be replayed)."""
    request.session.pop(_SESSION_KEY, None)
    return csrf_token(request)


async def require_csrf(request: Request) -> None:
    """Reject an unsafe request whose form does not carry this session's token."""
    if request.method in _SAFE_METHODS:
        return
    expected = _bound_token(request) or request.session.get(_SESSION_KEY)
    form = await request.form()
    sent = form.get(CSRF_FIELD)
    if (
        not isinstance(expected, str)
        or not isinstance(sent, str)
        or not secrets.compare_digest(sent, expected)
    ):
        raise CsrfFailed(
            "The form could not be accepted: its security token is missing or has expired. "
            "Go back, reload the page and send it again."
        )
