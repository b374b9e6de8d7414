"""The participant list as one participant sees it: its best counterparts first, each with the matching
engine's stored explanation (read from ``opportunity_matches``; the model is never called here), its own
mark and the other side's request to it (never the other side's "no thanks")."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import ScalarSelect, select
from sqlalchemy.orm import Session, aliased

from kakehashi.accounts.roles import Actor
from kakehashi.errors import InvalidTransition, NotFound, PermissionDenied
from kakehashi.events.models import MeetingRequest, Registration, Representative
from kakehashi.events.registrations import name_in
from kakehashi.events.requests import REQUESTS, pair_allowed, request_views
from kakehashi.events.schemas import CounterpartView, Reason
from kakehashi.events.service import may_manage, readable_event
from kakehashi.events.vocab import Attendance, RegistrationStatus
from kakehashi.matching.explain import ExplanationData, render_explanation
from kakehashi.matching.tables import OpportunityMatch
from kakehashi.profiles.models import Opportunity, Organisation, OrganisationSector, in_vocabulary_order
from kakehashi.profiles.vocab import Status
from kakehashi.store.base import utcnow


@dataclass(frozen=True, slots=True)
class _Best:
    score: float
    ours: int
    theirs: int
    explanation: dict[str, Any] | None
    flipped: bool  # the stored match runs from their opportunity to ours


def viewing_registration(
    session: Session, actor: Actor, event_id: int, registration_id: int | None = None
) -> Registration:
    """The participant whose view this is: the member's own (approved), or any one for its organisers."""
    event = readable_event(session, actor, event_id)
    if registration_id is not None:
        registration = session.get(Registration, registration_id)
        if registration is None or registration.event_id != event.id:
            raise NotFound(
                "Participant %(id)s does not take part in this event.", params={"id": registration_id}
            )
        if not (may_manage(actor, event) or actor.belongs_to(registration.organisation_id)):
            raise PermissionDenied("You can only see the participant list as your own organisation.")
        return registration
    registration = None
    if actor.organisation_id is not None and actor.belongs_to(actor.organisation_id):
        registration = session.scalar(
            select(Registration).where(
                Registration.event_id == event.id, Registration.organisation_id == actor.organisation_id
            )
        )
    if registration is None or registration.status != RegistrationStatus.APPROVED.value:
        raise InvalidTransition("The participant list is open to approved participants of the event.")
    return registration


def counterparts(
    session: Session,
    actor: Actor,
    event_id: int,
    *,
    model_id: str,
    locale: str = "en",
    registration_id: int | None = None,
    now: datetime | None = None,
) -> list[CounterpartView]:
    """Every other approved participant, best match first (then those the rule allows, then by name).

    A fixed number of queries of plain columns whatever the event's size (no ORM objects per participant):
    the participants, their sectors, their representatives' languages, the stored matches, the marks."""
    moment = now or utcnow()
    own = viewing_registration(session, actor, event_id, registration_id)
    event = readable_event(session, actor, event_id)
    our_country = session.scalar(select(Organisation.country).where(Organisation.id == own.organisation_id))
    assert our_country is not None
    listed = (
        select(Registration.id)
        .where(
            Registration.event_id == event.id,
            Registration.status == RegistrationStatus.APPROVED.value,
            Registration.id != own.id,
        )
        .scalar_subquery()
    )
    others = session.execute(
        select(
            Registration.id,
            Registration.attendance,
            Registration.note,
            Organisation.id.label("org_id"),
            Organisation.name,
            Organisation.name_ja,
            Organisation.name_en,
            Organisation.country,
            Organisation.kind,
        )
        .join(Organisation, Organisation.id == Registration.organisation_id)
        .where(Registration.id.in_(listed))
    ).all()
    their_orgs = select(Registration.organisation_id).where(Registration.id.in_(listed)).scalar_subquery()
    sectors = _sectors(session, their_orgs)
    languages = _languages(session, listed)
    best = _best_matches(session, model_id, own.organisation_id, their_orgs)
    marks = _marks(session, actor, own.id, locale=locale, now=moment)
    views = []
    for row in others:
        match = best.get(row.org_id)
        mine, theirs = marks.get((own.id, row.id)), marks.get((row.id, own.id))
        views.append(
            CounterpartView(
                registration_id=row.id,
                organisation_id=row.org_id,
                organisation_name=name_in(locale, name=row.name, name_ja=row.name_ja, name_en=row.name_en),
                country=row.country,
                kind=row.kind,
                sectors=sectors.get(row.org_id, []),
                languages=languages.get(row.id, []),
                attendance=Attendance(row.attendance),
                note=row.note,
                reason=_reason(match, locale),
                allowed=pair_allowed(event.meeting_rule, our_country, row.country),
                my_mark=mine,
                their_request=theirs if theirs is not None and theirs.mark in REQUESTS else None,
            )
        )
    views.sort(
        key=lambda v: (
            not v.allowed,
            -(v.reason.score if v.reason is not None else -1.0),
            v.organisation_name.casefold(),
        )
    )
    return views


