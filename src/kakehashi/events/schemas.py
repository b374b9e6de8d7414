"""Validated inputs and the views that leave the events feature (API, pages, CLI)."""

from __future__ import annotations

from datetime import date, datetime, time
from typing import Annotated, Any, ClassVar

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, ValidationInfo, field_validator

from kakehashi.errors import N_
from kakehashi.events.vocab import Attendance, Mark, MeetingRule, RequestMode, SessionPart
from kakehashi.limits import (
    CITY_MAX,
    CONTROL_CHARACTERS_MESSAGE,
    DESCRIPTION_MAX,
    NAME_MAX,
    NOTE_MAX,
    TITLE_MAX,
    WEBSITE_MAX,
    has_control_characters,
)
from kakehashi.scheduling.zones import zone
from kakehashi.validation import InvalidValue

DAYS_MAX = 14
SESSIONS_MAX = 4
TABLES_MAX = 500
TABLE_NAME_MAX = 100
SLOT_MINUTES = (10, 120)
CAP_MAX = 500
EXPIRY_MINUTES = (5, 60 * 24 * 30)  # five minutes to thirty days
REPRESENTATIVES_MAX = 10
ZONE_MAX = 64
REASON_MAX = 2_000
ONLINE_CAPACITY_MAX = 1_000
SLOTS_MAX = 2_000

Title = Annotated[str, StringConstraints(strip_whitespace=True, max_length=TITLE_MAX)]
Text = Annotated[str, StringConstraints(strip_whitespace=True, max_length=DESCRIPTION_MAX)]
Note = Annotated[str, StringConstraints(strip_whitespace=True, max_length=NOTE_MAX)]
Venue = Annotated[str, StringConstraints(strip_whitespace=True, max_length=NAME_MAX)]
City = Annotated[str, StringConstraints(strip_whitespace=True, max_length=CITY_MAX)]
ZoneName = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=ZONE_MAX)]
PersonName = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
JobTitle = Annotated[str, StringConstraints(strip_whitespace=True, max_length=200)]
TableName = Annotated[str, StringConstraints(strip_whitespace=True, max_length=TABLE_NAME_MAX)]
Link = Annotated[str, StringConstraints(strip_whitespace=True, max_length=WEBSITE_MAX)]
Agency = Annotated[str, StringConstraints(pattern=r"^(ICE|JETRO)$")]

_MULTI_LINE = frozenset({"description", "note", "reason"})


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)
    multi_line: ClassVar[frozenset[str]] = _MULTI_LINE

    @field_validator("*", mode="after")
    @classmethod
    def _plain_text(cls, value: Any, info: ValidationInfo) -> Any:
        multi_line = info.field_name in cls.multi_line
        texts = value if isinstance(value, list) else [value]
        if any(isinstance(t, str) and has_control_characters(t, multi_line=multi_line) for t in texts):
            raise ValueError(CONTROL_CHARACTERS_MESSAGE)
        return value


def _known_zone(value: str | None) -> str | None:
    if value is None:
        return None
    try:
        zone(value)
    except Exception as error:
        raise InvalidValue(N_("%(zone)s is not a time zone."), params={"zone": repr(value)}) from error
    return value


def _aware(value: datetime | None) -> datetime | None:
    if value is not None and value.tzinfo is None:
        raise InvalidValue(N_("Give the time with its UTC offset, as in 2027-03-01T09:00+01:00."))
    return value


class SessionInput(_Strict):
    part: SessionPart
    starts: time
    ends: time
    online: bool = Field(default=False, description="Online meetings may also be held in this session.")

    @field_validator("ends")
    @classmethod
    def _after_start(cls, ends: time, info: ValidationInfo) -> time:
        starts = info.data.get("starts")
        if isinstance(starts, time) and ends <= starts:
            raise InvalidValue(N_("A session must end after it starts."))
        return ends


