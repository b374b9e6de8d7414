"""Pipeline tables: interests, introductions, agreements, messages, saved searches and their hits."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import JSON, Date, ForeignKey, Index, Numeric, String, Text, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column

from kakehashi.store.base import Base, TimestampMixin, UTCDateTime


class Interest(TimestampMixin, Base):
    """An organisation asks to be introduced to the owner of a published opportunity."""

    __tablename__ = "interests"
    __table_args__ = (Index("ix_interests_created_at", "created_at"),)  # analytics by period

    id: Mapped[int] = mapped_column(primary_key=True)
    opportunity_id: Mapped[int] = mapped_column(
        ForeignKey("opportunities.id", ondelete="CASCADE"), index=True
    )
    owner_organisation_id: Mapped[int] = mapped_column(
        ForeignKey("organisations.id", ondelete="CASCADE"), index=True
    )
    from_organisation_id: Mapped[int] = mapped_column(
        ForeignKey("organisations.id", ondelete="CASCADE"), index=True
    )
    # The asking side's own opportunity when the interest comes from a match.
    from_opportunity_id: Mapped[int | None] = mapped_column(
        ForeignKey("opportunities.id", ondelete="SET NULL")
    )
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    note: Mapped[str] = mapped_column(Text, default="")
    # pending → accepted | declined | referred (the owner asked the agency) | withdrawn
    status: Mapped[str] = mapped_column(String(12), index=True)
    reason: Mapped[str | None] = mapped_column(Text)
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    version: Mapped[int] = mapped_column(server_default=text("1"))

    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012


class Introduction(TimestampMixin, Base):
    """Two organisations brought together: side A asked (or was proposed), side B owns the opportunity."""

    __tablename__ = "introductions"
    __table_args__ = (Index("ix_introductions_created_at", "created_at"),)  # analytics by period

    id: Mapped[int] = mapped_column(primary_key=True)
    interest_id: Mapped[int | None] = mapped_column(
        ForeignKey("interests.id", ondelete="SET NULL"), index=True
    )
    organisation_a_id: Mapped[int] = mapped_column(
        ForeignKey("organisations.id", ondelete="CASCADE"), index=True
    )
    organisation_b_id: Mapped[int] = mapped_column(
        ForeignKey("organisations.id", ondelete="CASCADE"), index=True
    )
    opportunity_a_id: Mapped[int | None] = mapped_column(ForeignKey("opportunities.id", ondelete="SET NULL"))
    opportunity_b_id: Mapped[int | None] = mapped_column(ForeignKey("opportunities.id", ondelete="SET NULL"))
    # A meeting of a B2B event (the events tables are not on this branch: no foreign key yet).
    event_meeting_id: Mapped[int | None] = mapped_column(index=True)
    origin: Mapped[str] = mapped_column(String(12))  # interest | match | event
    stage: Mapped[str] = mapped_column(String(12), index=True)
    consent_a_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    consent_b_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    disclosed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # The officers following each side (ICE the Italian side, JETRO the Japanese one; one may follow both).
    officer_a_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), index=True)
    officer_b_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), index=True)
    proposed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    notes: Mapped[str] = mapped_column(Text, default="")
    next_step: Mapped[str] = mapped_column(Text, default="")
    next_step_due: Mapped[date | None] = mapped_column(Date, index=True)
    met_on: Mapped[date | None] = mapped_column(Date)
    stage_changed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    closed_reason: Mapped[str | None] = mapped_column(Text)
    overdue_noticed_on: Mapped[date | None] = mapped_column(Date)
    version: Mapped[int] = mapped_column(server_default=text("1"))

    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012


class Agreement(TimestampMixin, Base):
    """The outcome of an introduction: a typed partnership agreement, with the money of an investment or
    a licence in EUR or JPY and the exchange rate of its day (JPY for one EUR), as entered by an officer."""

    __tablename__ = "agreements"

    id: Mapped[int] = mapped_column(primary_key=True)
    introduction_id: Mapped[int] = mapped_column(
        ForeignKey("introductions.id", ondelete="CASCADE"), index=True
    )
    category: Mapped[str] = mapped_column(String(12), index=True)
    subtype: Mapped[str] = mapped_column(String(32))
    signed_on: Mapped[date] = mapped_column(Date, index=True)
    description: Mapped[str] = mapped_column(Text, default="")
    sectors: Mapped[list[str]] = mapped_column(JSON, default=list)
    amount: Mapped[Decimal | None] = mapped_column(Numeric(20, 2))
    currency: Mapped[str | None] = mapped_column(String(3))
    jpy_per_eur: Mapped[Decimal | None] = mapped_column(Numeric(14, 6))
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    confirmed_a_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    confirmed_b_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    version: Mapped[int] = mapped_column(server_default=text("1"))

    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012


class IntroductionMessage(Base):
    """One message of an introduction's thread. Before disclosure a side writes to the agency only
    (``to_agency``): the other side never reads it."""

    __tablename__ = "introduction_messages"

    id: Mapped[int] = mapped_column(primary_key=True)
    introduction_id: Mapped[int] = mapped_column(
        ForeignKey("introductions.id", ondelete="CASCADE"), index=True
    )
    author_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    author_side: Mapped[str] = mapped_column(String(6))  # a | b | agency
    to_agency: Mapped[bool] = mapped_column(default=False)
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


class SavedSearch(TimestampMixin, Base):
    """An alert of an organisation: a search (text in any language and filters) or one of its own
    opportunities whose new matches it follows. The digest's rhythm (daily or weekly) is each member's
    notification preference (``kakehashi.notifications``)."""

    __tablename__ = "saved_searches"

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(
        ForeignKey("organisations.id", ondelete="CASCADE"), index=True
    )
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    query: Mapped[str] = mapped_column(String(200), default="")
    filters: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    follow_opportunity_id: Mapped[int | None] = mapped_column(
        ForeignKey("opportunities.id", ondelete="CASCADE")
    )
    last_run_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    version: Mapped[int] = mapped_column(server_default=text("1"))

    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012


class AlertHit(Base):
    """A counterpart an organisation was told about: never twice (one row per organisation and opportunity)."""

    __tablename__ = "alert_hits"
    __table_args__ = (UniqueConstraint("organisation_id", "opportunity_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id", ondelete="CASCADE"))
    saved_search_id: Mapped[int] = mapped_column(
        ForeignKey("saved_searches.id", ondelete="CASCADE"), index=True
    )
    opportunity_id: Mapped[int] = mapped_column(ForeignKey("opportunities.id", ondelete="CASCADE"))
    found_at: Mapped[datetime] = mapped_column(UTCDateTime())
