"""The pipeline of the demo: illustrative interests, introductions at every stage (one idle), a disclosed
conversation, agreements of each type, investments in EUR and JPY. Written through the pipeline's own
services (so the audit trail and the notices are those of real use); loaded once (idempotent)."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from kakehashi.accounts.models import Agency, User
from kakehashi.accounts.roles import Actor, Role
from kakehashi.demo.history import load_history
from kakehashi.pipeline import agreements, conversation, interests, introductions
from kakehashi.pipeline.models import Interest
from kakehashi.pipeline.schemas import AgreementInput, FollowUpInput, InterestInput, MoveInput, ProposalInput
from kakehashi.pipeline.vocab import Stage
from kakehashi.profiles.models import Opportunity, Organisation
from kakehashi.profiles.vocab import Status
from kakehashi.store.base import utcnow

MEMBER_IT = "demo-org-it-001"
MEMBER_JP = "demo-org-jp-001"
RATE = Decimal("162.35")  # JPY for one EUR, an illustrative rate of the day

AGREEMENTS: tuple[dict[str, Any], ...] = (
    {
        "category": "business",
        "subtype": "distribution",
        "description": "Distribuzione esclusiva in Giappone.",
    },
    {
        "category": "technology",
        "subtype": "licence",
        "description": "Licence of the SiC epitaxy process.",
        "amount": Decimal("450000"),
        "currency": "EUR",
    },
    {"category": "research", "subtype": "joint_project", "description": "量子センサーの共同研究（3年間）。"},
    {
        "category": "investment",
        "subtype": "equity",
        "description": "出資によるナポリ工場の拡張。",
        "amount": Decimal("150000000"),
        "currency": "JPY",
    },
    {
        "category": "investment",
        "subtype": "greenfield",
        "description": "Nuovo stabilimento a Kumamoto.",
        "amount": Decimal("2500000"),
        "currency": "EUR",
    },
)


def _member(organisation_id: int, session: Session) -> Actor:
    user_id = session.scalar(select(User.id).where(User.organisation_id == organisation_id).order_by(User.id))
    return Actor(role=Role.MEMBER, user_id=user_id, organisation_id=organisation_id)


def _officer(session: Session, agency: str) -> Actor:
    user_id = session.scalar(
        select(User.id)
        .join(Agency, User.agency_id == Agency.id)
        .where(Agency.code == agency)
        .order_by(User.id)
    )
    return Actor(role=Role.OFFICER, user_id=user_id, agency_code=agency)


def _published(session: Session, country: str) -> list[Opportunity]:
    """Published illustrative opportunities of one country, the demo members' own first."""
    rows = session.scalars(
        select(Opportunity)
        .join(Organisation, Opportunity.organisation_id == Organisation.id)
        .where(
            Opportunity.status == Status.PUBLISHED.value,
            Organisation.country == country,
            Organisation.external_id.like("demo-org-%"),
        )
        .order_by(Organisation.external_id, Opportunity.id)
    )
    return list(rows)


def _one_per_organisation(opportunities: list[Opportunity]) -> list[Opportunity]:
    seen: set[int] = set()
    chosen = []
    for opp in opportunities:
        if opp.organisation_id not in seen:
            seen.add(opp.organisation_id)
            chosen.append(opp)
    return chosen


