"""The slot grid: days × sessions × slot length in the venue's zone, right across the end of summer time."""

from __future__ import annotations

from datetime import UTC, date, datetime, time

from kakehashi.events.grid import SessionSpec, build_grid, slots_in


def test_slots_fill_each_session_and_are_numbered_in_time_order() -> None:
    grid = build_grid(
        "Europe/Rome",
        30,
        [
            SessionSpec(date(2027, 3, 2), "afternoon", time(14, 0), time(15, 45)),
            SessionSpec(date(2027, 3, 2), "morning", time(9, 0), time(10, 0), online=True),
        ],
    )
    assert [s.part for s in grid.slots] == ["morning", "morning", "afternoon", "afternoon", "afternoon"]
    assert [s.index for s in grid.slots] == [0, 1, 2, 3, 4]
    assert grid.online_slots == frozenset({0, 1})
    assert grid.slots[0].starts_at == datetime(2027, 3, 2, 8, 0, tzinfo=UTC)  # CET = UTC+1
    assert slots_in(time(9, 0), time(9, 29), 30) == 0


def test_ten_o_clock_in_rome_stays_ten_across_the_end_of_summer_time() -> None:
    days = [date(2027, 10, 29), date(2027, 11, 1)]  # Europe leaves summer time on 31 October 2027
    grid = build_grid("Europe/Rome", 60, [SessionSpec(d, "morning", time(10, 0), time(11, 0)) for d in days])
    assert [s.starts_at.hour for s in grid.slots] == [8, 9]  # UTC+2, then UTC+1
    tokyo = build_grid("Asia/Tokyo", 60, [SessionSpec(d, "morning", time(10, 0), time(11, 0)) for d in days])
    assert [s.starts_at.hour for s in tokyo.slots] == [1, 1]  # Japan keeps one offset
