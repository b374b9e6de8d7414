"""What an opportunity's organisation is told when an agency officer reviews it (through ``notify``)."""

from __future__ import annotations

from typing import Final

from sqlalchemy.orm import Session

from kakehashi.accounts.roles import Actor
from kakehashi.errors import N_
from kakehashi.notifications import notify
from kakehashi.profiles.lifecycle import Action
from kakehashi.profiles.models import Opportunity

PUBLISHED: Final = N_("Your opportunity “%(title)s” has been published.")
SENT_BACK: Final = N_("Your opportunity “%(title)s” has been sent back for changes.")
SENT_BACK_WITH_NOTE: Final = N_("Your opportunity “%(title)s” has been sent back for changes: %(note)s")
TITLE_MAX: Final = 120


def tell_owner_of_review(session: Session, actor: Actor, opportunity: Opportunity, action: Action) -> None:
    """A publication or a send-back by a person (not an import or the demo) is notified to the members of
    the opportunity's organisation, the acting person excepted."""
    if actor.user_id is None or action not in (Action.PUBLISH, Action.SEND_BACK):
        return
    title = (
        opportunity.title if len(opportunity.title) <= TITLE_MAX else opportunity.title[: TITLE_MAX - 1] + "…"
    )
    params: dict[str, str] = {"title": title}
    if action == Action.PUBLISH:
        message = PUBLISHED
    elif opportunity.review_note:
        message, params["note"] = SENT_BACK_WITH_NOTE, opportunity.review_note
    else:
        message = SENT_BACK
    notify(
        session,
        kind=f"opportunity.{action.value}",
        message=message,
        params=params,
        link=f"/opportunities/{opportunity.id}",
        organisations=[opportunity.organisation_id],
        exclude_user=actor.user_id,
    )
