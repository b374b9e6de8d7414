"""The typed inputs and outputs of matching: what the ranking knows of an opportunity, and a match."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from kakehashi.profiles.vocab import OpportunityType, Sector

# The platform's vocabulary, as plain strings (one source: kakehashi.profiles.vocab).
SECTORS = tuple(s.value for s in Sector)
OPPORTUNITY_TYPES = tuple(t.value for t in OpportunityType)

# FORMATS.md: the complementary pairs (symmetric).
_COMPLEMENTARY_PAIRS = {
    ("technology_offer", "technology_request"),
    ("business_offer", "business_request"),
    ("rd_partner_request", "rd_partner_request"),
    ("rd_partner_request", "technology_offer"),
    ("investment_sought", "investment_offered"),
}
COMPLEMENTARY: frozenset[tuple[str, str]] = frozenset(
    _COMPLEMENTARY_PAIRS | {(b, a) for a, b in _COMPLEMENTARY_PAIRS}
)

# Needs are embedded with the "query" role and offers with "passage" (the e5 convention).
NEED_TYPES = frozenset({"technology_request", "business_request", "rd_partner_request", "investment_sought"})


def are_complementary(type_a: str, type_b: str) -> bool:
    return (type_a, type_b) in COMPLEMENTARY


def embedding_role(opportunity_type: str) -> str:
    return "query" if opportunity_type in NEED_TYPES else "passage"


@dataclass(frozen=True, slots=True)
class MatchDocument:
    """One opportunity as matching sees it (the store layer converts Opportunity rows into these)."""

    id: int
    organisation_id: int
    country: str  # "IT" or "JP"
    type: str
    language: str  # "it", "ja" or "en"
    title: str
    description: str
    keywords: tuple[str, ...] = ()
    sectors: tuple[str, ...] = ()
    trl: int | None = None
    published_at: datetime | None = None
    deadline: date | None = None

    def text(self) -> str:
        """The text that is embedded and indexed: title, description and keywords."""
        parts = [self.title.strip(), self.description.strip()]
        if self.keywords:
            parts.append(", ".join(self.keywords))
        return "\n".join(p for p in parts if p)


@dataclass(frozen=True, slots=True)
class ScoreComponents:
    """Every ingredient of a match score, kept so that pages and tests can show why."""

    semantic: float  # cosine of the two embeddings
    lexical: float  # BM25 score normalised to [0, 1] within the candidate set
    complementarity: float  # 1 for complementary types, else 0
    sectors: float  # overlap of the sector sets, [0, 1]
    direction: float  # 1 for Italy <-> Japan, the configured factor otherwise
    freshness_forward: float  # freshness of the counterpart, [0, 1]
    freshness_backward: float
    trl_forward: float  # fit of the counterpart's TRL for the source's need, [0, 1]
    trl_backward: float
    forward: float  # how good the counterpart is for the source
    backward: float  # how good the source is for the counterpart
    feedback: float  # additive boost from shortlisted matches (0 when none)


@dataclass(frozen=True, slots=True)
class Match:
    """A ranked counterpart: ``target_id`` for ``source_id`` (None for a free-text search)."""

    source_id: int | None
    target_id: int
    organisation_id: int
    score: float
    components: ScoreComponents
    shortlisted: bool = False


@dataclass(frozen=True, slots=True)
class Feedback:
    """What the reader said about earlier matches: pairs of (source opportunity id, target opportunity id)."""

    dismissed: frozenset[tuple[int, int]] = field(default_factory=frozenset)
    shortlisted: frozenset[tuple[int, int]] = field(default_factory=frozenset)

    def is_dismissed(self, source_id: int, target_id: int) -> bool:
        return (source_id, target_id) in self.dismissed

    def shortlisted_for(self, source_id: int) -> list[int]:
        return sorted(t for s, t in self.shortlisted if s == source_id)