def _sectors(session: Session, orgs: ScalarSelect[int]) -> dict[int, list[str]]:
    found: dict[int, list[str]] = {}
    for org_id, sector in session.execute(
        select(OrganisationSector.organisation_id, OrganisationSector.sector).where(
            OrganisationSector.organisation_id.in_(orgs)
        )
    ):
        found.setdefault(org_id, []).append(sector)
    return {org_id: in_vocabulary_order(codes) for org_id, codes in found.items()}


def _languages(session: Session, registrations: ScalarSelect[int]) -> dict[int, list[str]]:
    """Languages spoken by at least one representative (it, ja, en order), as ``Registration.languages``."""
    spoken: dict[int, set[str]] = {}
    for registration_id, codes in session.execute(
        select(Representative.registration_id, Representative.languages).where(
            Representative.registration_id.in_(registrations)
        )
    ):
        spoken.setdefault(registration_id, set()).update(codes or ())
    return {
        registration_id: [code for code in ("it", "ja", "en") if code in codes]
        for registration_id, codes in spoken.items()
    }


def _best_matches(session: Session, model_id: str, ours: int, theirs: ScalarSelect[int]) -> dict[int, _Best]:
    """For each of their organisations, the best stored match between one of our published opportunities
    and one of theirs (in either direction). Two queries, each on an index of the stored matches (by
    source, by target) from our few published opportunities."""
    published = Status.PUBLISHED.value
    our_opportunities = (
        select(Opportunity.id)
        .where(Opportunity.organisation_id == ours, Opportunity.status == published)
        .scalar_subquery()
    )
    other = aliased(Opportunity)
    best: dict[int, _Best] = {}
    for flipped in (False, True):
        ours_column = OpportunityMatch.target_id if flipped else OpportunityMatch.source_id
        theirs_column = OpportunityMatch.source_id if flipped else OpportunityMatch.target_id
        rows = session.execute(
            select(
                OpportunityMatch.score,
                OpportunityMatch.explanation,
                ours_column.label("ours"),
                theirs_column.label("theirs"),
                other.organisation_id.label("other_org"),
            )
            .join(other, other.id == theirs_column)
            .where(
                OpportunityMatch.model_id == model_id,
                ours_column.in_(our_opportunities),
                other.status == published,
                other.organisation_id.in_(theirs),
            )
        ).all()
        for row in rows:
            candidate = _Best(
                score=float(row.score),
                ours=row.ours,
                theirs=row.theirs,
                explanation=row.explanation,
                flipped=flipped,
            )
            current = best.get(row.other_org)
            # Prefer the match stored from our side (its explanation reads "ours ↔ theirs") at equal score.
            if current is None or (candidate.score, not flipped) > (current.score, not current.flipped):
                best[row.other_org] = candidate
    return best


def _reason(match: _Best | None, locale: str) -> Reason | None:
    if match is None:
        return None
    summary = ""
    if match.explanation is not None:
        summary = render_explanation(ExplanationData.from_json(match.explanation), locale=locale).summary
    return Reason(
        score=match.score, summary=summary, our_opportunity_id=match.ours, their_opportunity_id=match.theirs
    )


def _marks(
    session: Session, actor: Actor, own_id: int, *, locale: str, now: datetime
) -> dict[tuple[int, int], Any]:
    rows = session.scalars(
        select(MeetingRequest).where(
            (MeetingRequest.from_registration_id == own_id) | (MeetingRequest.to_registration_id == own_id)
        )
    ).all()
    views = request_views(session, actor, rows, locale=locale, now=now)
    return {(v.from_registration_id, v.to_registration_id): v for v in views}
