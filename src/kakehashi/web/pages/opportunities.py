"""Opportunity pages: the searchable list, one opportunity, its lifecycle actions, and editing."""

from __future__ import annotations

from typing import Annotated, Any
from urllib.parse import urlencode

from babel.support import Translations
from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import BaseModel

from kakehashi.accounts.roles import Actor
from kakehashi.errors import N_, FieldProblem, NotFound, StaleVersion, ValidationFailed
from kakehashi.labels import COUNTRIES, LANGUAGES, OPPORTUNITY_TYPES, SECTORS, STATUSES
from kakehashi.matching import listing
from kakehashi.profiles import service
from kakehashi.profiles.lifecycle import Action, allowed_actions
from kakehashi.profiles.schemas import (
    OpportunityFilters,
    OpportunityPatch,
    OpportunityView,
    TranslationInput,
    validate_input,
)
from kakehashi.profiles.vocab import Language, Status
from kakehashi.web.deps import (
    ActorDep,
    DatabaseDep,
    FormDep,
    SettingsDep,
    SignedInDep,
    TranslationsDep,
    get_locale,
    set_notice,
)
from kakehashi.web.forms import (
    form_errors,
    form_version,
    opportunity_data,
    opportunity_form_values,
    stale_problem,
    submitted_values,
)
from kakehashi.web.ids import RecordId
from kakehashi.web.pages.language import local_path
from kakehashi.web.pages.matching import matches_panel, matching_of
from kakehashi.web.reading import reading_for
from kakehashi.web.templating import render

router = APIRouter()


class TranslationTarget(BaseModel):
    language: Language


FILTER_NAMES = ("q", "type", "sector", "country", "language", "status")
SORT_LABELS = {"relevance": N_("Relevance"), "newest": N_("Newest"), "deadline": N_("Deadline")}

ACTION_NOTICES = {
    Action.SUBMIT: N_("The opportunity was sent to the agencies for review."),
    Action.PUBLISH: N_("The opportunity is published."),
    Action.SEND_BACK: N_("The opportunity was sent back to its organisation as a draft."),
    Action.EXPIRE: N_("The opportunity has expired."),
    Action.WITHDRAW: N_("The opportunity was withdrawn."),
}


@router.get("/opportunities", response_class=HTMLResponse)
def opportunity_list(
    request: Request,
    actor: ActorDep,
    settings: SettingsDep,
    page: Annotated[int, Query(ge=1, le=10_000)] = 1,
) -> HTMLResponse:
    chosen = {name: request.query_params.get(name, "").strip() for name in FILTER_NAMES}
    if not actor.is_staff:
        chosen["status"] = ""  # only the agencies see other statuses than published
    filters = validate_input(OpportunityFilters, {k: v or None for k, v in chosen.items()}, what="search")
    sort = request.query_params.get("sort", "").strip()
    if sort and sort not in listing.SORTS:
        raise ValidationFailed(
            "The search filters are not valid.", problems=[FieldProblem("sort", "unknown value")]
        )
    found = listing.list_opportunities(
        matching_of(request),
        actor,
        filters,
        sort=sort or None,
        page=page,
        page_size=settings.page_size,
    )
    chosen["sort"] = sort
    return render(
        request,
        "opportunities/list.html",
        {
            "results": found.page,
            "searched": found.searched,
            "sort": found.sort,
            "sorts": SORT_LABELS,
            "index": found.index,
            "chosen": chosen,
            "choices": _filter_choices(actor),
            "page_link": lambda number: "/opportunities?" + urlencode(_query(chosen, number)),
        },
    )


def _query(chosen: dict[str, str], page: int) -> dict[str, str | int]:
    query: dict[str, str | int] = {name: value for name, value in chosen.items() if value}
    if page > 1:
        query["page"] = page
    return query


def _filter_choices(actor: Actor) -> dict[str, list[str]]:
    choices = {
        "type": list(OPPORTUNITY_TYPES),
        "sector": list(SECTORS),
        "country": list(COUNTRIES),
        "language": list(LANGUAGES),
    }
    if actor.is_staff:
        choices["status"] = list(STATUSES)
    return choices


@router.get("/opportunities/{opportunity_id}", response_class=HTMLResponse)
def opportunity_page(
    request: Request,
    opportunity_id: RecordId,
    actor: ActorDep,
    database: DatabaseDep,
    lang: Annotated[str, Query(max_length=2)] = "",
    original: bool = False,
) -> HTMLResponse:
    with database.session() as session:
        view = service.get_opportunity(session, actor, opportunity_id)
    locale = get_locale(request)
    return render(
        request,
        "opportunities/detail.html",
        {
            "opp": view,
            "reading": reading_for(view, reader=locale, lang=lang, original=original),
            "actions": _actions_for(actor, view),
            "translation_values": None,
            "translation_errors": None,
            **matches_panel(request, actor, view, locale),
        },
    )


