"""What a viewer sees of an interest or an introduction: the one place that applies the consent rule.

A side sees the other side's name, page and contacts only once the introduction is disclosed (both have
accepted); until then, only its country and kind, and the published (anonymised) opportunity it posted.
The agencies see everything; an organisation always sees itself.
"""

from __future__ import annotations

from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from kakehashi.accounts.models import User
from kakehashi.accounts.roles import Actor, Role
from kakehashi.pipeline.models import Agreement, Interest, Introduction
from kakehashi.pipeline.schemas import (
    AgreementView,
    Contact,
    InterestView,
    IntroductionView,
    PartyView,
)
from kakehashi.pipeline.stages import OPEN_STAGES
from kakehashi.pipeline.vocab import Side, Stage
from kakehashi.profiles.models import Opportunity, Organisation
from kakehashi.profiles.vocab import Status

_CENT = Decimal("0.01")
_YEN = Decimal("1")
_RATE = Decimal("0.000001")


def side_of(actor: Actor, intro: Introduction) -> Side | None:
    if actor.is_staff:
        return Side.AGENCY
    if actor.belongs_to(intro.organisation_a_id):
        return Side.A
    if actor.belongs_to(intro.organisation_b_id):
        return Side.B
    return None


def sees_side(actor: Actor, intro: Introduction, side: Side) -> bool:
    """May ``actor`` know who is on ``side``? Itself and the agencies always; the other side after consent."""
    own = intro.organisation_a_id if side == Side.A else intro.organisation_b_id
    return actor.is_staff or actor.belongs_to(own) or intro.disclosed_at is not None


def contacts(session: Session, organisation_id: int) -> list[Contact]:
    users = session.scalars(
        select(User)
        .where(User.organisation_id == organisation_id, User.is_active.is_(True), User.role == Role.MEMBER)
        .order_by(User.id)
    )
    return [Contact(name=u.display_name, email=u.email) for u in users]


def party(
    session: Session,
    *,
    side: Side,
    organisation: Organisation,
    opportunity: Opportunity | None,
    identified: bool,
) -> PartyView:
    shown_opportunity = opportunity is not None and (
        identified or opportunity.status == Status.PUBLISHED.value
    )
    base = PartyView(
        side="a" if side == Side.A else "b",
        identified=identified,
        country=organisation.country,
        kind=organisation.kind,
        opportunity_id=opportunity.id if shown_opportunity and opportunity is not None else None,
        opportunity_title=opportunity.title if shown_opportunity and opportunity is not None else None,
    )
    if not identified:
        return base
    return base.model_copy(
        update={
            "organisation_id": organisation.id,
            "name": organisation.name,
            "name_ja": organisation.name_ja,
            "page": f"/organisations/{organisation.id}",
            "contacts": contacts(session, organisation.id),
        }
    )


def is_idle(intro: Introduction, *, today: date) -> bool:
    """An open introduction whose next step is overdue."""
    return (
        Stage(intro.stage) in OPEN_STAGES and intro.next_step_due is not None and intro.next_step_due < today
    )


def agreement_view(agreement: Agreement) -> AgreementView:
    # Quantised as stored (two decimals; six for the rate): the same reading just written or reloaded.
    amount = agreement.amount.quantize(_CENT) if agreement.amount is not None else None
    rate = agreement.jpy_per_eur.quantize(_RATE) if agreement.jpy_per_eur is not None else None
    amount_eur = amount_jpy = None
    if amount is not None and rate is not None and rate > 0:
        if agreement.currency == "EUR":
            amount_eur, amount_jpy = amount, (amount * rate).quantize(_YEN, rounding=ROUND_HALF_UP)
        else:
            amount_jpy, amount_eur = amount, (amount / rate).quantize(_CENT, rounding=ROUND_HALF_UP)
    return AgreementView(
        id=agreement.id,
        introduction_id=agreement.introduction_id,
        category=agreement.category,
        subtype=agreement.subtype,
        signed_on=agreement.signed_on,
        description=agreement.description,
        sectors=list(agreement.sectors or []),
        amount=amount,
        currency=agreement.currency,
        jpy_per_eur=rate,
        amount_eur=amount_eur,
        amount_jpy=amount_jpy,
        confirmed_a=agreement.confirmed_a_at is not None,
        confirmed_b=agreement.confirmed_b_at is not None,
        version=agreement.version,
    )


