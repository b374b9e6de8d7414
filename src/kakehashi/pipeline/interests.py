"""Expressions of interest: an organisation asks to be introduced to the owner of a published
opportunity. The owner sees the interest without learning who asked, and accepts (an introduction is
opened, with the owner's consent), declines (with an optional reason) or asks the agency."""

from __future__ import annotations

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from kakehashi.accounts.roles import Actor, Role
from kakehashi.audit import service as audit
from kakehashi.audit.service import AuditKind
from kakehashi.errors import Conflict, FieldProblem, InvalidTransition, PermissionDenied, ValidationFailed
from kakehashi.labels import Label
from kakehashi.pipeline import notices
from kakehashi.pipeline.errors import interest_not_found, stale
from kakehashi.pipeline.models import Interest, Introduction
from kakehashi.pipeline.schemas import InterestInput, InterestView
from kakehashi.pipeline.views import interest_view
from kakehashi.pipeline.vocab import InterestStatus, Origin, Stage
from kakehashi.profiles.anonymity import find_names, identifying_names
from kakehashi.profiles.models import Opportunity, Organisation
from kakehashi.profiles.service import write
from kakehashi.profiles.vocab import Status
from kakehashi.store.base import utcnow

OPEN = (InterestStatus.PENDING.value, InterestStatus.REFERRED.value, InterestStatus.ACCEPTED.value)
DECIDABLE = frozenset({InterestStatus.PENDING, InterestStatus.REFERRED})


def _asking_organisation(actor: Actor, wanted: int | None) -> int:
    if actor.role != Role.MEMBER or actor.organisation_id is None:
        raise PermissionDenied(
            "Only members of an organisation express interest; officers propose introductions."
        )
    if wanted is not None and wanted != actor.organisation_id:
        raise PermissionDenied("You can only express interest for your own organisation.")
    return actor.organisation_id


def _published(session: Session, opportunity_id: int, field: str) -> Opportunity:
    opp = session.get(Opportunity, opportunity_id)
    if opp is None or opp.status != Status.PUBLISHED.value:
        raise ValidationFailed(
            "Interest can only be expressed in a published opportunity.",
            problems=[
                FieldProblem(field, "Opportunity %(id)s is not published.", params={"id": opportunity_id})
            ],
        )
    return opp


def express(session: Session, actor: Actor, data: InterestInput) -> Interest:
    """Record an interest; refused for one's own opportunity, a second open one, or a note that names the
    asking organisation (the owner reads the note before consenting)."""
    asker = _asking_organisation(actor, data.organisation_id)
    opp = _published(session, data.opportunity_id, "opportunity_id")
    if opp.organisation_id == asker:
        raise ValidationFailed(
            "You cannot express interest in your own organisation's opportunity.",
            problems=[FieldProblem("opportunity_id", "This opportunity is your organisation's own.")],
        )
    if data.from_opportunity_id is not None:
        own = _published(session, data.from_opportunity_id, "from_opportunity_id")
        if own.organisation_id != asker:
            raise ValidationFailed(
                "The match must start from one of your organisation's opportunities.",
                problems=[FieldProblem("from_opportunity_id", "Not an opportunity of your organisation.")],
            )
    _refuse_a_named_note(session, asker, data.note)
    already = session.scalar(
        select(Interest.id).where(
            Interest.opportunity_id == opp.id,
            Interest.from_organisation_id == asker,
            Interest.status.in_(OPEN),
        )
    )
    if already is not None:
        raise Conflict(
            "Your organisation has already expressed interest in this opportunity (%(id)s).",
            params={"id": already},
        )
    interest = Interest(
        opportunity_id=opp.id,
        owner_organisation_id=opp.organisation_id,
        from_organisation_id=asker,
        from_opportunity_id=data.from_opportunity_id,
        created_by_id=actor.user_id,
        note=data.note,
        status=InterestStatus.PENDING.value,
    )
    session.add(interest)
    write(session)
    org = session.get(Organisation, asker)
    assert org is not None
    audit.record(
        session,
        AuditKind.INTEREST_EXPRESSED,
        actor_user_id=actor.user_id,
        target=f"interest:{interest.id}",
        detail={
            "opportunity_id": opp.id,
            "from_organisation_id": asker,
            "owner_organisation_id": opp.organisation_id,
        },
    )
    notices.interest_expressed(
        session, interest, title=opp.title, country=org.country, actor_user_id=actor.user_id
    )
    return interest


def _refuse_a_named_note(session: Session, organisation_id: int, note: str) -> None:
    org = session.get(Organisation, organisation_id)
    assert org is not None
    names = identifying_names((org.name, org.name_ja, org.name_en), org.website)
    found = find_names({"note": note}, names)
    if found:
        raise ValidationFailed(
            "The note names your organisation, which stays hidden until both sides consent.",
            problems=[
                FieldProblem("note", "Remove “%(name)s” from the note.", params={"name": found[0].name})
            ],
        )


def readable(session: Session, actor: Actor, interest_id: int) -> Interest:
    interest = session.get(Interest, interest_id)
    if interest is None or not (
        actor.is_staff
        or actor.belongs_to(interest.owner_organisation_id)
        or actor.belongs_to(interest.from_organisation_id)
    ):
        raise interest_not_found(interest_id)
    return interest


