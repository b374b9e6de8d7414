"""Stored matches: computed at indexing time, equal to what the engine computes, kept in step with edits
and withdrawals of counterparts, read without any model call."""

from __future__ import annotations

import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

import numpy as np
import pytest
from numpy.typing import NDArray
from sqlalchemy import select
from sqlalchemy.orm import Session

from kakehashi.accounts.roles import VISITOR
from kakehashi.accounts.service import SYSTEM
from kakehashi.language import Language
from kakehashi.matching.embed import FakeEmbedder, Role
from kakehashi.matching.explain import ExplanationData
from kakehashi.matching.service import MatchingService
from kakehashi.matching.tables import OpportunityMatch
from kakehashi.profiles import service as profiles
from kakehashi.profiles.lifecycle import Action
from kakehashi.profiles.schemas import OpportunityPatch
from kakehashi.store import Database
from tests.factories import make_opportunity, make_organisation

WORDS = ["silicon", "carbide", "wafer", "power", "module", "sensor", "robot", "battery", "laser", "quantum"]


class GuardedEmbedder(FakeEmbedder):
    """A fake embedder that fails when called while ``armed`` (as during a request)."""

    armed = False

    def embed(
        self, texts: Sequence[str], *, role: Role, languages: Sequence[Language] | None = None
    ) -> NDArray[np.float32]:
        if self.armed:
            raise AssertionError(f"the embedder was called on a read: {list(texts)[:2]}")
        return super().embed(texts, role=role, languages=languages)


@pytest.fixture
def embedder() -> GuardedEmbedder:
    return GuardedEmbedder(dim=32)


@pytest.fixture
def matching(database: Database, embedder: GuardedEmbedder) -> MatchingService:
    return MatchingService(database, embedder)


def _catalogue(database: Database, *, size: int = 12) -> list[int]:
    """Needs in Japan and offers in Italy over a few shared words, so that lists overlap."""
    rng = np.random.default_rng(7)
    ids = []
    with database.session() as session:
        jp = [make_organisation(session, country="JP", name=f"JP {i}") for i in range(3)]
        it = [make_organisation(session, country="IT", name=f"IT {i}") for i in range(3)]
        for i in range(size):
            words = " ".join(rng.choice(WORDS, size=4, replace=False))
            need = i % 2 == 0
            opp = make_opportunity(
                session,
                (jp if need else it)[i % 3],
                type="technology_request" if need else "technology_offer",
                language="en",
                title=f"{'Need' if need else 'Offer'} {i}: {words}",
                description=f"About {words}. Second sentence on {words.split()[0]}.",
                keywords=words.split()[:2],
            )
            ids.append(opp.id)
    return ids


def _stored(database: Database, model_id: str) -> dict[int, list[tuple[int, float]]]:
    with database.session() as session:
        rows = session.scalars(
            select(OpportunityMatch)
            .where(OpportunityMatch.model_id == model_id)
            .order_by(OpportunityMatch.source_id, OpportunityMatch.rank)
        ).all()
        lists: dict[int, list[tuple[int, float]]] = {}
        for row in rows:
            lists.setdefault(row.source_id, []).append((row.target_id, row.score))
        return lists


def _engine_lists(matching: MatchingService, ids: list[int]) -> dict[int, list[tuple[int, float]]]:
    engine = matching._engine
    present = set(engine.ids())
    lists = {i: [(m.target_id, m.score) for m in engine.matches_for(i)] for i in ids if i in present}
    return {i: ms for i, ms in lists.items() if ms}


def _assert_in_step(
    stored: dict[int, list[tuple[int, float]]], engine: dict[int, list[tuple[int, float]]], *, changed: int
) -> None:
    """The lists that hold or may hold ``changed`` are exactly the engine's; the others hold the same
    targets with scores up to a small drift (a change moves BM25's document frequencies, hence every
    lexical score, a little; a rebuild realigns them)."""
    assert stored.keys() == engine.keys()
    for source, targets in stored.items():
        if source == changed or changed in [t for t, _ in engine[source]]:
            assert targets == engine[source]
        else:
            assert {t for t, _ in targets} == {t for t, _ in engine[source]}
            assert sorted(s for _, s in targets) == pytest.approx(
                sorted(s for _, s in engine[source]), abs=0.02
            )


