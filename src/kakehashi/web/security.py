"""Security headers on every response (a pure ASGI middleware, so streaming stays untouched)."""

from __future__ import annotations

from typing import Final

from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

# Everything the pages use is served from this origin: no CDN, no inline script.
_PAGE_POLICY: Final = (
    "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
    "object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
)
# The interactive API documentation (Swagger UI, served from this origin) starts with an inline script
# and sets inline styles; it gets a policy of its own so that the pages' policy can stay strict.
_DOCS_PATHS: Final = frozenset({"/docs", "/docs/oauth2-redirect"})
_DOCS_POLICY: Final = (
    "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; "
    "script-src 'self' 'unsafe-inline'; object-src 'none'; base-uri 'self'; frame-ancestors 'none'"
)

_COMMON_HEADERS: Final = (
    ("x-content-type-options", "nosniff"),
    ("x-frame-options", "DENY"),
    ("referrer-policy", "same-origin"),
    ("cross-origin-opener-policy", "same-origin"),
    ("permissions-policy", "camera=(), microphone=(), geolocation=()"),
)


class SecurityHeadersMiddleware:
    """``hsts_max_age_s`` (None: no HSTS) is set when the platform is served over HTTPS: a browser that
    has seen it then refuses plain HTTP to this host, so a cookie can never travel unencrypted."""

    def __init__(self, app: ASGIApp, *, hsts_max_age_s: int | None = None) -> None:
        self.app = app
        self.hsts = f"max-age={hsts_max_age_s}; includeSubDomains" if hsts_max_age_s is not None else None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        is_docs = scope.get("path", "") in _DOCS_PATHS

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                for name, value in _COMMON_HEADERS:
                    headers.setdefault(name, value)
                headers.setdefault("content-security-policy", _DOCS_POLICY if is_docs else _PAGE_POLICY)
                if self.hsts is not None:
                    headers.setdefault("strict-transport-security", self.hsts)
            await send(message)

        await self.app(scope, receive, send_with_headers)
