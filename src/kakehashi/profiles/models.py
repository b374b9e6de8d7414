"""Profiles tables: organisations, opportunities, their sectors and translations."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime

from sqlalchemy import JSON, Date, ForeignKey, Index, String, Text, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from kakehashi.profiles.vocab import Sector
from kakehashi.store.base import Base, TimestampMixin, UTCDateTime

_SECTOR_RANK = {sector.value: rank for rank, sector in enumerate(Sector)}


def in_vocabulary_order(sectors: Iterable[str]) -> list[str]:
    """The vocabulary's order, as the inputs sort them: a record reads the same just written or reloaded."""
    return sorted(sectors, key=lambda sector: _SECTOR_RANK.get(sector, len(_SECTOR_RANK)))


class Organisation(TimestampMixin, Base):
    __tablename__ = "organisations"

    id: Mapped[int] = mapped_column(primary_key=True)
    external_id: Mapped[str | None] = mapped_column(String(200), unique=True)
    name: Mapped[str] = mapped_column(String(300), index=True)
    name_ja: Mapped[str | None] = mapped_column(String(300))
    name_en: Mapped[str | None] = mapped_column(String(300))
    country: Mapped[str] = mapped_column(String(2), index=True)
    kind: Mapped[str] = mapped_column(String(20))
    size: Mapped[str | None] = mapped_column(String(10))
    employees: Mapped[int | None] = mapped_column()
    city: Mapped[str | None] = mapped_column(String(200))
    website: Mapped[str | None] = mapped_column(String(500))
    description: Mapped[str] = mapped_column(Text, default="")
    description_language: Mapped[str] = mapped_column(String(2))
    ateco_code: Mapped[str | None] = mapped_column(String(10))
    jsic_code: Mapped[str | None] = mapped_column(String(10))
    industry: Mapped[str | None] = mapped_column(String(200))
    # "wikipedia" for the imported real companies (their pages show the attribution); None for own entries.
    source: Mapped[str | None] = mapped_column(String(40))
    illustrative: Mapped[bool] = mapped_column(default=False)
    # Optimistic concurrency: every UPDATE says "WHERE version = <the one read>" and bumps it.
    version: Mapped[int] = mapped_column(server_default=text("1"))

    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012

    sector_rows: Mapped[list[OrganisationSector]] = relationship(
        cascade="all, delete-orphan", lazy="selectin", order_by="OrganisationSector.sector"
    )

    @property
    def sectors(self) -> list[str]:
        return in_vocabulary_order(row.sector for row in self.sector_rows)


class OrganisationSector(Base):
    __tablename__ = "organisation_sectors"

    organisation_id: Mapped[int] = mapped_column(
        ForeignKey("organisations.id", ondelete="CASCADE"), primary_key=True
    )
    sector: Mapped[str] = mapped_column(String(20), primary_key=True, index=True)


class Opportunity(TimestampMixin, Base):
    __tablename__ = "opportunities"
    # The catalogue's analytics (counts by owner's country, type and publication period) read only this.
    __table_args__ = (Index("ix_opportunities_analytics", "organisation_id", "type", "published_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    external_id: Mapped[str | None] = mapped_column(String(200), unique=True)
    organisation_id: Mapped[int] = mapped_column(
        ForeignKey("organisations.id", ondelete="CASCADE"), index=True
    )
    type: Mapped[str] = mapped_column(String(24), index=True)
    language: Mapped[str] = mapped_column(String(2), index=True)
    title: Mapped[str] = mapped_column(String(300))
    description: Mapped[str] = mapped_column(Text)
    keywords: Mapped[list[str]] = mapped_column(JSON, default=list)
    trl: Mapped[int | None] = mapped_column()
    partner_sought: Mapped[str] = mapped_column(Text, default="")
    deadline: Mapped[date | None] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(12), index=True)
    review_note: Mapped[str | None] = mapped_column(Text)
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    illustrative: Mapped[bool] = mapped_column(default=False)
    # Optimistic concurrency: every UPDATE (edits and lifecycle transitions alike) says
    # "WHERE version = <the one read>" and bumps it, so a 200 never hides a write made meanwhile.
    version: Mapped[int] = mapped_column(server_default=text("1"))

    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012

    organisation: Mapped[Organisation] = relationship(lazy="joined")
    sector_rows: Mapped[list[OpportunitySector]] = relationship(
        cascade="all, delete-orphan", lazy="selectin", order_by="OpportunitySector.sector"
    )
    translation_rows: Mapped[list[OpportunityTranslation]] = relationship(
        cascade="all, delete-orphan", lazy="selectin", order_by="OpportunityTranslation.language"
    )

    @property
    def sectors(self) -> list[str]:
        return in_vocabulary_order(row.sector for row in self.sector_rows)

    @property
    def translations(self) -> dict[str, dict[str, str]]:
        return {t.language: {"title": t.title, "description": t.description} for t in self.translation_rows}

    @property
    def translation_providers(self) -> dict[str, str]:
        return {t.language: t.provided_by for t in self.translation_rows}


class OpportunitySector(Base):
    __tablename__ = "opportunity_sectors"

    opportunity_id: Mapped[int] = mapped_column(
        ForeignKey("opportunities.id", ondelete="CASCADE"), primary_key=True
    )
    sector: Mapped[str] = mapped_column(String(20), primary_key=True, index=True)


class OpportunityTranslation(Base):
    __tablename__ = "opportunity_translations"
    __table_args__ = (UniqueConstraint("opportunity_id", "language"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    opportunity_id: Mapped[int] = mapped_column(ForeignKey("opportunities.id", ondelete="CASCADE"))
    language: Mapped[str] = mapped_column(String(2))
    title: Mapped[str] = mapped_column(String(300))
    description: Mapped[str] = mapped_column(Text)
    # "organisation" (its members, or given with the opportunity) or "agency" (an ICE or JETRO officer).
    provided_by: Mapped[str] = mapped_column(
        String(12), default="organisation", server_default="organisation"
    )