def _officer_name(session: Session, user_id: int | None) -> str | None:
    if user_id is None:
        return None
    user = session.get(User, user_id)
    if user is None:
        return None
    agency = user.agency.code if user.agency is not None else ""
    return f"{user.display_name} ({agency})" if agency else user.display_name


def introduction_view(
    session: Session, actor: Actor, intro: Introduction, *, today: date
) -> IntroductionView:
    parties = {}
    for side, org_id, opp_id in (
        (Side.A, intro.organisation_a_id, intro.opportunity_a_id),
        (Side.B, intro.organisation_b_id, intro.opportunity_b_id),
    ):
        org = session.get(Organisation, org_id)
        assert org is not None
        opp = session.get(Opportunity, opp_id) if opp_id is not None else None
        parties[side] = party(
            session, side=side, organisation=org, opportunity=opp, identified=sees_side(actor, intro, side)
        )
    agreements = session.scalars(
        select(Agreement).where(Agreement.introduction_id == intro.id).order_by(Agreement.id)
    )
    sectors = sorted(
        {
            sector
            for opp_id in (intro.opportunity_a_id, intro.opportunity_b_id)
            if opp_id is not None and (opp := session.get(Opportunity, opp_id)) is not None
            for sector in opp.sectors
        }
    )
    viewer = side_of(actor, intro)
    return IntroductionView(
        id=intro.id,
        stage=Stage(intro.stage),
        origin=intro.origin,
        interest_id=intro.interest_id,
        event_meeting_id=intro.event_meeting_id,
        viewer_side=viewer.value if viewer is not None else None,
        party_a=parties[Side.A],
        party_b=parties[Side.B],
        consent_a=intro.consent_a_at is not None,
        consent_b=intro.consent_b_at is not None,
        disclosed=intro.disclosed_at is not None,
        disclosed_at=intro.disclosed_at,
        officer_a=_officer_name(session, intro.officer_a_id),
        officer_b=_officer_name(session, intro.officer_b_id),
        notes=intro.notes if actor.is_staff else None,
        next_step=intro.next_step,
        next_step_due=intro.next_step_due,
        idle=is_idle(intro, today=today),
        met_on=intro.met_on,
        closed_reason=intro.closed_reason,
        stage_changed_at=intro.stage_changed_at,
        created_at=intro.created_at,
        sectors=sectors,
        agreements=[agreement_view(a) for a in agreements],
        version=intro.version,
    )


def interest_view(session: Session, actor: Actor, interest: Interest) -> InterestView:
    intro = session.scalar(select(Introduction).where(Introduction.interest_id == interest.id))
    asker_org = session.get(Organisation, interest.from_organisation_id)
    opp = session.get(Opportunity, interest.opportunity_id)
    assert asker_org is not None
    assert opp is not None
    from_opp = (
        session.get(Opportunity, interest.from_opportunity_id) if interest.from_opportunity_id else None
    )
    identified = (
        actor.is_staff
        or actor.belongs_to(interest.from_organisation_id)
        or (intro is not None and intro.disclosed_at is not None)
    )
    return InterestView(
        id=interest.id,
        status=interest.status,
        note=interest.note,
        reason=interest.reason,
        created_at=interest.created_at,
        decided_at=interest.decided_at,
        opportunity_id=opp.id,
        opportunity_title=opp.title,
        asker=party(
            session, side=Side.A, organisation=asker_org, opportunity=from_opp, identified=identified
        ),
        mine=actor.belongs_to(interest.from_organisation_id),
        owned=actor.belongs_to(interest.owner_organisation_id),
        introduction_id=intro.id if intro is not None else None,
        version=interest.version,
    )
