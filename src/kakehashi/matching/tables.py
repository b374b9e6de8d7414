"""Matching tables: one stored vector per opportunity and model, and the readers' feedback on matches."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, LargeBinary, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from kakehashi.store.base import Base, UTCDateTime, utcnow


class OpportunityVector(Base):
    """The embedding of an opportunity's text by one model (never mixed: the model id is part of the key)."""

    __tablename__ = "opportunity_vectors"

    opportunity_id: Mapped[int] = mapped_column(
        ForeignKey("opportunities.id", ondelete="CASCADE"), primary_key=True
    )
    model_id: Mapped[str] = mapped_column(String(120), primary_key=True)
    dim: Mapped[int] = mapped_column()
    vector: Mapped[bytes] = mapped_column(LargeBinary)  # float32, little-endian, L2-normalised
    text_hash: Mapped[str] = mapped_column(String(64))  # of the embedded text: a change means re-embed
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class MatchFeedback(Base):
    """A reader's verdict on one suggested pair: shortlisted or dismissed."""

    __tablename__ = "match_feedback"
    __table_args__ = (UniqueConstraint("owner_key", "source_id", "target_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    # Whose feedback: "org:<id>" for an organisation's members, "user:<id>" for agency staff.
    owner_key: Mapped[str] = mapped_column(String(40), index=True)
    source_id: Mapped[int] = mapped_column(ForeignKey("opportunities.id", ondelete="CASCADE"))
    target_id: Mapped[int] = mapped_column(ForeignKey("opportunities.id", ondelete="CASCADE"))
    verdict: Mapped[str] = mapped_column(String(12))  # "shortlisted" | "dismissed"
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
