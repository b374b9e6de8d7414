"""Factories for tests: real rows through the real services, with sensible defaults."""

from __future__ import annotations

import itertools
from typing import Any

from sqlalchemy.orm import Session

from kakehashi.accounts.models import User
from kakehashi.accounts.roles import Actor, Role
from kakehashi.accounts.service import SYSTEM, actor_for, create_user, ensure_agencies
from kakehashi.profiles import service
from kakehashi.profiles.lifecycle import Action
from kakehashi.profiles.models import Opportunity, Organisation
from kakehashi.profiles.schemas import OpportunityInput, OrganisationInput

_counter = itertools.count(1)
PASSWORD = "correct horse battery"


def make_organisation(session: Session, **overrides: Any) -> Organisation:
    n = next(_counter)
    data: dict[str, Any] = {
        "name": f"Organisation {n}",
        "country": "IT",
        "kind": "company",
        "sectors": ["semiconductors"],
        "description": "A test organisation.",
        "description_language": "en",
    }
    data.update(overrides)
    return service.create_organisation(session, SYSTEM, OrganisationInput.model_validate(data))


def make_opportunity(
    session: Session, organisation: Organisation, *, status: str = "published", **overrides: Any
) -> Opportunity:
    n = next(_counter)
    data: dict[str, Any] = {
        "type": "technology_offer",
        "language": "en",
        "title": f"Silicon carbide wafers, offer {n}",
        "description": "We offer 200 mm silicon carbide wafers for power electronics, low defect density.",
        "sectors": ["semiconductors"],
        "keywords": ["SiC", "wafer"],
        "trl": 7,
    }
    data.update(overrides)
    opp = service.create_opportunity(session, SYSTEM, organisation.id, OpportunityInput.model_validate(data))
    path = {
        "draft": [],
        "in_review": [Action.SUBMIT],
        "published": [Action.SUBMIT, Action.PUBLISH],
        "expired": [Action.SUBMIT, Action.PUBLISH, Action.EXPIRE],
        "withdrawn": [Action.WITHDRAW],
    }[status]
    for action in path:
        service.transition(session, SYSTEM, opp.id, action)
    return opp


def make_user(
    session: Session,
    *,
    role: Role = Role.MEMBER,
    organisation: Organisation | None = None,
    agency: str | None = None,
    email: str | None = None,
    password: str = PASSWORD,
) -> User:
    n = next(_counter)
    ensure_agencies(session)
    if role == Role.OFFICER and agency is None:
        agency = "ICE"
    return create_user(
        session,
        SYSTEM,
        email=email or f"user{n}@example.org",
        password=password,
        display_name=f"User {n}",
        role=role,
        organisation_id=organisation.id if organisation is not None else None,
        agency_code=agency,
    )


def actor(user: User) -> Actor:
    return actor_for(user)
