"""The home page: what Kakehashi is, the priority sectors, the latest published opportunities."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from kakehashi.labels import SECTORS
from kakehashi.profiles import service
from kakehashi.profiles.schemas import OpportunityFilters
from kakehashi.profiles.vocab import Status
from kakehashi.web.deps import ActorDep, DatabaseDep
from kakehashi.web.templating import render

router = APIRouter()

LATEST_SHOWN = 6


@router.get("/", response_class=HTMLResponse)
def home(request: Request, actor: ActorDep, database: DatabaseDep) -> HTMLResponse:
    with database.session() as session:
        latest = service.list_opportunities(
            session, actor, OpportunityFilters(status=Status.PUBLISHED), page=1, page_size=LATEST_SHOWN
        )
    return render(request, "home.html", {"sectors": list(SECTORS), "latest": latest})
