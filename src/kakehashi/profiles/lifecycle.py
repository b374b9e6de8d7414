"""The opportunity lifecycle: draft → in review → published → expired | withdrawn, and who may move it."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from kakehashi.profiles.vocab import Status


class Action(StrEnum):
    SUBMIT = "submit"
    PUBLISH = "publish"
    SEND_BACK = "send_back"
    EXPIRE = "expire"
    WITHDRAW = "withdraw"


@dataclass(frozen=True, slots=True)
class Rule:
    sources: frozenset[Status]
    target: Status
    owner_may: bool  # a member of the owning organisation may do it
    staff_may: bool  # an agency officer or admin may do it


RULES: dict[Action, Rule] = {
    Action.SUBMIT: Rule(frozenset({Status.DRAFT}), Status.IN_REVIEW, owner_may=True, staff_may=True),
    Action.PUBLISH: Rule(frozenset({Status.IN_REVIEW}), Status.PUBLISHED, owner_may=False, staff_may=True),
    Action.SEND_BACK: Rule(frozenset({Status.IN_REVIEW}), Status.DRAFT, owner_may=False, staff_may=True),
    Action.EXPIRE: Rule(frozenset({Status.PUBLISHED}), Status.EXPIRED, owner_may=False, staff_may=True),
    Action.WITHDRAW: Rule(
        frozenset({Status.DRAFT, Status.IN_REVIEW, Status.PUBLISHED}),
        Status.WITHDRAWN,
        owner_may=True,
        staff_may=True,
    ),
}

# Owners edit their text only while it is a draft; the agencies may correct it until it is published.
EDITABLE_BY_OWNER = frozenset({Status.DRAFT})
EDITABLE_BY_STAFF = frozenset({Status.DRAFT, Status.IN_REVIEW, Status.PUBLISHED})
# Statuses that anyone may read; the rest only the owning organisation and the agencies.
PUBLIC_STATUSES = frozenset({Status.PUBLISHED})


def allowed_actions(status: Status, *, is_owner: bool, is_staff: bool) -> list[Action]:
    return [
        action
        for action, rule in RULES.items()
        if status in rule.sources and ((is_owner and rule.owner_may) or (is_staff and rule.staff_may))
    ]
