"""Per B2B event: participants, meeting requests and their acceptance, meetings scheduled, held and
missed, feedback and follow-up outcomes. One grouped query per figure, all keyed by the event."""

from __future__ import annotations

from collections import defaultdict
from typing import Any, Final

from sqlalchemy import ColumnElement, and_, case, exists, func, or_, select, true
from sqlalchemy.orm import Session, aliased

from kakehashi.analytics.scope import AnyColumn, Scope
from kakehashi.analytics.tables import Column, Table
from kakehashi.errors import N_
from kakehashi.events.agenda_models import Feedback, FollowUp, Meeting
from kakehashi.events.models import Event, EventOrganiser, EventSession, MeetingRequest, Registration
from kakehashi.events.vocab import (
    FeedbackRating,
    FollowUpAnswer,
    Mark,
    MeetingStatus,
    Outcome,
    RegistrationStatus,
    RequestStatus,
)
from kakehashi.profiles.models import Organisation, OrganisationSector

RATINGS: Final = tuple(r.value for r in FeedbackRating)
ANSWERS: Final = tuple(a.value for a in FollowUpAnswer)
REQUEST_MARKS: Final = (Mark.MUST_MEET.value, Mark.MEET.value)


def _events(session: Session, scope: Scope) -> list[tuple[int, str, Any]]:
    first_day = func.min(EventSession.day)
    query = (
        select(Event.id, Event.title_en, Event.title_it, Event.title_ja, first_day)
        .join(EventSession, EventSession.event_id == Event.id)
        .group_by(Event.id, Event.title_en, Event.title_it, Event.title_ja)
        .having(scope.in_period_date(first_day))
        .order_by(first_day, Event.id)
    )
    f = scope.filters
    if f.event_id is not None:
        query = query.where(Event.id == f.event_id)
    if f.agency is not None:
        query = query.where(
            exists().where(EventOrganiser.event_id == Event.id, EventOrganiser.agency_code == f.agency)
        )
    return [(i, en or it or ja, day) for i, en, it, ja, day in session.execute(query)]


def _registration_ok(scope: Scope, registration_id: AnyColumn) -> ColumnElement[bool]:
    """The participant's organisation passes the organisation, country and sector filters."""
    f = scope.filters
    if f.organisation_id is None and f.country is None and f.sector is None:
        return true()
    registration = aliased(Registration)
    conditions: list[ColumnElement[bool]] = [registration.id == registration_id]
    if f.organisation_id is not None:
        conditions.append(registration.organisation_id == f.organisation_id)
    if f.country is not None:
        org = aliased(Organisation)
        conditions.append(exists().where(org.id == registration.organisation_id, org.country == f.country))
    if f.sector is not None:
        sector = aliased(OrganisationSector)
        conditions.append(
            exists().where(sector.organisation_id == registration.organisation_id, sector.sector == f.sector)
        )
    return exists().where(and_(*conditions))


def _grouped(session: Session, query: Any) -> dict[int, tuple[int, ...]]:
    return {row[0]: tuple(int(v) for v in row[1:]) for row in session.execute(query)}