@router.post("/opportunities/{opportunity_id}/translations")
def save_translation(
    request: Request,
    opportunity_id: RecordId,
    actor: SignedInDep,
    database: DatabaseDep,
    form: FormDep,
    translations: TranslationsDep,
) -> Response:
    """The organisation or an officer adds (or corrects) a translation from the opportunity's page."""
    values = {name: str(form.get(name) or "").strip() for name in ("language", "title", "description")}
    try:
        language = validate_input(TranslationTarget, {"language": values["language"]}, what="translation")
        data = validate_input(
            TranslationInput,
            {"title": values["title"], "description": values["description"]},
            what="translation",
        )
        with database.session() as session:
            service.save_translation(
                session, actor, opportunity_id, language.language, data, expected_version=form_version(form)
            )
    except (ValidationFailed, StaleVersion) as invalid:
        with database.session() as session:
            view = service.get_opportunity(session, actor, opportunity_id)
        locale = get_locale(request)
        stale = isinstance(invalid, StaleVersion)
        problems = stale_problem(invalid) if isinstance(invalid, StaleVersion) else invalid.problems
        return render(
            request,
            "opportunities/detail.html",
            {
                "opp": view,
                "reading": reading_for(view, reader=locale),
                "actions": _actions_for(actor, view),
                # After a stale form the typed text stays, at the current version (sending again applies).
                "translation_values": values,
                "translation_errors": form_errors(problems, translations),
                "matches": None,
            },
            status_code=409 if stale else 422,
        )
    set_notice(request, translations.gettext("The translation is saved."))
    return RedirectResponse(f"/opportunities/{opportunity_id}?lang={values['language']}", status_code=303)


def _actions_for(actor: Actor, view: OpportunityView) -> list[str]:
    is_owner = view.organisation is not None and actor.belongs_to(view.organisation.id)
    return [a.value for a in allowed_actions(Status(view.status), is_owner=is_owner, is_staff=actor.is_staff)]


@router.post("/opportunities/{opportunity_id}/actions/{action}")
def opportunity_action(
    request: Request,
    opportunity_id: RecordId,
    action: str,
    actor: SignedInDep,
    database: DatabaseDep,
    form: FormDep,
    translations: TranslationsDep,
) -> Response:
    try:
        chosen = Action(action)
    except ValueError:
        raise NotFound(
            "There is no action %(action)s on opportunities.", params={"action": repr(action)}
        ) from None
    note = str(form.get("note") or "").strip() or None
    with database.session() as session:
        if chosen == Action.SUBMIT and not form.get("despite_names"):
            view = service.get_opportunity(session, actor, opportunity_id)
            if view.anonymity_warnings:
                # Before it goes to the agencies: the author sees where the text gives the organisation away.
                return render(
                    request, "opportunities/confirm_submit.html", {"opp": view, "version": form_version(form)}
                )
        service.transition(
            session, actor, opportunity_id, chosen, note=note, expected_version=form_version(form)
        )
    set_notice(request, translations.gettext(ACTION_NOTICES[chosen]))
    target = local_path(str(form.get("next") or f"/opportunities/{opportunity_id}"))
    return RedirectResponse(target, status_code=303)


@router.get("/opportunities/{opportunity_id}/edit", response_class=HTMLResponse)
def edit_opportunity_page(
    request: Request, opportunity_id: RecordId, actor: SignedInDep, database: DatabaseDep
) -> HTMLResponse:
    with database.session() as session:
        view = service.get_opportunity(session, actor, opportunity_id)
    if not view.can_edit:
        return _not_editable(request, view)
    return render(
        request,
        "opportunities/form.html",
        {
            "opp": view,
            "values": opportunity_form_values(view),
            "errors": None,
            "action": f"/opportunities/{view.id}/edit",
        },
    )


@router.post("/opportunities/{opportunity_id}/edit")
def edit_opportunity(
    request: Request,
    opportunity_id: RecordId,
    actor: SignedInDep,
    database: DatabaseDep,
    form: FormDep,
    translations: TranslationsDep,
) -> Response:
    data = opportunity_data(form)
    try:
        patch = validate_input(OpportunityPatch, data, what="opportunity")
        with database.session() as session:
            service.update_opportunity(
                session, actor, opportunity_id, patch, expected_version=form_version(form)
            )
    except (ValidationFailed, StaleVersion) as invalid:
        with database.session() as session:
            view = service.get_opportunity(session, actor, opportunity_id)
        return opportunity_form_again(request, data, invalid, translations, view=view)
    set_notice(request, translations.gettext("Your changes are saved."))
    return RedirectResponse(f"/opportunities/{opportunity_id}", status_code=303)


def _not_editable(request: Request, view: OpportunityView) -> HTMLResponse:
    return render(
        request,
        "error.html",
        {"status_code": 409, "code": "invalid_transition", "detail": "", "problems": [], "opp": view},
        status_code=409,
    )


def opportunity_form_again(
    request: Request,
    data: dict[str, Any],
    invalid: ValidationFailed | StaleVersion,
    translations: Translations,
    *,
    view: OpportunityView | None,
) -> HTMLResponse:
    """The form once more, with what was typed and a message next to each bad field.

    After a stale write (someone saved meanwhile) the form keeps the typed text but carries the current
    version, so that sending it again knowingly replaces the other change.
    """
    action = f"/opportunities/{view.id}/edit" if view is not None else "/my/opportunities/new"
    values = submitted_values(data)
    if view is not None:
        values["version"] = view.version
    stale = isinstance(invalid, StaleVersion)
    problems = stale_problem(invalid) if isinstance(invalid, StaleVersion) else invalid.problems
    return render(
        request,
        "opportunities/form.html",
        {
            "opp": view,
            "values": values,
            "errors": form_errors(problems, translations),
            "action": action,
        },
        status_code=409 if stale else 422,
    )
