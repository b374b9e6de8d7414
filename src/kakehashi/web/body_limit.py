"""A bound on the size of every request body, at the edge (a pure ASGI middleware).

A declared ``Content-Length`` over the limit is refused at once; a body sent without one (chunked) is read
up to the limit and refused as soon as it passes it. The refusal is a 413: the JSON error shape on the
API, a readable page elsewhere. Nothing of an oversized body reaches a route, a form parser or the store.
"""

from __future__ import annotations

from collections.abc import Callable

from starlette.requests import Request
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from kakehashi.errors import KakehashiError


class BodyTooLarge(KakehashiError):
    code = "payload_too_large"
    http_status = 413


Responder = Callable[[Request, KakehashiError], Response]


class BodySizeLimitMiddleware:
    def __init__(self, app: ASGIApp, *, max_bytes: int, respond: Responder) -> None:
        self.app = app
        self.max_bytes = max_bytes
        self.respond = respond

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = _content_length(scope)
        if declared is not None and declared > self.max_bytes:
            await self._refuse(scope, receive, send)
            return
        if declared is not None:
            await self.app(scope, receive, send)
            return
        messages: list[Message] = []
        size = 0
        while True:
            message = await receive()
            messages.append(message)
            if message["type"] != "http.request":
                break
            size += len(message.get("body", b""))
            if size > self.max_bytes:
                await self._refuse(scope, receive, send)
                return
            if not message.get("more_body", False):
                break

        async def replay() -> Message:
            return messages.pop(0) if messages else await receive()

        await self.app(scope, replay, send)

    async def _refuse(self, scope: Scope, receive: Receive, send: Send) -> None:
        error = BodyTooLarge("The request body is larger than %(max)s bytes.", params={"max": self.max_bytes})
        response = self.respond(Request(scope, receive), error)
        response.headers["connection"] = "close"
        await response(scope, receive, send)


def _content_length(scope: Scope) -> int | None:
    for name, value in scope.get("headers", []):
        if name == b"content-length":
            try:
                return int(value)
            except ValueError:
                return None
    return None
