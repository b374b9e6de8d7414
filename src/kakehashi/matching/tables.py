"""Matching tables: one stored vector per opportunity and model (with what explanations need), the
stored matches of every published opportunity, the index generation, and the readers' feedback."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Float, ForeignKey, Index, LargeBinary, String, UniqueConstraint, text
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
    # Explanation material, computed with the vector (see kakehashi.matching.explain.ExplainMaterial):
    # key terms and sentences of the text, and their embeddings (float32 rows, same layout as ``vector``).
    terms: Mapped[list[str] | None] = mapped_column(JSON, default=None)
    term_vectors: Mapped[bytes | None] = mapped_column(LargeBinary, default=None)
    sentences: Mapped[list[str] | None] = mapped_column(JSON, default=None)
    sentence_vectors: Mapped[bytes | None] = mapped_column(LargeBinary, default=None)
    # The opportunity version (its ``updated_at``) whose matches are stored: differs while they are due.
    matched_version: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=None)


class OpportunityMatch(Base):
    """One stored match: ``target_id`` at ``rank`` in the list of ``source_id``, by one model, without any
    reader's feedback (applied when read), with its language-neutral explanation."""

    __tablename__ = "opportunity_matches"
    __table_args__ = (Index("ix_opportunity_matches_target", "model_id", "target_id"),)

    model_id: Mapped[str] = mapped_column(String(120), primary_key=True)
    source_id: Mapped[int] = mapped_column(
        ForeignKey("opportunities.id", ondelete="CASCADE"), primary_key=True
    )
    rank: Mapped[int] = mapped_column(primary_key=True)  # 0 = best
    target_id: Mapped[int] = mapped_column(ForeignKey("opportunities.id", ondelete="CASCADE"))
    score: Mapped[float] = mapped_column(Float)
    components: Mapped[dict[str, float]] = mapped_column(JSON)
    explanation: Mapped[dict[str, Any] | None] = mapped_column(JSON, default=None)
    computed_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class MatchingGeneration(Base):
    """A counter per model, raised after every indexing run that changed something: the cheap marker by
    which every server process knows that its in-memory search engine must reload."""

    __tablename__ = "matching_generations"

    model_id: Mapped[str] = mapped_column(String(120), primary_key=True)
    generation: Mapped[int] = mapped_column(default=0)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class MatchFeedback(Base):
    """A reader's verdict on one suggested pair: shortlisted or dismissed."""

    __tablename__ = "match_feedback"
    __table_args__ = (
        UniqueConstraint("owner_key", "source_id", "target_id"),
        # The verdicts by opportunity (cooperation figures; an opportunity's delete cascades through it).
        # Without it, SQLite with no statistics joined every row of a sector to a scan of this table (the
        # month + sector dashboard took over 20 s on 100k opportunities).
        Index("ix_match_feedback_verdict_source", "verdict", "source_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # Whose feedback: "org:<id>" for an organisation's members, "user:<id>" for agency staff.
    owner_key: Mapped[str] = mapped_column(String(40), index=True)
    source_id: Mapped[int] = mapped_column(ForeignKey("opportunities.id", ondelete="CASCADE"))
    target_id: Mapped[int] = mapped_column(ForeignKey("opportunities.id", ondelete="CASCADE"))
    # "shortlisted" | "dismissed" | "" (cleared: the row stays, so that its version keeps counting and a
    # client holding an old ETag cannot clear-and-recreate its way past a newer verdict)
    verdict: Mapped[str] = mapped_column(String(12))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    # Optimistic concurrency: every UPDATE says "WHERE version = <the one read>" and bumps it.
    version: Mapped[int] = mapped_column(server_default=text("1"))

    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012
