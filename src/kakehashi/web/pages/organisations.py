"""Organisation pages (with the Wikipedia attribution on the imported real companies)."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from kakehashi.profiles import service
from kakehashi.web.deps import ActorDep, DatabaseDep
from kakehashi.web.templating import render

router = APIRouter()


@router.get("/organisations/{organisation_id}", response_class=HTMLResponse)
def organisation_page(
    request: Request, organisation_id: int, actor: ActorDep, database: DatabaseDep
) -> HTMLResponse:
    with database.session() as session:
        organisation = service.get_organisation(session, actor, organisation_id)
        # Which opportunities an organisation posted stays private (they are shown anonymised), so the
        # list is only for its own members and the agencies.
        opportunities = (
            service.organisation_opportunities(session, actor, organisation_id)
            if organisation.can_edit
            else []
        )
    return render(request, "organisations/detail.html", {"org": organisation, "opportunities": opportunities})
