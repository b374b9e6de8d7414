"""The pipeline's refusals, each a message id of the catalogues with its parameters."""

from __future__ import annotations

from kakehashi.errors import NotFound, StaleVersion


def interest_not_found(interest_id: int) -> NotFound:
    return NotFound("Expression of interest %(id)s does not exist.", params={"id": interest_id})


def introduction_not_found(introduction_id: int) -> NotFound:
    return NotFound("Introduction %(id)s does not exist.", params={"id": introduction_id})


def agreement_not_found(agreement_id: int) -> NotFound:
    return NotFound("Agreement %(id)s does not exist.", params={"id": agreement_id})


def stale(current: int, expected: int) -> StaleVersion:
    return StaleVersion(
        "The record was changed by someone else: it is at version %(current)s, not %(expected)s.",
        params={"current": current, "expected": expected},
    )


def moved_meanwhile() -> StaleVersion:
    return StaleVersion(
        "The record was changed by someone else meanwhile; nothing was written. Read it and try again."
    )
