"""Failed sign-ins slow down guessing with growing, bounded waits, counted in the store for every process.

The issue's findings: five wrong passwords locked the account for everyone, the right password included;
counts lived in one process's memory. Now a wait is short and bounded, the right password passes once it is
over, and two throttles over one store (two server processes) see the same counts.
"""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import select

from kakehashi.accounts.models import SignInAttempts
from kakehashi.accounts.throttle import SignInThrottle, ThrottlePolicy, account_key
from kakehashi.errors import TooManyAttempts
from kakehashi.store import Database

POLICY = ThrottlePolicy(free_failures_per_account=3, free_failures_per_address=6, max_delay_s=8, window_s=600)


class Clock:
    def __init__(self) -> None:
        self.now = 1_000_000.0

    def __call__(self) -> float:
        return self.now


def _fail(database: Database, throttle: SignInThrottle, email: str, address: str | None, times: int) -> None:
    for _ in range(times):
        with database.session() as session:
            throttle.check(session, email, address)
            throttle.failed(session, email, address)


def _check(database: Database, throttle: SignInThrottle, email: str, address: str | None) -> None:
    with database.session() as session:
        throttle.check(session, email, address)


def test_a_wait_after_the_free_failures_then_the_right_password_passes(database: Database) -> None:
    clock = Clock()
    throttle = SignInThrottle(POLICY, clock=clock)
    _fail(database, throttle, "a@b.example", "10.0.0.1", 3)
    with pytest.raises(TooManyAttempts) as caught:
        _check(database, throttle, "A@B.example ", "10.0.0.9")  # same account, other address
    assert caught.value.http_status == 429
    assert caught.value.retry_after_s == 1
    clock.now += 1
    _check(database, throttle, "a@b.example", "10.0.0.1")  # the wait is over: a try is allowed
    with database.session() as session:
        throttle.succeeded(session, "a@b.example")
    _fail(database, throttle, "a@b.example", "10.0.0.1", 2)  # counting starts again
    _check(database, throttle, "a@b.example", "10.0.0.1")


def test_waits_double_and_stay_bounded(database: Database) -> None:
    clock = Clock()
    throttle = SignInThrottle(POLICY, clock=clock)
    waits = []
    for _ in range(8):
        with database.session() as session:
            throttle.failed(session, "a@b.example", None)
        try:
            _check(database, throttle, "a@b.example", None)
            waits.append(0)
        except TooManyAttempts as refused:
            waits.append(refused.retry_after_s)
            clock.now += refused.retry_after_s
    assert waits == [0, 0, 1, 2, 4, 8, 8, 8]


def test_an_address_is_counted_over_every_account_but_others_are_not_held(database: Database) -> None:
    throttle = SignInThrottle(POLICY, clock=Clock())
    for n in range(6):
        _fail(database, throttle, f"user{n}@b.example", "10.0.0.1", 1)
    with pytest.raises(TooManyAttempts):
        _check(database, throttle, "someone.else@b.example", "10.0.0.1")
    _check(database, throttle, "someone.else@b.example", "10.0.0.2")


def test_failures_are_forgotten_after_a_quiet_window(database: Database) -> None:
    clock = Clock()
    throttle = SignInThrottle(POLICY, clock=clock)
    _fail(database, throttle, "a@b.example", None, 3)
    clock.now += POLICY.window_s + 1
    with database.session() as session:
        throttle.failed(session, "a@b.example", None)
    _check(database, throttle, "a@b.example", None)


def test_two_processes_share_the_counts(database: Database) -> None:
    clock = Clock()
    first, second = SignInThrottle(POLICY, clock=clock), SignInThrottle(POLICY, clock=clock)
    _fail(database, first, "a@b.example", None, 2)
    _fail(database, second, "a@b.example", None, 1)
    with pytest.raises(TooManyAttempts):
        _check(database, first, "a@b.example", None)


def test_concurrent_failures_are_all_counted(database: Database) -> None:
    throttle = SignInThrottle(ThrottlePolicy(free_failures_per_account=1000), clock=Clock())
    errors: list[BaseException] = []

    def fail_five() -> None:
        try:
            for _ in range(5):
                with database.session() as session:
                    throttle.failed(session, "a@b.example", None)
        except BaseException as error:  # pragma: no cover - reported below
            errors.append(error)

    threads = [threading.Thread(target=fail_five) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    with database.session() as session:
        failures = session.scalar(
            select(SignInAttempts.failures).where(SignInAttempts.key == account_key("a@b.example"))
        )
    assert failures == 30
