"""Answers kept for visitors (``kakehashi.web.page_cache``): a write anywhere shows on the next read, a
signed-in member never gets a visitor's answer, languages do not mix, nothing per-session is kept."""

from __future__ import annotations

from typing import Any

import anyio
import httpx
from anyio.from_thread import start_blocking_portal
from fastapi.testclient import TestClient
from sqlalchemy import text, update

from kakehashi.accounts.service import SYSTEM
from kakehashi.app import create_app
from kakehashi.config import Settings
from kakehashi.profiles import service
from kakehashi.profiles.models import Opportunity, Organisation
from kakehashi.profiles.schemas import OpportunityPatch
from kakehashi.store import Database
from kakehashi.store.data_version import read_data_version, tracks, written_table
from kakehashi.web.page_cache import STATUS_HEADER, PageCacheMiddleware
from tests.factories import make_opportunity, make_organisation, make_user
from tests.web.conftest import index_now, sign_in

HIT = STATUS_HEADER.decode()


def _visitor(settings: Settings, database: Database, locale: str = "en") -> TestClient:
    return TestClient(create_app(settings, database=database), headers={"accept-language": locale})


def _settle(client: TestClient) -> None:
    """Index now and stop the indexing thread: its writes (rightly) move the version meanwhile."""
    client.app.state.embedding_worker.stop()  # type: ignore[attr-defined]
    index_now(client)


def _published(database: Database, title: str) -> tuple[int, int]:
    with database.session() as session:
        org = make_organisation(session, name="Wafer Works", country="IT")
        opp = make_opportunity(session, org, title=title)
        return opp.id, org.id


def test_a_visitor_gets_a_kept_answer_without_a_cookie(settings: Settings, database: Database) -> None:
    opp_id, _ = _published(database, "Silicon carbide wafers for inverters")
    with _visitor(settings, database) as visitor:
        _settle(visitor)
        for path in ("/opportunities", f"/opportunities/{opp_id}", "/api/v1/opportunities"):
            first = visitor.get(path)
            again = visitor.get(path)
            assert first.status_code == again.status_code == 200
            assert HIT not in first.headers
            assert again.headers[HIT] == "hit"
            assert again.content == first.content
            assert "set-cookie" not in first.headers  # no form on a visitor's page: no session made
            assert again.headers["content-security-policy"]  # the security headers still apply
        assert not visitor.cookies


def test_a_write_by_another_process_shows_on_the_next_read(settings: Settings, database: Database) -> None:
    opp_id, _ = _published(database, "Silicon carbide wafers for inverters")
    with _visitor(settings, database) as visitor:
        _settle(visitor)
        visitor.get("/opportunities")
        assert visitor.get("/opportunities").headers[HIT] == "hit"
        # Written through another app's services (another server process) ...
        with database.session() as session:
            service.update_opportunity(
                session, SYSTEM, opp_id, OpportunityPatch(title="Gallium nitride wafers for chargers")
            )
        after = visitor.get("/opportunities")
        assert HIT not in after.headers
        assert "Gallium nitride wafers for chargers" in after.text
        detail = visitor.get(f"/opportunities/{opp_id}")
        assert "Gallium nitride wafers for chargers" in detail.text
        # ... and by a plain Core statement, which no ORM hook sees.
        with database.engine.begin() as connection:
            connection.execute(update(Organisation).values(name="Nitride Works"))
            connection.execute(
                update(Opportunity).where(Opportunity.id == opp_id).values(title="Diamond heat spreaders")
            )
        assert "Diamond heat spreaders" in visitor.get(f"/opportunities/{opp_id}").text
        assert "Diamond heat spreaders" in visitor.get("/opportunities").text


def test_the_indexers_writes_leave_the_plain_lists_kept_and_nothing_else(
    settings: Settings, database: Database
) -> None:
    """While job workers embed a backlog, the indexer commits every few dozen texts (the MATCHING
    group). The lists without a text search read none of its tables: they stay kept. Answers that read
    them (an opportunity's page with its matches, a search) are computed again."""
    opp_id, _ = _published(database, "Silicon carbide wafers for inverters")
    lists = ["/", "/opportunities", "/opportunities?page=1", "/organisations", "/api/v1/opportunities"]
    others = [f"/opportunities/{opp_id}", "/opportunities?q=wafers", "/api/v1/search?q=wafers"]
    with _visitor(settings, database) as visitor:
        _settle(visitor)
        for path in lists + others:
            assert visitor.get(path).status_code == 200
            assert visitor.get(path).headers[HIT] == "hit", path
        with database.engine.begin() as connection:  # what the indexer writes (nothing matches: no row)
            connection.execute(text("DELETE FROM opportunity_matches WHERE source_id = -1"))
        for path in lists:
            assert visitor.get(path).headers[HIT] == "hit", path
        for path in others:
            assert HIT not in visitor.get(path).headers, path
            assert visitor.get(path).headers[HIT] == "hit", path  # kept again, at the new version
        with database.session() as session:  # any other write: nothing kept is served any more
            service.update_opportunity(session, SYSTEM, opp_id, OpportunityPatch(title="Gallium nitride"))
        for path in lists + others:
            assert HIT not in visitor.get(path).headers, path


