"""The store's data version (kakehashi.store.data_version) and the figures kept by it: a write to a shown
table changes the version in the same transaction, so figures kept before it are never served after it;
bookkeeping writes and rolled-back transactions change nothing (on both stores)."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import select, text, update

from kakehashi.accounts.service import SYSTEM
from kakehashi.analytics.cache import IndicatorCache
from kakehashi.analytics.service import indicators, table
from kakehashi.analytics.tables import Filters
from kakehashi.audit.models import AuditEvent
from kakehashi.profiles.models import Organisation
from kakehashi.store.data_version import ALL_GROUPS, DATA, MATCHING, read_versions
from kakehashi.store.database import Database
from tests.analytics.world import add_matches, build
from tests.factories import make_organisation


def version(database: Database) -> tuple[int, ...]:
    with database.session() as session:
        versions = read_versions(session)
    return tuple(versions[group] for group in ALL_GROUPS)


def organisations_counted(cache: IndicatorCache, database: Database) -> int:
    with database.session() as session:
        found = indicators(session, SYSTEM, Filters(), cache=cache).organisations
    return sum(int(row[found.column("organisations")] or 0) for row in found.rows)


def test_an_orm_write_a_core_update_and_a_bulk_insert_change_the_version(database: Database) -> None:
    start = version(database)
    with database.session() as session:
        org_id = make_organisation(session).id
    after_insert = version(database)
    assert after_insert != start
    with database.session() as session:
        session.execute(update(Organisation).where(Organisation.id == org_id).values(country="JP"))
    after_update = version(database)
    assert after_update != after_insert
    with database.session() as session:  # raw SQL, many parameter sets, one transaction: one change
        session.execute(
            text("UPDATE organisations SET country = :country WHERE id = :id"),
            [{"country": "IT", "id": org_id}, {"country": "JP", "id": org_id}],
        )
    assert version(database)[0] == after_update[0] + 1


def test_bookkeeping_writes_and_rolled_back_transactions_leave_it(database: Database) -> None:
    start = version(database)
    with database.session() as session:
        session.add(AuditEvent(kind="sign_in", at=datetime.now(UTC), detail={}))
    assert version(database) == start
    with database.engine.connect() as connection:
        connection.execute(update(Organisation).values(name="Never written"))
        connection.rollback()
    assert version(database) == start
    with database.session() as session:
        with session.begin_nested() as savepoint:
            make_organisation(session)
            session.flush()
            savepoint.rollback()
        make_organisation(session)  # the same transaction writes again after its savepoint was undone
    assert version(database) != start


def test_the_version_changes_with_every_committed_write(database: Database) -> None:
    seen = {version(database)}
    for _ in range(5):
        with database.session() as session:
            make_organisation(session)
        seen.add(version(database))
    assert len(seen) == 6


def test_kept_figures_are_reused_until_a_write_then_computed_again(database: Database) -> None:
    with database.session() as session:
        build(session)
    cache = IndicatorCache(max_age_s=3600)
    before = organisations_counted(cache, database)
    with database.session() as session:
        first = indicators(session, SYSTEM, Filters(), cache=cache)
        again = indicators(session, SYSTEM, Filters(), cache=cache)
        assert again == first
        assert again.funnel is first.funnel  # unchanged store: kept, not computed again
        assert table(session, SYSTEM, Filters(), "funnel", cache=cache) is first.funnel
    with database.session() as session:
        make_organisation(session, country="IT")
    assert organisations_counted(cache, database) == before + 1  # not the kept figure


def test_a_single_table_is_kept_and_computed_again_after_a_write(database: Database) -> None:
    with database.session() as session:
        build(session)
    cache = IndicatorCache(max_age_s=3600)
    with database.session() as session:
        first = table(session, SYSTEM, Filters(), "organisations", cache=cache)
        assert table(session, SYSTEM, Filters(), "organisations", cache=cache) is first
    with database.session() as session:
        make_organisation(session, country="IT")
    with database.session() as session:
        again = table(session, SYSTEM, Filters(), "organisations", cache=cache)
    assert again is not first
    assert sum(int(r[again.column("organisations")]) for r in again.rows) == 1 + sum(
        int(r[first.column("organisations")]) for r in first.rows
    )


def test_a_write_to_the_stored_matches_computes_only_the_matches_table_again(database: Database) -> None:
    with database.session() as session:
        world = build(session)
    cache = IndicatorCache(max_age_s=3600)
    with database.session() as session:
        first = indicators(session, SYSTEM, Filters(), cache=cache)
    with database.session() as session:
        add_matches(session, world)  # what the indexing thread writes all the time (and two verdicts)
    with database.session() as session:
        again = indicators(session, SYSTEM, Filters(), cache=cache)
    assert again.matches != first.matches  # the new matches are counted
    assert again.funnel is first.funnel  # the other tables read nothing that changed: kept
    assert version_of_matches_only_changes(database)


def version_of_matches_only_changes(database: Database) -> bool:
    """A write to opportunity_matches alone changes the matches group's version, not the main one."""
    from kakehashi.matching.tables import OpportunityMatch

    with database.session() as session:
        before = read_versions(session)
        source, target = session.execute(
            select(OpportunityMatch.source_id, OpportunityMatch.target_id).limit(1)
        ).one()
    with database.session() as session:
        session.execute(
            update(OpportunityMatch)
            .where(OpportunityMatch.source_id == source, OpportunityMatch.target_id == target)
            .values(score=0.5)
        )
    with database.session() as session:
        after = read_versions(session)
    return after[DATA] == before[DATA] and after[MATCHING] != before[MATCHING]
