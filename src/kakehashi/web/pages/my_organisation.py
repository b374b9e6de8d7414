"""'My organisation': a member edits the organisation, lists its opportunities and posts new ones."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from kakehashi.errors import StaleVersion, ValidationFailed
from kakehashi.profiles import service
from kakehashi.profiles.schemas import OpportunityInput, OrganisationPatch, validate_input
from kakehashi.web.deps import (
    DatabaseDep,
    FormDep,
    MemberDep,
    TranslationsDep,
    get_locale,
    require_member,
    set_notice,
)
from kakehashi.web.forms import form_errors, form_version, opportunity_data, organisation_data, stale_problem
from kakehashi.web.pages.opportunities import opportunity_form_again
from kakehashi.web.templating import render

router = APIRouter()


@router.get("/my/organisation", response_class=HTMLResponse)
def my_organisation(request: Request, actor: MemberDep, database: DatabaseDep) -> HTMLResponse:
    assert actor.organisation_id is not None
    with database.session() as session:
        organisation = service.get_organisation(session, actor, actor.organisation_id)
        opportunities = service.organisation_opportunities(session, actor, actor.organisation_id)
    values = organisation.model_dump(mode="json")
    return render(
        request,
        "my/organisation.html",
        {"org": organisation, "opportunities": opportunities, "values": values, "errors": None},
    )


@router.post("/my/organisation")
def update_my_organisation(
    request: Request, actor: MemberDep, database: DatabaseDep, form: FormDep, translations: TranslationsDep
) -> Response:
    assert actor.organisation_id is not None
    data = organisation_data(form)
    try:
        patch = validate_input(OrganisationPatch, data, what="organisation")
        with database.session() as session:
            service.update_organisation(
                session, actor, actor.organisation_id, patch, expected_version=form_version(form)
            )
    except (ValidationFailed, StaleVersion) as invalid:
        with database.session() as session:
            organisation = service.get_organisation(session, actor, actor.organisation_id)
            opportunities = service.organisation_opportunities(session, actor, actor.organisation_id)
        stale = isinstance(invalid, StaleVersion)
        problems = stale_problem(invalid) if isinstance(invalid, StaleVersion) else invalid.problems
        context = {
            "org": organisation,
            "opportunities": opportunities,
            # After a stale write the typed text stays, at the current version (sending again replaces).
            "values": {**data, "version": organisation.version},
            "errors": form_errors(problems, translations),
        }
        return render(request, "my/organisation.html", context, status_code=409 if stale else 422)
    set_notice(request, translations.gettext("Your changes are saved."))
    return RedirectResponse("/my/organisation", status_code=303)


@router.get("/my/opportunities/new", response_class=HTMLResponse, dependencies=[Depends(require_member)])
def new_opportunity_page(request: Request) -> HTMLResponse:
    values = {"language": get_locale(request), "sectors": [], "translations": {}}
    return render(
        request,
        "opportunities/form.html",
        {"opp": None, "values": values, "errors": None, "action": "/my/opportunities/new"},
    )


@router.post("/my/opportunities/new")
def create_opportunity(
    request: Request, actor: MemberDep, database: DatabaseDep, form: FormDep, translations: TranslationsDep
) -> Response:
    assert actor.organisation_id is not None
    data = opportunity_data(form)
    try:
        created = validate_input(OpportunityInput, data, what="opportunity")
        with database.session() as session:
            opportunity_id = service.create_opportunity(session, actor, actor.organisation_id, created).id
    except ValidationFailed as invalid:
        return opportunity_form_again(request, data, invalid, translations, view=None)
    set_notice(request, translations.gettext("The draft is saved. Submit it for review when it is ready."))
    return RedirectResponse(f"/opportunities/{opportunity_id}", status_code=303)
