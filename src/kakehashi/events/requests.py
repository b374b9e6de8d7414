"""Meeting requests: participants mark others "must meet", "meet" (a request, with a note) or "no thanks"
(absolute); the other side accepts or declines a request (opt-in mode) or it counts at once (automatic
mode); a pending request expires after the event's expiry time, computed on read (and written by the
``events-expire-requests`` job), so that nothing stays blocked.

A member sees its own organisation's marks and the requests addressed to it, never another
organisation's marks (a "no thanks" is never shown to the one it concerns). Caps hold under concurrency:
a new request first bumps its participant's ``request_seq`` (a row lock on PostgreSQL, the write lock on
SQLite), so that two requests of one participant are counted one after the other.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta

from sqlalchemy import ColumnElement, and_, func, or_, select, update
from sqlalchemy.orm import Session

from kakehashi.accounts.roles import Actor
from kakehashi.errors import (
    Conflict,
    FieldProblem,
    InvalidTransition,
    NotFound,
    PermissionDenied,
    StaleVersion,
    ValidationFailed,
)
from kakehashi.events import notices
from kakehashi.events.models import Event, MeetingRequest, Registration
from kakehashi.events.registrations import organisation_name
from kakehashi.events.schemas import MarkInput, RequestView
from kakehashi.events.service import booking_open, may_manage, readable_event
from kakehashi.events.vocab import (
    EventStatus,
    Mark,
    MeetingRule,
    RegistrationStatus,
    RequestMode,
    RequestStatus,
)
from kakehashi.labels import Label
from kakehashi.profiles.models import Organisation
from kakehashi.profiles.service import require_version, write
from kakehashi.store.base import utcnow

REQUESTS = (Mark.MUST_MEET.value, Mark.MEET.value)
OPEN = (RequestStatus.PENDING.value, RequestStatus.ACCEPTED.value)


# --- rules ----------------------------------------------------------------------------------------


def pair_allowed(rule: str, country_a: str, country_b: str) -> bool:
    """The event's who-can-meet-whom rule."""
    if rule == MeetingRule.ANY.value:
        return True
    if rule == MeetingRule.CROSS_COUNTRY.value:
        return country_a != country_b
    return {country_a, country_b} == {"IT", "JP"}


def effective_status(request: MeetingRequest, now: datetime) -> str:
    """The status as it is now: a pending request past its expiry is expired (whether or not the job has
    written it yet)."""
    if (
        request.status == RequestStatus.PENDING.value
        and request.expires_at is not None
        and request.expires_at <= now
    ):
        return RequestStatus.EXPIRED.value
    return request.status


def not_expired(now: datetime) -> ColumnElement[bool]:
    """SQL: the request is not a pending one past its expiry."""
    return or_(
        MeetingRequest.status != RequestStatus.PENDING.value,
        MeetingRequest.expires_at.is_(None),
        MeetingRequest.expires_at > now,
    )


def open_count(session: Session, registration_id: int, now: datetime, *, must_only: bool = False) -> int:
    """Requests of a participant that hold a place under the cap: pending (not expired) or accepted,
    to a participant still approved."""
    marks = [Mark.MUST_MEET.value] if must_only else list(REQUESTS)
    count = session.scalar(
        select(func.count())
        .select_from(MeetingRequest)
        .join(Registration, Registration.id == MeetingRequest.to_registration_id)
        .where(
            MeetingRequest.from_registration_id == registration_id,
            MeetingRequest.mark.in_(marks),
            MeetingRequest.status.in_(OPEN),
            not_expired(now),
            Registration.status == RegistrationStatus.APPROVED.value,
        )
    )
    return int(count or 0)


# --- marking and requesting -----------------------------------------------------------------------


def mark(
    session: Session, actor: Actor, event_id: int, data: MarkInput, *, now: datetime | None = None
) -> MeetingRequest:
    """Set the actor's participant's mark about another participant (a new request, a changed note or
    priority, or a "no thanks"); anything against the rules is refused with nothing changed."""
    moment = now or utcnow()
    own = _acting_registration(session, actor, event_id, data.from_registration_id)
    _lock(session, own)  # first: concurrent requests of this participant queue here
    event = readable_event(session, actor, event_id)
    session.refresh(own)
    if own.status != RegistrationStatus.APPROVED.value:
        raise InvalidTransition("Your organisation takes part once the organisers approve its registration.")
    if data.to_registration_id == own.id:
        raise ValidationFailed(
            "You cannot request a meeting with yourself.",
            problems=[FieldProblem("to_registration_id", "This is your own organisation.")],
        )
    _require_booking(event, moment)
    other = session.get(Registration, data.to_registration_id)
    if other is None or other.event_id != event.id or other.status != RegistrationStatus.APPROVED.value:
        raise NotFound(
            "Participant %(id)s does not take part in this event.", params={"id": data.to_registration_id}
        )
    _require_rule(session, event, own, other)
    existing = session.scalar(
        select(MeetingRequest).where(
            MeetingRequest.from_registration_id == own.id, MeetingRequest.to_registration_id == other.id
        )
    )
    reverse = session.scalar(
        select(MeetingRequest).where(
            MeetingRequest.from_registration_id == other.id, MeetingRequest.to_registration_id == own.id
        )
    )
    if data.mark == Mark.NO_THANKS:
        request = _no_thanks(session, actor, event, own, other, existing, reverse, data.note, moment)
    else:
        request = _request(session, actor, event, own, other, existing, reverse, data, moment)
    write(session)
    return request


