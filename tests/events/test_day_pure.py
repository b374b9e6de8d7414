"""The pure parts of the agenda and the day: check-in passes, QR codes, times in two zones, the problem
built from an event's marks."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta

import pytest

from kakehashi.errors import ValidationFailed
from kakehashi.events.checkin_token import checkin_token, parse_checkin_token, verify_checkin_token
from kakehashi.events.problem_build import (
    Frame,
    Kept,
    Mark,
    Participant,
    build_problem,
    interpreter_options,
    pair_priorities,
)
from kakehashi.events.qr import qr_svg
from kakehashi.events.zones_shown import two_zone_span
from kakehashi.formatting import LocaleFormatter

SECRET = "test-secret"
NOW = datetime(2026, 10, 20, 9, 0, tzinfo=UTC)


def test_a_pass_verifies_and_names_its_registration() -> None:
    token = checkin_token(SECRET, event_id=7, registration_id=42, nonce="n1")
    assert token.startswith("KH1-E7-R42-")
    found = verify_checkin_token(SECRET, token.lower(), event_id=7, nonce="n1")
    assert (found.event_id, found.registration_id) == (7, 42)


@pytest.mark.parametrize(
    ("token_of", "event_id", "nonce", "message"),
    [
        (lambda t: t[:-1] + ("A" if t[-1] != "A" else "B"), 7, "n1", "This check-in code is not valid."),
        (lambda t: t.replace("R42", "R43"), 7, "n1", "This check-in code is not valid."),
        (lambda t: t, 8, "n1", "This check-in code belongs to another event."),
        (lambda t: t, 7, "renewed", "This check-in code is not valid."),
        (lambda _t: "hello", 7, "n1", "This is not a check-in code of Kakehashi."),
    ],
)
def test_a_forged_moved_or_revoked_pass_is_refused(token_of, event_id, nonce, message) -> None:  # type: ignore[no-untyped-def]
    token = token_of(checkin_token(SECRET, event_id=7, registration_id=42, nonce="n1"))
    with pytest.raises(ValidationFailed) as error:
        verify_checkin_token(SECRET, token, event_id=event_id, nonce=nonce)
    assert error.value.message_id == message
    assert error.value.problems[0].field == "token"


def test_parse_reads_the_registration_before_the_signature_is_checked() -> None:
    token = checkin_token(SECRET, event_id=3, registration_id=9, nonce="x")
    assert parse_checkin_token(token, event_id=3).registration_id == 9


def test_the_qr_code_is_an_inline_svg_with_an_escaped_title() -> None:
    svg = qr_svg("KH1-E1-R2-ABCDEFGHIJKLMNOP", title="Pass <Ferrari>")
    assert svg.startswith("<svg")
    assert svg.endswith("</svg>")
    assert "<title>Pass &lt;Ferrari&gt;</title>" in svg


def test_times_across_the_end_of_european_summer_time() -> None:
    """Europe leaves summer time on 25 October 2026: Rome is 7 hours behind Tokyo before, 8 after."""
    fmt = LocaleFormatter(locale="en_GB", viewer_zone="Europe/Rome")
    before = datetime(2026, 10, 23, 8, 0, tzinfo=UTC)  # Friday 10:00 CEST
    after = datetime(2026, 10, 26, 9, 0, tzinfo=UTC)  # Monday 10:00 CET
    first = two_zone_span(
        fmt, before, before + timedelta(minutes=20), own_zone="Europe/Rome", other_zone="Asia/Tokyo"
    )
    second = two_zone_span(
        fmt, after, after + timedelta(minutes=20), own_zone="Europe/Rome", other_zone="Asia/Tokyo"
    )
    assert (first.own.span_text, first.own.abbreviation) == ("10:00–10:20", "CEST")
    assert (first.other.span_text, first.other.abbreviation) == ("17:00–17:20", "JST")
    assert (second.own.span_text, second.own.abbreviation) == ("10:00–10:20", "CET")
    assert second.other.span_text == "18:00–18:20"
    assert not first.other_day


def test_the_other_side_says_when_it_is_another_day_there() -> None:
    fmt = LocaleFormatter(locale="it", viewer_zone="Europe/Rome")
    late = datetime(2026, 10, 26, 16, 0, tzinfo=UTC)  # 17:00 in Rome, 01:00 next day in Tokyo
    span = two_zone_span(
        fmt, late, late + timedelta(minutes=20), own_zone="Europe/Rome", other_zone="Asia/Tokyo"
    )
    assert span.other_day
    assert span.other.day_text in span.text
    assert "27" in span.other.day_text


def test_priorities_must_meet_beats_meet_and_no_thanks_is_absolute() -> None:
    marks = [
        Mark(1, 2, "must_meet", "accepted"),
        Mark(1, 3, "meet", "accepted"),
        Mark(3, 1, "meet", "accepted"),
        Mark(1, 4, "must_meet", "accepted"),
        Mark(4, 1, "no_thanks", "recorded"),
        Mark(1, 5, "meet", "pending", NOW + timedelta(hours=1)),
        Mark(1, 6, "meet", "pending", NOW - timedelta(hours=1)),
        Mark(1, 7, "meet", "declined"),
    ]
    opt_in = pair_priorities(marks, automatic=False, now=NOW)
    assert opt_in == {(1, 2): 3, (1, 3): 2}
    automatic = pair_priorities(marks, automatic=True, now=NOW)
    assert automatic == {(1, 2): 3, (1, 3): 2, (1, 5): 1}


def test_interpreters_are_needed_only_without_a_shared_language() -> None:
    italian = Participant(1, "A", frozenset({"it"}))
    bilingual = Participant(2, "B", frozenset({"ja", "en"}))
    japanese = Participant(3, "C", frozenset({"ja"}))
    english = Participant(4, "D", frozenset({"en", "it"}))
    assert interpreter_options(italian, bilingual) == ("it-ja", "en-it")
    assert interpreter_options(italian, japanese) == ("it-ja",)
    assert interpreter_options(english, bilingual) == ()


def _frame(n: int = 4) -> Frame:
    start = datetime(2026, 10, 26, 9, 0, tzinfo=UTC)
    return Frame(
        starts=tuple(start + timedelta(minutes=20 * t) for t in range(n)),
        minutes=20,
        online_slots=frozenset({2, 3}),
        n_tables=2,
        online_capacity=1,
    )


def test_the_problem_keeps_locked_slots_and_puts_online_meetings_in_working_hours() -> None:
    people = [
        Participant(10, "Rome", frozenset({"it"}), unavailable=frozenset({0})),
        Participant(
            20,
            "Tokyo",
            frozenset({"ja", "en"}),
            online=True,
            zone="Asia/Tokyo",
            work_starts=time(9, 0),
            work_ends=time(19, 0),
        ),
        Participant(30, "Osaka", frozenset({"ja"})),
        Participant(40, "Gone", frozenset({"ja"})),
    ]
    built = build_problem(
        _frame(),
        [p for p in people if p.registration_id != 40],
        {(10, 20): 1, (10, 30): 3, (10, 40): 3},
        kept=[Kept(30, 10, 1)],
    )
    problem = built.problem
    assert built.pairs == ((10, 20), (10, 30))  # the removed participant's pair is gone
    online, onsite = problem.meetings
    assert not online.onsite
    assert online.online_slots == frozenset({2})
    assert onsite.onsite
    assert onsite.lock is not None
    assert onsite.lock.slot == 1
    assert onsite.priority == 3
    assert built.kept == frozenset({1})
    assert problem.forbidden[0] == frozenset({0})
    assert built.interpreter_options == (("it-ja", "en-it"), ("it-ja",))
