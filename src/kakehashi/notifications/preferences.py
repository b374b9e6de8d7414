"""Each user's notification choices: e-mail on or off per kind family, the digest rhythm, the time zone.

No row means the defaults (everything e-mailed, a daily digest, the zone of the organisation's country)
at version 0; the account form writes them with its version, so that a stale form changes nothing.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Final
from zoneinfo import available_timezones

from sqlalchemy import update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from kakehashi.accounts.models import User
from kakehashi.errors import N_, FieldProblem, NotFound, StaleVersion, ValidationFailed
from kakehashi.notifications.models import DIGEST_DAILY, DIGEST_WEEKLY, NoticePreferences
from kakehashi.notifications.recipients import user_zone

# Kind families a user can turn e-mail off for (the first dotted part of a notice's kind). A kind of
# another family is always e-mailed: add its family here, with its label, when a feature adds one.
FAMILIES: Final[Mapping[str, str]] = {
    "opportunity": N_("Review of my opportunities"),
    "event": N_("Events and meetings"),
    "interest": N_("Expressions of interest"),
    "intro": N_("Introductions and agreements"),
    "message": N_("Messages"),
    "alert": N_("Saved-search alerts"),
}
DIGESTS: Final[Mapping[str, str]] = {DIGEST_DAILY: N_("Daily"), DIGEST_WEEKLY: N_("Weekly")}


@dataclass(frozen=True, slots=True)
class Preferences:
    email_off: frozenset[str]
    digest: str
    last_digest_at: datetime | None
    version: int


DEFAULTS: Final = Preferences(email_off=frozenset(), digest=DIGEST_DAILY, last_digest_at=None, version=0)


def preferences_of(session: Session, user_id: int) -> Preferences:
    row = session.get(NoticePreferences, user_id)
    if row is None:
        return DEFAULTS
    return Preferences(
        email_off=frozenset(row.email_off or ()),
        digest=row.digest,
        last_digest_at=row.last_digest_at,
        version=row.version,
    )


@dataclass(frozen=True, slots=True)
class AccountNotifications:
    """What the account page shows: the stored choice of zone (None: from the country), the zone in use,
    and the e-mail preferences."""

    time_zone: str | None
    zone_in_use: str
    preferences: Preferences


def account_notifications(session: Session, user_id: int) -> AccountNotifications:
    user = session.get(User, user_id)
    if user is None:
        raise NotFound("User %(id)s does not exist.", params={"id": user_id})
    return AccountNotifications(
        time_zone=user.time_zone,
        zone_in_use=user_zone(session, user),
        preferences=preferences_of(session, user_id),
    )


@functools.cache
def time_zones() -> tuple[str, ...]:
    """The zones offered on the account page: the IANA regions' zones, and UTC."""
    regions = ("Africa/", "America/", "Antarctica/", "Asia/", "Atlantic/", "Australia/", "Europe/")
    named = (zone for zone in available_timezones() if zone.startswith((*regions, "Indian/", "Pacific/")))
    return ("UTC", *sorted(named))


def valid_time_zone(name: str) -> bool:
    return name in time_zones()


def _problems(time_zone: str | None, email_off: set[str], digest: str) -> list[FieldProblem]:
    problems = []
    if time_zone is not None and not valid_time_zone(time_zone):
        problems.append(FieldProblem("time_zone", "Choose a time zone from the list."))
    if not email_off <= set(FAMILIES):
        problems.append(FieldProblem("email_off", "Choose notification kinds from the list."))
    if digest not in DIGESTS:
        problems.append(FieldProblem("digest", "Choose daily or weekly."))
    return problems


def update_preferences(
    session: Session,
    user_id: int,
    *,
    time_zone: str | None,
    email_off: Iterable[str],
    digest: str,
    expected_version: int,
) -> Preferences:
    """Store the user's zone (None: from its country) and e-mail choices, if nobody changed them since
    ``expected_version`` was read (else :class:`StaleVersion`, nothing written)."""
    off = set(email_off)
    problems = _problems(time_zone, off, digest)
    if problems:
        raise ValidationFailed("The notification settings are not valid.", problems=problems)
    values = {"email_off": sorted(off), "digest": digest}
    if expected_version == 0 and session.get(NoticePreferences, user_id) is None:
        _insert(session, user_id, values)
    else:  # a row the digest wrote (last digest time) is still at version 0
        changed = session.execute(
            update(NoticePreferences)
            .where(NoticePreferences.user_id == user_id, NoticePreferences.version == expected_version)
            .values(**values, version=NoticePreferences.version + 1)
            .execution_options(synchronize_session=False)
        )
        if not changed.rowcount:  # type: ignore[attr-defined]
            raise _stale(session, user_id, expected_version)
    session.execute(update(User).where(User.id == user_id).values(time_zone=time_zone))
    session.expire_all()
    return preferences_of(session, user_id)


def _insert(session: Session, user_id: int, values: Mapping[str, object]) -> None:
    session.add(NoticePreferences(user_id=user_id, version=1, **values))
    try:
        session.flush()
    except IntegrityError:  # a concurrent first save won; the caller's transaction rolls back
        raise StaleVersion(
            "The record was changed by someone else meanwhile; nothing was written. Read it and try again."
        ) from None


def _stale(session: Session, user_id: int, expected: int) -> StaleVersion:
    session.expire_all()
    current = preferences_of(session, user_id).version
    error = StaleVersion(
        "The record was changed by someone else: it is at version %(current)s, not %(expected)s.",
        params={"current": current, "expected": expected},
    )
    error.current_version = current
    return error
