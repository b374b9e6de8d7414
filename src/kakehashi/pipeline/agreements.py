"""Agreements: the typed outcome of an introduction, recorded by an officer and confirmed by both sides.

Investments and licences carry an amount in EUR or JPY and the exchange rate of the day (JPY for one
EUR), entered by the officer and stored as decimals, so that totals can be shown in either currency.
"""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy.orm import Session

from kakehashi.accounts.roles import Actor
from kakehashi.audit import service as audit
from kakehashi.audit.service import AuditKind
from kakehashi.errors import FieldProblem, InvalidTransition, PermissionDenied, ValidationFailed
from kakehashi.labels import Choices, Label
from kakehashi.pipeline import notices
from kakehashi.pipeline.errors import agreement_not_found, stale
from kakehashi.pipeline.introductions import readable as readable_introduction
from kakehashi.pipeline.introductions import to_agreement_stage
from kakehashi.pipeline.models import Agreement, Introduction
from kakehashi.pipeline.schemas import AgreementInput
from kakehashi.pipeline.stages import AGREEMENT_STAGES
from kakehashi.pipeline.views import side_of
from kakehashi.pipeline.vocab import SUBTYPES, WITH_AMOUNT, AgreementCategory, Currency, Side, Stage
from kakehashi.profiles.service import write
from kakehashi.store.base import utcnow

# A sanity band for the rate of the day (JPY for one EUR): catches a rate typed the wrong way round.
RATE_MIN = Decimal("50")
RATE_MAX = Decimal("500")


def validate(data: AgreementInput) -> list[FieldProblem]:
    """Every problem of the input at once (pure)."""
    problems: list[FieldProblem] = []
    allowed = SUBTYPES[data.category]
    if data.subtype not in allowed:
        problems.append(
            FieldProblem(
                "subtype",
                "Choose one of: %(allowed)s.",
                params={"allowed": Choices("agreement_subtype", allowed)},
            )
        )
    needs_amount = data.category == AgreementCategory.INVESTMENT or data.subtype in WITH_AMOUNT
    if data.amount is not None and data.amount <= 0:
        problems.append(FieldProblem("amount", "The amount must be greater than zero."))
    elif needs_amount and data.amount is None:
        problems.append(FieldProblem("amount", "Investments and licences record their amount."))
    if data.amount is not None:
        if data.currency not in {c.value for c in Currency}:
            problems.append(
                FieldProblem(
                    "currency",
                    "Choose one of: %(allowed)s.",
                    params={"allowed": Choices("currency", [c.value for c in Currency])},
                )
            )
        if data.jpy_per_eur is None:
            problems.append(FieldProblem("jpy_per_eur", "Give the exchange rate of the day (JPY for 1 EUR)."))
        elif not RATE_MIN <= data.jpy_per_eur <= RATE_MAX:
            problems.append(
                FieldProblem(
                    "jpy_per_eur",
                    "The rate is JPY for 1 EUR, between %(min)s and %(max)s.",
                    params={"min": RATE_MIN, "max": RATE_MAX},
                )
            )
    elif data.currency is not None and data.currency not in {c.value for c in Currency}:
        problems.append(
            FieldProblem(
                "currency",
                "Choose one of: %(allowed)s.",
                params={"allowed": Choices("currency", [c.value for c in Currency])},
            )
        )
    return problems


def record(
    session: Session,
    actor: Actor,
    introduction_id: int,
    data: AgreementInput,
    *,
    expected_version: int | None = None,
) -> Agreement:
    if not actor.is_staff:
        raise PermissionDenied("Only agency officers record agreements.")
    intro = readable_introduction(session, actor, introduction_id)
    if expected_version is not None and expected_version != intro.version:
        raise stale(intro.version, expected_version)
    if Stage(intro.stage) not in AGREEMENT_STAGES:
        raise InvalidTransition(
            "No agreement can be recorded on an introduction that is %(stage)s.",
            params={"stage": Label("stage", intro.stage)},
        )
    problems = validate(data)
    if problems:
        raise ValidationFailed("The agreement is not valid.", problems=problems)
    with_money = data.amount is not None
    agreement = Agreement(
        introduction_id=intro.id,
        category=data.category.value,
        subtype=data.subtype,
        signed_on=data.signed_on,
        description=data.description,
        sectors=[s.value for s in data.sectors],
        amount=data.amount if with_money else None,
        currency=data.currency if with_money else None,
        jpy_per_eur=data.jpy_per_eur if with_money else None,
        recorded_by_id=actor.user_id,
    )
    session.add(agreement)
    write(session)
    to_agreement_stage(session, actor, intro)
    audit.record(
        session,
        AuditKind.AGREEMENT_RECORDED,
        actor_user_id=actor.user_id,
        target=f"introduction:{intro.id}",
        detail={
            "agreement_id": agreement.id,
            "category": agreement.category,
            "subtype": agreement.subtype,
            **(
                {
                    "amount": str(agreement.amount),
                    "currency": agreement.currency,
                    "jpy_per_eur": str(agreement.jpy_per_eur),
                }
                if with_money
                else {}
            ),
        },
    )
    notices.agreement_recorded(session, agreement, intro, actor_user_id=actor.user_id)
    return agreement


def confirm(
    session: Session, actor: Actor, agreement_id: int, *, expected_version: int | None = None
) -> Agreement:
    """One party confirms the agreement as recorded."""
    agreement = session.get(Agreement, agreement_id)
    intro = session.get(Introduction, agreement.introduction_id) if agreement is not None else None
    if agreement is None or intro is None or side_of(actor, intro) is None:
        raise agreement_not_found(agreement_id)
    side = side_of(actor, intro)
    if side not in (Side.A, Side.B):
        raise PermissionDenied("Only the two parties confirm an agreement.")
    if expected_version is not None and expected_version != agreement.version:
        raise stale(agreement.version, expected_version)
    column = "confirmed_a_at" if side == Side.A else "confirmed_b_at"
    if getattr(agreement, column) is None:
        setattr(agreement, column, utcnow())
        write(session)
        audit.record(
            session,
            AuditKind.AGREEMENT_CONFIRMED,
            actor_user_id=actor.user_id,
            target=f"introduction:{intro.id}",
            detail={"agreement_id": agreement.id, "side": side.value if side else ""},
        )
    return agreement
