"""Validated inputs and the views that leave the profiles feature (API, pages, matching)."""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import Annotated, Any, Generic, Literal, TypeVar

import ateco
from pydantic import BaseModel, ConfigDict, Field, StringConstraints, ValidationError, field_validator

from kakehashi.errors import N_, FieldProblem, ValidationFailed
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

Text = Annotated[str, StringConstraints(strip_whitespace=True)]
Name = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=300)]
Keyword = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=80)]
TranslationProvider = Literal["organisation", "agency"]
T = TypeVar("T")
M = TypeVar("M", bound=BaseModel)
_URL = re.compile(r"^https?://[^\s/$.?#][^\s]*$", re.IGNORECASE)
_JSIC = re.compile(r"^[A-T]?\d{2,4}$")


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


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
    external_id: Annotated[str, StringConstraints(max_length=200)] | None = None
    name: Name
    name_ja: Annotated[str, StringConstraints(max_length=300)] | None = None
    name_en: Annotated[str, StringConstraints(max_length=300)] | None = None
    country: Country
    kind: OrganisationKind
    sectors: list[Sector]
    ateco_code: str | None = None
    jsic_code: str | None = None
    size: OrganisationSize | None = None
    employees: int | None = Field(default=None, ge=0)
    city: Annotated[str, StringConstraints(max_length=200)] | None = None
    website: str | None = None
    description: Text = ""
    description_language: Language
    industry: Annotated[str, StringConstraints(max_length=200)] | None = None
    source: Annotated[str, StringConstraints(max_length=40)] | None = None
    illustrative: bool = False

    _sectors = field_validator("sectors")(_unique_sectors)
    _website = field_validator("website")(_check_url)
    _ateco = field_validator("ateco_code")(_check_ateco)
    _jsic = field_validator("jsic_code")(_check_jsic)


class OrganisationPatch(_Strict):
    name: Name | None = None
    name_ja: Annotated[str, StringConstraints(max_length=300)] | None = None
    name_en: Annotated[str, StringConstraints(max_length=300)] | None = None
    kind: OrganisationKind | None = None
    sectors: list[Sector] | None = None
    ateco_code: str | None = None
    jsic_code: str | None = None
    size: OrganisationSize | None = None
    city: Annotated[str, StringConstraints(max_length=200)] | None = None
    website: str | None = None
    description: Text | None = None
    description_language: Language | None = None

    _sectors = field_validator("sectors")(lambda v: None if v is None else _unique_sectors(v))
    _website = field_validator("website")(_check_url)
    _ateco = field_validator("ateco_code")(_check_ateco)
    _jsic = field_validator("jsic_code")(_check_jsic)


class TranslationInput(_Strict):
    title: Annotated[str, StringConstraints(strip_whitespace=True, min_length=3, max_length=300)]
    description: Annotated[str, StringConstraints(strip_whitespace=True, min_length=10)]


Title = Annotated[str, StringConstraints(strip_whitespace=True, min_length=3, max_length=300)]
Description = Annotated[str, StringConstraints(strip_whitespace=True, min_length=20, max_length=20000)]


class OpportunityInput(_Strict):
    external_id: Annotated[str, StringConstraints(max_length=200)] | None = None
    type: OpportunityType
    language: Language
    title: Title
    description: Description
    translations: dict[Language, TranslationInput] = Field(default_factory=dict)
    sectors: list[Sector]
    keywords: list[Keyword] = Field(default_factory=list, max_length=20)
    trl: int | None = Field(default=None, ge=1, le=9)
    partner_sought: Annotated[str, StringConstraints(strip_whitespace=True, max_length=2000)] = ""
    deadline: date | None = None
    illustrative: bool = False

    _sectors = field_validator("sectors")(_unique_sectors)


class OpportunityPatch(_Strict):
    type: OpportunityType | None = None
    language: Language | None = None
    title: Title | None = None
    description: Description | None = None
    translations: dict[Language, TranslationInput] | None = None
    sectors: list[Sector] | None = None
    keywords: list[Keyword] | None = Field(default=None, max_length=20)
    trl: int | None = Field(default=None, ge=1, le=9)
    partner_sought: Annotated[str, StringConstraints(strip_whitespace=True, max_length=2000)] | None = None
    deadline: date | None = None

    _sectors = field_validator("sectors")(lambda v: None if v is None else _unique_sectors(v))


class OpportunityFilters(_Strict):
    q: str | None = None
    type: OpportunityType | None = None
    sector: Sector | None = None
    country: Country | None = None
    language: Language | None = None
    status: Status | None = None
    organisation_id: int | None = None


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
    translations: dict[Language, TranslationInput]
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
