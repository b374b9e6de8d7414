"""A small cooperation world with dates chosen by hand, so that every indicator can be computed on paper.

Organisations: IT1 (Italy, company, semiconductors), JP1 (Japan, startup, semiconductors + AI),
JP2 (Japan, research, AI). Opportunities: oIT (IT1, technology offer, semiconductors, published
2026-01-15), oJP (JP1, technology request, semiconductors, 2026-02-10), oJP2 (JP2, business offer, AI,
2026-05-05).

Interests: JP1 → oIT accepted (2026-01-20); JP2 → oIT declined (2026-02-01); IT1 → oJP2 pending
(2026-05-10).

Introductions (their stage moves in the audit trail):
- intro1 JP1 → IT1 about oIT, from the accepted interest: proposed 01-25, accepted 02-04, met 02-14,
  negotiating 03-16, agreement 04-15; licence of EUR 100,000.00 at 160.50 JPY/EUR, signed 2026-04-15.
- intro2 IT1 → JP2 about oJP2: proposed 05-12, accepted 05-22, met 06-01, agreement 06-21; equity of
  JPY 50,000,000 at 162.00 JPY/EUR, signed 2026-06-21.
- intro3 JP2 → IT1 about oIT: proposed 02-05, closed 02-25. An ICE officer follows intro1 only.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy.orm import Session

from kakehashi.accounts.roles import Role
from kakehashi.audit.models import AuditEvent
from kakehashi.events.agenda_models import Feedback, FollowUp, Meeting
from kakehashi.events.models import Event, MeetingRequest, Registration
from kakehashi.matching.tables import MatchFeedback, OpportunityMatch
from kakehashi.pipeline.models import Agreement, Interest, Introduction
from kakehashi.profiles.models import Opportunity, Organisation
from tests.events.factories import make_event
from tests.factories import actor, make_opportunity, make_organisation, make_user


def at(day: str) -> datetime:
    return datetime.fromisoformat(day).replace(hour=9, tzinfo=UTC)


@dataclass
class World:
    it1: Organisation
    jp1: Organisation
    jp2: Organisation
    o_it: Opportunity
    o_jp: Opportunity
    o_jp2: Opportunity
    intro1: Introduction
    intro2: Introduction
    intro3: Introduction
    event: Event | None = None


def _organisation(session: Session, created: str, **data: Any) -> Organisation:
    org = make_organisation(session, **data)
    org.created_at = at(created)
    return org


def _opportunity(session: Session, org: Organisation, published: str, **data: Any) -> Opportunity:
    opp = make_opportunity(session, org, **data)
    opp.published_at = at(published)
    return opp


def _interest(session: Session, opp: Opportunity, asker: Organisation, status: str, day: str) -> Interest:
    interest = Interest(
        opportunity_id=opp.id,
        owner_organisation_id=opp.organisation_id,
        from_organisation_id=asker.id,
        status=status,
        created_at=at(day),
    )
    session.add(interest)
    session.flush()
    return interest


def _introduction(
    session: Session,
    a: Organisation,
    b_opp: Opportunity,
    moves: list[tuple[str, str]],
    *,
    interest: Interest | None = None,
    officer_id: int | None = None,
) -> Introduction:
    """``moves``: (stage, day) from the proposal on; ``accepted`` sets the disclosure, the others are
    audited moves."""
    stage, proposed = moves[0]
    intro = Introduction(
        interest_id=interest.id if interest else None,
        organisation_a_id=a.id,
        organisation_b_id=b_opp.organisation_id,
        opportunity_b_id=b_opp.id,
        origin="interest" if interest else "match",
        stage=moves[-1][0],
        officer_a_id=officer_id,
        created_at=at(proposed),
    )
    session.add(intro)
    session.flush()
    previous = stage
    for stage, day in moves[1:]:
        if stage == "accepted":
            intro.disclosed_at = at(day)
        else:
            session.add(
                AuditEvent(
                    at=at(day),
                    kind="introduction_stage",
                    target=f"introduction:{intro.id}",
                    detail={"from": previous, "to": stage},
                )
            )
        previous = stage
    session.flush()
    return intro


def build(session: Session) -> World:
    it1 = _organisation(session, "2026-01-05", country="IT", kind="company", sectors=["semiconductors"])
    jp1 = _organisation(session, "2026-01-06", country="JP", kind="startup", sectors=["semiconductors", "ai"])
    jp2 = _organisation(session, "2026-04-02", country="JP", kind="research", sectors=["ai"])
    o_it = _opportunity(session, it1, "2026-01-15", type="technology_offer", sectors=["semiconductors"])
    o_jp = _opportunity(session, jp1, "2026-02-10", type="technology_request", sectors=["semiconductors"])
    o_jp2 = _opportunity(session, jp2, "2026-05-05", type="business_offer", sectors=["ai"])
    accepted = _interest(session, o_it, jp1, "accepted", "2026-01-20")
    _interest(session, o_it, jp2, "declined", "2026-02-01")
    _interest(session, o_jp2, it1, "pending", "2026-05-10")
    officer = make_user(session, role=Role.OFFICER, agency="ICE")
    intro1 = _introduction(
        session,
        jp1,
        o_it,
        [
            ("proposed", "2026-01-25"),
            ("accepted", "2026-02-04"),
            ("met", "2026-02-14"),
            ("negotiating", "2026-03-16"),
            ("agreement", "2026-04-15"),
        ],
        interest=accepted,
        officer_id=officer.id,
    )
    intro2 = _introduction(
        session,
        it1,
        o_jp2,
        [
            ("proposed", "2026-05-12"),
            ("accepted", "2026-05-22"),
            ("met", "2026-06-01"),
            ("agreement", "2026-06-21"),
        ],
    )
    intro3 = _introduction(session, jp2, o_it, [("proposed", "2026-02-05"), ("closed", "2026-02-25")])
    session.add_all(
        [
            Agreement(
                introduction_id=intro1.id,
                category="technology",
                subtype="licence",
                signed_on=date(2026, 4, 15),
                amount=Decimal("100000.00"),
                currency="EUR",
                jpy_per_eur=Decimal("160.50"),
            ),
            Agreement(
                introduction_id=intro2.id,
                category="investment",
                subtype="equity",
                signed_on=date(2026, 6, 21),
                amount=Decimal("50000000"),
                currency="JPY",
                jpy_per_eur=Decimal("162.00"),
            ),
        ]
    )
    session.flush()
    return World(it1, jp1, jp2, o_it, o_jp, o_jp2, intro1, intro2, intro3)


def add_matches(session: Session, world: World) -> None:
    """oIT's matches: oJP (shortlisted by IT1) and oJP2 (dismissed); oJP's: oIT (shortlisted by JP1)."""
    for source, rank, target in (
        (world.o_it, 0, world.o_jp),
        (world.o_it, 1, world.o_jp2),
        (world.o_jp, 0, world.o_it),
    ):
        session.add(
            OpportunityMatch(
                model_id="test", source_id=source.id, rank=rank, target_id=target.id, score=0.5, components={}
            )
        )
    for owner, source, target, verdict in (
        (world.it1, world.o_it, world.o_jp, "shortlisted"),
        (world.it1, world.o_it, world.o_jp2, "dismissed"),
        (world.jp1, world.o_jp, world.o_it, "shortlisted"),
    ):
        session.add(
            MatchFeedback(
                owner_key=f"org:{owner.id}", source_id=source.id, target_id=target.id, verdict=verdict
            )
        )
    session.flush()


def add_event(session: Session, world: World) -> Event:
    """An ICE event (first day 2027-10-28): IT1 and JP1 approved, JP2 declined. Requests: IT1 → JP1 must
    meet, accepted; JP1 → IT1 meet, declined; IT1 → JP2 withdrawn; JP1 → JP2 no thanks. Meetings of IT1
    and JP1: one held, one no-show, one cancelled. Feedback on the held one: cooperation possible (IT1),
    informative (JP1); follow-up: negotiation started (IT1), JP1 not answered yet."""
    officer = actor(make_user(session, role=Role.OFFICER, agency="ICE"))
    event = make_event(session, officer)
    regs = {}
    for org, status in ((world.it1, "approved"), (world.jp1, "approved"), (world.jp2, "declined")):
        reg = Registration(
            event_id=event.id, organisation_id=org.id, status=status, checkin_token=secrets.token_hex(16)
        )
        session.add(reg)
        session.flush()
        regs[org.id] = reg.id
    it1, jp1, jp2 = regs[world.it1.id], regs[world.jp1.id], regs[world.jp2.id]
    for a, b, mark, status in (
        (it1, jp1, "must_meet", "accepted"),
        (jp1, it1, "meet", "declined"),
        (it1, jp2, "meet", "withdrawn"),
        (jp1, jp2, "no_thanks", "recorded"),
    ):
        session.add(
            MeetingRequest(
                event_id=event.id, from_registration_id=a, to_registration_id=b, mark=mark, status=status
            )
        )
    start = datetime(2027, 10, 28, 8, tzinfo=UTC)
    meetings = []
    for slot, (status, outcome) in enumerate(
        (("published", "happened"), ("published", "no_show"), ("cancelled", None))
    ):
        meeting = Meeting(
            event_id=event.id,
            registration_a_id=it1,
            registration_b_id=jp1,
            slot=slot,
            starts_at=start + timedelta(minutes=30 * slot),
            ends_at=start + timedelta(minutes=30 * slot + 30),
            status=status,
            outcome=outcome,
            uid=f"analytics-{event.id}-{slot}",
        )
        session.add(meeting)
        meetings.append(meeting)
    session.flush()
    held = meetings[0].id
    session.add_all(
        [
            Feedback(meeting_id=held, registration_id=it1, rating="cooperation_possible"),
            Feedback(meeting_id=held, registration_id=jp1, rating="informative"),
            FollowUp(meeting_id=held, registration_id=it1, answer="negotiation_started"),
            FollowUp(meeting_id=held, registration_id=jp1, answer=None),
        ]
    )
    session.flush()
    world.event = event
    return event