def _owned(session: Session, actor: Actor, interest_id: int, expected_version: int | None) -> Interest:
    interest = readable(session, actor, interest_id)
    if not actor.belongs_to(interest.owner_organisation_id):
        raise PermissionDenied("Only the owner of the opportunity decides on an interest in it.")
    if expected_version is not None and expected_version != interest.version:
        raise stale(interest.version, expected_version)
    if InterestStatus(interest.status) not in DECIDABLE:
        raise InvalidTransition(
            "This interest is %(status)s: it can no longer be decided.",
            params={"status": Label("interest_status", interest.status)},
        )
    return interest


def accept(
    session: Session, actor: Actor, interest_id: int, *, expected_version: int | None = None
) -> Introduction:
    """The owner accepts: an introduction opens with the owner's consent; identities stay hidden until the
    asking side confirms too."""
    interest = _owned(session, actor, interest_id, expected_version)
    _decide(session, actor, interest, InterestStatus.ACCEPTED, None)
    now = utcnow()
    intro = Introduction(
        interest_id=interest.id,
        organisation_a_id=interest.from_organisation_id,
        organisation_b_id=interest.owner_organisation_id,
        opportunity_a_id=interest.from_opportunity_id,
        opportunity_b_id=interest.opportunity_id,
        origin=Origin.INTEREST.value,
        stage=Stage.PROPOSED.value,
        consent_b_at=now,
        stage_changed_at=now,
    )
    session.add(intro)
    write(session)
    audit.record(
        session,
        AuditKind.CONSENT_GIVEN,
        actor_user_id=actor.user_id,
        target=f"introduction:{intro.id}",
        detail={"side": "b", "interest_id": interest.id},
    )
    return intro


def decline(
    session: Session,
    actor: Actor,
    interest_id: int,
    *,
    reason: str | None = None,
    expected_version: int | None = None,
) -> Interest:
    interest = _owned(session, actor, interest_id, expected_version)
    _decide(session, actor, interest, InterestStatus.DECLINED, reason)
    return interest


def refer(
    session: Session,
    actor: Actor,
    interest_id: int,
    *,
    reason: str | None = None,
    expected_version: int | None = None,
) -> Interest:
    """The owner asks the agency (ICE or JETRO) to look at the interest before deciding."""
    interest = _owned(session, actor, interest_id, expected_version)
    if interest.status == InterestStatus.REFERRED.value:
        raise InvalidTransition(
            "This interest is %(status)s: it can no longer be decided.",
            params={"status": Label("interest_status", interest.status)},
        )
    _decide(session, actor, interest, InterestStatus.REFERRED, reason)
    return interest


_AUDIT = {
    InterestStatus.ACCEPTED: AuditKind.INTEREST_ACCEPTED,
    InterestStatus.DECLINED: AuditKind.INTEREST_DECLINED,
    InterestStatus.REFERRED: AuditKind.INTEREST_REFERRED,
    InterestStatus.WITHDRAWN: AuditKind.INTEREST_WITHDRAWN,
}


def _decide(
    session: Session, actor: Actor, interest: Interest, status: InterestStatus, reason: str | None
) -> None:
    before = interest.status
    interest.status = status.value
    interest.reason = reason or None
    interest.decided_at = utcnow()
    write(session)  # UPDATE … WHERE version = <read>: a concurrent decision makes this one stale
    audit.record(
        session,
        _AUDIT[status],
        actor_user_id=actor.user_id,
        target=f"interest:{interest.id}",
        detail={"from": before, "to": status.value, **({"reason": reason} if reason else {})},
    )
    if status != InterestStatus.WITHDRAWN:
        opp = session.get(Opportunity, interest.opportunity_id)
        assert opp is not None
        notices.interest_decided(session, interest, title=opp.title, actor_user_id=actor.user_id)


def withdraw(
    session: Session, actor: Actor, interest_id: int, *, expected_version: int | None = None
) -> Interest:
    interest = readable(session, actor, interest_id)
    if not actor.belongs_to(interest.from_organisation_id):
        raise PermissionDenied("Only the organisation that expressed the interest withdraws it.")
    if expected_version is not None and expected_version != interest.version:
        raise stale(interest.version, expected_version)
    if InterestStatus(interest.status) not in DECIDABLE:
        raise InvalidTransition(
            "This interest is %(status)s: it can no longer be withdrawn.",
            params={"status": Label("interest_status", interest.status)},
        )
    _decide(session, actor, interest, InterestStatus.WITHDRAWN, None)
    return interest


def list_interests(
    session: Session, actor: Actor, *, status: str | None = None, limit: int = 200
) -> list[InterestView]:
    """Interests received and sent by the caller's organisation (the agencies: all), newest first."""
    query = select(Interest)
    if not actor.is_staff:
        if actor.organisation_id is None:
            return []
        query = query.where(
            or_(
                Interest.owner_organisation_id == actor.organisation_id,
                Interest.from_organisation_id == actor.organisation_id,
            )
        )
    if status:
        query = query.where(Interest.status == status)
    rows = session.scalars(query.order_by(Interest.id.desc()).limit(limit))
    return [interest_view(session, actor, row) for row in rows]


def get_interest(session: Session, actor: Actor, interest_id: int) -> InterestView:
    return interest_view(session, actor, readable(session, actor, interest_id))
