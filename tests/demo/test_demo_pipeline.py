"""The demo's pipeline: every stage (one idle), a disclosed conversation, agreements of each type,
investments in EUR and JPY, loaded once."""

from __future__ import annotations

from sqlalchemy import func, select

from kakehashi.demo.loader import load_demo
from kakehashi.pipeline.models import Agreement, Interest, Introduction, IntroductionMessage
from kakehashi.pipeline.views import is_idle
from kakehashi.pipeline.vocab import Stage
from kakehashi.store import Database
from kakehashi.store.base import utcnow


def test_the_demo_shows_the_whole_pipeline_once(empty_database: Database) -> None:
    load_demo(empty_database)
    with empty_database.session() as session:
        intros = list(session.scalars(select(Introduction)))
        agreements = list(session.scalars(select(Agreement)))
        disclosed_with_messages = session.scalar(
            select(func.count(func.distinct(IntroductionMessage.introduction_id)))
            .join(Introduction, Introduction.id == IntroductionMessage.introduction_id)
            .where(Introduction.disclosed_at.is_not(None), IntroductionMessage.to_agency.is_(False))
        )
        interests = session.scalar(select(func.count()).select_from(Interest))
    assert {i.stage for i in intros} == {s.value for s in Stage}
    assert sum(is_idle(i, today=utcnow().date()) for i in intros) == 1
    assert disclosed_with_messages == 1
    assert {a.category for a in agreements} == {"business", "technology", "research", "investment"}
    assert {a.currency for a in agreements if a.category == "investment"} == {"EUR", "JPY"}
    assert all(a.jpy_per_eur is not None for a in agreements if a.amount is not None)
    load_demo(empty_database)
    with empty_database.session() as session:
        assert session.scalar(select(func.count()).select_from(Interest)) == interests
