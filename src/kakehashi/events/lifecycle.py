"""The event lifecycle: draft → registration → booking → scheduled → published → held → closed.

Only officers of an organising agency (and admins) move an event; each move is one conditional UPDATE
(:func:`kakehashi.events.service.transition`).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from kakehashi.events.vocab import EventStatus as S


class EventAction(StrEnum):
    OPEN_REGISTRATION = "open_registration"
    OPEN_BOOKING = "open_booking"
    REOPEN_BOOKING = "reopen_booking"
    MARK_SCHEDULED = "mark_scheduled"
    PUBLISH = "publish"
    MARK_HELD = "mark_held"
    CLOSE = "close"


@dataclass(frozen=True, slots=True)
class Rule:
    sources: frozenset[S]
    target: S


RULES: dict[EventAction, Rule] = {
    EventAction.OPEN_REGISTRATION: Rule(frozenset({S.DRAFT}), S.REGISTRATION),
    EventAction.OPEN_BOOKING: Rule(frozenset({S.REGISTRATION}), S.BOOKING),
    EventAction.REOPEN_BOOKING: Rule(frozenset({S.SCHEDULED}), S.BOOKING),
    EventAction.MARK_SCHEDULED: Rule(frozenset({S.BOOKING}), S.SCHEDULED),
    EventAction.PUBLISH: Rule(frozenset({S.SCHEDULED}), S.PUBLISHED),
    EventAction.MARK_HELD: Rule(frozenset({S.PUBLISHED}), S.HELD),
    EventAction.CLOSE: Rule(frozenset(set(S) - {S.CLOSED}), S.CLOSED),
}

# The grid (days, sessions, slot length) is fixed once requests are taken: slots are referred to by index.
GRID_EDITABLE = frozenset({S.DRAFT, S.REGISTRATION})
# Tables, windows, caps and rules until the agenda is scheduled.
SETTINGS_EDITABLE = frozenset({S.DRAFT, S.REGISTRATION, S.BOOKING})
# Organisations register (within the registration window) while these last.
REGISTERING = frozenset({S.REGISTRATION, S.BOOKING})
# Participants may change their registration (representatives, availability) until the agenda is made.
REGISTRATION_EDITABLE = frozenset({S.REGISTRATION, S.BOOKING})


def allowed_actions(status: S) -> list[EventAction]:
    return [action for action, rule in RULES.items() if status in rule.sources]
