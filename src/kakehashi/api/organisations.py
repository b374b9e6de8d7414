"""Organisations: browse and search, read, register (agency staff), edit (own organisation or staff)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query, Response, status

from kakehashi.api.deps import ActorDep, DatabaseDep, SettingsDep, SignedInDep
from kakehashi.api.openapi import errors
from kakehashi.api.paging import OrganisationPage, PageNumber, PageSize, page_size_or_default
from kakehashi.api.versions import IfMatchDep, with_current_state, with_etag
from kakehashi.errors import StaleVersion
from kakehashi.limits import MAX_ID
from kakehashi.matching import listing
from kakehashi.profiles import service
from kakehashi.profiles.schemas import OpportunityView, OrganisationInput, OrganisationPatch, OrganisationView
from kakehashi.profiles.views import organisation_view
from kakehashi.profiles.vocab import Country, Sector

router = APIRouter(prefix="/organisations", tags=["organisations"])

OrganisationId = Annotated[int, Path(ge=1, le=MAX_ID, description="The organisation's id.")]


@router.get(
    "", summary="List and search organisations", response_model=OrganisationPage, responses=errors(401, 422)
)
def list_organisations(
    actor: ActorDep,
    database: DatabaseDep,
    settings: SettingsDep,
    q: Annotated[
        str | None,
        Query(
            max_length=200,
            description="Words in the name or description; the glossary's concepts it names also match "
            "in the other languages (炭化ケイ素 finds 'carburo di silicio').",
        ),
    ] = None,
    country: Annotated[Country | None, Query()] = None,
    sector: Annotated[Sector | None, Query()] = None,
    page: PageNumber = 1,
    page_size: PageSize = None,
) -> OrganisationPage:
    with database.session() as session:
        found = service.list_organisations(
            session,
            actor,
            q=q,
            concepts=listing.concept_forms(q) if q else (),
            country=country.value if country else None,
            sector=sector.value if sector else None,
            page=page,
            page_size=page_size_or_default(page_size, settings),
        )
        return OrganisationPage.of(found)


@router.post(
    "",
    summary="Register an organisation (agency staff)",
    status_code=status.HTTP_201_CREATED,
    response_model=OrganisationView,
    responses=errors(401, 403, 409, 422),
)
def create_organisation(
    body: OrganisationInput, actor: SignedInDep, database: DatabaseDep, response: Response
) -> OrganisationView:
    with database.session() as session:
        org = service.create_organisation(session, actor, body)
        return with_etag(response, organisation_view(org, actor))


@router.get(
    "/{organisation_id}",
    summary="Read an organisation",
    response_model=OrganisationView,
    responses=errors(401, 404, 422),
)
def get_organisation(
    organisation_id: OrganisationId, actor: ActorDep, database: DatabaseDep, response: Response
) -> OrganisationView:
    with database.session() as session:
        return with_etag(response, service.get_organisation(session, actor, organisation_id))


@router.patch(
    "/{organisation_id}",
    summary="Edit an organisation (its members or agency staff)",
    response_model=OrganisationView,
    responses=errors(401, 403, 404, 409, 422),
)
def update_organisation(
    organisation_id: OrganisationId,
    body: OrganisationPatch,
    actor: SignedInDep,
    database: DatabaseDep,
    expected_version: IfMatchDep,
    response: Response,
) -> OrganisationView:
    try:
        with database.session() as session:
            org = service.update_organisation(
                session, actor, organisation_id, body, expected_version=expected_version
            )
            return with_etag(response, organisation_view(org, actor))
    except StaleVersion as stale:
        raise with_current_state(
            stale, database, lambda session: service.get_organisation(session, actor, organisation_id)
        ) from None


@router.get(
    "/{organisation_id}/opportunities",
    summary="All of an organisation's opportunities, every status (its members or agency staff)",
    response_model=list[OpportunityView],
    responses=errors(401, 403, 404, 422),
)
def organisation_opportunities(
    organisation_id: OrganisationId, actor: SignedInDep, database: DatabaseDep
) -> list[OpportunityView]:
    with database.session() as session:
        service.get_organisation(session, actor, organisation_id)  # 404 for an unknown organisation
        return list(service.organisation_opportunities(session, actor, organisation_id))