def test_stored_matches_equal_what_the_engine_computes(database: Database, matching: MatchingService) -> None:
    ids = _catalogue(database)
    matching.sync()
    stored = _stored(database, matching.model_id)
    assert stored  # something matched
    assert stored == _engine_lists(matching, ids)
    for targets in stored.values():
        scores = [score for _, score in targets]
        assert scores == sorted(scores, reverse=True)  # stored (and shown) in score order


def test_stored_explanations_are_language_neutral_and_rendered_per_locale(
    database: Database, matching: MatchingService
) -> None:
    ids = _catalogue(database)
    matching.sync()
    with database.session() as session:
        row = session.scalars(select(OpportunityMatch).where(OpportunityMatch.source_id == ids[0])).first()
        assert row is not None
        assert row.explanation is not None
        data = ExplanationData.from_json(row.explanation)
    assert data.source_type == "technology_request"  # a code, not a label
    labels = {
        locale: matching.matches_for_opportunity(VISITOR, ids[0], locale=locale)[0].explanation
        for locale in ("it", "ja", "en")
    }
    assert {e.locale for e in labels.values() if e is not None} == {"it", "ja", "en"}
    assert labels["ja"] is not None
    assert "技術" in labels["ja"].source_type


def test_an_edit_of_a_counterpart_updates_the_stored_lists(
    database: Database, matching: MatchingService
) -> None:
    ids = _catalogue(database)
    matching.sync()
    offer = ids[1]
    with database.session() as session:
        profiles.update_opportunity(
            session,
            SYSTEM,
            offer,
            OpportunityPatch(title="Quantum laser battery", description="Quantum laser battery. Quantum."),
        )
    report = matching.sync()
    assert report.embedded == 1
    assert matching.last_match_report is not None
    assert not matching.last_match_report.bulk
    _assert_in_step(_stored(database, matching.model_id), _engine_lists(matching, ids), changed=offer)
    matching.sync(rebuild=True)
    assert _stored(database, matching.model_id) == _engine_lists(matching, ids)


def test_a_withdrawal_removes_the_counterpart_from_every_stored_list(
    database: Database, matching: MatchingService
) -> None:
    ids = _catalogue(database)
    matching.sync()
    stored = _stored(database, matching.model_id)
    offer = next(t for targets in stored.values() for t, _ in targets)
    holders = [s for s, targets in stored.items() if offer in [t for t, _ in targets]]
    with database.session() as session:
        profiles.transition(session, SYSTEM, offer, Action.WITHDRAW)
    matching.sync()
    after = _stored(database, matching.model_id)
    assert offer not in after
    assert all(offer not in [t for t, _ in targets] for targets in after.values())
    _assert_in_step(after, _engine_lists(matching, ids), changed=offer)
    assert all(after.get(s) for s in holders)  # their lists were refilled, not left short


def test_reading_matches_never_calls_the_embedder(
    database: Database, matching: MatchingService, embedder: GuardedEmbedder
) -> None:
    ids = _catalogue(database)
    matching.sync()
    embedder.armed = True
    for opportunity_id in ids:
        matching.opportunity_matches(VISITOR, opportunity_id, locale="ja")
    with database.session() as session:
        profiles.update_opportunity(session, SYSTEM, ids[1], OpportunityPatch(title="A new title"))
    shown = matching.opportunity_matches(VISITOR, ids[1], locale="it")
    assert not shown.ready  # edited and not yet indexed: says so, computes nothing


def test_a_shortlisted_match_shows_its_boost_and_stays_in_ranking_order(
    database: Database, matching: MatchingService
) -> None:
    ids = _catalogue(database)
    matching.sync()
    before = matching.matches_for_opportunity(SYSTEM, ids[0], locale="en")
    assert len(before) >= 2
    last = before[-1]
    matching.record_feedback(SYSTEM_OFFICER(database), ids[0], last.opportunity.id, "shortlisted")
    after = matching.matches_for_opportunity(SYSTEM_OFFICER(database), ids[0], locale="en")
    lifted = next(r for r in after if r.opportunity.id == last.opportunity.id)
    assert lifted.score == pytest.approx(last.score)  # the match score itself is unchanged
    assert lifted.shortlist_boost > 0
    assert lifted.ranking_score == pytest.approx(last.score + lifted.shortlist_boost)
    ranking = [r.ranking_score for r in after]
    assert ranking == sorted(ranking, reverse=True)


