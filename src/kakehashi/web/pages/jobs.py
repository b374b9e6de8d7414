"""The officers' jobs page: what the long work is doing (runs, progress, errors, the waiting queue)."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from kakehashi.jobs import service
from kakehashi.web.deps import DatabaseDep, StaffDep
from kakehashi.web.templating import render

router = APIRouter()


@router.get("/jobs", response_class=HTMLResponse)
def jobs_page(request: Request, actor: StaffDep, database: DatabaseDep) -> HTMLResponse:
    return render(request, "jobs/list.html", {"jobs": service.overview(actor, database, limit=50)})
