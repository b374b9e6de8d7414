"""The pages edge: server-rendered HTML (Jinja2) in Italian, Japanese and English. Thin: it calls services."""

from __future__ import annotations

from fastapi import APIRouter, Depends

from kakehashi.web.csrf import require_csrf
from kakehashi.web.pages import PAGE_ROUTERS


def routers() -> list[APIRouter]:
    """Every pages router, each guarded by the CSRF check on its form POSTs."""
    guarded = APIRouter(dependencies=[Depends(require_csrf)])
    for router in PAGE_ROUTERS:
        guarded.include_router(router)
    return [guarded]
