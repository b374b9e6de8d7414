"""Organisation pages: the directory (real companies and demo organisations) and one organisation,
with the Wikipedia attribution on the imported real companies."""

from __future__ import annotations

from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse
from pydantic import BaseModel, StringConstraints

from kakehashi.labels import COUNTRIES, SECTORS
from kakehashi.limits import SEARCH_MAX
from kakehashi.matching import listing
from kakehashi.profiles import service
from kakehashi.profiles.schemas import validate_input
from kakehashi.profiles.vocab import Country, Sector
from kakehashi.web.deps import ActorDep, DatabaseDep, SettingsDep
from kakehashi.web.ids import RecordId
from kakehashi.web.templating import render

router = APIRouter()

FILTER_NAMES = ("q", "country", "sector")


@router.get("/organisations", response_class=HTMLResponse)
def organisation_list(
    request: Request,
    actor: ActorDep,
    database: DatabaseDep,
    settings: SettingsDep,
    page: Annotated[int, Query(ge=1, le=10_000)] = 1,
) -> HTMLResponse:
    chosen = {name: request.query_params.get(name, "").strip() for name in FILTER_NAMES}
    _check_choices(chosen)
    with database.session() as session:
        results = service.list_organisations(
            session,
            actor,
            q=chosen["q"] or None,
            concepts=listing.concept_forms(chosen["q"]),
            country=chosen["country"] or None,
            sector=chosen["sector"] or None,
            page=page,
            page_size=settings.page_size,
        )
    query = {name: value for name, value in chosen.items() if value}
    return render(
        request,
        "organisations/list.html",
        {
            "results": results,
            "chosen": chosen,
            "choices": {"country": list(COUNTRIES), "sector": list(SECTORS)},
            "page_link": lambda number: "/organisations?" + urlencode({**query, "page": number}),
        },
    )


class OrganisationFilters(BaseModel):
    q: Annotated[str, StringConstraints(max_length=SEARCH_MAX)] | None = None
    country: Country | None = None
    sector: Sector | None = None


def _check_choices(chosen: dict[str, str]) -> None:
    """Unknown filter values and over-long searches are a 422 naming the field, as on the opportunity list."""
    values = {
        "q": chosen["q"] or None,
        "country": chosen["country"] or None,
        "sector": chosen["sector"] or None,
    }
    validate_input(OrganisationFilters, values, what="search")


@router.get("/organisations/{organisation_id}", response_class=HTMLResponse)
def organisation_page(
    request: Request, organisation_id: RecordId, actor: ActorDep, database: DatabaseDep
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
