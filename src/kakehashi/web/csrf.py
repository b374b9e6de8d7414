"""CSRF protection for every form POST of the pages.

Each session holds one random token; every form carries it in a hidden field and a dependency on every
pages router checks it on unsafe methods, so a route cannot forget. A missing or wrong token is a 403
with a page that says what happened and what to do.
"""

from __future__ import annotations

import secrets
from typing import Final

from fastapi import Request

from kakehashi.web.errors import CsrfFailed

CSRF_FIELD: Final = "csrf_token"
_SESSION_KEY: Final = "csrf"
_SAFE_METHODS: Final = frozenset({"GET", "HEAD", "OPTIONS"})


def csrf_token(request: Request) -> str:
    """This session's token, created on first use."""
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
    expected = request.session.get(_SESSION_KEY)
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