def load_pipeline_demo(session: Session, *, today: date | None = None) -> int:
    """Write the demo pipeline unless some interest exists already; how many introductions it wrote."""
    if session.scalar(select(Interest.id).limit(1)) is not None:
        return 0
    today = today or utcnow().date()
    italian = _one_per_organisation(_published(session, "IT"))
    japanese = _one_per_organisation(_published(session, "JP"))
    if min(len(italian), len(japanese)) < 6 + len(AGREEMENTS):
        return 0
    ice, jetro = _officer(session, "ICE"), _officer(session, "JETRO")
    pairs = list(zip(italian, japanese, strict=False))

    # A pending interest for the Italian demo member to decide, and one the Japanese member sent.
    it_own, jp_own = pairs[0]
    interests.express(
        session,
        _member(jp_own.organisation_id, session),
        InterestInput(
            opportunity_id=it_own.id, note="SiC基板の長期供給に関心があります。サンプル評価から始めたいです。"
        ),
    )
    written = 0
    # Proposed: the owner accepted, the asking side (the Japanese demo member) has not confirmed yet.
    _accepted_interest(session, asker=jp_own, owner=pairs[1][0], note="Vorremmo valutare i vostri moduli.")
    written += 1
    # Accepted by both, disclosed, with a conversation: the two demo members.
    disclosed = _accepted_interest(session, asker=jp_own, owner=pairs[2][0], note="")
    _confirm(session, disclosed, jp_own.organisation_id)
    conversation.post(
        session,
        _member(pairs[2][0].organisation_id, session),
        disclosed,
        "Buongiorno! Possiamo sentirci giovedì alle 9:00 (le 17:00 a Tokyo)?",
    )
    conversation.post(
        session,
        _member(jp_own.organisation_id, session),
        disclosed,
        "はい、木曜日で大丈夫です。よろしくお願いします。",
    )
    conversation.post(session, jetro, disclosed, "JETRO: we can host the call and provide an interpreter.")
    written += 1
    # Met, and idle: its next step is overdue.
    idle = _proposed_and_consented(session, pairs[3], jetro)
    introductions.move(
        session, jetro, idle, MoveInput(stage=Stage.MET, on=today - timedelta(days=30)), today=today
    )
    introductions.follow_up(
        session,
        jetro,
        idle,
        FollowUpInput(next_step="Send the samples to Osaka", next_step_due=today - timedelta(days=10)),
    )
    written += 1
    # Negotiating.
    negotiating = _proposed_and_consented(session, pairs[4], ice)
    introductions.move(session, ice, negotiating, MoveInput(stage=Stage.MET), today=today)
    introductions.move(session, ice, negotiating, MoveInput(stage=Stage.NEGOTIATING), today=today)
    introductions.follow_up(
        session,
        ice,
        negotiating,
        FollowUpInput(next_step="Draft term sheet", next_step_due=today + timedelta(days=14)),
    )
    written += 1
    # Closed without agreement.
    closed = _proposed_and_consented(session, pairs[5], ice)
    introductions.move(
        session,
        ice,
        closed,
        MoveInput(stage=Stage.CLOSED, reason="Volumi troppo bassi per ora."),
        today=today,
    )
    written += 1
    # Agreements of each type (investments in JPY and EUR), each on its own introduction.
    for index, terms in enumerate(AGREEMENTS):
        pair = pairs[6 + index]
        officer = jetro if index % 2 else ice
        intro = _proposed_and_consented(session, pair, officer)
        introductions.move(session, officer, intro, MoveInput(stage=Stage.MET), today=today)
        money = {"jpy_per_eur": RATE} if "amount" in terms else {}
        data = AgreementInput.model_validate(
            {**terms, **money, "signed_on": today - timedelta(days=3 * index)}
        )
        agreement = agreements.record(session, officer, intro, data)
        agreements.confirm(session, _member(pair[0].organisation_id, session), agreement.id)
        if index % 2 == 0:
            agreements.confirm(session, _member(pair[1].organisation_id, session), agreement.id)
        written += 1
    # Eighteen months of history (other pairings of the same organisations), for analytics' trends.
    shifted = list(zip(italian, japanese[5:] + japanese[:5], strict=False))
    members = {opp.organisation_id: _member(opp.organisation_id, session) for pair in shifted for opp in pair}
    written += load_history(session, shifted, officers=(ice, jetro), member=members, today=today)
    return written


def _accepted_interest(session: Session, *, asker: Opportunity, owner: Opportunity, note: str) -> int:
    interest = interests.express(
        session,
        _member(asker.organisation_id, session),
        InterestInput(opportunity_id=owner.id, note=note, from_opportunity_id=asker.id),
    )
    return interests.accept(session, _member(owner.organisation_id, session), interest.id).id


def _confirm(session: Session, introduction_id: int, organisation_id: int) -> None:
    introductions.consent(session, _member(organisation_id, session), introduction_id)


def _proposed_and_consented(session: Session, pair: tuple[Opportunity, Opportunity], officer: Actor) -> int:
    italian, japanese = pair
    intro = introductions.propose(
        session, officer, ProposalInput(opportunity_a_id=japanese.id, opportunity_b_id=italian.id)
    )
    _confirm(session, intro.id, japanese.organisation_id)
    _confirm(session, intro.id, italian.organisation_id)
    return intro.id
