"""The pipeline's stored codes."""

from __future__ import annotations

from enum import StrEnum
from typing import Final


class InterestStatus(StrEnum):
    PENDING = "pending"
    ACCEPTED = "accepted"
    DECLINED = "declined"
    REFERRED = "referred"  # the owner asked the agency to look at it
    WITHDRAWN = "withdrawn"


class Stage(StrEnum):
    PROPOSED = "proposed"
    ACCEPTED = "accepted"  # accepted by both: identities disclosed
    MET = "met"
    NEGOTIATING = "negotiating"
    AGREEMENT = "agreement"
    CLOSED = "closed"  # closed without agreement (a reason is required)


class Origin(StrEnum):
    INTEREST = "interest"
    MATCH = "match"
    EVENT = "event"


class Side(StrEnum):
    A = "a"  # the side that asked (or the first opportunity of a match)
    B = "b"  # the owner of the opportunity asked about
    AGENCY = "agency"


class AgreementCategory(StrEnum):
    BUSINESS = "business"
    TECHNOLOGY = "technology"
    RESEARCH = "research"
    INVESTMENT = "investment"


# The Enterprise Europe Network's partnership types, by category.
SUBTYPES: Final[dict[AgreementCategory, tuple[str, ...]]] = {
    AgreementCategory.BUSINESS: (
        "trade_intermediary",
        "franchise",
        "joint_venture",
        "merger_share_exchange",
        "acquisition",
        "reciprocal_production",
        "subcontracting",
        "transport_logistics",
        "distribution",
        "supply",
    ),
    AgreementCategory.TECHNOLOGY: ("licence", "technical_cooperation", "technology_transfer"),
    AgreementCategory.RESEARCH: ("joint_project",),
    AgreementCategory.INVESTMENT: ("equity", "loan", "greenfield"),
}
# The subtypes whose agreements carry an amount (with its currency and the exchange rate of the day).
WITH_AMOUNT: Final = frozenset({"licence", "equity", "loan", "greenfield"})


class Currency(StrEnum):
    EUR = "EUR"
    JPY = "JPY"


class Frequency(StrEnum):
    DAILY = "daily"
    WEEKLY = "weekly"
