"""Participants: registration, the organisers' decision, availability, online hours, findability."""

from __future__ import annotations

import pytest

from kakehashi.errors import Conflict, InvalidTransition, NotFound, PermissionDenied, ValidationFailed
from kakehashi.events import registrations
from kakehashi.events.schemas import RegistrationInput, RegistrationPatch
from kakehashi.store import Database
from tests.events.factories import make_event, make_member, make_officer, register, representatives
from tests.factories import make_opportunity


def test_a_member_registers_and_an_officer_approves(database: Database) -> None:
    with database.session() as session:
        officer = make_officer(session)
        event = make_event(session, officer, status="registration")
        member = make_member(session)
        registration = register(session, member, event, unavailable_slots=[0, 3], note="SiC wafers")
        assert registration.status == "pending"
        assert registration.languages == ["it", "en"]
        assert registration.unavailable_slots == [0, 3]
        decided = registrations.decide(session, officer, registration.id, approve=True)
        assert decided.status == "approved"
        assert decided.decided_at is not None
        with pytest.raises(InvalidTransition):
            registrations.decide(session, officer, registration.id, approve=True)


def test_a_decline_needs_a_reason_which_the_member_reads(database: Database) -> None:
    with database.session() as session:
        officer = make_officer(session)
        event = make_event(session, officer, status="registration")
        member = make_member(session)
        registration = register(session, member, event)
        with pytest.raises(ValidationFailed):
            registrations.decide(session, officer, registration.id, approve=False)
        registrations.decide(session, officer, registration.id, approve=False, reason="Outside the sectors")
        view = registrations.registration_view(session, member.actor, registration)
        assert view.status == "declined"
        assert view.decline_reason == "Outside the sectors"
        with pytest.raises(Conflict):
            register(session, member, event)


def test_registration_needs_an_open_event_and_the_own_organisation(database: Database) -> None:
    with database.session() as session:
        officer = make_officer(session)
        draft = make_event(session, officer)
        closed = make_event(session, officer, status="closed")
        member = make_member(session)
        other = make_member(session)
        data = RegistrationInput.model_validate({"representatives": representatives()})
        with pytest.raises(NotFound):
            registrations.register(session, member.actor, draft.id, data)
        with pytest.raises(InvalidTransition) as refused:
            registrations.register(session, member.actor, closed.id, data)
        assert refused.value.message_id == "Registration is closed: the event is %(status)s."
        open_event = make_event(session, officer, status="registration")
        with pytest.raises(PermissionDenied):
            registrations.register(
                session, member.actor, open_event.id, data, organisation_id=other.organisation.id
            )


def test_a_slot_outside_the_event_is_refused_naming_it(database: Database) -> None:
    with database.session() as session:
        officer = make_officer(session)
        event = make_event(session, officer, status="registration")
        member = make_member(session)
        with pytest.raises(ValidationFailed) as failed:
            register(session, member, event, unavailable_slots=[24])
        assert failed.value.problems[0].params == {"slot": 25, "count": 24}


def test_online_participants_get_their_zone_and_hours(database: Database) -> None:
    with database.session() as session:
        officer = make_officer(session)
        event = make_event(session, officer, status="registration")
        member = make_member(session, country="JP")
        registration = register(session, member, event, attendance="online")
        assert registration.time_zone == "Asia/Tokyo"
        assert registration.work_starts is not None
        updated = registrations.update_registration(
            session,
            member.actor,
            registration.id,
            RegistrationPatch.model_validate({"work_starts": "08:00", "work_ends": "20:00"}),
        )
        assert updated.work_ends is not None
        assert updated.work_ends.hour == 20
        no_online = make_event(session, officer, status="registration", online_capacity=0)
        with pytest.raises(ValidationFailed):
            register(session, make_member(session), no_online, attendance="online")


def test_a_member_is_told_what_keeps_others_from_finding_it(database: Database) -> None:
    with database.session() as session:
        officer = make_officer(session)
        event = make_event(session, officer, status="registration")
        bare = make_member(session, description="")
        registration = register(session, bare, event)
        codes = [
            f.code for f in registrations.registration_view(session, bare.actor, registration).findability
        ]
        assert codes == ["no_description", "no_published_opportunity"]
        ready = make_member(session)
        make_opportunity(session, ready.organisation)
        make_opportunity(session, ready.organisation, status="draft")
        view = registrations.registration_view(session, ready.actor, register(session, ready, event))
        assert [f.message for f in view.findability] == [
            "1 of your opportunities are not published yet (drafts or in review)."
        ]


def test_members_see_only_their_own_registration(database: Database) -> None:
    with database.session() as session:
        officer = make_officer(session)
        event = make_event(session, officer, status="registration")
        one, two = make_member(session), make_member(session)
        first = register(session, one, event)
        register(session, two, event)
        assert [r.id for r in registrations.list_registrations(session, one.actor, event.id)] == [first.id]
        assert len(registrations.list_registrations(session, officer, event.id)) == 2
        with pytest.raises(NotFound):
            registrations.get_registration(session, two.actor, first.id)
