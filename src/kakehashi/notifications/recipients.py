"""Who receives a notice, and in which language and zone each recipient reads it."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Final

from sqlalchemy import ColumnElement, or_, select
from sqlalchemy.orm import Session

from kakehashi.accounts.models import Agency, User
from kakehashi.formatting import ZONE_OF_COUNTRY
from kakehashi.profiles.models import Organisation

LANGUAGE_OF_COUNTRY: Final = {"IT": "it", "JP": "ja"}
DEFAULT_LANGUAGE: Final = "en"
DEFAULT_ZONE: Final = "UTC"


def resolve_recipients(
    session: Session,
    *,
    users: Iterable[int] = (),
    organisations: Iterable[int] = (),
    agencies: Iterable[str] = (),
    exclude_user: int | None = None,
) -> list[int]:
    """Ids of the active users named, the active members of ``organisations`` and the active officers of
    ``agencies`` (by code), each once, in id order, without ``exclude_user``."""
    user_ids, organisation_ids, agency_codes = set(users), set(organisations), set(agencies)
    conditions: list[ColumnElement[bool]] = []
    if user_ids:
        conditions.append(User.id.in_(user_ids))
    if organisation_ids:
        conditions.append(User.organisation_id.in_(organisation_ids) & (User.role == "member"))
    if agency_codes:
        officers = select(Agency.id).where(Agency.code.in_(agency_codes))
        conditions.append(User.agency_id.in_(officers) & (User.role == "officer"))
    if not conditions:
        return []
    query = select(User.id).where(or_(*conditions), User.is_active.is_(True)).order_by(User.id)
    return [user_id for user_id in session.scalars(query) if user_id != exclude_user]


def country_of(session: Session, user: User) -> str | None:
    if user.organisation_id is not None:
        return session.scalar(select(Organisation.country).where(Organisation.id == user.organisation_id))
    if user.agency is not None:
        return user.agency.country
    return None


def user_language(session: Session, user: User) -> str:
    """The recipient's interface language: its own choice, else its organisation's (or agency's) country
    language, else English."""
    if user.locale in {"it", "ja", "en"}:
        return user.locale
    return LANGUAGE_OF_COUNTRY.get(country_of(session, user) or "", DEFAULT_LANGUAGE)


def user_zone(session: Session, user: User) -> str:
    """The recipient's IANA zone: its own choice, else its organisation's (or agency's) country zone."""
    if user.time_zone:
        return user.time_zone
    return ZONE_OF_COUNTRY.get(country_of(session, user) or "", DEFAULT_ZONE)
