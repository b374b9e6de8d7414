"""The participant calendar: parsed back with icalendar, right in Rome and in Tokyo across the end of
European summer time, stable UIDs with a growing SEQUENCE, cancellations that a calendar removes."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from icalendar import Calendar

from kakehashi.errors import ValidationFailed
from kakehashi.events.ics import CalendarMeeting, ParticipantCalendar, build_calendar

ROME = ZoneInfo("Europe/Rome")
TOKYO = ZoneInfo("Asia/Tokyo")
STAMP = datetime(2026, 10, 20, 8, 0, tzinfo=UTC)


def _meeting(
    uid: str, start_rome: datetime, *, sequence: int = 0, cancelled: bool = False
) -> CalendarMeeting:
    start = start_rome.replace(tzinfo=ROME).astimezone(UTC)
    return CalendarMeeting(
        uid=uid,
        sequence=sequence,
        start_utc=start,
        end_utc=start + timedelta(minutes=30),
        title="Incontro con Kyoto Robotics",
        location="Tavolo 12",
        description="Richiesta: deve incontrare",
        cancelled=cancelled,
    )


def _parse(data: bytes) -> Any:
    return Calendar.from_ical(data)


def _events(cal: Any) -> dict[str, Any]:
    return {str(e["UID"]): e for e in cal.walk("VEVENT")}


def _calendar(*meetings: CalendarMeeting) -> bytes:
    return build_calendar(
        ParticipantCalendar(name="Kakehashi Forum 2026", venue_zone="Europe/Rome", meetings=meetings),
        stamp=STAMP,
    )


def test_times_are_right_in_rome_and_tokyo_across_the_end_of_summer_time() -> None:
    # Summer time in Europe ends on Sunday 25 October 2026: Rome is UTC+2 on Friday, UTC+1 on Monday;
    # Tokyo stays UTC+9, so the same 10:00 in Rome is 17:00 then 18:00 in Tokyo.
    friday = _meeting("m-1@kakehashi", datetime(2026, 10, 23, 10, 0))
    monday = _meeting("m-2@kakehashi", datetime(2026, 10, 26, 10, 0))
    cal = _parse(_calendar(friday, monday))
    events = _events(cal)
    for uid, utc_hour, tokyo_hour in (("m-1@kakehashi", 8, 17), ("m-2@kakehashi", 9, 18)):
        event = events[uid]
        start = event["DTSTART"]
        assert start.params["TZID"] == "Europe/Rome"
        when = start.dt
        assert (when.astimezone(ROME).hour, when.astimezone(ROME).minute) == (10, 0)
        assert when.astimezone(UTC).hour == utc_hour
        assert when.astimezone(TOKYO).hour == tokyo_hour
        assert event["DTEND"].dt - when == timedelta(minutes=30)


def test_the_file_carries_its_timezone_with_the_october_transition() -> None:
    data = _calendar(
        _meeting("a@k", datetime(2026, 10, 23, 10, 0)), _meeting("b@k", datetime(2026, 10, 26, 10, 0))
    )
    text = data.decode()
    assert "METHOD:PUBLISH" in text
    assert "DTSTART;TZID=Europe/Rome:20261023T100000" in text
    assert "DTSTART;TZID=Europe/Rome:20261026T100000" in text
    (zone,) = _parse(data).walk("VTIMEZONE")
    assert str(zone["TZID"]) == "Europe/Rome"
    (standard,) = zone.walk("STANDARD")  # the end of summer time: 03:00 CEST becomes 02:00 CET
    assert standard["DTSTART"].dt == datetime(2026, 10, 25, 3, 0)
    assert (standard["TZOFFSETFROM"].td, standard["TZOFFSETTO"].td) == (
        timedelta(hours=2),
        timedelta(hours=1),
    )
    # A calendar program reading the file alone computes the right instant.
    zone_info = zone.to_tz()
    monday = datetime(2026, 10, 26, 10, 0, tzinfo=zone_info)
    assert monday.astimezone(UTC) == datetime(2026, 10, 26, 9, 0, tzinfo=UTC)
    friday = datetime(2026, 10, 23, 10, 0, tzinfo=zone_info)
    assert friday.astimezone(UTC) == datetime(2026, 10, 23, 8, 0, tzinfo=UTC)


def test_a_changed_meeting_keeps_its_uid_with_a_higher_sequence() -> None:
    before = _events(_parse(_calendar(_meeting("m-7@kakehashi", datetime(2026, 10, 23, 10, 0)))))
    moved = _meeting("m-7@kakehashi", datetime(2026, 10, 23, 11, 30), sequence=1)
    after = _events(_parse(_calendar(moved)))
    assert set(before) == set(after) == {"m-7@kakehashi"}
    old, new = before["m-7@kakehashi"], after["m-7@kakehashi"]
    assert int(new["SEQUENCE"]) > int(old["SEQUENCE"])
    assert new["DTSTART"].dt.astimezone(ROME).hour == 11


def test_a_cancelled_meeting_is_kept_as_cancelled() -> None:
    events = _events(
        _parse(_calendar(_meeting("gone@k", datetime(2026, 10, 23, 10, 0), sequence=3, cancelled=True)))
    )
    event = events["gone@k"]
    assert str(event["STATUS"]) == "CANCELLED"
    assert int(event["SEQUENCE"]) == 3


def test_translated_text_and_online_link_are_kept() -> None:
    start = datetime(2026, 10, 23, 1, 0, tzinfo=UTC)
    meeting = CalendarMeeting(
        uid="j@k",
        sequence=0,
        start_utc=start,
        end_utc=start + timedelta(minutes=30),
        title="京都ロボティクスとの面談",
        location="オンライン",
        description="通訳: イタリア語–日本語",
        url="https://meet.example.org/abc",
    )
    data = build_calendar(
        ParticipantCalendar(name="架け橋フォーラム", venue_zone="Europe/Rome", meetings=(meeting,)),
        stamp=STAMP,
    )
    event = _events(_parse(data))["j@k"]
    assert str(event["SUMMARY"]) == "京都ロボティクスとの面談"
    assert str(event["LOCATION"]) == "オンライン"
    assert str(event["URL"]) == "https://meet.example.org/abc"
    assert event["DTSTAMP"].dt == STAMP


def test_bad_input_names_the_field() -> None:
    start = datetime(2026, 10, 23, 8, 0, tzinfo=UTC)
    backwards = CalendarMeeting("x@k", 0, start, start - timedelta(minutes=5), "t", "l")
    with pytest.raises(ValidationFailed) as caught:
        build_calendar(ParticipantCalendar("c", "Europe/Rome", (backwards,)), stamp=STAMP)
    assert [p.field for p in caught.value.problems] == ["meetings[1]"]
    with pytest.raises(ValidationFailed):
        build_calendar(ParticipantCalendar("c", "Mars/Olympus", ()), stamp=STAMP)
