"""Pipeline pages: expressing interest, the interests received and sent, the officers' board and the
members' introductions, an introduction (consent, stages, follow-up, agreements, thread, audit trail),
and alerts. Thin: every form calls one service of :mod:`kakehashi.pipeline`; refusals become the
readable error page, successes a notice on the next page."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, StreamingResponse
from starlette.datastructures import FormData

from kakehashi.errors import N_, FieldProblem, ValidationFailed
from kakehashi.labels import AGENCIES, COUNTRIES, OPPORTUNITY_TYPES, SECTORS
from kakehashi.pipeline import (
    agreements,
    alerts,
    conversation,
    from_meetings,
    interests,
    introductions,
    trail,
)
from kakehashi.pipeline.introductions import BoardFilters
from kakehashi.pipeline.schemas import (
    AgreementInput,
    FollowUpInput,
    InterestInput,
    MoveInput,
    ProposalInput,
    SavedSearchInput,
)
from kakehashi.pipeline.vocab import SUBTYPES, Currency, Stage
from kakehashi.profiles import service as profiles
from kakehashi.store.base import utcnow
from kakehashi.web.deps import (
    DatabaseDep,
    FormDep,
    MemberDep,
    SignedInDep,
    StaffDep,
    TranslationsDep,
    get_locale,
    set_notice,
)
from kakehashi.web.forms import form_version
from kakehashi.web.ids import RecordId
from kakehashi.web.pages.language import local_path
from kakehashi.web.templating import render

router = APIRouter()

DECISIONS = {
    "decline": N_("The interest is declined."),
    "refer": N_("The agency is asked to look at the interest."),
    "withdraw": N_("Your interest is withdrawn."),
}


def _today() -> date:
    return utcnow().date()


def _text(form: FormData, name: str) -> str:
    value = form.get(name)
    return value.strip() if isinstance(value, str) else ""


def _optional(form: FormData, name: str) -> str | None:
    return _text(form, name) or None


def _back(
    request: Request, form: FormData, default: str, message: str, translations: Any
) -> RedirectResponse:
    set_notice(request, translations.gettext(message))
    return RedirectResponse(local_path(_text(form, "next") or default), status_code=303)


# --- interests ----------------------------------------------------------------------------------


@router.post("/opportunities/{opportunity_id}/interest")
def express_interest(
    request: Request,
    opportunity_id: RecordId,
    actor: SignedInDep,
    database: DatabaseDep,
    form: FormDep,
    translations: TranslationsDep,
) -> RedirectResponse:
    data = InterestInput.model_validate(
        {
            "opportunity_id": opportunity_id,
            "note": _text(form, "note"),
            "from_opportunity_id": _optional(form, "from_opportunity_id"),
        }
    )
    with database.session() as session:
        interests.express(session, actor, data)
    message = N_("Your interest is sent. The owner decides without learning who you are.")
    return _back(request, form, "/interests", message, translations)


@router.get("/interests", response_class=HTMLResponse)
def interests_page(request: Request, actor: SignedInDep, database: DatabaseDep) -> HTMLResponse:
    with database.session() as session:
        found = interests.list_interests(session, actor)
    return render(
        request,
        "pipeline/interests.html",
        {
            "received": [i for i in found if i.owned],
            "sent": [i for i in found if i.mine],
            "others": [i for i in found if not (i.owned or i.mine)],
        },
    )


@router.post("/interests/{interest_id}/accept")
def accept_interest(
    request: Request,
    interest_id: RecordId,
    actor: SignedInDep,
    database: DatabaseDep,
    form: FormDep,
    translations: TranslationsDep,
) -> RedirectResponse:
    with database.session() as session:
        intro = interests.accept(session, actor, interest_id, expected_version=form_version(form))
        target = f"/introductions/{intro.id}"
    message = N_("Accepted. Identities are disclosed once the other side confirms too.")
    return _back(request, form, target, message, translations)


@router.post("/interests/{interest_id}/{decision}")
def decide_interest(
    request: Request,
    interest_id: RecordId,
    decision: str,
    actor: SignedInDep,
    database: DatabaseDep,
    form: FormDep,
    translations: TranslationsDep,
) -> RedirectResponse:
    if decision not in DECISIONS:
        raise ValidationFailed(
            "Unknown decision.",
            problems=[
                FieldProblem(
                    "decision", "Choose one of: %(allowed)s.", params={"allowed": ", ".join(DECISIONS)}
                )
            ],
        )
    version, reason = form_version(form), _optional(form, "reason")
    with database.session() as session:
        if decision == "withdraw":
            interests.withdraw(session, actor, interest_id, expected_version=version)
        elif decision == "decline":
            interests.decline(session, actor, interest_id, reason=reason, expected_version=version)
        else:
            interests.refer(session, actor, interest_id, reason=reason, expected_version=version)
    return _back(request, form, "/interests", DECISIONS[decision], translations)


# --- introductions ------------------------------------------------------------------------------


@router.get("/introductions", response_class=HTMLResponse)
def introductions_page(
    request: Request,
    actor: SignedInDep,
    database: DatabaseDep,
    agency: Annotated[str, Query(max_length=8)] = "",
    sector: Annotated[str, Query(max_length=20)] = "",
    country: Annotated[str, Query(max_length=2)] = "",
    officer: Annotated[str, Query(max_length=3)] = "",
    event_meeting_id: Annotated[int | None, Query(ge=1, le=2**31 - 1)] = None,
    event: Annotated[str, Query(max_length=10)] = "",
    idle: bool = False,
) -> HTMLResponse:
    """Officers: the board by stage, filtered. Members: their organisation's introductions."""
    chosen = {
        "agency": agency if agency in AGENCIES else "",
        "sector": sector if sector in SECTORS else "",
        "country": country if country in COUNTRIES else "",
        "officer": "me" if officer == "me" else "",
    }
    event_id = int(event) if event.isdigit() and 0 < int(event) < 2**31 else None
    events: list[tuple[int, str]] = []
    with database.session() as session:
        if actor.is_staff:
            events = from_meetings.event_choices(session, get_locale(request))
            filters = BoardFilters(
                agency=chosen["agency"] or None,
                sector=chosen["sector"] or None,
                country=chosen["country"] or None,
                officer_id=actor.user_id if chosen["officer"] else None,
                event_meeting_id=event_meeting_id,
                event_id=event_id,
                idle_only=idle,
            )
            columns = introductions.board(session, actor, filters, today=_today())
        else:
            columns = {stage.value: [] for stage in Stage}
            for view in introductions.mine(session, actor, today=_today()):
                columns[view.stage.value].append(view)
    return render(
        request,
        "pipeline/board.html",
        {
            "columns": columns,
            "chosen": chosen,
            "idle": idle,
            "choices": {"agency": list(AGENCIES), "sector": list(SECTORS), "country": list(COUNTRIES)},
            "events": events,
            "event_id": event_id,
        },
    )


