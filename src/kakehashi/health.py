"""``/healthz`` (the process answers: liveness) and ``/readyz`` (the store is reachable and its schema is at
the migrations' head: readiness), for the reverse proxy and the container orchestrator."""

from __future__ import annotations

import logging

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from kakehashi.store import Database

log = logging.getLogger(__name__)
router = APIRouter()


@router.get("/healthz")
def healthz() -> JSONResponse:
    return JSONResponse({"status": "ok"})


@router.get("/readyz")
def readyz(request: Request) -> JSONResponse:
    database: Database = request.app.state.database
    try:
        current = database.current_revision()
        heads = database.head_revisions()
    except Exception as error:  # any failure to reach the store means: not ready
        log.warning("readiness: the store is not reachable: %s", error)
        return JSONResponse({"status": "unavailable", "database": "unreachable"}, status_code=503)
    if current is None or current not in heads:
        body = {"status": "unavailable", "database": "reachable", "migrations": "behind"}
        return JSONResponse(body, status_code=503)
    return JSONResponse({"status": "ok", "database": "reachable", "migrations": "at head"})
