"""Introductions: consent and disclosure, the stages an officer moves, follow-up and the board.

Every stage change is one conditional UPDATE (``WHERE id = ? AND version = ? AND stage = ?``): of two
officers moving one introduction at once, one wins and the other gets a stale-version conflict.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import Select, or_, select, update
from sqlalchemy.orm import Session

from kakehashi.accounts.roles import Actor
from kakehashi.audit import service as audit
from kakehashi.audit.service import AuditKind
from kakehashi.errors import FieldProblem, InvalidTransition, PermissionDenied, ValidationFailed
from kakehashi.labels import Label
from kakehashi.pipeline import notices
from kakehashi.pipeline.errors import introduction_not_found, moved_meanwhile, stale
from kakehashi.pipeline.interests import readable as readable_interest
from kakehashi.pipeline.models import Introduction
from kakehashi.pipeline.schemas import FollowUpInput, IntroductionView, MoveInput, ProposalInput
from kakehashi.pipeline.stages import MOVES, OPEN_STAGES, may_move, skips_consent
from kakehashi.pipeline.views import introduction_view, side_of
from kakehashi.pipeline.vocab import InterestStatus, Origin, Side, Stage
from kakehashi.profiles.models import Opportunity, OpportunitySector, Organisation
from kakehashi.profiles.service import write
from kakehashi.profiles.vocab import Status
from kakehashi.store.base import utcnow

# The moves an officer is offered on a page, in the order of the stages (by hand only: ``agreement`` is
# reached by recording one).
MOVES_SHOWN = {
    stage: tuple(target for target in Stage if target in targets and target != Stage.AGREEMENT)
    for stage, targets in MOVES.items()
}
# The country whose side each agency follows.
AGENCY_COUNTRY = {"ICE": "IT", "JETRO": "JP"}


def readable(session: Session, actor: Actor, introduction_id: int) -> Introduction:
    intro = session.get(Introduction, introduction_id)
    if intro is None or side_of(actor, intro) is None:
        raise introduction_not_found(introduction_id)
    return intro


def get(session: Session, actor: Actor, introduction_id: int, *, today: date) -> IntroductionView:
    return introduction_view(session, actor, readable(session, actor, introduction_id), today=today)


def _require_staff(actor: Actor) -> None:
    if not actor.is_staff:
        raise PermissionDenied("Only agency officers broker introductions.")


def _require_version(intro: Introduction, expected: int | None) -> None:
    if expected is not None and expected != intro.version:
        raise stale(intro.version, expected)


def _followed_sides(session: Session, actor: Actor, intro: Introduction, follow: str) -> None:
    """The officer follows the side of the agency's country (ICE: Italy, JETRO: Japan), or ``both``."""
    if follow == "both":
        intro.officer_a_id = intro.officer_b_id = actor.user_id
        return
    if follow in ("a", "b"):
        sides = [follow]
    else:
        country = AGENCY_COUNTRY.get(actor.agency_code or "")
        sides = [
            side
            for side, org_id in (("a", intro.organisation_a_id), ("b", intro.organisation_b_id))
            if (org := session.get(Organisation, org_id)) is not None and org.country == country
        ] or ["a", "b"]
    for side in sides:
        setattr(intro, f"officer_{side}_id", actor.user_id)


