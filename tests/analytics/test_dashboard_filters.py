"""The dashboard's filters: read from a form, every problem named by field; quarters; who sees what."""

from __future__ import annotations

from datetime import date

import pytest

from kakehashi.accounts.roles import VISITOR, Actor, Role
from kakehashi.analytics.dashboard import parse_filters, previous_quarter, quarter_bounds, scoped
from kakehashi.analytics.tables import Filters
from kakehashi.errors import AuthenticationRequired, ValidationFailed


def test_filters_are_read_and_empty_fields_are_open() -> None:
    filters = parse_filters(
        {"start": "2026-07-01", "end": "2026-09-30", "granularity": "month", "sector": "energy", "event": "3"}
    )
    assert filters == Filters(
        start=date(2026, 7, 1), end=date(2026, 9, 30), granularity="month", sector="energy", event_id=3
    )
    assert parse_filters({}) == Filters()


def test_every_bad_field_is_reported_at_once() -> None:
    with pytest.raises(ValidationFailed) as raised:
        parse_filters(
            {
                "start": "01/07/2026",
                "granularity": "week",
                "sector": "tourism",
                "country": "FR",
                "agency": "NASA",
                "event": "x",
            }
        )
    assert [problem.field for problem in raised.value.problems] == [
        "start",
        "granularity",
        "sector",
        "country",
        "agency",
        "event",
    ]


def test_the_end_cannot_come_before_the_start() -> None:
    with pytest.raises(ValidationFailed) as raised:
        parse_filters({"start": "2026-09-01", "end": "2026-08-01"})
    assert [problem.field for problem in raised.value.problems] == ["end"]


def test_quarters() -> None:
    assert quarter_bounds("2026Q3") == (date(2026, 7, 1), date(2026, 9, 30))
    assert quarter_bounds("2026q4") == (date(2026, 10, 1), date(2026, 12, 31))
    assert previous_quarter(date(2026, 1, 1)) == (date(2025, 10, 1), date(2025, 12, 31))
    with pytest.raises(ValidationFailed):
        quarter_bounds("2026Q5")


def test_officers_see_everything_members_their_own_visitors_nothing() -> None:
    officer = Actor(user_id=1, role=Role.OFFICER, agency_code="JETRO")
    member = Actor(user_id=2, role=Role.MEMBER, organisation_id=7)
    assert scoped(officer, Filters(sector="energy")).organisation_id is None
    assert scoped(member, Filters(sector="energy")) == Filters(sector="energy", organisation_id=7)
    with pytest.raises(AuthenticationRequired):
        scoped(VISITOR, Filters())
