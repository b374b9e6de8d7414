from __future__ import annotations

from datetime import date, datetime, time, timedelta

import pytest

from kakehashi.errors import ValidationFailed
from kakehashi.scheduling.zones import SlotGrid, WorkingHours, online_slots, overlap, zone

ROME = WorkingHours("Europe/Rome")
TOKYO = WorkingHours("Asia/Tokyo")


def test_rome_tokyo_office_overlap_is_one_hour_in_winter_and_two_in_summer() -> None:
    assert overlap(date(2026, 1, 14), ROME, TOKYO) == timedelta(hours=1)
    assert overlap(date(2026, 7, 15), ROME, TOKYO) == timedelta(hours=2)


def test_daylight_saving_switch_day_is_handled() -> None:
    # Italy moves to summer time on Sunday 29 March 2026; Japan has no daylight saving.
    sunday = WorkingHours("Europe/Rome", weekdays=frozenset(range(7)))
    tokyo_all_week = WorkingHours("Asia/Tokyo", weekdays=frozenset(range(7)))
    assert overlap(date(2026, 3, 28), sunday, tokyo_all_week) == timedelta(hours=1)
    assert overlap(date(2026, 3, 29), sunday, tokyo_all_week) == timedelta(hours=2)


def test_online_slots_lie_inside_both_working_days() -> None:
    first = datetime(2026, 1, 14, 8, 0, tzinfo=zone("Europe/Rome"))
    grid = SlotGrid.day(first, n_slots=8, minutes=30)
    # Rome 8:00-12:00 in slots; Tokyo ends 18:00 JST = 10:00 Rome in winter; Rome starts 9:00.
    assert sorted(online_slots(grid, ROME, TOKYO)) == [2, 3]
    summer = SlotGrid.day(datetime(2026, 7, 15, 8, 0, tzinfo=zone("Europe/Rome")), n_slots=8, minutes=30)
    assert sorted(online_slots(summer, ROME, TOKYO)) == [2, 3, 4, 5]


def test_weekends_are_closed_by_default() -> None:
    saturday = SlotGrid.day(datetime(2026, 7, 18, 10, 0, tzinfo=zone("Europe/Rome")), n_slots=2, minutes=30)
    assert online_slots(saturday, ROME, ROME) == frozenset()


def test_unknown_zone_and_naive_times_are_rejected() -> None:
    with pytest.raises(ValidationFailed, match="time zone"):
        zone("Europe/Atlantis")
    with pytest.raises(ValidationFailed):
        SlotGrid((datetime(2026, 1, 1, 9, 0),), 30)


def test_a_grid_over_days_keeps_local_times_across_the_end_of_summer_time() -> None:
    grid = SlotGrid.days(
        (date(2026, 10, 23), date(2026, 10, 26)),
        first=time(9, 0),
        venue_zone="Europe/Rome",
        slots_per_day=4,
        minutes=30,
        morning_slots=2,
        lunch=60,
    )
    utc = [s.strftime("%m-%d %H:%M") for s in grid.starts]
    assert utc == [
        "10-23 07:00", "10-23 07:30", "10-23 09:00", "10-23 09:30",
        "10-26 08:00", "10-26 08:30", "10-26 10:00", "10-26 10:30",
    ]  # fmt: skip
