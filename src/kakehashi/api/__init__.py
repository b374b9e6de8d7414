"""The REST API edge. ``create_app`` mounts every router that :func:`routers` returns under ``API_PREFIX``.

Errors on every path under ``API_PREFIX`` are answered in one JSON shape (see :mod:`kakehashi.api.errors`).
The resources live under a version (``/api/v1``) so that a later, incompatible API can sit beside them.
The routes stay thin: parse, call a feature's service inside one ``database.session()`` (rolled back on
any error), and return the service's view.
"""

from __future__ import annotations

from typing import Final

from fastapi import APIRouter

API_PREFIX: Final = "/api"
API_VERSION: Final = "v1"
BASE_PATH: Final = f"{API_PREFIX}/{API_VERSION}"


def routers() -> list[APIRouter]:
    """The API's routers, in the order they are mounted."""
    from kakehashi.api import (
        account,
        analytics,
        auth,
        event_agenda,
        event_participants,
        events,
        jobs,
        matching,
        notices,
        opportunities,
        organisations,
        pipeline,
    )
    from kakehashi.api.openapi import errors

    # What any operation may answer, whatever it does: an unreadable or oversized body, a bad token,
    # invalid parameters, too many requests (kakehashi.api.limits, with Retry-After). Documented once
    # here so that every operation's responses are complete.
    version = APIRouter(prefix=f"/{API_VERSION}", responses=errors(400, 401, 413, 422, 429))
    routers = (
        auth.router,
        account.router,
        organisations.router,
        opportunities.router,
        matching.router,
        events.router,
        event_participants.router,
        pipeline.router,
    )
    for router in (*routers, jobs.router, notices.router, event_agenda.router, analytics.router):
        version.include_router(router)
    return [version]