@router.post("/introductions")
def propose_introduction(
    request: Request, actor: StaffDep, database: DatabaseDep, form: FormDep, translations: TranslationsDep
) -> RedirectResponse:
    data = ProposalInput.model_validate(
        {
            "interest_id": _optional(form, "interest_id"),
            "opportunity_a_id": _optional(form, "opportunity_a_id"),
            "opportunity_b_id": _optional(form, "opportunity_b_id"),
            "event_meeting_id": _optional(form, "event_meeting_id"),
            "follow_both": bool(form.get("follow_both")),
            "note": _text(form, "note"),
        }
    )
    with database.session() as session:
        intro = introductions.propose(session, actor, data)
        target = f"/introductions/{intro.id}"
    return _back(request, form, target, N_("The introduction is proposed to both sides."), translations)


@router.get("/introductions/{introduction_id}", response_class=HTMLResponse)
def introduction_page(
    request: Request, introduction_id: RecordId, actor: SignedInDep, database: DatabaseDep
) -> HTMLResponse:
    with database.session() as session:
        intro = introductions.get(session, actor, introduction_id, today=_today())
        thread = conversation.thread(session, actor, introduction_id)
        events = trail.events(session, actor, introduction_id) if actor.is_staff else []
        opportunities = {
            side.opportunity_id: profiles.get_opportunity(session, actor, side.opportunity_id)
            for side in (intro.party_a, intro.party_b)
            if side.opportunity_id is not None
        }
    moves = [s.value for s in introductions.MOVES_SHOWN.get(intro.stage, ())] if actor.is_staff else []
    return render(
        request,
        "pipeline/introduction.html",
        {
            "intro": intro,
            "thread": thread,
            "events": events,
            "moves": moves,
            "opportunities": opportunities,
            "subtypes": {category.value: list(values) for category, values in SUBTYPES.items()},
            "currencies": [c.value for c in Currency],
            "today": _today(),
        },
    )


@router.get("/introductions/{introduction_id}/audit.csv")
def introduction_audit_csv(
    introduction_id: RecordId, actor: StaffDep, database: DatabaseDep
) -> StreamingResponse:
    with database.session() as session:
        lines = list(trail.export_csv(session, actor, introduction_id))
    headers = {"Content-Disposition": f'attachment; filename="introduction-{introduction_id}-audit.csv"'}
    return StreamingResponse(iter(lines), media_type="text/csv; charset=utf-8", headers=headers)


