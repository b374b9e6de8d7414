"""What the dashboard, the report job and the report command share: the filters read from a form or a
command line (checked, with errors naming the field), who may see which figures, and the tables."""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import replace
from datetime import date, timedelta
from typing import Final, get_args

from kakehashi.accounts.roles import Actor
from kakehashi.analytics.tables import Filters, Granularity, Table
from kakehashi.config import Settings
from kakehashi.errors import FieldProblem, ValidationFailed
from kakehashi.labels import AGENCIES, COUNTRIES, SECTORS, Choices
from kakehashi.limits import MAX_ID
from kakehashi.store import Database

GRANULARITIES: Final = get_args(Granularity)
QUARTER: Final = re.compile(r"^(\d{4})[-\s]?Q([1-4])$", re.IGNORECASE)
FIRST_YEAR: Final = 2000
LAST_YEAR: Final = 2100


def parse_filters(values: Mapping[str, str]) -> Filters:
    """Filters from a form's fields (``start``, ``end``, ``granularity``, ``sector``, ``country``,
    ``agency``, ``event``); empty fields are open. Every problem is reported at once."""
    problems: list[FieldProblem] = []
    start = _date(values, "start", problems)
    end = _date(values, "end", problems)
    if start and end and start > end:
        problems.append(FieldProblem("end", "The end must not come before the start."))
    granularity = (values.get("granularity") or "quarter").strip()
    if granularity not in GRANULARITIES:
        problems.append(FieldProblem("granularity", "Choose month, quarter or year."))
    sector = _code(values, "sector", SECTORS, "sector", problems)
    country = _code(values, "country", COUNTRIES, "country", problems)
    agency = _code(values, "agency", AGENCIES, "agency", problems)
    event_id = _event(values, problems)
    if problems:
        raise ValidationFailed("The filters are not valid.", problems=problems)
    return Filters(
        start=start,
        end=end,
        granularity=granularity,  # type: ignore[arg-type]
        sector=sector,
        country=country,
        agency=agency,
        event_id=event_id,
    )


def quarter_bounds(quarter: str) -> tuple[date, date]:
    """``2026Q3`` → (1 July 2026, 30 September 2026)."""
    found = QUARTER.match(quarter.strip())
    if found is None or not FIRST_YEAR <= int(found.group(1)) <= LAST_YEAR:
        raise ValidationFailed(
            "The quarter is not valid.",
            problems=[
                FieldProblem("quarter", "Write a quarter like %(example)s.", params={"example": "2026Q3"})
            ],
        )
    year, number = int(found.group(1)), int(found.group(2))
    start = date(year, 3 * number - 2, 1)
    following = date(year + 1, 1, 1) if number == 4 else date(year, 3 * number + 1, 1)
    return start, following - timedelta(days=1)


def previous_quarter(start: date) -> tuple[date, date]:
    end = start - timedelta(days=1)
    return date(end.year, end.month - 2, 1), end


def quarter_name(start: date) -> str:
    return f"{start.year}Q{(start.month - 1) // 3 + 1}"


def scoped(actor: Actor, filters: Filters) -> Filters:
    """Officers and administrators see every figure; a member only its own organisation's (the rule of
    :func:`kakehashi.analytics.service.visible_filters`)."""
    from kakehashi.analytics.service import visible_filters

    return visible_filters(actor, filters)


def kept_dashboard_tables(
    database: Database, settings: Settings, actor: Actor, filters: Filters
) -> tuple[Filters, dict[str, Table | None]]:
    """What the page shows at once: each table ``actor`` may see for ``filters`` that is kept at the
    store's data version, ``None`` for the others (each a section of its own request); nothing is
    computed. The filters are checked against the store as when
    computing them (an unknown event is a problem of the form's ``event`` field)."""
    from kakehashi.analytics import service

    with database.session() as session, _on_the_form():
        shown = service.visible_filters(actor, filters)
        return shown, service.kept_tables(session, actor, filters, cache=service.cache_for(settings))


@contextmanager
def _on_the_form() -> Iterator[None]:
    """An unknown event is a problem of the form's ``event`` field (the store's check names
    ``event_id``)."""
    try:
        yield
    except ValidationFailed as invalid:
        invalid.problems = [
            replace(problem, field="event") if problem.field == "event_id" else problem
            for problem in invalid.problems
        ]
        raise


def dashboard_table(
    database: Database, settings: Settings, actor: Actor, filters: Filters, key: str
) -> Table:
    """Only the table ``key`` that ``actor`` may see for ``filters`` (a chart's image, an export): one
    table computed, or kept from an earlier request while the store has not changed."""
    from kakehashi.analytics import service

    with database.session() as session, _on_the_form():
        return service.table(session, actor, filters, key, cache=service.cache_for(settings))


def indicator_tables(database: Database, filters: Filters) -> tuple[Table, ...]:
    """The indicator tables for filters already scoped (the report job, the command)."""
    from kakehashi.analytics import indicators

    with database.session() as session:
        return tuple(indicators.compute(session, filters).tables())


def _date(values: Mapping[str, str], name: str, problems: list[FieldProblem]) -> date | None:
    text = (values.get(name) or "").strip()
    if not text:
        return None
    try:
        found = date.fromisoformat(text)
    except ValueError:
        problems.append(FieldProblem(name, "Write a date as YYYY-MM-DD."))
        return None
    if not FIRST_YEAR <= found.year <= LAST_YEAR:
        problems.append(
            FieldProblem(name, "Between %(min)s and %(max)s.", params={"min": FIRST_YEAR, "max": LAST_YEAR})
        )
        return None
    return found


def _code(
    values: Mapping[str, str],
    name: str,
    allowed: Mapping[str, str],
    vocabulary: str,
    problems: list[FieldProblem],
) -> str | None:
    text = (values.get(name) or "").strip()
    if not text:
        return None
    if text not in allowed:
        problems.append(_choose(name, vocabulary, tuple(allowed)))
        return None
    return text


def _choose(name: str, vocabulary: str | None, allowed: tuple[str, ...]) -> FieldProblem:
    return FieldProblem(name, "Choose one of: %(allowed)s.", params={"allowed": Choices(vocabulary, allowed)})


def _event(values: Mapping[str, str], problems: list[FieldProblem]) -> int | None:
    text = (values.get("event") or "").strip()
    if not text:
        return None
    if not text.isdigit() or not 1 <= int(text) <= MAX_ID:
        problems.append(FieldProblem("event", "Choose an event from the list."))
        return None
    return int(text)
