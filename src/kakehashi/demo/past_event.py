"""The demo's past event: an illustrative partnering forum held in Osaka about four months before the demo
is loaded, so that every step after the agenda shows: the agenda scheduled by the real scheduler (a run
of the ``event-schedule`` job's code, checked by the independent checker) and published, check-ins,
meetings held and no-shows, feedback (one also expressing interest), follow-up answers months later, and
the introductions they opened in the pipeline when both sides wanted to continue (one of them already
disclosed and negotiating).

Loaded once (by title), after the rest of the demo, in a few transactions of its own: the scheduling run
reads and writes the store the way the job does.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from kakehashi.accounts.models import Agency, User
from kakehashi.accounts.roles import Actor, Role
from kakehashi.accounts.service import SYSTEM
from kakehashi.events import agenda_admin, feedback, followups, locks, registrations, requests, runs, service
from kakehashi.events.agenda_models import CheckIn, Feedback, FollowUp, Meeting, OutcomeReport
from kakehashi.events.feedback import InterestWish
from kakehashi.events.lifecycle import EventAction
from kakehashi.events.models import Event, MeetingRequest, Registration
from kakehashi.events.outcomes import report_outcome
from kakehashi.events.schemas import EventInput, MarkInput, RegistrationInput
from kakehashi.events.vocab import MeetingStatus
from kakehashi.pipeline import introductions
from kakehashi.pipeline.models import Introduction
from kakehashi.pipeline.schemas import MoveInput
from kakehashi.pipeline.vocab import Stage
from kakehashi.profiles.models import Organisation
from kakehashi.store import Database
from kakehashi.store.base import utcnow

TITLE_EN = "Italy–Japan Partnering Forum Osaka (illustrative)"
DAYS_AGO = 120
SLOTS = 12  # two sessions of six half-hour slots

# (external id, representative, languages)
PARTICIPANTS: tuple[tuple[str, str, list[str]], ...] = (
    ("demo-org-it-001", "Marco Rinaldi", ["it", "en"]),
    ("demo-org-it-003", "Francesca Galli", ["it", "en"]),
    ("demo-org-it-004", "Luca Ferrero", ["it", "en"]),
    ("demo-org-it-006", "Davide Lombardi", ["it"]),
    ("demo-org-it-008", "Anna Colombo", ["it", "en"]),
    ("demo-org-jp-001", "田中 健一", ["ja", "en"]),
    ("demo-org-jp-003", "小林 恵", ["ja", "en"]),
    ("demo-org-jp-005", "加藤 亮", ["ja"]),
    ("demo-org-jp-007", "吉田 真理", ["ja", "en"]),
    ("demo-org-jp-009", "山口 隆", ["ja", "en"]),
)
# Requests, all accepted (from, to, mark).
REQUESTS: tuple[tuple[str, str, str], ...] = (
    ("demo-org-it-001", "demo-org-jp-001", "must_meet"),
    ("demo-org-it-001", "demo-org-jp-003", "meet"),
    ("demo-org-it-001", "demo-org-jp-007", "meet"),
    ("demo-org-it-003", "demo-org-jp-001", "meet"),
    ("demo-org-it-003", "demo-org-jp-005", "must_meet"),
    ("demo-org-it-004", "demo-org-jp-009", "must_meet"),
    ("demo-org-it-004", "demo-org-jp-003", "meet"),
    ("demo-org-jp-007", "demo-org-it-006", "meet"),
    ("demo-org-jp-009", "demo-org-it-008", "must_meet"),
    ("demo-org-jp-001", "demo-org-it-008", "meet"),
    ("demo-org-jp-005", "demo-org-it-004", "meet"),
    ("demo-org-it-006", "demo-org-jp-009", "meet"),
)
# Feedback of each side, by the meeting's place in the agenda (cycled); a no-show gets none.
RATINGS = (
    ("cooperation_possible", "cooperation_possible"),
    ("informative", "cooperation_possible"),
    ("cooperation_possible", "insufficient_interest"),
    ("cooperation_possible", "cooperation_possible"),
    ("informative", "informative"),
)
# Follow-up answers months later (cycled over the meetings held); None: not answered yet.
ANSWERS = (
    ("negotiation_started", "valuable_contact"),
    ("no_further_contact", "valuable_contact"),
    (None, "valuable_contact"),
    ("agreement_reached", "negotiation_started"),
    ("valuable_contact", "valuable_contact"),
    ("no_further_contact", None),
)
NO_SHOWS = frozenset({2, 7})  # places in the agenda of the meetings that did not happen


def _event_input(day: date) -> EventInput:
    data: dict[str, Any] = {
        "title_en": TITLE_EN,
        "title_it": "Forum di partenariato Italia–Giappone, Osaka (illustrativo)",
        "title_ja": "日伊パートナリング・フォーラム大阪（説明用）",
        "description": (
            "Illustrative past event: one-to-one meetings between Italian and Japanese companies in "
            "semiconductors, energy, biotechnology and infrastructure, with it–ja interpreters."
        ),
        "venue": "Grand Cube Osaka",
        "city": "Osaka",
        "time_zone": "Asia/Tokyo",
        "organisers": ["JETRO", "ICE"],
        "days": [day.isoformat()],
        "sessions": [
            {"part": "morning", "starts": "09:30", "ends": "12:30"},
            {"part": "afternoon", "starts": "14:00", "ends": "17:00"},
        ],
        "slot_minutes": 30,
        "tables": 6,
        "table_names": ["Yodoyabashi", "Umeda", "Namba"],
        "online_capacity": 0,
        "request_mode": "opt_in",
        "request_cap": 10,
        "meeting_rule": "italy_japan",
    }
    return EventInput.model_validate(data)


def _officer(session: Session, agency: str) -> Actor:
    user_id = session.scalar(
        select(User.id)
        .join(Agency, User.agency_id == Agency.id)
        .where(Agency.code == agency)
        .order_by(User.id)
    )
    return Actor(role=Role.OFFICER, user_id=user_id, agency_code=agency)


def _member(organisation_id: int) -> Actor:
    return Actor(role=Role.MEMBER, organisation_id=organisation_id)


def ensure_past_event(database: Database, *, today: date | None = None) -> int | None:
    """Load the past event unless it exists; its id (None when it was there already or cannot be built)."""
    day = (today or utcnow().date()) - timedelta(days=DAYS_AGO)
    with database.session() as session:
        if session.scalar(select(Event.id).where(Event.title_en == TITLE_EN)) is not None:
            return None
        built = _booked(session, day)
        if built is None:
            return None
        event_id, run_id = built
    runs.execute_run(database, run_id)  # the scheduling job's own code: solve, check, write the agenda
    with database.session() as session:
        _held(session, event_id)
    return event_id


def _booked(session: Session, day: date) -> tuple[int, int] | None:
    """The event through registration and booking, its interpreters and a queued run."""
    orgs = dict(
        session.execute(
            select(Organisation.external_id, Organisation.id).where(
                Organisation.external_id.in_([p[0] for p in PARTICIPANTS])
            )
        ).all()
    )
    if len(orgs) < len(PARTICIPANTS):
        return None
    event = service.create_event(session, SYSTEM, _event_input(day))
    event.illustrative = True
    service.transition(session, SYSTEM, event.id, EventAction.OPEN_REGISTRATION)
    ids: dict[str, int] = {}
    for external_id, person, languages in PARTICIPANTS:
        body = RegistrationInput.model_validate(
            {"representatives": [{"name": person, "languages": languages}]}
        )
        registration = registrations.register(
            session, SYSTEM, event.id, body, organisation_id=orgs[external_id]
        )
        ids[external_id] = registration.id
    service.transition(session, SYSTEM, event.id, EventAction.OPEN_BOOKING)
    for sender, receiver, mark in REQUESTS:
        data = MarkInput.model_validate(
            {"from_registration_id": ids[sender], "to_registration_id": ids[receiver], "mark": mark}
        )
        request = requests.mark(session, _member(orgs[sender]), event.id, data)
        if request.status == "pending":
            requests.answer(session, _member(orgs[receiver]), request.id, accept=True)
    locks.set_interpreters(session, SYSTEM, event.id, {(slot, "it-ja"): 1 for slot in range(SLOTS)})
    run = runs.create_run(session, SYSTEM, event.id, runs.RunOptions(time_limit_s=10))
    return event.id, run.id


def _held(session: Session, event_id: int) -> None:
    agenda_admin.publish_agenda(session, SYSTEM, event_id)
    service.transition(session, SYSTEM, event_id, EventAction.MARK_HELD)
    meetings = list(
        session.scalars(
            select(Meeting)
            .where(Meeting.event_id == event_id, Meeting.status == MeetingStatus.PUBLISHED)
            .order_by(Meeting.slot, Meeting.id)
        )
    )
    organisation_of = dict(
        session.execute(
            select(Registration.id, Registration.organisation_id).where(Registration.event_id == event_id)
        ).all()
    )
    absent = {meetings[place].registration_b_id for place in NO_SHOWS if place < len(meetings)}
    _check_ins(session, event_id, meetings, absent)
    held = []
    for place, meeting in enumerate(meetings):
        sides = (meeting.registration_a_id, meeting.registration_b_id)
        if place in NO_SHOWS:
            report_outcome(
                session,
                SYSTEM,
                event_id,
                meeting.id,
                outcome="no_show",
                absent_registration_id=meeting.registration_b_id,
            )
            continue
        held.append(meeting)
        report_outcome(session, _member(organisation_of[sides[0]]), event_id, meeting.id, outcome="happened")
        for registration_id, rating in zip(sides, RATINGS[place % len(RATINGS)], strict=True):
            wish = None
            if place == 1 and registration_id == sides[1]:
                wish = InterestWish(
                    note="Vorremmo approfondire dopo l'incontro di Osaka. / 大阪での面談の続きを希望します。"
                )
            feedback.give_feedback(
                session,
                _member(organisation_of[registration_id]),
                event_id,
                meeting.id,
                rating=rating,
                interest=wish,
            )
    _follow_ups(session, event_id, held, organisation_of)
    _move_one_on(session, event_id)
    _dated(session, event_id, meetings)


def _check_ins(session: Session, event_id: int, meetings: list[Meeting], absent: set[int]) -> None:
    if not meetings:
        return
    opening = min(m.starts_at for m in meetings) - timedelta(minutes=20)
    registrations_of_event = session.scalars(select(Registration.id).where(Registration.event_id == event_id))
    for number, registration_id in enumerate(registrations_of_event):
        if registration_id not in absent:
            session.add(CheckIn(registration_id=registration_id, at=opening + timedelta(minutes=2 * number)))
    session.flush()


def _follow_ups(
    session: Session, event_id: int, held: list[Meeting], organisation_of: dict[int, int]
) -> None:
    """The 90-day question (as the periodic job asks it), and the answers of those who gave one."""
    followups.ask_due(session, now=utcnow(), after_days=followups.AFTER_DAYS_DEFAULT)
    for place, meeting in enumerate(held):
        sides = (meeting.registration_a_id, meeting.registration_b_id)
        for registration_id, answer in zip(sides, ANSWERS[place % len(ANSWERS)], strict=True):
            if answer is not None:
                followups.answer_follow_up(
                    session, _member(organisation_of[registration_id]), event_id, meeting.id, answer=answer
                )


def _move_one_on(session: Session, event_id: int) -> None:
    """The first introduction the meetings opened: both sides accept, JETRO moves it to negotiating."""
    of_event = select(Meeting.id).where(Meeting.event_id == event_id)
    intro = session.scalar(
        select(Introduction).where(Introduction.event_meeting_id.in_(of_event)).order_by(Introduction.id)
    )
    if intro is None or intro.stage != Stage.PROPOSED.value:
        return
    for organisation_id in (intro.organisation_a_id, intro.organisation_b_id):
        introductions.consent(session, _member(organisation_id), intro.id)
    jetro = _officer(session, "JETRO")
    today = utcnow().date()
    introductions.move(
        session, jetro, intro.id, MoveInput(stage=Stage.MET, on=today - timedelta(days=DAYS_AGO)), today=today
    )
    introductions.move(session, jetro, intro.id, MoveInput(stage=Stage.NEGOTIATING), today=today)


def _dated(session: Session, event_id: int, meetings: list[Meeting]) -> None:
    """Reports and feedback on the day of the meeting, the follow-ups 90 days later (the services stamp
    "now"); every row of the event is marked illustrative."""
    for meeting in meetings:
        after = meeting.ends_at + timedelta(minutes=5)
        for model in (OutcomeReport, Feedback):
            session.execute(
                update(model)
                .where(model.meeting_id == meeting.id)
                .values(at=after)
                .execution_options(synchronize_session=False)
            )
        asked = meeting.ends_at + timedelta(days=followups.AFTER_DAYS_DEFAULT)
        session.execute(
            update(FollowUp)
            .where(FollowUp.meeting_id == meeting.id)
            .values(asked_at=asked, illustrative=True)
            .execution_options(synchronize_session=False)
        )
        session.execute(
            update(FollowUp)
            .where(FollowUp.meeting_id == meeting.id, FollowUp.answered_at.is_not(None))
            .values(answered_at=asked + timedelta(days=3))
            .execution_options(synchronize_session=False)
        )
    for event_model in (Registration, MeetingRequest, Meeting):
        session.execute(
            update(event_model)
            .where(event_model.event_id == event_id)
            .values(illustrative=True)
            .execution_options(synchronize_session=False)
        )
    meeting_ids = [m.id for m in meetings]
    session.execute(
        update(Feedback)
        .where(Feedback.meeting_id.in_(meeting_ids))
        .values(illustrative=True)
        .execution_options(synchronize_session=False)
    )