def events(session: Session, scope: Scope) -> Table:
    chosen = _events(session, scope)
    ids = [event_id for event_id, _, _ in chosen]
    registrations = _grouped(
        session,
        select(Registration.event_id, func.count())
        .where(
            Registration.event_id.in_(ids),
            Registration.status == RegistrationStatus.APPROVED.value,
            _registration_ok(scope, Registration.id),
        )
        .group_by(Registration.event_id),
    )
    requests = _grouped(
        session,
        select(
            MeetingRequest.event_id,
            func.count(),
            func.count(case((MeetingRequest.status == RequestStatus.ACCEPTED.value, 1))),
        )
        .where(
            MeetingRequest.event_id.in_(ids),
            MeetingRequest.mark.in_(REQUEST_MARKS),
            MeetingRequest.status != RequestStatus.WITHDRAWN.value,
            or_(
                _registration_ok(scope, MeetingRequest.from_registration_id),
                _registration_ok(scope, MeetingRequest.to_registration_id),
            ),
        )
        .group_by(MeetingRequest.event_id),
    )
    meeting_ok = or_(
        _registration_ok(scope, Meeting.registration_a_id), _registration_ok(scope, Meeting.registration_b_id)
    )
    meetings = _grouped(
        session,
        select(
            Meeting.event_id,
            func.count(),
            func.count(case((Meeting.outcome == Outcome.HAPPENED.value, 1))),
            func.count(case((Meeting.outcome == Outcome.NO_SHOW.value, 1))),
        )
        .where(Meeting.event_id.in_(ids), Meeting.status == MeetingStatus.PUBLISHED.value, meeting_ok)
        .group_by(Meeting.event_id),
    )
    feedback = _by_code(
        session,
        select(Meeting.event_id, Feedback.rating, func.count())
        .join(Meeting, Meeting.id == Feedback.meeting_id)
        .where(Meeting.event_id.in_(ids), _registration_ok(scope, Feedback.registration_id))
        .group_by(Meeting.event_id, Feedback.rating),
    )
    followups = _by_code(
        session,
        select(Meeting.event_id, FollowUp.answer, func.count())
        .join(Meeting, Meeting.id == FollowUp.meeting_id)
        .where(
            Meeting.event_id.in_(ids),
            FollowUp.answer.is_not(None),
            _registration_ok(scope, FollowUp.registration_id),
        )
        .group_by(Meeting.event_id, FollowUp.answer),
    )
    rows = []
    for event_id, title, day in chosen:
        asked, accepted = requests.get(event_id, (0, 0))
        scheduled, held, no_shows = meetings.get(event_id, (0, 0, 0))
        rows.append(
            (
                str(event_id),
                title,
                day,
                registrations.get(event_id, (0,))[0],
                asked,
                accepted,
                (accepted / asked) if asked else None,
                scheduled,
                held,
                no_shows,
                (held / (held + no_shows)) if held + no_shows else None,
                *(feedback[event_id].get(r, 0) for r in RATINGS),
                *(followups[event_id].get(a, 0) for a in ANSWERS),
            )
        )
    return Table(key="events", title=N_("Event outcomes"), columns=COLUMNS, rows=tuple(rows), note=NOTE)


def _by_code(session: Session, query: Any) -> defaultdict[int, dict[str, int]]:
    counts: defaultdict[int, dict[str, int]] = defaultdict(dict)
    for event_id, code, n in session.execute(query):
        counts[event_id][code] = int(n)
    return counts


COLUMNS: Final = (
    Column(key="event_id", label=N_("Event"), kind="code"),
    Column(key="title", label=N_("Title"), kind="text"),
    Column(key="first_day", label=N_("First day"), kind="date"),
    Column(key="participants", label=N_("Participants"), kind="count"),
    Column(key="requests", label=N_("Meeting requests"), kind="count"),
    Column(key="accepted", label=N_("Requests accepted"), kind="count"),
    Column(key="acceptance", label=N_("Acceptance ratio"), kind="ratio"),
    Column(key="scheduled", label=N_("Meetings scheduled"), kind="count"),
    Column(key="held", label=N_("Meetings held"), kind="count"),
    Column(key="no_shows", label=N_("No-shows"), kind="count"),
    Column(key="kept", label=N_("Meetings kept"), kind="ratio"),
    Column(key="feedback_not_held", label=N_("Feedback: not held"), kind="count"),
    Column(key="feedback_insufficient_interest", label=N_("Feedback: insufficient interest"), kind="count"),
    Column(key="feedback_informative", label=N_("Feedback: informative"), kind="count"),
    Column(key="feedback_cooperation_possible", label=N_("Feedback: cooperation possible"), kind="count"),
    Column(key="followup_no_further_contact", label=N_("Follow-up: no further contact"), kind="count"),
    Column(key="followup_valuable_contact", label=N_("Follow-up: valuable contact"), kind="count"),
    Column(key="followup_negotiation_started", label=N_("Follow-up: negotiation started"), kind="count"),
    Column(key="followup_agreement_reached", label=N_("Follow-up: agreement reached"), kind="count"),
)
NOTE: Final = N_(
    "Events whose first day falls in the period (an agency sees the events it organises). Participants: "
    "approved registrations. Requests: must-meet and meet requests not withdrawn; acceptance: accepted of "
    "those. Meetings: published agenda meetings; kept: held of those with an outcome reported. Feedback and "
    "follow-ups: one answer per participant and meeting."
)
