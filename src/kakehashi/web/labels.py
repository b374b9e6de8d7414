"""Interface names of the shared vocabularies (FORMATS.md), marked for translation.

``N_`` only marks a string for extraction; the pages translate it when they show it.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Final


def N_(message: str) -> str:  # noqa: N802 (the gettext convention for "mark only")
    return message


SECTORS: Final[Mapping[str, str]] = {
    "ai": N_("Artificial intelligence"),
    "semiconductors": N_("Semiconductors and microelectronics"),
    "quantum": N_("Quantum technologies"),
    "energy": N_("Energy"),
    "infrastructure": N_("Infrastructure"),
    "biotech": N_("Biotechnology"),
    "other": N_("Other"),
}

OPPORTUNITY_TYPES: Final[Mapping[str, str]] = {
    "technology_offer": N_("Technology offer"),
    "technology_request": N_("Technology request"),
    "business_offer": N_("Business offer"),
    "business_request": N_("Business request"),
    "rd_partner_request": N_("R&D partner request"),
    "investment_sought": N_("Investment sought"),
    "investment_offered": N_("Investment offered"),
}

STATUSES: Final[Mapping[str, str]] = {
    "draft": N_("Draft"),
    "in_review": N_("In review"),
    "published": N_("Published"),
    "expired": N_("Expired"),
    "withdrawn": N_("Withdrawn"),
}

ORGANISATION_KINDS: Final[Mapping[str, str]] = {
    "company": N_("Company"),
    "startup": N_("Startup"),
    "research": N_("Research centre"),
    "investor": N_("Investor"),
    "public_body": N_("Public body"),
}

SIZES: Final[Mapping[str, str]] = {
    "micro": N_("Micro"),
    "small": N_("Small"),
    "medium": N_("Medium"),
    "large": N_("Large"),
}

COUNTRIES: Final[Mapping[str, str]] = {"IT": N_("Italy"), "JP": N_("Japan")}

LANGUAGES: Final[Mapping[str, str]] = {"it": N_("Italian"), "ja": N_("Japanese"), "en": N_("English")}

ROLES: Final[Mapping[str, str]] = {
    "visitor": N_("Visitor"),
    "member": N_("Organisation member"),
    "officer": N_("Agency officer"),
    "admin": N_("Administrator"),
}

AGENCIES: Final[Mapping[str, str]] = {
    "ICE": N_("ICE – Italian Trade Agency"),
    "JETRO": N_("JETRO – Japan External Trade Organization"),
}

VOCABULARIES: Final[Mapping[str, Mapping[str, str]]] = {
    "sector": SECTORS,
    "type": OPPORTUNITY_TYPES,
    "status": STATUSES,
    "kind": ORGANISATION_KINDS,
    "size": SIZES,
    "country": COUNTRIES,
    "language": LANGUAGES,
    "role": ROLES,
    "agency": AGENCIES,
}


def label_message(vocabulary: str, value: str) -> str:
    """The untranslated interface name of ``value`` (the value itself when it is unknown)."""
    return VOCABULARIES[vocabulary].get(value, value)
