"""A small event built straight in the store for the agenda and day tests: venue in Rome, two days
across the end of European summer time (Friday 23 and Monday 26 October 2026), Italian and Japanese
participants (one online from Tokyo), requests between them, an ICE officer and members."""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy.orm import Session

from kakehashi.accounts.roles import Actor, Role
from kakehashi.events.agenda_models import Meeting
from kakehashi.events.models import (
    Event,
    EventOrganiser,
    EventSession,
    EventTable,
    MeetingRequest,
    Registration,
    Representative,
    Unavailability,
)
from kakehashi.store import Database
from tests.factories import actor, make_organisation, make_user

_tokens = itertools.count(1)


@dataclass
class DayWorld:
    event_id: int
    officer: Actor
    other_officer: Actor  # JETRO, not an organiser of this event
    members: dict[str, Actor]  # organisation key -> a member
    registrations: dict[str, int]  # organisation key -> registration id
    organisations: dict[str, int] = field(default_factory=dict)
    emails: dict[str, str] = field(default_factory=dict)  # "officer", "jetro", organisation key -> e-mail

    def meeting(self, database: Database, a: str, b: str) -> Meeting:
        ra, rb = sorted((self.registrations[a], self.registrations[b]))
        with database.session() as session:
            found = session.query(Meeting).filter_by(registration_a_id=ra, registration_b_id=rb).one()
            session.expunge(found)
            return found


PEOPLE = {
    # key: (country, languages, online zone or None)
    "ferro": ("IT", ["it", "en"], None),
    "vetro": ("IT", ["it"], None),
    "sakura": ("JP", ["ja", "en"], None),
    "fuji": ("JP", ["ja"], None),
    "kyoto": ("JP", ["ja", "en"], "Asia/Tokyo"),
}


def build_day_world(database: Database, *, status: str = "booking", requests: bool = True) -> DayWorld:
    with database.session() as session:
        officer_user = make_user(session, role=Role.OFFICER, agency="ICE")
        jetro_user = make_user(session, role=Role.OFFICER, agency="JETRO")
        event = Event(
            title_en="Rome–Tokyo semiconductor days",
            title_it="Giornate Roma–Tokyo dei semiconduttori",
            title_ja="ローマ・東京 半導体デイズ",
            venue="Palazzo dei Congressi",
            city="Rome",
            time_zone="Europe/Rome",
            slot_minutes=30,
            online_capacity=2,
            online_link_template="https://meet.example.org/{uid}",
            status=status,
        )
        event.organiser_rows = [EventOrganiser(agency_code="ICE")]
        event.sessions = [
            EventSession(
                day=date(2026, 10, 23), part="morning", starts=time(10, 0), ends=time(12, 0), online=True
            ),
            EventSession(
                day=date(2026, 10, 26), part="morning", starts=time(10, 0), ends=time(12, 0), online=True
            ),
        ]
        event.tables = [EventTable(number=1, name="Sala Tokyo"), EventTable(number=2)]
        session.add(event)
        session.flush()
        emails = {"officer": officer_user.email, "jetro": jetro_user.email}
        members: dict[str, Actor] = {}
        registrations: dict[str, int] = {}
        organisations: dict[str, int] = {}
        for key, (country, languages, zone) in PEOPLE.items():
            org = make_organisation(
                session,
                name=key.capitalize() + " S.p.A." if country == "IT" else key.capitalize() + " KK",
                country=country,
            )
            user = make_user(session, role=Role.MEMBER, organisation=org)
            reg = Registration(
                event_id=event.id,
                organisation_id=org.id,
                status="approved",
                attendance="online" if zone else "on_site",
                time_zone=zone,
                work_starts=time(9, 0) if zone else None,
                work_ends=time(20, 0) if zone else None,
                checkin_token=f"nonce-{next(_tokens)}",
            )
            reg.representatives = [Representative(name=f"Rep {key}", languages=languages)]
            session.add(reg)
            session.flush()
            members[key], registrations[key], organisations[key] = actor(user), reg.id, org.id
            emails[key] = user.email
        session.add(Unavailability(registration_id=registrations["vetro"], slot=0))
        if requests:
            for source, target, mark, state in (
                ("ferro", "sakura", "must_meet", "accepted"),
                ("ferro", "fuji", "meet", "accepted"),
                ("vetro", "sakura", "meet", "accepted"),
                ("vetro", "fuji", "must_meet", "accepted"),
                ("vetro", "kyoto", "meet", "accepted"),
                ("ferro", "kyoto", "meet", "declined"),
                ("sakura", "vetro", "meet", "accepted"),
            ):
                session.add(
                    MeetingRequest(
                        event_id=event.id,
                        from_registration_id=registrations[source],
                        to_registration_id=registrations[target],
                        mark=mark,
                        status=state,
                    )
                )
        return DayWorld(
            event_id=event.id,
            officer=actor(officer_user),
            other_officer=actor(jetro_user),
            members=members,
            registrations=registrations,
            organisations=organisations,
            emails=emails,
        )