def SYSTEM_OFFICER(database: Database):  # type: ignore[no-untyped-def]  # noqa: N802
    from kakehashi.accounts.models import User
    from kakehashi.accounts.roles import Role
    from tests.factories import actor, make_user

    with database.session() as session:
        user = session.scalar(select(User).where(User.email == "officer@example.org"))
        if user is None:
            user = make_user(session, role=Role.OFFICER, email="officer@example.org")
        return actor(user)


def test_a_search_embeds_only_the_query_once(database: Database, matching: MatchingService) -> None:
    _catalogue(database)
    matching.sync()
    calls: list[list[str]] = []
    original = FakeEmbedder.embed

    def counting(self: FakeEmbedder, texts: Sequence[str], **kwargs: object) -> NDArray[np.float32]:
        calls.append(list(texts))
        return original(self, texts, **kwargs)  # type: ignore[arg-type]

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(FakeEmbedder, "embed", counting)
        assert matching.search(VISITOR, "silicon carbide power", locale="en")
        assert calls == [["silicon carbide power"]]
        matching.search(VISITOR, "silicon carbide power", locale="en", types=frozenset({"technology_offer"}))
        assert calls == [["silicon carbide power"]]  # the query's vector is kept


def test_one_of_several_processes_indexes(tmp_path: Path, matching: MatchingService) -> None:
    from kakehashi.matching.worker import EmbeddingWorker

    lock = tmp_path / "indexer.lock"
    first = EmbeddingWorker(matching, lock_path=lock)
    second = EmbeddingWorker(matching, lock_path=lock)
    try:
        assert first.is_indexer
        assert not second.is_indexer
        first.stop()  # releases the lock: another process takes over
        assert second.is_indexer
    finally:
        first.stop()
        second.stop()


def test_a_page_read_does_not_wait_for_the_engine_lock(database: Database, matching: MatchingService) -> None:
    """Seen at 50 clients: page requests, each holding one of the pool's connections, waited for the
    engine lock to keep a counterpart's view, while the lock's holder waited for a connection: every
    request hung. Keeping views needs no engine lock."""
    ids = _catalogue(database)
    matching.sync()
    held, release = threading.Event(), threading.Event()

    def hold() -> None:
        with matching._lock:
            held.set()
            release.wait(30)

    holder = threading.Thread(target=hold)
    holder.start()
    held.wait()
    shown: list[int] = []
    reader = threading.Thread(
        target=lambda: shown.append(len(matching.opportunity_matches(VISITOR, ids[0], locale="en").results))
    )
    try:
        reader.start()
        reader.join(10)
        assert not reader.is_alive(), "the page read waited for the engine lock"
        assert shown
        assert shown[0] > 0
    finally:
        release.set()
        holder.join()
        reader.join()


def test_a_search_does_not_hold_the_engine_lock_while_it_waits_for_a_connection(
    database: Database, matching: MatchingService
) -> None:
    """The other half of the hang above: in a server process (a worker reloads the engine), a search
    asks the store whether the index moved; it must not hold the engine lock meanwhile."""
    _catalogue(database)
    matching.sync()
    matching.on_stale = lambda: None  # as in a server process, where the indexing thread reloads
    opened = database.session
    locked_when_opened: list[bool] = []

    @contextmanager
    def watched() -> Iterator[Session]:
        locked_when_opened.append(matching._lock._is_owned())  # type: ignore[attr-defined]
        with opened() as session:
            yield session

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(database, "session", watched)
        assert matching.search(VISITOR, "silicon carbide power", locale="en")
    assert locked_when_opened
    assert not any(locked_when_opened)


def test_the_engine_says_how_many_it_loaded(database: Database, matching: MatchingService) -> None:
    """A server process settles its memory after a large load (``kakehashi.app.settle_after_load``): the
    engine reports every load with its size, and nothing when nothing changed."""
    loaded: list[int] = []
    matching.on_loaded = loaded.append
    ids = _catalogue(database)
    matching.sync()
    assert sum(loaded) == len(ids)
    loaded.clear()
    matching.refresh_engine()
    assert loaded == []
    with database.session() as session:
        profiles.update_opportunity(session, SYSTEM, ids[1], OpportunityPatch(title="Quantum laser battery"))
    matching.sync()
    assert loaded == [1]
