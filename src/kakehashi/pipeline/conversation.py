"""The thread of an introduction. Once identities are disclosed the two sides and the officers write
to each other; before that, a side's messages go to the agency only, which relays what may be said."""

from __future__ import annotations

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from kakehashi.accounts.models import User
from kakehashi.accounts.roles import Actor
from kakehashi.audit import service as audit
from kakehashi.audit.service import AuditKind
from kakehashi.pipeline import notices
from kakehashi.pipeline.introductions import readable
from kakehashi.pipeline.models import IntroductionMessage
from kakehashi.pipeline.schemas import MessageView
from kakehashi.pipeline.views import side_of
from kakehashi.pipeline.vocab import Side
from kakehashi.store.base import utcnow


def post(session: Session, actor: Actor, introduction_id: int, body: str) -> IntroductionMessage:
    intro = readable(session, actor, introduction_id)
    side = side_of(actor, intro)
    assert side is not None
    disclosed = intro.disclosed_at is not None
    to_agency = side != Side.AGENCY and not disclosed
    message = IntroductionMessage(
        introduction_id=intro.id,
        author_user_id=actor.user_id,
        author_side=side.value,
        to_agency=to_agency,
        body=body,
        created_at=utcnow(),
    )
    session.add(message)
    session.flush()
    audit.record(
        session,
        AuditKind.MESSAGE_SENT,
        actor_user_id=actor.user_id,
        target=f"introduction:{intro.id}",
        detail={"message_id": message.id, "side": side.value, "to_agency": to_agency},
    )
    if to_agency:
        readers: list[int] = []
    elif side == Side.AGENCY:
        readers = [intro.organisation_a_id, intro.organisation_b_id]
    else:
        readers = [intro.organisation_b_id if side == Side.A else intro.organisation_a_id]
    notices.message_posted(session, intro, organisations=readers, actor_user_id=actor.user_id)
    return message


def thread(session: Session, actor: Actor, introduction_id: int) -> list[MessageView]:
    """The messages the actor may read: all for the agencies; for a side, the officers', its own, and the
    other side's once disclosed (never the other side's messages to the agency)."""
    intro = readable(session, actor, introduction_id)
    side = side_of(actor, intro)
    query = select(IntroductionMessage).where(IntroductionMessage.introduction_id == intro.id)
    if side in (Side.A, Side.B):
        assert side is not None
        query = query.where(
            or_(
                IntroductionMessage.author_side.in_([side.value, Side.AGENCY.value]),
                IntroductionMessage.to_agency.is_(False),
            )
        )
    views = []
    for message in session.scalars(query.order_by(IntroductionMessage.id)):
        author = session.get(User, message.author_user_id) if message.author_user_id else None
        shows_name = (
            actor.is_staff
            or message.author_side in (Side.AGENCY.value, side)
            or intro.disclosed_at is not None
        )
        views.append(
            MessageView(
                id=message.id,
                author_side=message.author_side,
                author_name=author.display_name if author is not None and shows_name else None,
                to_agency=message.to_agency,
                body=message.body,
                created_at=message.created_at,
            )
        )
    return views
