"""Matching pages: the matches panel of an opportunity, shortlist and dismiss, organisation matches,
and the partner search that accepts Italian, Japanese or English."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse

from kakehashi.accounts.roles import Actor
from kakehashi.errors import N_, FieldProblem, ValidationFailed
from kakehashi.matching.service import MatchingService
from kakehashi.matching.worker import EmbeddingWorker
from kakehashi.profiles.schemas import OpportunityView
from kakehashi.web.deps import DatabaseDep, FormDep, LocaleDep, SignedInDep, TranslationsDep, set_notice
from kakehashi.web.forms import form_version
from kakehashi.web.ids import RecordId
from kakehashi.web.templating import render

router = APIRouter()

PANEL_SIZE = 8
SEARCH_SIZE = 20
ORGANISATION_GROUP_SIZE = 5
VERDICTS = {"shortlist": "shortlisted", "dismiss": "dismissed", "clear": None}
VERDICT_NOTICES = {
    "shortlist": N_("Added to your shortlist."),
    "dismiss": N_("Dismissed: it will not be suggested again for this opportunity."),
    "clear": N_("Your verdict was cleared."),
}


def matching_of(request: Request) -> MatchingService:
    service: MatchingService = request.app.state.matching
    return service


def worker_of(request: Request) -> EmbeddingWorker:
    worker: EmbeddingWorker = request.app.state.embedding_worker
    return worker


def matches_panel(request: Request, actor: Actor, view: OpportunityView, locale: str) -> dict[str, Any]:
    """What ``matching/panel.html`` shows under an opportunity: its stored counterparts, explained (read
    from the store; while the indexer has not matched it yet, the panel says so)."""
    if view.status != "published":
        return {"matches": None, "indexing": None, "pending": False, "can_judge": False}
    stored = matching_of(request).opportunity_matches(
        actor, view.id, locale=locale, limit=PANEL_SIZE, view=view
    )
    status = worker_of(request).status()
    can_judge = actor.is_staff or (view.organisation is not None and actor.belongs_to(view.organisation.id))
    indexing = status if status.running and status.total else None
    return {
        "matches": stored.results,
        "indexing": indexing,
        "pending": not stored.ready,
        "can_judge": can_judge,
    }


@router.post("/opportunities/{opportunity_id}/matches/{target_id}/{verdict}")
def judge_match(
    request: Request,
    opportunity_id: RecordId,
    target_id: RecordId,
    verdict: str,
    actor: SignedInDep,
    form: FormDep,
    translations: TranslationsDep,
) -> RedirectResponse:
    if verdict not in VERDICTS:
        raise ValidationFailed(
            "Unknown verdict.",
            problems=[
                FieldProblem(
                    "verdict", "Choose one of: %(allowed)s.", params={"allowed": "shortlist, dismiss, clear"}
                )
            ],
        )
    # A verdict changed by a colleague since the page was read: 409 page, nothing written (read it again).
    matching_of(request).record_feedback(
        actor,
        opportunity_id,
        target_id,
        VERDICTS[verdict],  # type: ignore[arg-type]
        expected_version=form_version(form),
    )
    set_notice(request, translations.gettext(VERDICT_NOTICES[verdict]))
    return RedirectResponse(f"/opportunities/{opportunity_id}#matches", status_code=303)


@router.get("/organisations/{organisation_id}/matches", response_class=HTMLResponse)
def organisation_matches(
    request: Request, organisation_id: RecordId, actor: SignedInDep, locale: LocaleDep, database: DatabaseDep
) -> HTMLResponse:
    from kakehashi.profiles import service as profiles

    groups = matching_of(request).organisation_matches(
        actor, organisation_id, locale=locale, per_opportunity=ORGANISATION_GROUP_SIZE
    )
    with database.session() as session:
        organisation = profiles.get_organisation(session, actor, organisation_id)
    status = worker_of(request).status()
    indexing = status if status.running and status.total else None
    return render(
        request,
        "matching/organisation.html",
        {"organisation": organisation, "groups": groups, "indexing": indexing},
    )


@router.get("/search")
def partner_search(request: Request) -> RedirectResponse:
    """The partner search is the opportunity list's search (one engine): keep the old links working."""
    params = request.query_params
    kept = {name: params[name] for name in ("q", "type", "sector", "country", "language") if params.get(name)}
    target = "/opportunities" + ("?" + urlencode(kept) if kept else "")
    return RedirectResponse(target, status_code=307)