class EventFields(_Strict):
    """Fields shared by the creation and the edit of an event (all optional in an edit)."""

    title_en: Title | None = None
    title_it: Title | None = None
    title_ja: Title | None = None
    description: Text | None = None
    venue: Venue | None = None
    city: City | None = None
    time_zone: ZoneName | None = Field(default=None, description="IANA zone of the venue: Europe/Rome.")
    organisers: list[Agency] | None = Field(default=None, min_length=1, max_length=2)
    days: list[date] | None = Field(default=None, min_length=1, max_length=DAYS_MAX)
    sessions: list[SessionInput] | None = Field(
        default=None, min_length=1, max_length=SESSIONS_MAX, description="The sessions of every day."
    )
    slot_minutes: int | None = Field(default=None, ge=SLOT_MINUTES[0], le=SLOT_MINUTES[1])
    tables: int | None = Field(default=None, ge=0, le=TABLES_MAX, description="Number of tables.")
    table_names: list[TableName] | None = Field(
        default=None, max_length=TABLES_MAX, description="Names of the tables, in number order (optional)."
    )
    online_capacity: int | None = Field(default=None, ge=0, le=ONLINE_CAPACITY_MAX)
    online_link_template: Link | None = None
    registration_opens_at: datetime | None = None
    registration_closes_at: datetime | None = None
    booking_opens_at: datetime | None = None
    booking_closes_at: datetime | None = None
    request_mode: RequestMode | None = None
    request_cap: int | None = Field(default=None, ge=1, le=CAP_MAX)
    must_meet_cap: int | None = Field(default=None, ge=0, le=CAP_MAX)
    request_expiry_minutes: int | None = Field(default=None, ge=EXPIRY_MINUTES[0], le=EXPIRY_MINUTES[1])
    meeting_rule: MeetingRule | None = None

    @field_validator("time_zone")
    @classmethod
    def _zone(cls, value: str | None) -> str | None:
        return _known_zone(value)

    @field_validator(
        "registration_opens_at", "registration_closes_at", "booking_opens_at", "booking_closes_at"
    )
    @classmethod
    def _with_offset(cls, value: datetime | None) -> datetime | None:
        return _aware(value)

    @field_validator("days")
    @classmethod
    def _distinct_days(cls, days: list[date] | None) -> list[date] | None:
        return None if days is None else sorted(set(days))

    @field_validator("organisers")
    @classmethod
    def _distinct_agencies(cls, agencies: list[str] | None) -> list[str] | None:
        return None if agencies is None else sorted(set(agencies))

    @field_validator("online_link_template")
    @classmethod
    def _https(cls, value: str | None) -> str | None:
        if value and not value.lower().startswith(("https://", "http://")):
            raise InvalidValue(N_("Give a web address starting with https://"))
        return value or None


class EventInput(EventFields):
    """A new event (a draft). Title in at least one language; zone, days, sessions and slot length."""

    time_zone: ZoneName = "Europe/Rome"
    days: list[date] = Field(min_length=1, max_length=DAYS_MAX)
    sessions: list[SessionInput] = Field(min_length=1, max_length=SESSIONS_MAX)
    slot_minutes: int = Field(default=30, ge=SLOT_MINUTES[0], le=SLOT_MINUTES[1])
    tables: int = Field(default=10, ge=0, le=TABLES_MAX)


class EventPatch(EventFields):
    """An edit: only the fields given change."""


class SessionView(BaseModel):
    day: date
    part: SessionPart
    starts: time
    ends: time
    online: bool
    slots: int


class TableView(BaseModel):
    id: int
    number: int
    name: str
    label: str


class SlotView(BaseModel):
    index: int
    day: date
    part: str
    starts_at: datetime
    ends_at: datetime
    online: bool


class EventView(BaseModel):
    id: int
    title: str = Field(description="In the reader's language when given, else the first title given.")
    title_en: str
    title_it: str
    title_ja: str
    description: str
    venue: str
    city: str
    time_zone: str
    organisers: list[str]
    days: list[date]
    sessions: list[SessionView]
    slot_minutes: int
    n_slots: int
    tables: list[TableView]
    online_capacity: int
    online_link_template: str | None
    registration_opens_at: datetime | None
    registration_closes_at: datetime | None
    booking_opens_at: datetime | None
    booking_closes_at: datetime | None
    registration_open: bool = Field(description="Whether organisations may register now.")
    booking_open: bool = Field(description="Whether participants may send meeting requests now.")
    request_mode: RequestMode
    request_cap: int
    must_meet_cap: int | None
    request_expiry_minutes: int
    meeting_rule: MeetingRule
    status: str
    illustrative: bool
    participants: int = Field(description="Approved participants.")
    can_manage: bool = False
    actions: list[str] = Field(default_factory=list, description="Lifecycle actions the reader may take.")
    version: int = Field(description="Bumped by every write; send it back as `If-Match` to edit safely.")