def propose(session: Session, actor: Actor, data: ProposalInput) -> Introduction:
    """An officer opens an introduction from an interest, a match (two opportunities) or an event meeting."""
    _require_staff(actor)
    if data.interest_id is not None:
        interest = readable_interest(session, actor, data.interest_id)
        if interest.status not in (InterestStatus.PENDING.value, InterestStatus.REFERRED.value):
            raise InvalidTransition(
                "This interest is %(status)s: it can no longer be decided.",
                params={"status": Label("interest_status", interest.status)},
            )
        accepted_from: str | None = interest.status
        interest.status = InterestStatus.ACCEPTED.value
        interest.decided_at = utcnow()
        a_org, b_org = interest.from_organisation_id, interest.owner_organisation_id
        a_opp, b_opp, origin = interest.from_opportunity_id, interest.opportunity_id, Origin.INTEREST
    else:
        accepted_from = None
        a, b = _two_opportunities(session, data)
        a_org, b_org, a_opp, b_opp = a.organisation_id, b.organisation_id, a.id, b.id
        origin = Origin.EVENT if data.event_meeting_id is not None else Origin.MATCH
    now = utcnow()
    intro = Introduction(
        interest_id=data.interest_id,
        organisation_a_id=a_org,
        organisation_b_id=b_org,
        opportunity_a_id=a_opp,
        opportunity_b_id=b_opp,
        event_meeting_id=data.event_meeting_id,
        origin=origin.value,
        stage=Stage.PROPOSED.value,
        proposed_by_id=actor.user_id,
        notes=data.note,
        stage_changed_at=now,
    )
    _followed_sides(session, actor, intro, "both" if data.follow_both else "")
    session.add(intro)
    write(session)
    audit.record(
        session,
        AuditKind.INTRODUCTION_PROPOSED,
        actor_user_id=actor.user_id,
        target=f"introduction:{intro.id}",
        detail={"origin": origin.value, "organisation_a_id": a_org, "organisation_b_id": b_org},
    )
    if accepted_from is not None:
        # The officer accepted the interest on the owner's behalf: the interest's own trail says so.
        audit.record(
            session,
            AuditKind.INTEREST_ACCEPTED,
            actor_user_id=actor.user_id,
            target=f"interest:{data.interest_id}",
            detail={"from": accepted_from, "to": "accepted", "by": "agency", "introduction_id": intro.id},
        )
    notices.introduction_proposed(session, intro, actor_user_id=actor.user_id)
    return intro


def _two_opportunities(session: Session, data: ProposalInput) -> tuple[Opportunity, Opportunity]:
    if data.opportunity_a_id is None or data.opportunity_b_id is None:
        raise ValidationFailed(
            "Propose an introduction from an interest, or from two opportunities (a match or an event meeting).",
            problems=[FieldProblem("opportunity_b_id", "Give both opportunities, or an interest.")],
        )
    found = []
    for field, opp_id in (
        ("opportunity_a_id", data.opportunity_a_id),
        ("opportunity_b_id", data.opportunity_b_id),
    ):
        opp = session.get(Opportunity, opp_id)
        if opp is None or opp.status != Status.PUBLISHED.value:
            raise ValidationFailed(
                "Both opportunities must be published.",
                problems=[FieldProblem(field, "Opportunity %(id)s is not published.", params={"id": opp_id})],
            )
        found.append(opp)
    if found[0].organisation_id == found[1].organisation_id:
        raise ValidationFailed(
            "An introduction brings two different organisations together.",
            problems=[FieldProblem("opportunity_b_id", "Both opportunities are of the same organisation.")],
        )
    return found[0], found[1]


def _member_side(actor: Actor, intro: Introduction) -> Side:
    side = side_of(actor, intro)
    if side not in (Side.A, Side.B):
        raise PermissionDenied("Only the two organisations of an introduction give or withdraw consent.")
    assert side is not None
    return side


