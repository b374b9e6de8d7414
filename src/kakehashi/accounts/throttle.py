"""Slowing down password guessing without letting anyone lock a user out.

Failed sign-ins are counted per account (``account:<e-mail>``) and per client address
(``address:<ip>``) in the store, so that every server process sees the same counts. Past a few free
failures each further failure makes the next try wait, 1 s, 2 s, 4 s, … up to a short bound; a try during
the wait is refused with 429 and ``Retry-After`` *before* the password is checked. Once the wait is over
the right password signs in (and clears the account's count), so an attacker who knows an e-mail can slow
its owner down by at most the bound, never lock them out. Counts are forgotten after a quiet window.

Recording a failure is one atomic upsert (``INSERT … ON CONFLICT DO UPDATE … RETURNING``), the same
statement on SQLite and PostgreSQL, so concurrent failures from many processes are all counted.
"""

from __future__ import annotations

import math
import random
import time
from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import case, delete, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from kakehashi.accounts.models import SignInAttempts
from kakehashi.errors import TooManyAttempts

_PRUNE_SHARE = 0.02  # of failures that also delete long-quiet counters


@dataclass(frozen=True, slots=True)
class ThrottlePolicy:
    free_failures_per_account: int = 5
    free_failures_per_address: int = 20
    max_delay_s: int = 60
    window_s: int = 900

    def delay_after(self, failures: int, free: int) -> float:
        """The wait imposed after ``failures`` failures (none while within the free ones)."""
        if failures < free:
            return 0.0
        return float(min(self.max_delay_s, 2 ** min(failures - free, 30)))


def account_key(email: str) -> str:
    return "account:" + email.strip().casefold()[:250]


def address_key(address: str) -> str:
    return "address:" + address[:64]


class SignInThrottle:
    def __init__(self, policy: ThrottlePolicy, *, clock: Callable[[], float] = time.time) -> None:
        self.policy = policy
        self._clock = clock

    def _keys(self, email: str, address: str | None) -> list[tuple[str, int]]:
        keys = [(account_key(email), self.policy.free_failures_per_account)]
        if address:
            keys.append((address_key(address), self.policy.free_failures_per_address))
        return keys

    def check(self, session: Session, email: str, address: str | None) -> None:
        """Raise TooManyAttempts while the account or the address must still wait."""
        now = self._clock()
        keys = [key for key, _ in self._keys(email, address)]
        blocked_until = session.scalar(
            select(SignInAttempts.blocked_until)
            .where(SignInAttempts.key.in_(keys), SignInAttempts.blocked_until > now)
            .order_by(SignInAttempts.blocked_until.desc())
            .limit(1)
        )
        if blocked_until is not None:
            wait = max(1, math.ceil(blocked_until - now))
            raise TooManyAttempts(
                "Too many failed sign-ins. Try again in %(seconds)s seconds.",
                params={"seconds": wait},
                retry_after_s=wait,
            )

    def failed(self, session: Session, email: str, address: str | None) -> None:
        """Count one failure for the account and the address; start their waits when due."""
        now = self._clock()
        if random.random() < _PRUNE_SHARE:
            # Keys sprayed by a guesser (random e-mails) must not pile up: forget the quiet ones.
            session.execute(
                delete(SignInAttempts).where(
                    SignInAttempts.last_failure_at < now - self.policy.window_s,
                    SignInAttempts.blocked_until < now,
                )
            )
        for key, free in self._keys(email, address):
            failures = self._count_failure(session, key, now)
            delay = self.policy.delay_after(failures, free)
            if delay > 0:
                session.execute(
                    update(SignInAttempts)
                    .where(SignInAttempts.key == key, SignInAttempts.blocked_until < now + delay)
                    .values(blocked_until=now + delay)
                )

    def succeeded(self, session: Session, email: str) -> None:
        """The right password: the account's count starts again (the address's decays by itself)."""
        session.execute(delete(SignInAttempts).where(SignInAttempts.key == account_key(email)))

    def _count_failure(self, session: Session, key: str, now: float) -> int:
        dialect = session.get_bind().dialect.name
        insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
        statement = insert(SignInAttempts).values(key=key, failures=1, last_failure_at=now, blocked_until=0.0)
        table = SignInAttempts.__table__.c
        forgotten = table.last_failure_at < now - self.policy.window_s
        upsert = statement.on_conflict_do_update(
            index_elements=[table.key],
            set_={
                "failures": case((forgotten, 1), else_=table.failures + 1),
                "blocked_until": case((forgotten, 0.0), else_=table.blocked_until),
                "last_failure_at": now,
            },
        ).returning(table.failures)
        failures = session.scalar(upsert)
        assert failures is not None
        return int(failures)