def test_the_version_moves_with_committed_writes_to_shown_data_only(database: Database) -> None:
    start = read_data_version(database.engine)
    assert start is not None
    with database.engine.begin() as connection:
        connection.execute(text("DELETE FROM rate_limits"))  # bookkeeping: not shown to anyone
    assert read_data_version(database.engine) == start
    with database.engine.connect() as connection:
        connection.execute(update(Organisation).values(name="Never written"))
        connection.rollback()
    assert read_data_version(database.engine) == start
    _published(database, "Silicon carbide wafers")
    moved = read_data_version(database.engine)
    assert moved is not None
    assert moved > start


def test_the_written_table_is_read_from_the_statement() -> None:
    assert written_table('INSERT INTO "opportunities" (title) VALUES (?)') == "opportunities"
    assert written_table("update organisations set name = 'x'") == "organisations"
    assert written_table("DELETE FROM opportunity_matches WHERE id = 1") == "opportunity_matches"
    assert written_table("INSERT OR REPLACE INTO opportunity_vectors VALUES (1)") == "opportunity_vectors"
    assert written_table("SELECT * FROM opportunities") is None
    assert tracks("UPDATE opportunities SET title = 'x'")
    assert not tracks("UPDATE user_sessions SET last_seen_at = now()")
    assert not tracks("INSERT INTO procrastinate_jobs DEFAULT VALUES")


def test_languages_are_kept_apart(settings: Settings, database: Database) -> None:
    _published(database, "Silicon carbide wafers for inverters")
    app = create_app(settings, database=database)
    it = TestClient(app, headers={"accept-language": "it"})  # the same server, no second lifespan
    with TestClient(app, headers={"accept-language": "ja"}) as ja:
        _settle(ja)
        japanese = ja.get("/opportunities")
        italian = it.get("/opportunities")
        assert HIT not in italian.headers
        assert italian.text != japanese.text
        assert '<html lang="it">' in italian.text
        assert '<html lang="ja">' in japanese.text
        assert '<html lang="ja">' in ja.get("/opportunities").text
        it.cookies.set("kakehashi_locale", "en")  # the language switch's choice
        chosen = it.get("/opportunities")
        assert HIT not in chosen.headers
        assert '<html lang="en">' in chosen.text


def test_a_member_never_gets_a_visitors_answer(settings: Settings, database: Database) -> None:
    opp_id, org_id = _published(database, "Silicon carbide wafers for inverters")
    with database.session() as session:
        email = make_user(session, organisation=session.get(Organisation, org_id)).email
    app = create_app(settings, database=database)
    member = TestClient(app, headers={"accept-language": "en"})  # the same server, no second lifespan
    with TestClient(app, headers={"accept-language": "en"}) as visitor:
        _settle(visitor)
        for path in ("/opportunities", f"/opportunities/{opp_id}"):
            visitor.get(path)
            assert visitor.get(path).headers[HIT] == "hit"
        sign_in(member, email)
        for path in ("/opportunities", f"/opportunities/{opp_id}"):
            page = member.get(path)
            assert HIT not in page.headers
            assert 'data-testid="signed-in-as"' in page.text
            assert page.headers["cache-control"] == "no-store"
        assert 'data-testid="opportunity-actions"' in member.get(f"/opportunities/{opp_id}").text
        # The member's pages were not kept for visitors either.
        assert 'data-testid="signed-in-as"' not in visitor.get("/opportunities").text


def test_a_session_or_a_token_is_never_served_from_memory(settings: Settings, database: Database) -> None:
    _published(database, "Silicon carbide wafers for inverters")
    with _visitor(settings, database) as visitor:
        _settle(visitor)
        visitor.get("/api/v1/opportunities")
        assert visitor.get("/api/v1/opportunities").headers[HIT] == "hit"
        with_token = visitor.get("/api/v1/opportunities", headers={"authorization": "Bearer nothing"})
        assert HIT not in with_token.headers
        # A session cookie after a cookie that a strict parser would give up on still counts.
        visitor.cookies.set("odd", 'a"b\\c')
        visitor.cookies.set("kakehashi_session", "anything")
        assert HIT not in visitor.get("/api/v1/opportunities").headers
        visitor.cookies.clear()
        visitor.get("/signin")  # its form made a session
        assert visitor.cookies.get("kakehashi_session")
        assert HIT not in visitor.get("/api/v1/opportunities").headers
        assert HIT not in visitor.get("/opportunities").headers


def test_errors_are_not_kept(settings: Settings, database: Database) -> None:
    with _visitor(settings, database) as visitor:
        _settle(visitor)
        assert visitor.get("/opportunities/999999").status_code == 404
        second = visitor.get("/opportunities/999999")
        assert second.status_code == 404
        assert HIT not in second.headers


