"""Interface names of the pipeline's stored codes, marked for translation (registered in
:data:`kakehashi.labels.VOCABULARIES`)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Final

from kakehashi.errors import N_

INTEREST_STATUSES: Final[Mapping[str, str]] = {
    "pending": N_("Waiting for the owner"),
    "accepted": N_("Accepted"),
    "declined": N_("Declined"),
    "referred": N_("Referred to the agency"),
    "withdrawn": N_("Withdrawn"),
}

STAGES: Final[Mapping[str, str]] = {
    "proposed": N_("Proposed"),
    "accepted": N_("Accepted by both"),
    "met": N_("Met"),
    "negotiating": N_("Negotiating"),
    "agreement": N_("Agreement"),
    "closed": N_("Closed without agreement"),
}

ORIGINS: Final[Mapping[str, str]] = {
    "interest": N_("Expression of interest"),
    "match": N_("Match"),
    "event": N_("Event meeting"),
}

AGREEMENT_CATEGORIES: Final[Mapping[str, str]] = {
    "business": N_("Business agreement"),
    "technology": N_("Technology agreement"),
    "research": N_("Research agreement"),
    "investment": N_("Investment"),
}

AGREEMENT_SUBTYPES: Final[Mapping[str, str]] = {
    "trade_intermediary": N_("Trade intermediary"),
    "franchise": N_("Franchise"),
    "joint_venture": N_("Joint venture"),
    "merger_share_exchange": N_("Merger or share exchange"),
    "acquisition": N_("Acquisition"),
    "reciprocal_production": N_("Reciprocal production"),
    "subcontracting": N_("Subcontracting"),
    "transport_logistics": N_("Transport and logistics"),
    "distribution": N_("Distribution"),
    "supply": N_("Supply"),
    "licence": N_("Licence"),
    "technical_cooperation": N_("Technical cooperation"),
    "technology_transfer": N_("Technology transfer"),
    "joint_project": N_("Joint research project"),
    "equity": N_("Equity investment"),
    "loan": N_("Loan"),
    "greenfield": N_("Greenfield investment"),
}

CURRENCIES: Final[Mapping[str, str]] = {"EUR": N_("Euro (EUR)"), "JPY": N_("Japanese yen (JPY)")}

FREQUENCIES: Final[Mapping[str, str]] = {"daily": N_("Daily"), "weekly": N_("Weekly")}

SIDES: Final[Mapping[str, str]] = {"a": N_("Asking side"), "b": N_("Owner"), "agency": N_("Agency")}

AUDIT_KINDS: Final[Mapping[str, str]] = {
    "interest_expressed": N_("Interest expressed"),
    "interest_accepted": N_("Interest accepted"),
    "interest_declined": N_("Interest declined"),
    "interest_referred": N_("Interest referred to the agency"),
    "interest_withdrawn": N_("Interest withdrawn"),
    "introduction_proposed": N_("Introduction proposed"),
    "consent_given": N_("Consent given"),
    "consent_withdrawn": N_("Consent withdrawn"),
    "identities_disclosed": N_("Identities disclosed"),
    "introduction_stage": N_("Introduction stage changed"),
    "introduction_followed": N_("Introduction follow-up changed"),
    "agreement_recorded": N_("Agreement recorded"),
    "agreement_confirmed": N_("Agreement confirmed"),
    "message_sent": N_("Message sent"),
}
