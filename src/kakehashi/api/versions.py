"""Optimistic concurrency on the API: ``ETag`` on reads and writes, ``If-Match`` checked on writes.

A record's version is its ETag (``"7"``). ``If-Match`` is optional, for older clients: without it a write
still cannot silently undo a concurrent one inside the store (the UPDATE is conditional on the version
read), but a client that read the record earlier should send it. A stale ``If-Match`` is a 409 whose body
carries the record as it is now (``current``) and whose ``ETag`` is the current version.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Protocol, TypeVar

from fastapi import Depends, Header, Response
from sqlalchemy.orm import Session

from kakehashi.errors import FieldProblem, StaleVersion, ValidationFailed
from kakehashi.store import Database


class Versioned(Protocol):
    @property
    def version(self) -> int: ...


V = TypeVar("V", bound=Versioned)


def etag(version: int) -> str:
    return f'"{version}"'


def with_etag(response: Response, view: V) -> V:
    response.headers["ETag"] = etag(view.version)
    return view


def parse_if_match(value: str | None) -> int | None:
    """``"7"`` or ``W/"7"`` → 7; ``*`` or no header → None (no check)."""
    if value is None or value.strip() == "*":
        return None
    tag = value.strip().removeprefix("W/").strip('"')
    if not tag.isdigit() or len(tag) > 18:
        raise ValidationFailed(
            'The If-Match header must be an ETag of this API, as in "7".',
            problems=[FieldProblem("If-Match", "not an ETag given by this API")],
        )
    return int(tag)


def _if_match(
    if_match: Annotated[
        str | None,
        Header(
            alias="If-Match",
            max_length=100,
            description="The `ETag` read with the record; the write is refused (409) if it changed since.",
        ),
    ] = None,
) -> int | None:
    return parse_if_match(if_match)


IfMatchDep = Annotated[int | None, Depends(_if_match)]


def with_current_state(
    stale: StaleVersion, database: Database, read: Callable[[Session], Versioned]
) -> StaleVersion:
    """The stale-write error with the record as it is now, for the 409 body."""
    with database.session() as session:
        current = read(session)
    dump = getattr(current, "model_dump", None)
    stale.current = dump(mode="json") if dump is not None else None
    stale.current_version = current.version
    return stale