def _acting_registration(
    session: Session, actor: Actor, event_id: int, from_registration_id: int | None
) -> Registration:
    if from_registration_id is not None:
        registration = session.get(Registration, from_registration_id)
        if registration is None or registration.event_id != event_id:
            raise NotFound(
                "Participant %(id)s does not take part in this event.", params={"id": from_registration_id}
            )
        event = readable_event(session, actor, event_id)
        if not (may_manage(actor, event) or actor.belongs_to(registration.organisation_id)):
            raise PermissionDenied("You can only request meetings for your own organisation.")
        return registration
    if actor.organisation_id is None or not actor.belongs_to(actor.organisation_id):
        raise PermissionDenied("Only participants request meetings: sign in as a member of one.")
    registration = session.scalar(
        select(Registration).where(
            Registration.event_id == event_id, Registration.organisation_id == actor.organisation_id
        )
    )
    if registration is None:
        readable_event(session, actor, event_id)  # 404 for an event one may not see
        raise InvalidTransition("Register your organisation for this event first.")
    return registration


def _lock(session: Session, registration: Registration) -> None:
    session.execute(
        update(Registration)
        .where(Registration.id == registration.id)
        .values(request_seq=Registration.request_seq + 1)
        .execution_options(synchronize_session=False)
    )


def _require_booking(event: Event, now: datetime) -> None:
    if event.status != EventStatus.BOOKING.value:
        raise InvalidTransition(
            "Meeting requests are not taken: the event is %(status)s.",
            params={"status": Label("event_status", event.status)},
        )
    if not booking_open(event, now):
        raise InvalidTransition("Meeting requests are taken only within the booking window of the event.")


def _require_rule(session: Session, event: Event, own: Registration, other: Registration) -> None:
    ours = session.get(Organisation, own.organisation_id)
    theirs = session.get(Organisation, other.organisation_id)
    assert ours is not None
    assert theirs is not None
    if not pair_allowed(event.meeting_rule, ours.country, theirs.country):
        raise InvalidTransition(
            "The rules of this event do not let these two participants meet: %(rule)s.",
            params={"rule": Label("meeting_rule", event.meeting_rule)},
        )


def _no_thanks(
    session: Session,
    actor: Actor,
    event: Event,
    own: Registration,
    other: Registration,
    existing: MeetingRequest | None,
    reverse: MeetingRequest | None,
    note: str,
    now: datetime,
) -> MeetingRequest:
    """No thanks is absolute: our request goes, and a request of theirs to us is declined."""
    request = existing or _new(event, own, other, actor)
    request.mark, request.note, request.status = Mark.NO_THANKS.value, note, RequestStatus.RECORDED.value
    request.expires_at, request.answered_at, request.answered_by_id, request.answer_note = (
        None,
        None,
        None,
        "",
    )
    request.updated_at = now
    if reverse is not None and reverse.mark in REQUESTS and effective_status(reverse, now) in OPEN:
        reverse.status, reverse.answered_at, reverse.answered_by_id = (
            RequestStatus.DECLINED.value,
            now,
            actor.user_id,
        )
        reverse.updated_at = now
        notices.request_answered(session, event, reverse, actor=actor)
    session.add(request)
    return request


