"""Validated inputs and the views that leave the profiles feature (API, pages, matching)."""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import Annotated, Any, ClassVar, Generic, Literal, TypeVar

import ateco
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    ValidationError,
    ValidationInfo,
    field_validator,
)

from kakehashi.errors import N_, FieldProblem, ValidationFailed
from kakehashi.limits import (
    CITY_MAX,
    CODE_MAX,
    CONTROL_CHARACTERS_MESSAGE,
    DESCRIPTION_MAX,
    EMPLOYEES_MAX,
    EXTERNAL_ID_MAX,
    INDUSTRY_MAX,
    KEYWORD_MAX,
    KEYWORDS_MAX,
    MAX_ID,
    NAME_MAX,
    NOT_NULL_MESSAGE,
    PARTNER_SOUGHT_MAX,
    SEARCH_MAX,
    SOURCE_MAX,
    TITLE_MAX,
    TRANSLATIONS_MAX,
    WEBSITE_MAX,
    has_control_characters,
)
from kakehashi.profiles.vocab import (
    Country,
    Language,
    OpportunityType,
    OrganisationKind,
    OrganisationSize,
    Sector,
    Status,
)
from kakehashi.validation import InvalidValue, problems_from_pydantic

Text = Annotated[str, StringConstraints(strip_whitespace=True, max_length=DESCRIPTION_MAX)]
Name = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=NAME_MAX)]
OtherName = Annotated[str, StringConstraints(max_length=NAME_MAX)]
ExternalId = Annotated[str, StringConstraints(max_length=EXTERNAL_ID_MAX)]
City = Annotated[str, StringConstraints(max_length=CITY_MAX)]
Code = Annotated[str, StringConstraints(max_length=CODE_MAX)]
Website = Annotated[str, StringConstraints(max_length=WEBSITE_MAX)]
Keyword = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=KEYWORD_MAX)]
Id = Annotated[int, Field(ge=1, le=MAX_ID)]
TranslationProvider = Literal["organisation", "agency"]
T = TypeVar("T")
M = TypeVar("M", bound=BaseModel)
_URL = re.compile(r"^https?://[^\s/$.?#][^\s]*$", re.IGNORECASE)
_JSIC = re.compile(r"^[A-T]?\d{2,4}$")


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    # Fields whose text may span lines: line breaks and tabs are allowed there, no other control character.
    multi_line: ClassVar[frozenset[str]] = frozenset({"description", "partner_sought"})
    # Fields that a patch may leave out but never set to null: their column is NOT NULL.
    not_null: ClassVar[frozenset[str]] = frozenset()

    @field_validator("*", mode="after")
    @classmethod
    def _plain_text(cls, value: Any, info: ValidationInfo) -> Any:
        """No null where the store needs a value, no control character (a NUL byte, an escape) in text."""
        if value is None and info.field_name in cls.not_null:
            raise ValueError(NOT_NULL_MESSAGE)
        multi_line = info.field_name in cls.multi_line
        texts = value if isinstance(value, list) else [value]
        if any(isinstance(t, str) and has_control_characters(t, multi_line=multi_line) for t in texts):
            raise ValueError(CONTROL_CHARACTERS_MESSAGE)
        return value


def _unique_sectors(sectors: list[Sector]) -> list[Sector]:
    if not sectors:
        raise InvalidValue("Choose at least one sector.")
    return sorted(set(sectors), key=list(Sector).index)


def _check_url(url: str | None) -> str | None:
    if url in (None, ""):
        return None
    if not _URL.match(url):
        raise InvalidValue("Give a web address starting with https://")
    return url


def _check_ateco(code: str | None) -> str | None:
    if code in (None, ""):
        return None
    if not any(ateco.validate(code, edition=edition.key) for edition in ateco.editions()):
        raise InvalidValue("%(code)s is not an ATECO code (ISTAT).", params={"code": code})
    return code


def _check_jsic(code: str | None) -> str | None:
    if code in (None, ""):
        return None
    if not _JSIC.match(code):
        raise InvalidValue("Give a JSIC code: an optional division letter and 2 to 4 digits.")
    return code


class OrganisationInput(_Strict):
    external_id: ExternalId | None = None
    name: Name
    name_ja: OtherName | None = None
    name_en: OtherName | None = None
    country: Country
    kind: OrganisationKind
    sectors: list[Sector] = Field(max_length=len(Sector))
    ateco_code: Code | None = None
    jsic_code: Code | None = None
    size: OrganisationSize | None = None
    employees: int | None = Field(default=None, ge=0, le=EMPLOYEES_MAX)
    city: City | None = None
    website: Website | None = None
    description: Text = ""
    description_language: Language
    industry: Annotated[str, StringConstraints(max_length=INDUSTRY_MAX)] | None = None
    source: Annotated[str, StringConstraints(max_length=SOURCE_MAX)] | None = None
    illustrative: bool = False

    _sectors = field_validator("sectors")(_unique_sectors)
    _website = field_validator("website")(_check_url)
    _ateco = field_validator("ateco_code")(_check_ateco)
    _jsic = field_validator("jsic_code")(_check_jsic)


class OrganisationPatch(_Strict):
    not_null: ClassVar[frozenset[str]] = frozenset(
        {"name", "kind", "sectors", "description", "description_language"}
    )

    name: Name | None = None
    name_ja: OtherName | None = None
    name_en: OtherName | None = None
    kind: OrganisationKind | None = None
    sectors: list[Sector] | None = Field(default=None, max_length=len(Sector))
    ateco_code: Code | None = None
    jsic_code: Code | None = None
    size: OrganisationSize | None = None
    city: City | None = None
    website: Website | None = None
    description: Text | None = None
    description_language: Language | None = None

    _sectors = field_validator("sectors")(lambda v: None if v is None else _unique_sectors(v))
    _website = field_validator("website")(_check_url)
    _ateco = field_validator("ateco_code")(_check_ateco)
    _jsic = field_validator("jsic_code")(_check_jsic)