def _conditional(
    session: Session, intro: Introduction, values: Mapping[str, Any], *, stage: str | None = None
) -> None:
    """One UPDATE that succeeds only if nobody changed the introduction since it was read."""
    result = session.execute(
        update(Introduction)
        .where(
            Introduction.id == intro.id,
            Introduction.version == intro.version,
            Introduction.stage == (stage or intro.stage),
        )
        .values(**values, version=intro.version + 1, updated_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:  # type: ignore[attr-defined]
        raise moved_meanwhile()
    session.refresh(intro)


def consent(
    session: Session, actor: Actor, introduction_id: int, *, expected_version: int | None = None
) -> Introduction:
    """One side accepts; when both have, identities are disclosed and the stage becomes ``accepted``."""
    intro = readable(session, actor, introduction_id)
    side = _member_side(actor, intro)
    _require_version(intro, expected_version)
    if intro.stage != Stage.PROPOSED.value:
        raise InvalidTransition(
            "Introduction %(id)s is %(stage)s: consent is given while it is proposed.",
            params={"id": intro.id, "stage": Label("stage", intro.stage)},
        )
    other_consent = intro.consent_b_at if side == Side.A else intro.consent_a_at
    if (intro.consent_a_at if side == Side.A else intro.consent_b_at) is not None:
        return intro  # already given: nothing changes
    now = utcnow()
    values: dict[str, object] = {f"consent_{side.value}_at": now}
    both = other_consent is not None
    if both:
        values.update(stage=Stage.ACCEPTED.value, disclosed_at=now, stage_changed_at=now)
    _conditional(session, intro, values)
    target = f"introduction:{intro.id}"
    audit.record(
        session,
        AuditKind.CONSENT_GIVEN,
        actor_user_id=actor.user_id,
        target=target,
        detail={"side": side.value},
    )
    if both:
        audit.record(
            session,
            AuditKind.IDENTITIES_DISCLOSED,
            actor_user_id=actor.user_id,
            target=target,
            detail={
                "organisation_a_id": intro.organisation_a_id,
                "organisation_b_id": intro.organisation_b_id,
            },
        )
        notices.disclosed(session, intro, actor_user_id=actor.user_id)
    else:
        other = intro.organisation_b_id if side == Side.A else intro.organisation_a_id
        notices.consent_given(session, intro, other_organisation=other, actor_user_id=actor.user_id)
    return intro


def withdraw_consent(
    session: Session, actor: Actor, introduction_id: int, *, expected_version: int | None = None
) -> Introduction:
    """Before disclosure a side may take its consent back (nothing was revealed yet)."""
    intro = readable(session, actor, introduction_id)
    side = _member_side(actor, intro)
    _require_version(intro, expected_version)
    if intro.disclosed_at is not None or intro.stage != Stage.PROPOSED.value:
        raise InvalidTransition("Identities are already disclosed: consent can no longer be withdrawn.")
    if (intro.consent_a_at if side == Side.A else intro.consent_b_at) is None:
        raise InvalidTransition("Your organisation has not given its consent to this introduction.")
    _conditional(session, intro, {f"consent_{side.value}_at": None})
    audit.record(
        session,
        AuditKind.CONSENT_WITHDRAWN,
        actor_user_id=actor.user_id,
        target=f"introduction:{intro.id}",
        detail={"side": side.value},
    )
    return intro


def move(
    session: Session,
    actor: Actor,
    introduction_id: int,
    data: MoveInput,
    *,
    expected_version: int | None = None,
    today: date,
) -> Introduction:
    """An officer moves the introduction one stage on, or closes it without agreement (a reason required)."""
    _require_staff(actor)
    intro = readable(session, actor, introduction_id)
    _require_version(intro, expected_version)
    source, target = Stage(intro.stage), data.stage
    if skips_consent(source, target):
        raise InvalidTransition(
            "Introduction %(id)s cannot move to %(stage)s before both sides have accepted it.",
            params={"id": intro.id, "stage": Label("stage", target.value)},
        )
    if not may_move(source, target):
        raise InvalidTransition(
            "Introduction %(id)s cannot move from %(source)s to %(stage)s.",
            params={
                "id": intro.id,
                "source": Label("stage", source.value),
                "stage": Label("stage", target.value),
            },
        )
    if target == Stage.CLOSED and not (data.reason or "").strip():
        raise ValidationFailed(
            "Say why the introduction closes without agreement.",
            problems=[FieldProblem("reason", "A reason is required to close without agreement.")],
        )
    values: dict[str, object] = {"stage": target.value, "stage_changed_at": utcnow()}
    if target == Stage.MET:
        values["met_on"] = data.on or today
    if target == Stage.CLOSED:
        values["closed_reason"] = data.reason
    _conditional(session, intro, values, stage=source.value)
    _stage_recorded(session, actor, intro, source.value, data.reason)
    return intro


def _stage_recorded(
    session: Session, actor: Actor, intro: Introduction, before: str, reason: str | None
) -> None:
    audit.record(
        session,
        AuditKind.INTRODUCTION_STAGE,
        actor_user_id=actor.user_id,
        target=f"introduction:{intro.id}",
        detail={"from": before, "to": intro.stage, **({"reason": reason} if reason else {})},
    )
    notices.stage_changed(session, intro, actor_user_id=actor.user_id)


def to_agreement_stage(session: Session, actor: Actor, intro: Introduction) -> None:
    """Recording an agreement moves an open introduction to ``agreement`` (once)."""
    if intro.stage == Stage.AGREEMENT.value:
        return
    before = intro.stage
    _conditional(session, intro, {"stage": Stage.AGREEMENT.value, "stage_changed_at": utcnow()})
    _stage_recorded(session, actor, intro, before, None)


def follow_up(
    session: Session,
    actor: Actor,
    introduction_id: int,
    data: FollowUpInput,
    *,
    expected_version: int | None = None,
) -> Introduction:
    """Notes, the next step and its due date, and which officer follows which side."""
    _require_staff(actor)
    intro = readable(session, actor, introduction_id)
    _require_version(intro, expected_version)
    changes = data.model_dump(exclude_unset=True, exclude={"follow"})
    for key, value in changes.items():
        setattr(intro, key, value if value is not None or key == "next_step_due" else "")
    if data.follow is not None:
        _followed_sides(session, actor, intro, data.follow)
    intro.updated_at = utcnow()
    write(session)
    audit.record(
        session,
        AuditKind.INTRODUCTION_FOLLOWED,
        actor_user_id=actor.user_id,
        target=f"introduction:{intro.id}",
        detail={key: str(value) for key, value in data.model_dump(exclude_unset=True).items()},
    )
    return intro


@dataclass(frozen=True, slots=True)
class BoardFilters:
    agency: str | None = None
    sector: str | None = None
    country: str | None = None
    event_meeting_id: int | None = None
    event_id: int | None = None
    officer_id: int | None = None
    stage: str | None = None
    idle_only: bool = False


def _board_query(filters: BoardFilters) -> Select[Introduction]:
    query = select(Introduction)
    if filters.stage:
        query = query.where(Introduction.stage == filters.stage)
    if filters.officer_id is not None:
        query = query.where(
            or_(
                Introduction.officer_a_id == filters.officer_id,
                Introduction.officer_b_id == filters.officer_id,
            )
        )
    if filters.event_meeting_id is not None:
        query = query.where(Introduction.event_meeting_id == filters.event_meeting_id)
    if filters.event_id is not None:
        from kakehashi.events.agenda_models import Meeting

        of_event = select(Meeting.id).where(Meeting.event_id == filters.event_id)
        query = query.where(Introduction.event_meeting_id.in_(of_event))
    if filters.country:
        in_country = select(Organisation.id).where(Organisation.country == filters.country)
        query = query.where(
            or_(
                Introduction.organisation_a_id.in_(in_country), Introduction.organisation_b_id.in_(in_country)
            )
        )
    if filters.agency:
        from kakehashi.accounts.models import Agency, User

        officers = (
            select(User.id).join(Agency, User.agency_id == Agency.id).where(Agency.code == filters.agency)
        )
        query = query.where(
            or_(Introduction.officer_a_id.in_(officers), Introduction.officer_b_id.in_(officers))
        )
    if filters.sector:
        in_sector = select(OpportunitySector.opportunity_id).where(OpportunitySector.sector == filters.sector)
        query = query.where(
            or_(Introduction.opportunity_a_id.in_(in_sector), Introduction.opportunity_b_id.in_(in_sector))
        )
    return query


def board(
    session: Session, actor: Actor, filters: BoardFilters, *, today: date, limit: int = 500
) -> dict[str, list[IntroductionView]]:
    """The officers' board: introductions by stage (in stage order), filtered."""
    _require_staff(actor)
    rows = session.scalars(_board_query(filters).order_by(Introduction.id.desc()).limit(limit))
    columns: dict[str, list[IntroductionView]] = {stage.value: [] for stage in Stage}
    for intro in rows:
        view = introduction_view(session, actor, intro, today=today)
        if filters.idle_only and not view.idle:
            continue
        columns[intro.stage].append(view)
    return columns


def mine(session: Session, actor: Actor, *, today: date) -> list[IntroductionView]:
    """An organisation's introductions (either side), newest first."""
    if actor.organisation_id is None or actor.is_staff:
        raise PermissionDenied("This list is for members of an organisation.")
    org = actor.organisation_id
    rows = session.scalars(
        select(Introduction)
        .where(or_(Introduction.organisation_a_id == org, Introduction.organisation_b_id == org))
        .order_by(Introduction.id.desc())
    )
    return [introduction_view(session, actor, intro, today=today) for intro in rows]


def overdue(session: Session, *, today: date) -> list[Introduction]:
    """Open introductions whose next step is overdue and not yet reported for that due date."""
    return list(
        session.scalars(
            select(Introduction).where(
                Introduction.stage.in_([s.value for s in OPEN_STAGES]),
                Introduction.next_step_due < today,
                or_(
                    Introduction.overdue_noticed_on.is_(None),
                    Introduction.overdue_noticed_on != Introduction.next_step_due,
                ),
            )
        )
    )


def report_overdue(session: Session, *, today: date) -> int:
    """Notify the following officers of every newly overdue next step (once per due date)."""
    found = overdue(session, today=today)
    for intro in found:
        assert intro.next_step_due is not None
        notices.overdue(session, intro, due=intro.next_step_due)
        intro.overdue_noticed_on = intro.next_step_due
    write(session)
    return len(found)
