"""Events: creation, edits, the lifecycle as one conditional UPDATE, and who may do what."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import pytest

from kakehashi.accounts.roles import VISITOR
from kakehashi.errors import InvalidTransition, NotFound, PermissionDenied, StaleVersion, ValidationFailed
from kakehashi.events import service
from kakehashi.events.lifecycle import EventAction
from kakehashi.events.models import Event
from kakehashi.events.schemas import EventPatch
from kakehashi.store import Database
from tests.events.factories import event_input, make_event, make_member, make_officer, register


def test_an_officer_creates_a_draft_with_its_grid_and_tables(database: Database) -> None:
    with database.session() as session:
        officer = make_officer(session)
        event = make_event(session, officer, table_names=["Sala Tokyo", "Sala Osaka"])
        view = service.event_view(session, officer, event, locale="ja")
        assert view.status == "draft"
        assert view.title == "日伊半導体デー"
        assert view.organisers == ["ICE"]
        assert view.n_slots == 2 * (6 + 6)
        assert [t.label for t in view.tables] == ["Sala Tokyo", "Sala Osaka", "3", "4", "5"]
        assert view.can_manage
        assert view.actions == ["open_registration", "close"]


def test_members_and_visitors_never_see_a_draft_and_cannot_create(database: Database) -> None:
    with database.session() as session:
        officer = make_officer(session)
        event = make_event(session, officer)
        member = make_member(session)
        with pytest.raises(NotFound):
            service.readable_event(session, member.actor, event.id)
        with pytest.raises(NotFound):
            service.readable_event(session, VISITOR, event.id)
        assert service.list_events(session, VISITOR) == []
        with pytest.raises(PermissionDenied):
            service.create_event(session, member.actor, event_input())


def test_only_officers_of_an_organising_agency_manage(database: Database) -> None:
    with database.session() as session:
        ice = make_officer(session, "ICE")
        jetro = make_officer(session, "JETRO")
        event = make_event(session, ice)
        with pytest.raises(PermissionDenied):
            service.transition(session, jetro, event.id, EventAction.OPEN_REGISTRATION)
        service.update_event(session, ice, event.id, EventPatch(organisers=["ICE", "JETRO"]))
        moved = service.transition(session, jetro, event.id, EventAction.OPEN_REGISTRATION)
        assert moved.status == "registration"


def test_an_illegal_or_stale_transition_changes_nothing(database: Database) -> None:
    with database.session() as session:
        officer = make_officer(session)
        event = make_event(session, officer)
        version = event.version
        with pytest.raises(InvalidTransition) as illegal:
            service.transition(session, officer, event.id, EventAction.PUBLISH)
        assert "%(action)s" in illegal.value.message_id
        with pytest.raises(StaleVersion):
            service.transition(
                session, officer, event.id, EventAction.OPEN_REGISTRATION, expected_version=version + 5
            )
        assert event.status == "draft"
        assert event.version == version


def test_two_officers_moving_at_once_one_wins(database: Database) -> None:
    with database.session() as session:
        officer = make_officer(session)
        event_id = make_event(session, officer).id

    def move(action: EventAction) -> str:
        try:
            with database.session() as session:
                return service.transition(session, officer, event_id, action, expected_version=1).status
        except (StaleVersion, InvalidTransition) as error:
            return error.code

    with ThreadPoolExecutor(max_workers=2) as pool:
        results = list(pool.map(move, [EventAction.OPEN_REGISTRATION, EventAction.CLOSE]))
    assert sorted(results)[0] in ("closed", "registration")
    assert sum(r in ("closed", "registration") for r in results) == 1
    with database.session() as session:
        event = session.get(Event, event_id)
        assert event is not None
        assert event.version == 2


def test_the_grid_is_fixed_once_requests_are_taken_and_bad_input_names_the_field(database: Database) -> None:
    with database.session() as session:
        officer = make_officer(session)
        event = make_event(session, officer, status="booking")
        with pytest.raises(InvalidTransition):
            service.update_event(session, officer, event.id, EventPatch(slot_minutes=20))
        updated = service.update_event(session, officer, event.id, EventPatch(request_cap=8, tables=7))
        assert updated.request_cap == 8
        assert len(updated.tables) == 7
        too_short = [{"part": "morning", "starts": "09:00", "ends": "10:00"}]
        with pytest.raises(ValidationFailed) as failed:
            make_event(session, officer, slot_minutes=120, sessions=too_short)
    assert failed.value.problems[0].field == "slot_minutes"


def test_changing_the_days_keeps_unavailable_slots_by_their_time(database: Database) -> None:
    with database.session() as session:
        officer = make_officer(session)
        event = make_event(session, officer, status="registration")
        member = make_member(session)
        registration = register(session, member, event, unavailable_slots=[13])  # second day, 09:30
        _, second = event.days
        service.update_event(session, officer, event.id, EventPatch(days=[second]))
        session.flush()
        session.refresh(registration)
        assert registration.unavailable_slots == [1]
