"""The officers' review queue: publish or send back what members submitted; expire what is published."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from kakehashi.profiles import service
from kakehashi.profiles.schemas import OpportunityFilters
from kakehashi.profiles.vocab import Status
from kakehashi.web.deps import DatabaseDep, StaffDep
from kakehashi.web.templating import render

router = APIRouter()

PUBLISHED_SHOWN = 10


@router.get("/review", response_class=HTMLResponse)
def review_queue(request: Request, actor: StaffDep, database: DatabaseDep) -> HTMLResponse:
    with database.session() as session:
        waiting = service.review_queue(session, actor)
        published = service.list_opportunities(
            session, actor, OpportunityFilters(status=Status.PUBLISHED), page=1, page_size=PUBLISHED_SHOWN
        )
    return render(request, "review/queue.html", {"waiting": waiting, "published": published})