@router.post("/introductions/{introduction_id}/{action}")
def introduction_action(
    request: Request,
    introduction_id: RecordId,
    action: str,
    actor: SignedInDep,
    database: DatabaseDep,
    form: FormDep,
    translations: TranslationsDep,
) -> RedirectResponse:
    version = form_version(form)
    with database.session() as session:
        if action == "consent":
            introductions.consent(session, actor, introduction_id, expected_version=version)
            message = N_("Your consent is recorded.")
        elif action == "withdraw-consent":
            introductions.withdraw_consent(session, actor, introduction_id, expected_version=version)
            message = N_("Your consent is withdrawn.")
        elif action == "stage":
            data = MoveInput.model_validate(
                {
                    "stage": _text(form, "stage"),
                    "reason": _optional(form, "reason"),
                    "on": _optional(form, "on"),
                }
            )
            introductions.move(
                session, actor, introduction_id, data, expected_version=version, today=_today()
            )
            message = N_("The stage is changed.")
        elif action == "follow-up":
            data_f = FollowUpInput.model_validate(
                {
                    "notes": _text(form, "notes"),
                    "next_step": _text(form, "next_step"),
                    "next_step_due": _optional(form, "next_step_due"),
                    **({"follow": _text(form, "follow")} if _text(form, "follow") else {}),
                }
            )
            introductions.follow_up(session, actor, introduction_id, data_f, expected_version=version)
            message = N_("Your changes are saved.")
        elif action == "agreements":
            agreements.record(session, actor, introduction_id, _agreement(form), expected_version=version)
            message = N_("The agreement is recorded: both parties are asked to confirm it.")
        elif action == "messages":
            conversation.post(session, actor, introduction_id, _message(form))
            message = N_("Your message is sent.")
        else:
            raise ValidationFailed(
                "Unknown action.",
                problems=[
                    FieldProblem(
                        "action", "Choose one of: %(allowed)s.", params={"allowed": ", ".join(ACTIONS)}
                    )
                ],
            )
    return _back(request, form, f"/introductions/{introduction_id}", message, translations)


ACTIONS = ("consent", "withdraw-consent", "stage", "follow-up", "agreements", "messages")


def _agreement(form: FormData) -> AgreementInput:
    return AgreementInput.model_validate(
        {
            "category": _text(form, "category"),
            "subtype": _text(form, "subtype"),
            "signed_on": _text(form, "signed_on"),
            "description": _text(form, "description"),
            "sectors": [s for s in form.getlist("sectors") if isinstance(s, str) and s],
            "amount": _optional(form, "amount"),
            "currency": _optional(form, "currency"),
            "jpy_per_eur": _optional(form, "jpy_per_eur"),
        }
    )


def _message(form: FormData) -> str:
    body = _text(form, "body")
    if not body:
        raise ValidationFailed(
            "Write a message first.", problems=[FieldProblem("body", "Write a message first.")]
        )
    if len(body) > 2000:
        raise ValidationFailed(
            "Write at most %(max)s characters.",
            params={"max": 2000},
            problems=[FieldProblem("body", "Write at most %(max)s characters.", params={"max": 2000})],
        )
    return body


@router.post("/agreements/{agreement_id}/confirm")
def confirm_agreement(
    request: Request,
    agreement_id: RecordId,
    actor: SignedInDep,
    database: DatabaseDep,
    form: FormDep,
    translations: TranslationsDep,
) -> RedirectResponse:
    with database.session() as session:
        agreement = agreements.confirm(session, actor, agreement_id, expected_version=form_version(form))
        target = f"/introductions/{agreement.introduction_id}"
    return _back(request, form, target, N_("You confirmed the agreement."), translations)


# --- alerts -------------------------------------------------------------------------------------


@router.get("/alerts", response_class=HTMLResponse)
def alerts_page(request: Request, actor: MemberDep, database: DatabaseDep) -> HTMLResponse:
    with database.session() as session:
        saved = alerts.list_alerts(session, actor)
        found = [
            profiles.get_opportunity(session, actor, opp_id)
            for opp_id in alerts.hits(session, actor, limit=30)
        ]
        own = [
            o
            for o in profiles.organisation_opportunities(session, actor, actor.organisation_id or 0)
            if o.status == "published"
        ]
    return render(
        request,
        "pipeline/alerts.html",
        {
            "alerts": saved,
            "found": found,
            "own": own,
            "choices": {"type": list(OPPORTUNITY_TYPES), "sector": list(SECTORS), "country": list(COUNTRIES)},
        },
    )


@router.post("/alerts")
def save_alert(
    request: Request, actor: MemberDep, database: DatabaseDep, form: FormDep, translations: TranslationsDep
) -> RedirectResponse:
    data = SavedSearchInput.model_validate(
        {
            "query": _text(form, "query"),
            **{name: _text(form, name) for name in ("type", "sector", "country") if _text(form, name)},
            "follow_opportunity_id": _optional(form, "follow_opportunity_id"),
        }
    )
    with database.session() as session:
        alerts.save(session, actor, data)
    message = N_("The alert is saved: new counterparts arrive as notices and in your digest.")
    return _back(request, form, "/alerts", message, translations)


@router.post("/alerts/{alert_id}/delete")
def delete_alert(
    request: Request,
    alert_id: RecordId,
    actor: MemberDep,
    database: DatabaseDep,
    form: FormDep,
    translations: TranslationsDep,
) -> RedirectResponse:
    with database.session() as session:
        alerts.delete(session, actor, alert_id)
    return _back(request, form, "/alerts", N_("The alert is deleted."), translations)