def test_nothing_is_kept_when_switched_off(settings: Settings, database: Database) -> None:
    _published(database, "Silicon carbide wafers for inverters")
    off = settings.model_copy(update={"page_cache_mb": 0})
    with TestClient(create_app(off, database=database)) as visitor:
        _settle(visitor)
        visitor.get("/opportunities")
        assert HIT not in visitor.get("/opportunities").headers


def _counting_app(calls: list[str]) -> Any:
    async def app(scope: Any, _receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            return
        calls.append(scope["path"])
        body = f"answer {len(calls)} {scope['path']}".encode() + b"." * 100
        await send(
            {"type": "http.response.start", "status": 200, "headers": [(b"content-type", b"text/plain")]}
        )
        await send({"type": "http.response.body", "body": body})

    return app


def test_the_engine_state_the_age_and_the_memory_bound_are_respected(database: Database) -> None:
    calls: list[str] = []
    state = {"engine": 1, "now": 0.0}
    kept = PageCacheMiddleware(
        _counting_app(calls),
        engine=database.engine,
        session_cookie="kakehashi_session",
        max_bytes=8 * 150,  # one answer may take an eighth: about 8 answers of ~120 bytes
        ttl_s=60.0,
        local_state=lambda: state["engine"],
        clock=lambda: state["now"],
    )
    client = TestClient(kept)  # type: ignore[arg-type]  # no lifespan
    first = client.get("/opportunities").text
    assert client.get("/opportunities").text == first
    assert calls == ["/opportunities"]
    state["engine"] = 2  # this process's search engine reloaded: its answers may differ
    assert client.get("/opportunities").text != first
    assert len(calls) == 2
    state["now"] = 61.0  # older than the longest age
    client.get("/opportunities")
    assert len(calls) == 3
    for number in range(1, 21):  # more than the memory holds: the oldest go first
        client.get(f"/opportunities/{number}")
    client.get("/opportunities/20")
    assert len(calls) == 23
    client.get("/opportunities/1")
    assert len(calls) == 24
    assert kept.kept_bytes <= 8 * 150
    client.post("/opportunities")
    client.get("/signin")  # not a kept address
    client.get("/signin")
    assert calls[-2:] == ["/signin", "/signin"]


def test_an_answer_dropped_while_its_limit_is_checked_is_still_served(database: Database) -> None:
    """Regression: the rate-limit check runs in a thread; meanwhile another request may drop the kept
    answer (a newer data version clears them, the memory bound evicts). Under load that raised KeyError
    (a 500) on the kept answer's bookkeeping."""
    calls: list[str] = []
    kept: PageCacheMiddleware
    drop = {"now": False}

    def rate_limit(_request: Any) -> None:
        if drop["now"]:
            kept._entries.clear()  # what a concurrent request of a newer version does meanwhile

    kept = PageCacheMiddleware(
        _counting_app(calls),
        engine=database.engine,
        session_cookie="kakehashi_session",
        max_bytes=1 << 20,
        ttl_s=60.0,
        rate_limit=rate_limit,
    )
    client = TestClient(kept)  # type: ignore[arg-type]  # no lifespan
    first = client.get("/opportunities")
    drop["now"] = True
    again = client.get("/opportunities")
    assert again.status_code == 200
    assert again.headers[HIT] == "hit"
    assert again.text == first.text
    assert calls == ["/opportunities"]


def test_clients_asking_one_answer_at_once_wait_for_one_computation(database: Database) -> None:
    """50 clients asking a cold page at once made 50 computations of it (seconds of queueing on the
    100k catalogue): the requests that miss while the same answer is computed wait for it."""
    calls: list[str] = []
    counted = _counting_app(calls)

    async def slow(scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] == "http":
            await anyio.sleep(0.2)
        await counted(scope, receive, send)

    kept = PageCacheMiddleware(
        slow, engine=database.engine, session_cookie="kakehashi_session", max_bytes=1 << 20, ttl_s=60.0
    )
    answers: list[httpx.Response] = []

    async def ask(client: httpx.AsyncClient, path: str) -> None:
        answers.append(await client.get(path))

    async def main() -> None:
        transport = httpx.ASGITransport(app=kept)
        async with (
            httpx.AsyncClient(transport=transport, base_url="http://testserver") as client,
            anyio.create_task_group() as group,
        ):
            for _ in range(10):
                group.start_soon(ask, client, "/opportunities")
            group.start_soon(ask, client, "/opportunities/7")  # another answer: computed apart

    # In a thread of its own (a portal): a browser test of the same run may leave an event loop running
    # in this one, where anyio.run() would refuse to start.
    with start_blocking_portal() as portal:
        portal.call(main)
    assert sorted(calls) == ["/opportunities", "/opportunities/7"]
    listed = [answer for answer in answers if answer.url.path == "/opportunities"]
    assert len(listed) == 10
    assert {answer.status_code for answer in answers} == {200}
    assert len({answer.text for answer in listed}) == 1
    assert sum(HIT not in answer.headers for answer in listed) == 1  # the one that computed it
