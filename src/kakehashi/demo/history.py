"""Eighteen months of illustrative pipeline history, so that analytics shows trends: introductions and
agreements spread over the last six quarters, in several sectors, Italian and Japanese parties on both
sides of investments and licences, amounts in EUR and in JPY with the exchange rate of their day.

Written through the pipeline's services (the audit trail and notices are those of real use), then dated
back: the services stamp "now", and a history needs its own dates (``created_at``, consents, disclosure,
``met_on``, stage changes, confirmations) — each before the agreement's signature, in order.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal

from sqlalchemy import update
from sqlalchemy.orm import Session

from kakehashi.accounts.roles import Actor
from kakehashi.pipeline import agreements, introductions
from kakehashi.pipeline.models import Agreement, Introduction
from kakehashi.pipeline.schemas import AgreementInput, MoveInput, ProposalInput
from kakehashi.pipeline.vocab import Stage
from kakehashi.profiles.models import Opportunity


@dataclass(frozen=True, slots=True)
class Past:
    days_ago: int  # the agreement's signature (or the closing), days before the load
    category: str | None  # None: closed without agreement
    subtype: str
    sectors: tuple[str, ...]
    description: str
    amount: str | None = None
    currency: str | None = None
    rate: str | None = None  # JPY for one EUR on that day (illustrative)


# Oldest first; about two to four per quarter, more in recent quarters (a rising trend).
HISTORY: tuple[Past, ...] = (
    Past(
        520,
        "technology",
        "licence",
        ("semiconductors",),
        "Licenza di processo SiC.",
        "320000",
        "EUR",
        "157.20",
    ),
    Past(495, "business", "distribution", ("energy",), "Distribuzione di inverter in Kansai."),
    Past(470, None, "", ("biotech",), "Priorità diverse per ora."),
    Past(430, "investment", "equity", ("ai",), "AIスタートアップへの出資。", "80000000", "JPY", "159.80"),
    Past(400, "research", "joint_project", ("quantum",), "Progetto congiunto di sensori quantistici."),
    Past(
        365,
        "technology",
        "licence",
        ("biotech",),
        "バイオ医薬品の製造ライセンス。",
        "45000000",
        "JPY",
        "162.10",
    ),
    Past(340, "business", "joint_venture", ("infrastructure",), "Joint venture for port cranes."),
    Past(
        300,
        "investment",
        "greenfield",
        ("semiconductors",),
        "Stabilimento a Kumamoto.",
        "4200000",
        "EUR",
        "163.40",
    ),
    Past(275, None, "", ("energy",), "Volumi insufficienti."),
    Past(250, "technology", "technical_cooperation", ("energy",), "Cooperazione tecnica sull'idrogeno."),
    Past(
        215, "investment", "loan", ("infrastructure",), "インフラ事業への融資。", "250000000", "JPY", "161.50"
    ),
    Past(190, "business", "supply", ("semiconductors",), "Fornitura di wafer da 200 mm."),
    Past(
        160,
        "technology",
        "licence",
        ("ai",),
        "Licence of a vision model for inspection.",
        "180000",
        "EUR",
        "164.90",
    ),
    Past(130, "research", "joint_project", ("biotech",), "再生医療の共同研究。"),
    Past(
        100,
        "investment",
        "equity",
        ("quantum",),
        "Quota di minoranza in una startup quantistica.",
        "1500000",
        "EUR",
        "166.30",
    ),
    Past(75, "investment", "equity", ("energy",), "蓄電池メーカーへの出資。", "320000000", "JPY", "165.70"),
    Past(50, "business", "reciprocal_production", ("infrastructure",), "Produzione reciproca di componenti."),
    Past(
        25,
        "technology",
        "licence",
        ("semiconductors",),
        "GaNデバイスのライセンス。",
        "60000000",
        "JPY",
        "167.20",
    ),
)


def _at(day: date, hour: int = 9) -> datetime:
    return datetime.combine(day, time(hour), tzinfo=UTC)


def load_history(
    session: Session,
    pairs: list[tuple[Opportunity, Opportunity]],
    *,
    officers: tuple[Actor, Actor],
    member: dict[int, Actor],
    today: date,
) -> int:
    """One introduction per entry of :data:`HISTORY` (a pair each, the Italian or the Japanese side
    asking in turn), taken to its agreement or closed, then dated back; how many were written."""
    written = 0
    for index, past in enumerate(HISTORY):
        if index >= len(pairs):
            break
        italian, japanese = pairs[index]
        first, second = (japanese, italian) if index % 2 else (italian, japanese)
        officer = officers[index % 2]
        intro = introductions.propose(
            session, officer, ProposalInput(opportunity_a_id=first.id, opportunity_b_id=second.id)
        )
        for opp in (first, second):
            introductions.consent(session, member[opp.organisation_id], intro.id)
        signed = today - timedelta(days=past.days_ago)
        introductions.move(session, officer, intro.id, MoveInput(stage=Stage.MET), today=signed)
        if past.category is None:
            introductions.move(
                session,
                officer,
                intro.id,
                MoveInput(stage=Stage.CLOSED, reason=past.description),
                today=signed,
            )
        else:
            introductions.move(session, officer, intro.id, MoveInput(stage=Stage.NEGOTIATING), today=signed)
            money: dict[str, object] = {}
            if past.amount is not None:
                money = {
                    "amount": Decimal(past.amount),
                    "currency": past.currency,
                    "jpy_per_eur": Decimal(past.rate or "0"),
                }
            data = AgreementInput.model_validate(
                {
                    "category": past.category,
                    "subtype": past.subtype,
                    "signed_on": signed,
                    "description": past.description,
                    "sectors": list(past.sectors),
                    **money,
                }
            )
            agreement = agreements.record(session, officer, intro.id, data)
            for opp in (first, second):
                agreements.confirm(session, member[opp.organisation_id], agreement.id)
        _date_back(session, intro.id, signed)
        written += 1
    return written


def _date_back(session: Session, introduction_id: int, signed: date) -> None:
    """Proposed about four months before the signature, disclosed a week later, met two months before."""
    proposed, disclosed = signed - timedelta(days=120), signed - timedelta(days=113)
    met = signed - timedelta(days=60)
    session.execute(
        update(Introduction)
        .where(Introduction.id == introduction_id)
        .values(
            created_at=_at(proposed),
            consent_a_at=_at(proposed, 15),
            consent_b_at=_at(disclosed),
            disclosed_at=_at(disclosed),
            met_on=met,
            stage_changed_at=_at(signed),
            updated_at=_at(signed),
        )
        .execution_options(synchronize_session=False)
    )
    session.execute(
        update(Agreement)
        .where(Agreement.introduction_id == introduction_id)
        .values(
            created_at=_at(signed),
            updated_at=_at(signed + timedelta(days=3)),
            confirmed_a_at=_at(signed + timedelta(days=1)),
            confirmed_b_at=_at(signed + timedelta(days=3)),
        )
        .execution_options(synchronize_session=False)
    )
