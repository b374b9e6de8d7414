"""The REST API edge. ``create_app`` mounts every router that :func:`routers` returns under ``API_PREFIX``.

Errors on these paths are answered in one JSON shape (see :mod:`kakehashi.api.errors`).
"""

from __future__ import annotations

from typing import Final

from fastapi import APIRouter

API_PREFIX: Final = "/api"


def routers() -> list[APIRouter]:
    """The API's routers, in the order they are mounted."""
    return []
