"""Alerts: saved searches and followed opportunities, run as a job (never on the request path).

A run asks the cross-lingual listing (``kakehashi.matching.listing``) or the stored matches of a followed
opportunity for published counterparts, keeps those the organisation was never told about (one
``alert_hits`` row per organisation and opportunity: never the same counterpart twice), and notifies it;
a digest e-mail (daily or weekly, the alert's choice) sums up the hits not yet digested.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from kakehashi.accounts.roles import Actor, Role
from kakehashi.errors import FieldProblem, NotFound, PermissionDenied, ValidationFailed
from kakehashi.matching import listing
from kakehashi.matching.service import MatchingService
from kakehashi.pipeline import notices
from kakehashi.pipeline.models import AlertHit, SavedSearch
from kakehashi.pipeline.schemas import SavedSearchInput, SavedSearchView
from kakehashi.pipeline.vocab import Frequency
from kakehashi.profiles.models import Opportunity
from kakehashi.profiles.schemas import OpportunityFilters
from kakehashi.profiles.vocab import Status
from kakehashi.store import Database
from kakehashi.store.base import utcnow

PER_RUN = 20
PERIOD = {Frequency.DAILY.value: timedelta(days=1), Frequency.WEEKLY.value: timedelta(days=7)}
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
        frequency=data.frequency.value,
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
            frequency=a.frequency,
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


def run_alerts(database: Database, matching: MatchingService, *, now: datetime | None = None) -> int:
    """Run every alert once; returns how many new counterparts were found in all."""
    now = now or utcnow()
    total = 0
    with database.session() as session:
        alert_ids = list(session.scalars(select(SavedSearch.id).order_by(SavedSearch.id)))
    for alert_id in alert_ids:
        with database.session() as session:
            alert = session.get(SavedSearch, alert_id)
            if alert is None:
                continue
            found = _candidates(matching, alert)
            total += _record_hits(session, alert, found, now=now)
            _digest_if_due(session, alert, now=now)
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


def _digest_if_due(session: Session, alert: SavedSearch, *, now: datetime) -> None:
    if alert.last_digest_at is not None and now - alert.last_digest_at < PERIOD[alert.frequency]:
        return
    waiting = session.scalar(
        select(func.count()).where(AlertHit.saved_search_id == alert.id, AlertHit.digested_at.is_(None))
    )
    alert.last_digest_at = now
    if waiting:
        session.execute(
            update(AlertHit)
            .where(AlertHit.saved_search_id == alert.id, AlertHit.digested_at.is_(None))
            .values(digested_at=now)
        )
        notices.alert_digest(session, organisation_id=alert.organisation_id, count=int(waiting))
    session.flush()


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