def _request(
    session: Session,
    actor: Actor,
    event: Event,
    own: Registration,
    other: Registration,
    existing: MeetingRequest | None,
    reverse: MeetingRequest | None,
    data: MarkInput,
    now: datetime,
) -> MeetingRequest:
    current = effective_status(existing, now) if existing is not None else None
    if current == RequestStatus.DECLINED.value and existing is not None and existing.mark in REQUESTS:
        raise InvalidTransition("This participant declined your request; it cannot be sent again.")
    renewing = current not in OPEN or existing is None or existing.mark not in REQUESTS
    _require_caps(session, event, own, data.mark, existing if not renewing else None, now)
    request = existing or _new(event, own, other, actor)
    request.mark, request.note, request.updated_at = data.mark.value, data.note, now
    refused = reverse is not None and reverse.mark == Mark.NO_THANKS.value
    mutual = reverse is not None and reverse.mark in REQUESTS and effective_status(reverse, now) in OPEN
    if renewing:
        request.created_by_id = actor.user_id
        request.answered_at, request.answered_by_id, request.answer_note = None, None, ""
        request.expires_at = None
        if refused:  # their "no thanks" wins, and stays theirs: we read a decline
            request.status, request.answered_at = RequestStatus.DECLINED.value, now
        elif event.request_mode == RequestMode.AUTOMATIC.value or mutual:
            request.status, request.answered_at = RequestStatus.ACCEPTED.value, now
        else:
            request.status = RequestStatus.PENDING.value
            request.expires_at = now + timedelta(minutes=event.request_expiry_minutes)
    if mutual and reverse is not None and reverse.status == RequestStatus.PENDING.value:
        # Both want the meeting: their pending request is accepted by ours.
        reverse.status, reverse.answered_at, reverse.answered_by_id = (
            RequestStatus.ACCEPTED.value,
            now,
            actor.user_id,
        )
        reverse.updated_at = now
        notices.request_answered(session, event, reverse, actor=actor)
    session.add(request)
    if renewing and request.status in OPEN:
        session.flush()
        notices.request_received(session, event, request, actor=actor)
    return request


def _require_caps(
    session: Session,
    event: Event,
    own: Registration,
    wanted: Mark,
    kept: MeetingRequest | None,
    now: datetime,
) -> None:
    """``kept``: the participant's open request to the same participant, changed rather than added."""
    count = open_count(session, own.id, now) - (1 if kept is not None else 0)
    if count >= event.request_cap:
        raise Conflict(
            "You have reached the cap of %(cap)s meeting requests for this event. Withdraw one first.",
            params={"cap": event.request_cap},
        )
    if wanted == Mark.MUST_MEET and event.must_meet_cap is not None:
        musts = open_count(session, own.id, now, must_only=True)
        if kept is not None and kept.mark == Mark.MUST_MEET.value:
            musts -= 1
        if musts >= event.must_meet_cap:
            raise Conflict(
                "You have reached the cap of %(cap)s “must meet” requests for this event.",
                params={"cap": event.must_meet_cap},
            )


def _new(event: Event, own: Registration, other: Registration, actor: Actor) -> MeetingRequest:
    return MeetingRequest(
        event_id=event.id,
        from_registration_id=own.id,
        to_registration_id=other.id,
        created_by_id=actor.user_id,
        illustrative=event.illustrative,
    )


# --- answering and withdrawing --------------------------------------------------------------------


def answer(
    session: Session,
    actor: Actor,
    request_id: int,
    *,
    accept: bool,
    note: str = "",
    expected_version: int | None = None,
    now: datetime | None = None,
) -> MeetingRequest:
    """The addressed participant accepts or declines a pending request (one conditional UPDATE)."""
    moment = now or utcnow()
    request, event = _visible(session, actor, request_id)
    addressed = session.get(Registration, request.to_registration_id)
    assert addressed is not None
    if not (actor.belongs_to(addressed.organisation_id) or may_manage(actor, event)):
        raise PermissionDenied("Only the participant a request is addressed to answers it.")
    require_version(request.version, expected_version)
    _require_booking(event, moment)
    status = effective_status(request, moment)
    if status == RequestStatus.EXPIRED.value:
        raise InvalidTransition("This request has expired; the other participant may send a new one.")
    if status != RequestStatus.PENDING.value:
        raise InvalidTransition(
            "This request is %(status)s already.", params={"status": Label("request_status", status)}
        )
    write(session)  # pending changes first, so that the version read is the one in the store
    read_version = request.version
    moved = session.execute(
        update(MeetingRequest)
        .where(
            MeetingRequest.id == request.id,
            MeetingRequest.version == read_version,
            MeetingRequest.status == RequestStatus.PENDING.value,
            not_expired(moment),
        )
        .values(
            status=(RequestStatus.ACCEPTED if accept else RequestStatus.DECLINED).value,
            answered_at=moment,
            answered_by_id=actor.user_id,
            answer_note=note,
            version=MeetingRequest.version + 1,
            updated_at=moment,
        )
        .execution_options(synchronize_session=False)
    )
    session.refresh(request)
    if moved.rowcount != 1:  # type: ignore[attr-defined]
        raise StaleVersion(
            "The request was changed meanwhile (answered, withdrawn or expired); nothing was written."
        )
    notices.request_answered(session, event, request, actor=actor)
    return request


