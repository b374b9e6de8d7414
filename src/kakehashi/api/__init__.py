"""The REST API edge. ``create_app`` mounts every router that :func:`routers` returns under ``API_PREFIX``.

Errors on these paths are answered in one JSON shape (see :mod:`kakehashi.api.errors`). The routes stay
thin: parse, call a feature's service inside one ``database.session()`` (rolled back on any error), and
return the service's view.
"""

from __future__ import annotations

from typing import Final

from fastapi import APIRouter

API_PREFIX: Final = "/api/v1"


def routers() -> list[APIRouter]:
    """The API's routers, in the order they are mounted."""
    from kakehashi.api import auth, opportunities, organisations

    return [auth.router, organisations.router, opportunities.router]