class TranslationInput(_Strict):
    title: Annotated[str, StringConstraints(strip_whitespace=True, min_length=3, max_length=TITLE_MAX)]
    description: Annotated[
        str, StringConstraints(strip_whitespace=True, min_length=10, max_length=DESCRIPTION_MAX)
    ]


Title = Annotated[str, StringConstraints(strip_whitespace=True, min_length=3, max_length=TITLE_MAX)]
Description = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=20, max_length=DESCRIPTION_MAX)
]
PartnerSought = Annotated[str, StringConstraints(strip_whitespace=True, max_length=PARTNER_SOUGHT_MAX)]


class OpportunityInput(_Strict):
    external_id: ExternalId | None = None
    type: OpportunityType
    language: Language
    title: Title
    description: Description
    translations: dict[Language, TranslationInput] = Field(default_factory=dict, max_length=TRANSLATIONS_MAX)
    sectors: list[Sector] = Field(max_length=len(Sector))
    keywords: list[Keyword] = Field(default_factory=list, max_length=KEYWORDS_MAX)
    trl: int | None = Field(default=None, ge=1, le=9)
    partner_sought: PartnerSought = ""
    deadline: date | None = None
    illustrative: bool = False

    _sectors = field_validator("sectors")(_unique_sectors)


class OpportunityPatch(_Strict):
    not_null: ClassVar[frozenset[str]] = frozenset(
        {"type", "language", "title", "description", "translations", "sectors", "keywords", "partner_sought"}
    )

    type: OpportunityType | None = None
    language: Language | None = None
    title: Title | None = None
    description: Description | None = None
    translations: Annotated[dict[Language, TranslationInput] | None, Field(max_length=TRANSLATIONS_MAX)] = (
        None
    )
    sectors: list[Sector] | None = Field(default=None, max_length=len(Sector))
    keywords: list[Keyword] | None = Field(default=None, max_length=KEYWORDS_MAX)
    trl: int | None = Field(default=None, ge=1, le=9)
    partner_sought: PartnerSought | None = None
    deadline: date | None = None

    _sectors = field_validator("sectors")(lambda v: None if v is None else _unique_sectors(v))


class OpportunityFilters(_Strict):
    q: Annotated[str, StringConstraints(max_length=SEARCH_MAX)] | None = None
    type: OpportunityType | None = None
    sector: Sector | None = None
    country: Country | None = None
    language: Language | None = None
    status: Status | None = None
    organisation_id: Id | None = None


class OrganisationSummary(BaseModel):
    id: int
    name: str
    name_ja: str | None
    country: Country
    kind: OrganisationKind
    city: str | None
    illustrative: bool


class OrganisationView(OrganisationSummary):
    external_id: str | None
    name_en: str | None
    sectors: list[Sector]
    ateco_code: str | None
    ateco_title: str | None
    jsic_code: str | None
    size: OrganisationSize | None
    employees: int | None
    website: str | None
    description: str
    description_language: Language
    industry: str | None
    source: str | None
    can_edit: bool = False
    version: int = Field(description="Bumped by every write; send it back as `If-Match` to edit safely.")


class TranslationView(BaseModel):
    title: str
    description: str


class AnonymityWarning(BaseModel):
    """The text names its own organisation: ``name`` (normalised) was found in ``field``."""

    field: str
    name: str
    language: str = Field(default="und", description="`ja` for a name in Japanese script, else `und`.")


class OpportunityView(BaseModel):
    id: int
    external_id: str | None
    type: OpportunityType
    language: Language
    title: str
    description: str
    translations: dict[Language, TranslationView]
    translation_providers: dict[Language, TranslationProvider] = Field(
        default_factory=dict, description="Who gave each translation: its organisation or an agency."
    )
    sectors: list[Sector]
    keywords: list[str]
    trl: int | None
    partner_sought: str
    deadline: date | None
    status: Status
    review_note: str | None
    published_at: datetime | None
    created_at: datetime
    updated_at: datetime
    illustrative: bool
    country: Country
    organisation_kind: OrganisationKind
    anonymised: bool
    organisation: OrganisationSummary | None
    can_edit: bool = False
    can_translate: bool = False
    anonymity_warnings: list[AnonymityWarning] = Field(
        default_factory=list,
        description="Where the text names its own organisation (shown to the organisation and the agencies only).",
    )
    version: int = Field(description="Bumped by every write; send it back as `If-Match` to edit safely.")


class Page(BaseModel, Generic[T]):
    items: list[T]
    total: int
    page: int
    page_size: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.page_size))


def problems_from(error: ValidationError, *, line: int | None = None) -> list[FieldProblem]:
    """Pydantic's errors as FieldProblems naming the field path (``translations.en.title``)."""
    return problems_from_pydantic(error.errors(), line=line)


# What was validated, as the first sentence of the error (one message id per kind of input).
_NOT_VALID: dict[str, str] = {
    "opportunity": N_("The opportunity is not valid."),
    "organisation": N_("The organisation is not valid."),
    "search": N_("The search filters are not valid."),
}


def validate_input(model: type[M], data: Any, *, what: str, line: int | None = None) -> M:
    """Validate ``data`` into ``model`` or raise ValidationFailed naming each bad field."""
    try:
        return model.model_validate(data)
    except ValidationError as error:
        raise ValidationFailed(
            _NOT_VALID.get(what, N_("The input is not valid.")), problems=problems_from(error, line=line)
        ) from None
