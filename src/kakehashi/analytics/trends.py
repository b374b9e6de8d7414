"""Per period (month, quarter or year): new opportunities, interests, introductions, agreements and their
amounts. Every count is one grouped query bucketed by month in the store
(:func:`kakehashi.analytics.scope.period_bucket`), the months then added up into quarters or years here: a
month label is one ``strftime`` / ``to_char`` per row, a quarter's was three functions and two
concatenations per row (about half of the table's time on 100k opportunities), for at most a few dozen
months to add up."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import replace
from datetime import date, timedelta
from typing import Any

from sqlalchemy import ColumnElement, func, select
from sqlalchemy.orm import Session

from kakehashi.analytics.agreements import AMOUNT_EUR, AMOUNT_JPY, Money, both_currencies
from kakehashi.analytics.pipeline import _interest_ok
from kakehashi.analytics.scope import Scope, period_of
from kakehashi.analytics.tables import Column, Granularity, Table
from kakehashi.errors import N_
from kakehashi.pipeline.models import Agreement, Interest, Introduction
from kakehashi.profiles.models import Opportunity


def trends(session: Session, scope: Scope) -> Table:
    granularity = scope.filters.granularity
    scope = replace(scope, filters=replace(scope.filters, granularity="month"))  # the store counts months
    opportunities = _count(
        session,
        select(scope.bucket(Opportunity.published_at), func.count()).where(
            Opportunity.published_at.is_not(None),
            scope.in_period(Opportunity.published_at),
            scope.organisation_ok(Opportunity.organisation_id),
            scope.opportunity_sector_ok(Opportunity.id),
        ),
    )
    interests = _count(
        session,
        select(scope.bucket(Interest.created_at), func.count()).where(
            scope.in_period(Interest.created_at),
            _interest_ok(scope),
            scope.opportunity_sector_ok(Interest.opportunity_id),
        ),
    )
    introductions = _count(
        session,
        select(scope.bucket(Introduction.created_at), func.count()).where(
            scope.in_period(Introduction.created_at), scope.introduction_ok()
        ),
    )
    signed = scope.bucket(Agreement.signed_on, is_date=True)
    in_scope = (scope.in_period_date(Agreement.signed_on), scope.introduction_ok())
    joined = select(signed).join(Introduction, Introduction.id == Agreement.introduction_id)
    agreements = _count(session, joined.add_columns(func.count()).where(*in_scope))
    money: dict[str, Money] = defaultdict(Money)
    with_amount = joined.add_columns(Agreement.amount, Agreement.currency, Agreement.jpy_per_eur).where(
        Agreement.amount.is_not(None), *in_scope
    )
    for month, amount, currency, rate in session.execute(with_amount):
        period = _fold(month, granularity)
        money[period] = money[period] + both_currencies(amount, currency or "EUR", rate)
    opportunities, interests, introductions, agreements = (
        _by_period(counts, granularity) for counts in (opportunities, interests, introductions, agreements)
    )
    scope = replace(scope, filters=replace(scope.filters, granularity=granularity))
    periods = _periods(scope, opportunities, interests, introductions, agreements)
    rows = tuple(
        (
            p,
            opportunities.get(p, 0),
            interests.get(p, 0),
            introductions.get(p, 0),
            agreements.get(p, 0),
            money.get(p, Money()).eur,
            money.get(p, Money()).jpy,
        )
        for p in periods
    )
    return Table(
        key="trends",
        title=N_("Trends by period"),
        columns=(
            Column(key="period", label=N_("Period"), kind="period"),
            Column(key="opportunities", label=N_("New opportunities"), kind="count"),
            Column(key="interests", label=N_("Expressions of interest"), kind="count"),
            Column(key="introductions", label=N_("Introductions"), kind="count"),
            Column(key="agreements", label=N_("Agreements"), kind="count"),
            AMOUNT_EUR,
            AMOUNT_JPY,
        ),
        rows=rows,
        note=N_(
            "Opportunities by first publication date, expressions of interest and introductions by the day "
            "they were made, agreements and their amounts by the date of signature (UTC). Every period of "
            "the chosen span is shown, empty ones too."
        ),
    )


def _count(session: Session, query: Any) -> dict[str, int]:
    bucket: ColumnElement[Any] = query.selected_columns[0]
    return {period: int(n) for period, n in session.execute(query.group_by(bucket)) if period is not None}


def _fold(month: str, granularity: Granularity) -> str:
    """The period of ``granularity`` that the month label ``2026-03`` falls in (``2026-Q1``, ``2026``)."""
    return period_of(date(int(month[:4]), int(month[5:7]), 1), granularity)


def _by_period(by_month: dict[str, int], granularity: Granularity) -> dict[str, int]:
    found: dict[str, int] = defaultdict(int)
    for month, n in by_month.items():
        found[_fold(month, granularity)] += n
    return dict(found)


def _periods(scope: Scope, *counted: dict[str, int]) -> list[str]:
    """Every period from the filter's start to its end (or from the first to the last one counted)."""
    seen = sorted({p for counts in counted for p in counts})
    start, end = scope.filters.start, scope.filters.end
    if start is None or end is None:
        if not seen:
            return []
        first, last = _first_day(seen[0]), _first_day(seen[-1])
        start, end = start or first, end or last
    return sorted(set(_span(start, end, scope.filters.granularity)) | set(seen))


def _span(start: date, end: date, granularity: Granularity) -> list[str]:
    labels: list[str] = []
    day = start
    while day <= end:
        label = period_of(day, granularity)
        if not labels or labels[-1] != label:
            labels.append(label)
        day = _next_month(day)
    last = period_of(end, granularity)
    if labels and labels[-1] != last:
        labels.append(last)
    return labels


def _next_month(day: date) -> date:
    return (day.replace(day=1) + timedelta(days=32)).replace(day=1)


def _first_day(label: str) -> date:
    year = int(label[:4])
    if "-Q" in label:
        return date(year, 3 * int(label[-1]) - 2, 1)
    if len(label) == 7:
        return date(year, int(label[5:]), 1)
    return date(year, 1, 1)