def withdraw(
    session: Session,
    actor: Actor,
    request_id: int,
    *,
    expected_version: int | None = None,
    now: datetime | None = None,
) -> MeetingRequest:
    """The sender withdraws its request or its mark (a "no thanks" too)."""
    moment = now or utcnow()
    request, event = _visible(session, actor, request_id)
    sender = session.get(Registration, request.from_registration_id)
    assert sender is not None
    if not (actor.belongs_to(sender.organisation_id) or may_manage(actor, event)):
        raise PermissionDenied("Only the participant who sent a request withdraws it.")
    require_version(request.version, expected_version)
    _require_booking(event, moment)
    status = effective_status(request, moment)
    if status not in (*OPEN, RequestStatus.RECORDED.value):
        raise InvalidTransition(
            "This request is %(status)s already.", params={"status": Label("request_status", status)}
        )
    request.status, request.updated_at = RequestStatus.WITHDRAWN.value, moment
    write(session)
    return request


# --- reading --------------------------------------------------------------------------------------


def _visible(session: Session, actor: Actor, request_id: int) -> tuple[MeetingRequest, Event]:
    """A request its sender, its addressee (never a "no thanks") and the agencies may see (others: 404)."""
    request = session.get(MeetingRequest, request_id)
    event = session.get(Event, request.event_id) if request is not None else None
    if request is None or event is None or not _may_see(session, actor, request):
        raise NotFound("Meeting request %(id)s does not exist.", params={"id": request_id})
    return request, event


def _may_see(session: Session, actor: Actor, request: MeetingRequest) -> bool:
    if actor.is_staff:
        return True
    org = actor.organisation_id if actor.belongs_to(actor.organisation_id) else None
    if org is None:
        return False
    sender = session.get(Registration, request.from_registration_id)
    addressee = session.get(Registration, request.to_registration_id)
    if sender is not None and sender.organisation_id == org:
        return True
    return addressee is not None and addressee.organisation_id == org and request.mark in REQUESTS


def get_request(session: Session, actor: Actor, request_id: int) -> MeetingRequest:
    return _visible(session, actor, request_id)[0]


def list_requests(session: Session, actor: Actor, event_id: int) -> list[MeetingRequest]:
    """The agencies: every mark of the event. A member: its participant's marks and the requests (not the
    no-thanks) addressed to it. Others: none."""
    event = readable_event(session, actor, event_id)
    query = select(MeetingRequest).where(MeetingRequest.event_id == event.id)
    if not actor.is_staff:
        own = session.scalar(
            select(Registration.id).where(
                Registration.event_id == event.id,
                Registration.organisation_id == (actor.organisation_id or -1),
            )
        )
        if own is None or not actor.belongs_to(actor.organisation_id):
            return []
        query = query.where(
            or_(
                MeetingRequest.from_registration_id == own,
                and_(MeetingRequest.to_registration_id == own, MeetingRequest.mark.in_(REQUESTS)),
            )
        )
    return list(session.scalars(query.order_by(MeetingRequest.created_at.desc(), MeetingRequest.id.desc())))


def request_views(
    session: Session,
    actor: Actor,
    requests: Iterable[MeetingRequest],
    *,
    locale: str = "en",
    now: datetime | None = None,
) -> list[RequestView]:
    moment = now or utcnow()
    wanted = list(requests)
    ids = {r.from_registration_id for r in wanted} | {r.to_registration_id for r in wanted}
    names: dict[int, str] = {}
    orgs: dict[int, int] = {}
    if ids:
        rows = session.execute(
            select(Registration.id, Organisation).join(Organisation).where(Registration.id.in_(ids))
        ).all()
        for registration_id, org in rows:
            names[registration_id] = organisation_name(org, locale)
            orgs[registration_id] = org.id
    mine = actor.organisation_id if actor.belongs_to(actor.organisation_id) else None
    return [
        RequestView(
            id=r.id,
            event_id=r.event_id,
            from_registration_id=r.from_registration_id,
            from_organisation=names.get(r.from_registration_id, ""),
            to_registration_id=r.to_registration_id,
            to_organisation=names.get(r.to_registration_id, ""),
            mark=Mark(r.mark),
            note=r.note,
            status=effective_status(r, moment),
            expires_at=r.expires_at,
            answered_at=r.answered_at,
            answer_note=r.answer_note,
            created_at=r.created_at,
            incoming=mine is not None and orgs.get(r.to_registration_id) == mine,
            version=r.version,
        )
        for r in wanted
    ]


def expire_due(session: Session, *, now: datetime | None = None) -> int:
    """Write the status of pending requests past their expiry (pages compute it on read anyway)."""
    moment = now or utcnow()
    result = session.execute(
        update(MeetingRequest)
        .where(
            MeetingRequest.status == RequestStatus.PENDING.value,
            MeetingRequest.expires_at.is_not(None),
            MeetingRequest.expires_at <= moment,
        )
        .values(status=RequestStatus.EXPIRED.value, version=MeetingRequest.version + 1, updated_at=moment)
        .execution_options(synchronize_session=False)
    )
    return int(result.rowcount or 0)  # type: ignore[attr-defined]
