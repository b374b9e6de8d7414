"""The search rate limit lives in the store: two app instances (as two server processes would) sharing one
store give a client the rate once, not twice; the bucket refills with time; concurrent takes are all
counted."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from kakehashi.api.limits import SharedBuckets
from kakehashi.app import create_app
from kakehashi.config import Settings
from kakehashi.store import Database
from tests.api.conftest import API, World, assert_error
from tests.hardening.test_races import _at_once

BURST = 4


class Clock:
    def __init__(self) -> None:
        self.now = 1_000_000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def two_processes(settings: Settings, database: Database) -> Iterator[tuple[TestClient, TestClient]]:
    """Two apps, each with its own Database object (own engine and pool) on the one store."""
    configured = settings.model_copy(
        update={"search_rate_per_minute": 1, "search_burst": BURST, "api_rate_per_minute": 0}
    )
    other = Database(database.url)
    try:
        with (
            TestClient(create_app(configured, database=database)) as first,
            TestClient(create_app(configured, database=other)) as second,
        ):
            yield first, second
    finally:
        other.dispose()


def test_two_app_instances_share_one_search_limit(
    two_processes: tuple[TestClient, TestClient], world: World
) -> None:
    first, second = two_processes
    member = world.auth("member_b")
    statuses = [
        (first if n % 2 else second)
        .get(f"{API}/opportunities", params={"q": "wafer"}, headers=member)
        .status_code
        for n in range(2 * BURST)
    ]
    # Per-process buckets would have granted 2 × BURST; the shared one grants BURST in all.
    assert statuses == [200] * BURST + [429] * BURST
    refused = first.get(f"{API}/opportunities", params={"q": "wafer"}, headers=member)
    assert_error(refused, 429, "too_many_attempts")
    assert int(refused.headers["retry-after"]) >= 1
    # The pages take from the same bucket (a visitor is its address; the API client above its token).
    pages = [
        (first if n % 2 else second).get("/search" if n % 3 else "/opportunities", params={"q": "wafer"})
        for n in range(2 * BURST)
    ]
    statuses = [page.status_code for page in pages]
    assert statuses == [200] * BURST + [429] * BURST  # "/search" redirects: one search, one token
    # Other clients keep their own allowance.
    assert (
        first.get(f"{API}/opportunities", params={"q": "wafer"}, headers=world.auth("officer")).status_code
        == 200
    )


def test_a_shared_bucket_refills_with_time(database: Database) -> None:
    clock = Clock()
    buckets = SharedBuckets(rate_per_minute=6, burst=2, prefix="test", clock=clock)  # one per 10 s
    assert [buckets.take(database, "client") for _ in range(2)] == [0.0, 0.0]
    wait = buckets.take(database, "client")
    assert wait == pytest.approx(10.0)
    clock.now += 5
    assert buckets.take(database, "client") == pytest.approx(5.0)  # a refusal takes nothing
    clock.now += 5
    assert buckets.take(database, "client") == 0.0
    assert buckets.take(database, "client") > 0
    clock.now += 3600  # a long quiet time refills to the burst, never beyond
    assert [buckets.take(database, "client") == 0.0 for _ in range(3)] == [True, True, False]
    assert buckets.take(database, "someone else") == 0.0


def test_concurrent_takes_are_each_counted(database: Database) -> None:
    buckets = SharedBuckets(rate_per_minute=1, burst=5, prefix="test")
    others = [Database(database.url) for _ in range(3)]
    try:
        stores = [database, *others] * 4
        waits = _at_once([lambda store=store: buckets.take(store, "client") for store in stores])
    finally:
        for other in others:
            other.dispose()
    assert sum(wait == 0.0 for wait in waits) == 5
    assert all(wait > 0 for wait in waits if wait != 0.0)


def test_a_zero_rate_turns_the_shared_limit_off(database: Database) -> None:
    buckets = SharedBuckets(rate_per_minute=0, burst=1, prefix="test")
    assert not buckets.enabled
    assert [buckets.take(database, "client") for _ in range(5)] == [0.0] * 5
