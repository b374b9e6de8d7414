"""Agreements by category and subtype with their amounts in EUR and in JPY (each converted at the rate
recorded on the agreement, in Decimal), and the time from first contact to agreement."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Final

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from kakehashi.analytics.scope import Scope
from kakehashi.analytics.stats import median, percentile
from kakehashi.analytics.tables import Column, Table
from kakehashi.errors import N_
from kakehashi.pipeline.models import Agreement, Interest, Introduction

CENT: Final = Decimal("0.01")
YEN: Final = Decimal("1")
CATEGORY = Column(key="category", label=N_("Category"), kind="code", vocabulary="agreement_category")
AMOUNT_EUR = Column(key="amount_eur", label=N_("Amount (EUR)"), kind="eur")
AMOUNT_JPY = Column(key="amount_jpy", label=N_("Amount (JPY)"), kind="jpy")


@dataclass(frozen=True, slots=True)
class Money:
    """An amount in both currencies."""

    eur: Decimal = Decimal("0.00")
    jpy: Decimal = Decimal("0")

    def __add__(self, other: Money) -> Money:
        return Money(eur=self.eur + other.eur, jpy=self.jpy + other.jpy)


def both_currencies(amount: Decimal, currency: str, jpy_per_eur: Decimal | None) -> Money:
    """One agreement's amount in EUR (to the cent) and JPY (to the yen), converted at its own recorded rate
    (JPY for one EUR). Without a rate, only its own currency is known."""
    if currency == "JPY":
        eur = (amount / jpy_per_eur).quantize(CENT, ROUND_HALF_UP) if jpy_per_eur else Decimal("0.00")
        return Money(eur=eur, jpy=amount.quantize(YEN, ROUND_HALF_UP))
    jpy = (amount * jpy_per_eur).quantize(YEN, ROUND_HALF_UP) if jpy_per_eur else Decimal("0")
    return Money(eur=amount.quantize(CENT, ROUND_HALF_UP), jpy=jpy)


def total(amounts: Iterable[tuple[Decimal, str, Decimal | None]]) -> Money:
    result = Money()
    for amount, currency, rate in amounts:
        result = result + both_currencies(Decimal(amount), currency, rate)
    return result


def _in_scope(scope: Scope) -> tuple[object, ...]:
    return (scope.in_period_date(Agreement.signed_on), scope.introduction_ok())


def agreements(session: Session, scope: Scope) -> Table:
    base = select(Agreement.category, Agreement.subtype).join(
        Introduction, Introduction.id == Agreement.introduction_id
    )
    counted = base.add_columns(func.count(), func.count(Agreement.amount)).where(*_in_scope(scope))  # type: ignore[arg-type]
    counts = {
        (c, s): (int(n), int(m))
        for c, s, n, m in session.execute(counted.group_by(Agreement.category, Agreement.subtype))
    }
    money: dict[tuple[str, str], Money] = defaultdict(Money)
    amounts = base.add_columns(Agreement.amount, Agreement.currency, Agreement.jpy_per_eur).where(
        Agreement.amount.is_not(None),
        *_in_scope(scope),  # type: ignore[arg-type]
    )
    for category, subtype, amount, currency, rate in session.execute(amounts):
        money[(category, subtype)] = money[(category, subtype)] + total([(amount, currency or "EUR", rate)])
    rows = []
    for key in sorted(counts):
        n, with_amount = counts[key]
        value = money.get(key, Money())
        rows.append((*key, n, with_amount, value.eur, value.jpy))
    return Table(
        key="agreements",
        title=N_("Agreements by type"),
        columns=(
            CATEGORY,
            Column(key="subtype", label=N_("Type"), kind="code", vocabulary="agreement_subtype"),
            Column(key="agreements", label=N_("Agreements"), kind="count"),
            Column(key="with_amount", label=N_("With an amount"), kind="count"),
            AMOUNT_EUR,
            AMOUNT_JPY,
        ),
        rows=tuple(rows),
        note=N_(
            "Agreements signed in the period, by the date of signature. Investment and licence amounts in "
            "both currencies, each converted at the exchange rate recorded on its agreement (EUR to the "
            "cent, JPY to the yen)."
        ),
    )


def time_to_agreement(session: Session, scope: Scope) -> Table:
    first_contact = func.coalesce(Interest.created_at, Introduction.created_at)
    query = (
        select(Agreement.category, scope.days(Agreement.signed_on) - scope.days(first_contact))
        .join(Introduction, Introduction.id == Agreement.introduction_id)
        .outerjoin(Interest, Interest.id == Introduction.interest_id)
        .where(*_in_scope(scope))  # type: ignore[arg-type]
    )
    days: dict[str, list[float]] = defaultdict(list)
    for category, elapsed in session.execute(query):
        days[category].append(max(0.0, float(elapsed)))
    every = [d for values in days.values() for d in values]
    rows = [(c, len(days[c]), median(days[c]), percentile(days[c], 0.75)) for c in sorted(days)]
    rows.append((None, len(every), median(every), percentile(every, 0.75)))  # type: ignore[arg-type]
    return Table(
        key="time_to_agreement",
        title=N_("Time from first contact to agreement"),
        columns=(
            CATEGORY,
            Column(key="agreements", label=N_("Agreements"), kind="count"),
            Column(key="median_days", label=N_("Median days"), kind="days"),
            Column(key="p75_days", label=N_("Days, 75th percentile"), kind="days"),
        ),
        rows=tuple(rows),
        note=N_(
            "Agreements signed in the period: days from the first contact (the expression of interest, or "
            "the introduction's proposal when there was none) to the date of signature. The last row, "
            "without a category, counts every agreement."
        ),
    )
