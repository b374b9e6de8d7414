"""The vocabularies' interface names now live in :mod:`kakehashi.labels` (errors use them too)."""

from kakehashi.errors import N_
from kakehashi.labels import (
    AGENCIES,
    COUNTRIES,
    INDUSTRIES,
    LANGUAGES,
    OPPORTUNITY_TYPES,
    ORGANISATION_KINDS,
    ROLES,
    SECTORS,
    SIZES,
    STATUSES,
    VOCABULARIES,
    label_message,
)

__all__ = [
    "AGENCIES",
    "COUNTRIES",
    "INDUSTRIES",
    "LANGUAGES",
    "N_",
    "OPPORTUNITY_TYPES",
    "ORGANISATION_KINDS",
    "ROLES",
    "SECTORS",
    "SIZES",
    "STATUSES",
    "VOCABULARIES",
    "label_message",
]
