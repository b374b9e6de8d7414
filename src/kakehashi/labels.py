"""Interface names of the shared vocabularies (FORMATS.md), marked for translation.

``N_`` only marks a string for extraction; pages, API errors and the CLI translate it when they show
it (``{{ value|label("sector") }}`` on pages; ``Label``/``Choices`` as error parameters).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Final

from kakehashi.errors import N_, Gettext
from kakehashi.events.labels import EVENT_VOCABULARIES
from kakehashi.pipeline import labels as pipeline_labels

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

# What members and officers do to an opportunity (profiles.lifecycle.Action).
ACTIONS: Final[Mapping[str, str]] = {
    "submit": N_("Submit for review"),
    "publish": N_("Publish"),
    "send_back": N_("Send back"),
    "expire": N_("Expire"),
    "withdraw": N_("Withdraw"),
}

# Industries as the Wikipedia company list writes them (lower case); other values are shown as data.
INDUSTRIES: Final[Mapping[str, str]] = {
    "aerospace": N_("Aerospace"),
    "aerospace and defence": N_("Aerospace and defence"),
    "airborne": N_("Airborne systems"),
    "apparels": N_("Apparel"),
    "auto and truck parts": N_("Auto and truck parts"),
    "automation": N_("Automation"),
    "automobile manufacturing": N_("Automobile manufacturing"),
    "automotive": N_("Automotive"),
    "automotive industry": N_("Automotive"),
    "bank": N_("Banking"),
    "banking": N_("Banking"),
    "building materials": N_("Building materials"),
    "catering": N_("Catering"),
    "chemical industry": N_("Chemicals"),
    "chemicals": N_("Chemicals"),
    "conglomerate": N_("Conglomerate"),
    "construction": N_("Construction"),
    "consumer electronics": N_("Consumer electronics"),
    "consumer goods": N_("Consumer goods"),
    "courier": N_("Courier services"),
    "department store": N_("Department stores"),
    "document solutions": N_("Document solutions"),
    "electric utility": N_("Electric utility"),
    "electrical equipment": N_("Electrical equipment"),
    "electricity": N_("Electricity"),
    "electronic components": N_("Electronic components"),
    "electronic engineering": N_("Electronic engineering"),
    "electronics": N_("Electronics"),
    "engineering": N_("Engineering"),
    "eyewear manufacturing": N_("Eyewear manufacturing"),
    "fashion": N_("Fashion"),
    "financial services": N_("Financial services"),
    "food": N_("Food"),
    "food industry": N_("Food"),
    "gaming": N_("Gaming"),
    "general trading company": N_("General trading company"),
    "heavy equipment": N_("Heavy equipment"),
    "heavy equipment manufacturing": N_("Heavy equipment"),
    "helicopter": N_("Helicopters"),
    "holding company": N_("Holding company"),
    "home appliances": N_("Home appliances"),
    "information technology": N_("Information technology"),
    "insurance": N_("Insurance"),
    "internet": N_("Internet"),
    "investment banking": N_("Investment banking"),
    "it services": N_("IT services"),
    "leisure products": N_("Leisure products"),
    "machinery": N_("Machinery"),
    "manufacturing": N_("Manufacturing"),
    "media": N_("Media"),
    "medical equipment": N_("Medical equipment"),
    "non-ferrous metal": N_("Non-ferrous metals"),
    "oil and gas": N_("Oil and gas"),
    "pharmaceutical": N_("Pharmaceuticals"),
    "pharmaceuticals": N_("Pharmaceuticals"),
    "power tools": N_("Power tools"),
    "precision instruments": N_("Precision instruments"),
    "printers": N_("Printers"),
    "private railway": N_("Private railway"),
    "professional electronics and consumer goods": N_("Professional electronics and consumer goods"),
    "pulp and paper": N_("Pulp and paper"),
    "rail transport": N_("Rail transport"),
    "retail": N_("Retail"),
    "retailing": N_("Retail"),
    "semiconductors": N_("Semiconductors"),
    "shipbuilding": N_("Shipbuilding"),
    "small dc motors": N_("Small DC motors"),
    "steel": N_("Steel"),
    "telecommunications": N_("Telecommunications"),
    "tobacco": N_("Tobacco"),
    "trading companies": N_("Trading companies"),
    "transportation": N_("Transportation"),
    "utilities": N_("Utilities"),
    "watch manufacturing": N_("Watch manufacturing"),
    "wholesale distribution": N_("Wholesale distribution"),
}

# Events of the security audit log (kakehashi.audit.AuditKind).
AUDIT_KINDS: Final[Mapping[str, str]] = {
    "sign_in": N_("Sign-in"),
    "sign_in_failed": N_("Failed sign-in"),
    "sign_in_throttled": N_("Sign-in slowed down"),
    "sign_out": N_("Sign-out"),
    "password_changed": N_("Password changed"),
    "password_reset_requested": N_("Password reset requested"),
    "password_reset": N_("Password reset"),
    "user_created": N_("User created"),
    "role_changed": N_("Role changed"),
    "user_deactivated": N_("User deactivated"),
    "user_activated": N_("User activated"),
    "token_issued": N_("API token issued"),
    "token_revoked": N_("API token revoked"),
    "opportunity_transition": N_("Opportunity status changed"),
    "event_transition": N_("Event status changed"),
    "registration_decided": N_("Event registration approved or declined"),
    **pipeline_labels.AUDIT_KINDS,
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
    "industry": INDUSTRIES,
    "action": ACTIONS,
    "audit_kind": AUDIT_KINDS,
    **EVENT_VOCABULARIES,
    "interest_status": pipeline_labels.INTEREST_STATUSES,
    "stage": pipeline_labels.STAGES,
    "origin": pipeline_labels.ORIGINS,
    "agreement_category": pipeline_labels.AGREEMENT_CATEGORIES,
    "agreement_subtype": pipeline_labels.AGREEMENT_SUBTYPES,
    "currency": pipeline_labels.CURRENCIES,
    "frequency": pipeline_labels.FREQUENCIES,
    "side": pipeline_labels.SIDES,
}


def label_message(vocabulary: str, value: str) -> str:
    """The untranslated interface name of ``value`` (the value itself when it is unknown)."""
    return VOCABULARIES[vocabulary].get(value, value)


# Between the items of a list in running text (Japanese writes 、).
LIST_SEPARATOR: Final = N_(", ")


def has_label(vocabulary: str, value: str) -> bool:
    return value in VOCABULARIES[vocabulary]


@dataclass(frozen=True, slots=True)
class Label:
    """A vocabulary value as an error parameter, written with its translated label."""

    vocabulary: str
    value: str

    def localise(self, gettext: Gettext) -> str:
        return gettext(label_message(self.vocabulary, self.value))


@dataclass(frozen=True, slots=True)
class Choices:
    """Allowed values as an error parameter: translated labels when the vocabulary is known."""

    vocabulary: str | None
    values: Sequence[str]

    def localise(self, gettext: Gettext) -> str:
        separator = gettext(LIST_SEPARATOR)
        if self.vocabulary is None or self.vocabulary not in VOCABULARIES:
            return separator.join(repr(value) for value in self.values)
        return separator.join(gettext(label_message(self.vocabulary, value)) for value in self.values)