class RepresentativeInput(_Strict):
    name: PersonName
    job_title: JobTitle = ""
    languages: list[str] = Field(min_length=1, max_length=3, description="Of it, ja, en.")

    @field_validator("languages")
    @classmethod
    def _known_languages(cls, languages: list[str]) -> list[str]:
        wanted = [code.strip().lower() for code in languages]
        if any(code not in ("it", "ja", "en") for code in wanted):
            raise InvalidValue(N_("Languages must be among it, ja and en."))
        return [code for code in ("it", "ja", "en") if code in wanted]


class RegistrationFields(_Strict):
    representatives: list[RepresentativeInput] | None = Field(
        default=None, min_length=1, max_length=REPRESENTATIVES_MAX
    )
    unavailable_slots: list[Annotated[int, Field(ge=0, le=SLOTS_MAX)]] | None = Field(
        default=None,
        max_length=SLOTS_MAX,
        description="Slots (0-based indices of the grid) it cannot attend.",
    )
    attendance: Attendance | None = None
    time_zone: ZoneName | None = Field(default=None, description="Online participants: their IANA zone.")
    work_starts: time | None = None
    work_ends: time | None = None
    note: Note | None = Field(default=None, description="What the participant offers and seeks here.")

    @field_validator("time_zone")
    @classmethod
    def _zone(cls, value: str | None) -> str | None:
        return _known_zone(value)


class RegistrationInput(RegistrationFields):
    representatives: list[RepresentativeInput] = Field(min_length=1, max_length=REPRESENTATIVES_MAX)
    attendance: Attendance = Attendance.ON_SITE


class RegistrationPatch(RegistrationFields):
    """An edit: only the fields given change."""


class RepresentativeView(BaseModel):
    name: str
    job_title: str
    languages: list[str]


class Finding(BaseModel):
    """Something that keeps other participants from finding the organisation (message in the reader's
    language, and its id)."""

    code: str
    message: str


class RegistrationView(BaseModel):
    id: int
    event_id: int
    organisation_id: int
    organisation_name: str
    country: str
    status: str
    attendance: Attendance
    time_zone: str | None
    work_starts: time | None
    work_ends: time | None
    note: str
    representatives: list[RepresentativeView]
    languages: list[str]
    unavailable_slots: list[int]
    decline_reason: str | None
    decided_at: datetime | None
    created_at: datetime
    findability: list[Finding] = Field(default_factory=list)
    version: int


class DecisionInput(_Strict):
    reason: Annotated[str, StringConstraints(strip_whitespace=True, max_length=REASON_MAX)] | None = None


class MarkInput(_Strict):
    to_registration_id: int = Field(ge=1, le=2**31 - 1)
    mark: Mark
    note: Note = ""
    from_registration_id: int | None = Field(
        default=None, ge=1, le=2**31 - 1, description="Agency staff only: the participant it is for."
    )


class AnswerInput(_Strict):
    accept: bool
    note: Note = ""


class RequestView(BaseModel):
    id: int
    event_id: int
    from_registration_id: int
    from_organisation: str
    to_registration_id: int
    to_organisation: str
    mark: Mark
    note: str
    status: str = Field(
        description="pending, accepted, declined, withdrawn, expired (also on read), recorded."
    )
    expires_at: datetime | None
    answered_at: datetime | None
    answer_note: str
    created_at: datetime
    incoming: bool = Field(description="Addressed to the reader's organisation.")
    version: int


class Reason(BaseModel):
    """Why a counterpart fits, in the reader's language (from the stored match)."""

    score: float
    summary: str
    our_opportunity_id: int
    their_opportunity_id: int


class CounterpartView(BaseModel):
    registration_id: int
    organisation_id: int
    organisation_name: str
    country: str
    kind: str
    sectors: list[str]
    languages: list[str]
    attendance: Attendance
    note: str
    reason: Reason | None
    allowed: bool = Field(description="The event's who-can-meet-whom rule allows this pair.")
    my_mark: RequestView | None
    their_request: RequestView | None = Field(description="Their request to us (never their no-thanks).")
