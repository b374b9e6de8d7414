"""Inputs and views of the pipeline (what the API returns and the pages show)."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, StringConstraints

from kakehashi.limits import DESCRIPTION_MAX, MAX_ID, NOTE_MAX, SEARCH_MAX, single_line
from kakehashi.pipeline.vocab import AgreementCategory, Stage
from kakehashi.profiles.vocab import Country, OpportunityType, Sector

Id = Annotated[int, Field(ge=1, le=MAX_ID)]
Note = Annotated[str, StringConstraints(strip_whitespace=True, max_length=NOTE_MAX)]
Line = Annotated[str, StringConstraints(strip_whitespace=True, max_length=300), AfterValidator(single_line)]
# Amounts up to a thousand billion (EUR or JPY), in cents at most; the rate is JPY for one EUR.
Amount = Annotated[Decimal, Field(max_digits=18, decimal_places=2)]
Rate = Annotated[Decimal, Field(max_digits=14, decimal_places=6)]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class InterestInput(_Strict):
    opportunity_id: Id
    note: Note = ""
    from_opportunity_id: Id | None = Field(
        default=None, description="The asking side's own opportunity, when the interest comes from a match."
    )
    organisation_id: Id | None = Field(
        default=None, description="The asking organisation; defaults to the member's own organisation."
    )


class Decision(_Strict):
    reason: Note | None = Field(default=None, description="Why (optional when declining).")


class ProposalInput(_Strict):
    """An officer brings two sides together: from an interest, a match (two opportunities), or an
    event meeting (with the two opportunities it was about)."""

    interest_id: Id | None = None
    opportunity_a_id: Id | None = None
    opportunity_b_id: Id | None = None
    event_meeting_id: Id | None = None
    follow_both: bool = Field(default=False, description="The proposing officer follows both sides.")
    note: Note = ""


class MoveInput(_Strict):
    stage: Stage
    reason: Note | None = Field(default=None, description="Required to close without agreement.")
    on: date | None = Field(default=None, description="When it happened (the meeting's day for 'met').")


class FollowUpInput(_Strict):
    notes: Annotated[str, StringConstraints(max_length=DESCRIPTION_MAX)] | None = None
    next_step: Note | None = None
    next_step_due: date | None = None
    follow: Literal["a", "b", "both"] | None = Field(
        default=None, description="The calling officer follows this side (or both)."
    )


class AgreementInput(_Strict):
    category: AgreementCategory
    subtype: Annotated[str, StringConstraints(max_length=32)]
    signed_on: date
    description: Annotated[str, StringConstraints(strip_whitespace=True, max_length=DESCRIPTION_MAX)] = ""
    sectors: list[Sector] = Field(default_factory=list, max_length=7)
    amount: Amount | None = None
    currency: Annotated[str, StringConstraints(max_length=8)] | None = None
    jpy_per_eur: Rate | None = Field(default=None, description="The exchange rate of the day: JPY for 1 EUR.")


class MessageInput(_Strict):
    body: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=NOTE_MAX)]


class SavedSearchInput(_Strict):
    query: Annotated[str, StringConstraints(strip_whitespace=True, max_length=SEARCH_MAX)] = ""
    type: OpportunityType | None = None
    sector: Sector | None = None
    country: Country | None = None
    follow_opportunity_id: Id | None = None


# --- views --------------------------------------------------------------------------------------


class Contact(BaseModel):
    name: str
    email: str


class PartyView(BaseModel):
    """One side of an interest or introduction, as the viewer may see it: always its country and kind;
    its name, page and contacts only once identities are disclosed (or to itself and the agencies)."""

    side: Literal["a", "b"]
    identified: bool
    country: Country
    kind: str
    organisation_id: int | None = None
    name: str | None = None
    name_ja: str | None = None
    page: str | None = None
    contacts: list[Contact] = Field(default_factory=list)
    opportunity_id: int | None = None
    opportunity_title: str | None = None


class InterestView(BaseModel):
    id: int
    status: str
    note: str
    reason: str | None
    created_at: datetime
    decided_at: datetime | None
    opportunity_id: int
    opportunity_title: str
    asker: PartyView
    mine: bool = Field(description="The caller's organisation asked.")
    owned: bool = Field(description="The caller's organisation owns the opportunity.")
    introduction_id: int | None
    version: int


class AgreementView(BaseModel):
    id: int
    introduction_id: int
    category: str
    subtype: str
    signed_on: date
    description: str
    sectors: list[str]
    amount: Decimal | None
    currency: str | None
    jpy_per_eur: Decimal | None
    amount_eur: Decimal | None
    amount_jpy: Decimal | None
    confirmed_a: bool
    confirmed_b: bool
    version: int


class IntroductionView(BaseModel):
    id: int
    stage: Stage
    origin: str
    interest_id: int | None
    event_meeting_id: int | None
    viewer_side: str | None = Field(description="a, b, agency, or null.")
    party_a: PartyView
    party_b: PartyView
    consent_a: bool
    consent_b: bool
    disclosed: bool
    disclosed_at: datetime | None
    officer_a: str | None
    officer_b: str | None
    notes: str | None = Field(description="The officers' notes (agencies only).")
    next_step: str
    next_step_due: date | None
    idle: bool
    met_on: date | None
    closed_reason: str | None
    stage_changed_at: datetime | None
    created_at: datetime
    sectors: list[str]
    agreements: list[AgreementView]
    version: int


class MessageView(BaseModel):
    id: int
    author_side: str
    author_name: str | None
    to_agency: bool
    body: str
    created_at: datetime


class SavedSearchView(BaseModel):
    id: int
    query: str
    filters: dict[str, str]
    follow_opportunity_id: int | None
    last_run_at: datetime | None
    hits: int
    version: int
