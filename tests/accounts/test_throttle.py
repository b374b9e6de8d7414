"""Failed sign-ins are limited per e-mail and per address, for a window of time."""

from __future__ import annotations

import pytest

from kakehashi.accounts.throttle import SignInThrottle
from kakehashi.errors import TooManyAttempts


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_blocks_after_max_failures_until_the_window_passes() -> None:
    clock = Clock()
    throttle = SignInThrottle(max_failures=3, window_s=60, clock=clock)
    for _ in range(3):
        throttle.check("a@b.example", "10.0.0.1")
        throttle.failed("a@b.example", "10.0.0.1")
    with pytest.raises(TooManyAttempts) as caught:
        throttle.check("A@B.example ", "10.0.0.9")  # same e-mail, other address
    assert caught.value.http_status == 429
    with pytest.raises(TooManyAttempts):
        throttle.check("other@b.example", "10.0.0.1")  # same address, other e-mail
    throttle.check("other@b.example", "10.0.0.2")
    clock.now += 61
    throttle.check("a@b.example", "10.0.0.1")


def test_success_clears_the_email_count() -> None:
    throttle = SignInThrottle(max_failures=2, window_s=60, clock=Clock())
    throttle.failed("a@b.example", None)
    throttle.succeeded("a@b.example")
    throttle.failed("a@b.example", None)
    throttle.check("a@b.example", None)
