"""Alerts: saved searches and followed opportunities, run as a job (never on the request path).

A run asks the cross-lingual listing (``kakehashi.matching.listing``) or the stored matches of a followed
opportunity for published counterparts, keeps those the organisation was never told about (one
``alert_hits`` row per organisation and opportunity: never the same counterpart twice), and notifies it;
a digest e-mail (daily or weekly: each member's notification preference) sums up the notices of hits.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from kakehashi.accounts.models import User
from kakehashi.accounts.roles import Actor, Role
from kakehashi.config import Settings
from kakehashi.errors import FieldProblem, NotFound, PermissionDenied, ValidationFailed
from kakehashi.matching import listing
from kakehashi.matching.service import MatchingService
from kakehashi.notifications.digest import digest_candidates, send_digest
from kakehashi.pipeline import notices
from kakehashi.pipeline.models import AlertHit, SavedSearch
from kakehashi.pipeline.schemas import SavedSearchInput, SavedSearchView
from kakehashi.profiles.models import Opportunity
from kakehashi.profiles.schemas import OpportunityFilters
from kakehashi.profiles.vocab import Status
from kakehashi.store import Database
from kakehashi.store.base import utcnow

PER_RUN = 20
FILTER_NAMES = ("type", "sector", "country")


def _member(actor: Actor) -> int:
    if actor.role != Role.MEMBER or actor.organisation_id is None:
        raise PermissionDenied("Alerts are for members of an organisation.")
    return actor.organisation_id


def save(session: Session, actor: Actor, data: SavedSearchInput) -> SavedSearch:
    organisation_id = _member(actor)
    if data.follow_opportunity_id is not None:
        opp = session.get(Opportunity, data.follow_opportunity_id)
        if opp is None or opp.organisation_id != organisation_id:
            raise ValidationFailed(
                "Follow the matches of one of your organisation's opportunities.",
                problems=[FieldProblem("follow_opportunity_id", "Not an opportunity of your organisation.")],
            )
    elif not data.query and not any(getattr(data, name) for name in FILTER_NAMES):
        raise ValidationFailed(
            "Say what to look for: words, a filter, or one of your opportunities to follow.",
            problems=[FieldProblem("query", "Write what you look for, or choose a filter.")],
        )
    alert = SavedSearch(
        organisation_id=organisation_id,
        created_by_id=actor.user_id,
        query=data.query,
        filters={name: getattr(data, name).value for name in FILTER_NAMES if getattr(data, name)},
        follow_opportunity_id=data.follow_opportunity_id,
    )
    session.add(alert)
    session.flush()
    return alert


def delete(session: Session, actor: Actor, alert_id: int) -> None:
    alert = session.get(SavedSearch, alert_id)
    if alert is None or not actor.belongs_to(alert.organisation_id):
        raise NotFound("Alert %(id)s does not exist.", params={"id": alert_id})
    session.delete(alert)
    session.flush()


def list_alerts(session: Session, actor: Actor) -> list[SavedSearchView]:
    organisation_id = _member(actor)
    alerts = session.scalars(
        select(SavedSearch).where(SavedSearch.organisation_id == organisation_id).order_by(SavedSearch.id)
    )
    return [
        SavedSearchView(
            id=a.id,
            query=a.query,
            filters=dict(a.filters or {}),
            follow_opportunity_id=a.follow_opportunity_id,
            last_run_at=a.last_run_at,
            hits=session.scalar(select(func.count()).where(AlertHit.saved_search_id == a.id)) or 0,
            version=a.version,
        )
        for a in alerts
    ]


def _candidates(matching: MatchingService, alert: SavedSearch) -> list[int]:
    """Published counterparts for the alert, best first (read as the organisation's member would)."""
    reader = Actor(role=Role.MEMBER, organisation_id=alert.organisation_id)
    if alert.follow_opportunity_id is not None:
        stored = matching.opportunity_matches(
            reader, alert.follow_opportunity_id, locale="en", limit=PER_RUN, explain=False
        )
        return [result.opportunity.id for result in stored.results]
    filters = OpportunityFilters.model_validate(
        {"q": alert.query or None, "status": Status.PUBLISHED.value, **alert.filters}
    )
    found = listing.list_opportunities(matching, reader, filters, page=1, page_size=PER_RUN)
    return [item.id for item in found.page.items]


def run_alerts(
    database: Database,
    matching: MatchingService,
    *,
    settings: Settings | None = None,
    now: datetime | None = None,
) -> int:
    """Run every alert once and, with ``settings`` (SMTP), e-mail each member the digest that is due at
    their rhythm (daily or weekly, their notification preference); how many new counterparts in all."""
    now = now or utcnow()
    total = 0
    with database.session() as session:
        alert_ids = list(session.scalars(select(SavedSearch.id).order_by(SavedSearch.id)))
    for alert_id in alert_ids:
        with database.session() as session:
            alert = session.get(SavedSearch, alert_id)
            if alert is None:
                continue
            total += _record_hits(session, alert, _candidates(matching, alert), now=now)
    if settings is not None:
        send_digests(database, settings=settings, now=now)
    return total


def _record_hits(session: Session, alert: SavedSearch, found: list[int], *, now: datetime) -> int:
    known = set(
        session.scalars(
            select(AlertHit.opportunity_id).where(AlertHit.organisation_id == alert.organisation_id)
        )
    )
    own = set(
        session.scalars(select(Opportunity.id).where(Opportunity.organisation_id == alert.organisation_id))
    )
    new = [opp_id for opp_id in dict.fromkeys(found) if opp_id not in known and opp_id not in own]
    for opp_id in new:
        session.add(
            AlertHit(
                organisation_id=alert.organisation_id,
                saved_search_id=alert.id,
                opportunity_id=opp_id,
                found_at=now,
            )
        )
    alert.last_run_at = now
    session.flush()
    if new:
        notices.alert_hits(session, organisation_id=alert.organisation_id, count=len(new), alert_id=alert.id)
    return len(new)


def send_digests(database: Database, *, settings: Settings, now: datetime) -> int:
    """One digest e-mail per member with alert notices never e-mailed, when their rhythm says it is due."""
    with database.session() as session:
        members = list(
            session.scalars(
                select(User.id).where(
                    User.organisation_id.in_(select(SavedSearch.organisation_id)), User.is_active.is_(True)
                )
            )
        )
        waiting = {
            user_id: digest_candidates(session, user_id=user_id, kind_family=notices.ALERT_FAMILY)
            for user_id in members
        }
    return sum(
        send_digest(database, settings=settings, user_id=user_id, notice_ids=ids, now=now)
        for user_id, ids in waiting.items()
        if ids
    )


def hits(session: Session, actor: Actor, *, limit: int = 100) -> list[int]:
    """The counterparts found for the caller's organisation, newest first (opportunity ids)."""
    organisation_id = _member(actor)
    return list(
        session.scalars(
            select(AlertHit.opportunity_id)
            .where(AlertHit.organisation_id == organisation_id)
            .order_by(AlertHit.id.desc())
            .limit(limit)
        )
    )
