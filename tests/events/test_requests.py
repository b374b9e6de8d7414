"""Meeting requests: marks, acceptance, expiry, caps under concurrency, the rules, and who sees what."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from typing import Any

import pytest

from kakehashi.errors import Conflict, InvalidTransition, KakehashiError, NotFound, ValidationFailed
from kakehashi.events import requests, service
from kakehashi.events.lifecycle import EventAction
from kakehashi.events.models import MeetingRequest
from kakehashi.events.schemas import MarkInput
from kakehashi.store import Database
from kakehashi.store.base import utcnow
from tests.events.factories import EventWorld, booking_world


def _mark(
    world: EventWorld, session: Any, sender: str, to: str, mark: str = "meet", **kw: Any
) -> MeetingRequest:
    target = world.members[to].registration
    assert target is not None
    data = MarkInput(to_registration_id=target.id, mark=mark, **kw)
    return requests.mark(session, world.members[sender].actor, world.event.id, data)


def test_a_request_waits_for_an_answer_and_is_accepted(database: Database) -> None:
    with database.session() as session:
        world = booking_world(session)
        request = _mark(world, session, "it1", "jp1", note="We make SiC wafers")
        assert request.status == "pending"
        assert request.expires_at is not None
        accepted = requests.answer(
            session, world.members["jp1"].actor, request.id, accept=True, note="Gladly"
        )
        assert accepted.status == "accepted"
        assert accepted.answer_note == "Gladly"
        with pytest.raises(InvalidTransition):
            requests.answer(session, world.members["jp1"].actor, request.id, accept=False)


def test_automatic_mode_and_mutual_requests_are_accepted_at_once(database: Database) -> None:
    with database.session() as session:
        world = booking_world(session, request_mode="automatic")
        assert _mark(world, session, "it1", "jp1").status == "accepted"
    with database.session() as session:
        world = booking_world(session)
        theirs = _mark(world, session, "jp2", "it2")
        ours = _mark(world, session, "it2", "jp2", mark="must_meet")
        assert ours.status == "accepted"
        assert theirs.status == "accepted"


def test_no_thanks_is_absolute_and_never_shown_to_the_other_side(database: Database) -> None:
    with database.session() as session:
        world = booking_world(session)
        pending = _mark(world, session, "jp1", "it1")
        _mark(world, session, "it1", "jp1", mark="no_thanks")
        assert pending.status == "declined"
        refused = _mark(world, session, "jp2", "it1")  # it1 says no thanks to jp2 first, below
        _mark(world, session, "it1", "jp2", mark="no_thanks")
        assert refused.status == "declined"
        seen = requests.list_requests(session, world.members["jp1"].actor, world.event.id)
        assert all(r.mark != "no_thanks" for r in seen)
        again = _mark(world, session, "it2", "jp1", mark="no_thanks")
        later = _mark(world, session, "jp1", "it2")
        assert later.status == "declined"
        assert again.status == "recorded"
        with pytest.raises(NotFound):
            requests.get_request(session, world.members["jp1"].actor, again.id)


def test_bad_requests_are_refused_and_change_nothing(database: Database) -> None:
    with database.session() as session:
        world = booking_world(session)
        before = session.query(MeetingRequest).count()
        with pytest.raises(ValidationFailed):
            _mark(world, session, "it1", "it1")
        with pytest.raises(InvalidTransition) as rule:
            _mark(world, session, "it1", "it2")  # Italian ↔ Japanese only
        assert rule.value.message_id.startswith("The rules of this event")
        declined = _mark(world, session, "it1", "jp1")
        requests.answer(session, world.members["jp1"].actor, declined.id, accept=False)
        with pytest.raises(InvalidTransition):
            _mark(world, session, "it1", "jp1")
        service.transition(session, world.officer, world.event.id, EventAction.CLOSE)
        with pytest.raises(InvalidTransition) as closed:
            _mark(world, session, "it2", "jp2")
        assert closed.value.params["status"].value == "closed"  # type: ignore[attr-defined]
        assert session.query(MeetingRequest).count() == before + 1


def test_an_expired_request_is_shown_as_such_and_no_longer_blocks(database: Database) -> None:
    with database.session() as session:
        world = booking_world(session, request_cap=1, request_expiry_minutes=5)
        request = _mark(world, session, "it1", "jp1")
        later = utcnow() + timedelta(minutes=6)
        assert requests.effective_status(request, later) == "expired"
        with pytest.raises(InvalidTransition) as expired:
            requests.answer(session, world.members["jp1"].actor, request.id, accept=True, now=later)
        assert expired.value.message_id.startswith("This request has expired")
        target = world.members["jp2"].registration
        assert target is not None
        data = MarkInput(to_registration_id=target.id, mark="meet")
        fresh = requests.mark(session, world.members["it1"].actor, world.event.id, data, now=later)
        assert fresh.status == "pending"
        assert requests.expire_due(session, now=later) == 1
        session.refresh(request)
        assert request.status == "expired"


def test_the_cap_holds_and_changing_a_request_does_not_count_twice(database: Database) -> None:
    with database.session() as session:
        world = booking_world(session, countries=("IT", "JP", "JP", "JP"), request_cap=2, must_meet_cap=1)
        _mark(world, session, "it1", "jp1", mark="must_meet")
        with pytest.raises(Conflict):
            _mark(world, session, "it1", "jp2", mark="must_meet")
        _mark(world, session, "it1", "jp1", mark="meet", note="changed")
        _mark(world, session, "it1", "jp2", mark="must_meet")
        with pytest.raises(Conflict) as capped:
            _mark(world, session, "it1", "jp3")
        assert capped.value.params == {"cap": 2}


def test_concurrent_requests_over_the_cap_one_wins(database: Database) -> None:
    with database.session() as session:
        world = booking_world(session, countries=("IT", "JP", "JP", "JP", "JP"), request_cap=1)
        event_id = world.event.id
        sender = world.members["it1"].actor
        targets = [world.members[n].registration.id for n in ("jp1", "jp2", "jp3", "jp4")]  # type: ignore[union-attr]

    def send(target: int) -> str:
        try:
            with database.session() as session:
                data = MarkInput(to_registration_id=target, mark="meet")
                return requests.mark(session, sender, event_id, data).status
        except KakehashiError as error:
            return error.code

    with ThreadPoolExecutor(max_workers=4) as pool:
        results = list(pool.map(send, targets))
    assert results.count("pending") == 1, results
    with database.session() as session:
        assert session.query(MeetingRequest).count() == 1


def test_members_see_their_own_marks_and_requests_to_them_only(database: Database) -> None:
    with database.session() as session:
        world = booking_world(session)
        mine = _mark(world, session, "it1", "jp1")
        _mark(world, session, "it2", "jp2")
        _mark(world, session, "jp2", "it1", mark="no_thanks")
        ids = {r.id for r in requests.list_requests(session, world.members["it1"].actor, world.event.id)}
        assert ids == {mine.id}
        views = requests.request_views(
            session,
            world.members["jp1"].actor,
            requests.list_requests(session, world.members["jp1"].actor, world.event.id),
        )
        assert [(v.from_organisation, v.incoming) for v in views] == [("Org it1", True)]
        assert len(requests.list_requests(session, world.officer, world.event.id)) == 3
        with pytest.raises(NotFound):
            requests.get_request(session, world.members["it2"].actor, mine.id)


def test_requests_and_answers_notify_the_other_side_in_the_same_transaction(database: Database) -> None:
    from kakehashi.notifications.models import Notice

    with database.session() as session:
        world = booking_world(session)
        request = _mark(world, session, "it1", "jp1", note="SiC")
        received = session.query(Notice).filter_by(user_id=world.members["jp1"].user.id).all()
        assert [n.kind for n in received] == ["event.registration.decided", "event.request.received"]
        assert received[1].params["organisation"]["v"] == "Org it1"
        requests.answer(session, world.members["jp1"].actor, request.id, accept=False)
        answered = session.query(Notice).filter_by(user_id=world.members["it1"].user.id).all()
        assert [n.kind for n in answered][-1] == "event.request.answered"
        others = session.query(Notice).filter_by(user_id=world.members["it2"].user.id).all()
        assert [n.kind for n in others] == ["event.registration.decided"]


def test_the_expiry_job_writes_what_pages_already_show(database: Database) -> None:
    from kakehashi.jobs.registry import JOBS, execute
    from kakehashi.matching.embed import FakeEmbedder
    from kakehashi.matching.service import MatchingService

    with database.session() as session:
        world = booking_world(session, request_expiry_minutes=5)
        request = _mark(world, session, "it1", "jp1")
        request.expires_at = utcnow() - timedelta(minutes=1)
        request_id = request.id
    matching = MatchingService(database, FakeEmbedder())
    assert execute(JOBS["events-expire-requests"], database=database, matching=matching, arguments={})
    with database.session() as session:
        stored = session.get(MeetingRequest, request_id)
        assert stored is not None
        assert stored.status == "expired"


def test_the_scheduler_is_asked_for_accepted_pairs_never_for_a_no_thanks(database: Database) -> None:
    from kakehashi.events.wishes import meeting_wishes

    with database.session() as session:
        world = booking_world(session)
        reg = {name: m.registration.id for name, m in world.members.items() if m.registration is not None}
        must = _mark(world, session, "it1", "jp1", mark="must_meet")
        requests.answer(session, world.members["jp1"].actor, must.id, accept=True)
        _mark(world, session, "jp2", "it2")
        _mark(world, session, "it2", "jp2")  # mutual: both accepted
        pending = _mark(world, session, "jp1", "it2")  # pending: not scheduled
        _mark(world, session, "it1", "jp2")
        _mark(world, session, "jp2", "it1")  # mutual, accepted ...
        _mark(world, session, "it1", "jp2", mark="no_thanks")  # ... until a no-thanks
        assert pending.status == "pending"
        wishes = {(w.a, w.b): w.priority for w in meeting_wishes(session, world.event.id)}
        assert wishes == {
            (reg["it1"], reg["jp1"]): 2,
            (reg["it2"], reg["jp2"]): 2,
        }
