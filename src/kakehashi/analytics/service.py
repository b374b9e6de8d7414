"""Who sees which figures, and the filters checked against the store: what the API, the pages, the CLI
and the report call. Agency officers and admins see everything; an organisation's members only the
figures about their own organisation; visitors nothing."""

from __future__ import annotations

from dataclasses import replace
from enum import StrEnum

from sqlalchemy import select
from sqlalchemy.orm import Session

from kakehashi.accounts.roles import Actor, Role
from kakehashi.analytics.cache import IndicatorCache
from kakehashi.analytics.indicators import MAKERS, TABLE_KEYS, Indicators, compute, compute_table, groups_read
from kakehashi.analytics.scope import resolve
from kakehashi.analytics.tables import Filters, Table
from kakehashi.config import Settings
from kakehashi.errors import AuthenticationRequired, FieldProblem, PermissionDenied, ValidationFailed
from kakehashi.events.models import Event
from kakehashi.profiles.models import Organisation
from kakehashi.store.data_version import read_versions


class AgencyCode(StrEnum):
    ICE = "ICE"
    JETRO = "JETRO"


def visible_filters(actor: Actor, filters: Filters) -> Filters:
    """``filters`` as ``actor`` may use them: a member's are always scoped to its organisation."""
    if actor.is_staff:  # the CLI's operator acts as the system (an admin without an account)
        return filters
    if not actor.is_signed_in:
        raise AuthenticationRequired("Sign in to see the cooperation figures.")
    if actor.role != Role.MEMBER or actor.organisation_id is None:
        raise PermissionDenied("The cooperation figures are for agency officers and organisations' members.")
    if filters.organisation_id not in (None, actor.organisation_id):
        raise PermissionDenied("An organisation sees only its own figures.")
    return replace(filters, organisation_id=actor.organisation_id)


def check_filters(session: Session, filters: Filters) -> None:
    """The period is in order and the event and organisation exist (422 naming the field)."""
    problems: list[FieldProblem] = []
    if filters.start is not None and filters.end is not None and filters.end < filters.start:
        problems.append(FieldProblem("end", "The end of the period comes before its start."))
    if filters.event_id is not None and session.get(Event, filters.event_id) is None:
        problems.append(
            FieldProblem("event_id", "There is no event %(id)s.", params={"id": filters.event_id})
        )
    if filters.organisation_id is not None and (
        session.scalar(select(Organisation.id).where(Organisation.id == filters.organisation_id)) is None
    ):
        problems.append(
            FieldProblem(
                "organisation_id", "There is no organisation %(id)s.", params={"id": filters.organisation_id}
            )
        )
    if problems:
        raise ValidationFailed("The filters of the figures are not valid.", problems=problems)


def indicators(
    session: Session, actor: Actor, filters: Filters, *, cache: IndicatorCache | None = None
) -> Indicators:
    """Every indicator ``actor`` may see for ``filters``: from ``cache`` the tables whose groups of source
    tables have not changed since they were computed, the others computed now."""
    scoped = visible_filters(actor, filters)
    check_filters(session, scoped)
    if cache is None:
        return compute(session, scoped)
    store, versions = _store(session), read_versions(session)  # first: never newer than the figures
    kept = {key: cache.get_table(store, scoped, _version(versions, key), key) for key in TABLE_KEYS}
    if all(table is not None for table in kept.values()):
        return Indicators(**kept)  # type: ignore[arg-type]
    if cache.known(store, scoped) >= set(TABLE_KEYS):  # some changed: only those again
        scope = resolve(session, scoped)
        found = Indicators(**{k: t if t is not None else MAKERS[k](session, scope) for k, t in kept.items()})
    else:
        found = compute(session, scoped)
    for table_ in found.tables():
        cache.put_table(store, scoped, _version(versions, table_.key), table_)
    return found


def table(
    session: Session, actor: Actor, filters: Filters, key: str, *, cache: IndicatorCache | None = None
) -> Table:
    """Only the table ``key`` that ``actor`` may see (one table computed, or kept in ``cache``)."""
    scoped = visible_filters(actor, filters)
    check_filters(session, scoped)
    if cache is None:
        return compute_table(session, scoped, key)
    store, versions = _store(session), read_versions(session)
    found = cache.get_table(store, scoped, _version(versions, key), key)
    if found is None:
        found = compute_table(session, scoped, key)
        cache.put_table(store, scoped, _version(versions, key), found)
    return found


def kept_tables(
    session: Session, actor: Actor, filters: Filters, *, cache: IndicatorCache | None = None
) -> dict[str, Table | None]:
    """Every table ``actor`` may see for ``filters`` that is kept at the store's data version (``None``
    for the others): nothing is computed. The filters are checked as for :func:`indicators`, so a page
    showing only kept figures refuses what a page computing them would."""
    scoped = visible_filters(actor, filters)
    check_filters(session, scoped)
    if cache is None:
        return dict.fromkeys(TABLE_KEYS)
    store, versions = _store(session), read_versions(session)
    return {key: cache.get_table(store, scoped, _version(versions, key), key) for key in TABLE_KEYS}


def _version(versions: dict[int, int], key: str) -> tuple[int, ...]:
    """The data version of what the table ``key`` reads (no version rows: never kept)."""
    return tuple(versions.get(group, -1) for group in groups_read(key))


def _store(session: Session) -> str:
    return str(session.get_bind().engine.url)


_caches: dict[int, IndicatorCache] = {}


def cache_for(settings: Settings) -> IndicatorCache | None:
    """The process's cache for ``settings.analytics_cache_s`` (None when it is 0)."""
    if settings.analytics_cache_s <= 0:
        return None
    return _caches.setdefault(
        settings.analytics_cache_s, IndicatorCache(max_age_s=settings.analytics_cache_s)
    )


def forget_figures() -> None:
    """Empty every kept figure of this process (tests: a store emptied between them starts its data
    version again)."""
    for cache in _caches.values():
        cache.clear()