FRIDAY_10_ROME = datetime(2026, 10, 23, 8, 0, tzinfo=UTC)
MONDAY_10_ROME = datetime(2026, 10, 26, 9, 0, tzinfo=UTC)
SLOT = timedelta(minutes=30)


def event_for_every_page(
    session: Session, *, org_it_id: int, org_jp_id: int, organisers: tuple[str, ...] = ("ICE", "JETRO")
) -> dict[str, int]:
    """A published agenda between two organisations (for the untranslated-string test): the event, both
    registrations, a published meeting, a check-in, feedback and a follow-up question."""
    from kakehashi.events.agenda_models import CheckIn, Feedback, FollowUp

    event = Event(
        title_en="Rome–Tokyo semiconductor days",
        title_it="Giornate Roma–Tokyo dei semiconduttori",
        title_ja="ローマ・東京 半導体デイズ",
        venue="Palazzo dei Congressi",
        city="Roma",
        time_zone="Europe/Rome",
        slot_minutes=30,
        online_capacity=1,
        status="published",
    )
    event.organiser_rows = [EventOrganiser(agency_code=code) for code in organisers]
    event.sessions = [
        EventSession(day=date(2026, 10, 26), part="morning", starts=time(10, 0), ends=time(12, 0))
    ]
    event.tables = [EventTable(number=1, name="Sala Tokyo")]
    session.add(event)
    session.flush()
    registrations = []
    for org_id, languages in ((org_it_id, ["it"]), (org_jp_id, ["ja"])):
        reg = Registration(
            event_id=event.id,
            organisation_id=org_id,
            status="approved",
            checkin_token=f"nonce-{next(_tokens)}",
        )
        reg.representatives = [Representative(name="Rep", languages=languages)]
        session.add(reg)
        session.flush()
        registrations.append(reg.id)
    a, b = sorted(registrations)
    meeting = Meeting(
        event_id=event.id,
        registration_a_id=a,
        registration_b_id=b,
        slot=0,
        starts_at=MONDAY_10_ROME,
        ends_at=MONDAY_10_ROME + SLOT,
        table_id=event.tables[0].id,
        interpreter_pair="it-ja",
        uid=f"kakehashi-event{event.id}-{a}-{b}@kakehashi",
        status="published",
        published_at=MONDAY_10_ROME - timedelta(days=7),
    )
    session.add(meeting)
    session.flush()
    session.add(CheckIn(registration_id=registrations[0]))
    session.add(
        Feedback(
            meeting_id=meeting.id,
            registration_id=registrations[1],
            rating="cooperation_possible",
            comment="素晴らしい",
        )
    )
    session.add(FollowUp(meeting_id=meeting.id, registration_id=registrations[0]))
    session.flush()
    return {
        "event_id": event.id,
        "registration_it": registrations[0],
        "registration_jp": registrations[1],
        "meeting_id": meeting.id,
    }
