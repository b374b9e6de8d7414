"""The opportunity list with its search: one engine for the list page, the list API and ``/search``.

With a query, the cross-lingual hybrid retrieval (``MatchingService.ranked_search``) answers it and the
list's filters, sort and pagination apply to what it found; without one (or for the agencies' lists
of other statuses than published, which are not indexed) the list is the store's, filtered and sorted.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from kakehashi.accounts.roles import Actor
from kakehashi.matching.glossary import GLOSSARY, concepts_of
from kakehashi.matching.rank import SearchFilters
from kakehashi.matching.service import IndexState, MatchingService
from kakehashi.profiles import service as profiles
from kakehashi.profiles.schemas import OpportunityFilters, OpportunityView, Page
from kakehashi.profiles.vocab import Status

Sort = Literal["relevance", "newest", "deadline"]
SORTS: tuple[Sort, ...] = ("relevance", "newest", "deadline")


@dataclass(frozen=True, slots=True)
class OpportunityListing:
    page: Page[OpportunityView]
    sort: Sort
    searched: bool  # True when the hybrid retrieval answered the query
    index: IndexState


def list_opportunities(
    matching: MatchingService,
    actor: Actor,
    filters: OpportunityFilters,
    *,
    sort: Sort | None = None,
    page: int = 1,
    page_size: int = 20,
) -> OpportunityListing:
    """A page of the opportunities the actor may read; ``sort`` defaults to relevance, which without a
    query means newest first (the listing's ``sort`` says the order in effect)."""
    query = (filters.q or "").strip()
    searched = bool(query) and filters.status in (None, Status.PUBLISHED)
    chosen: Sort = sort or "relevance"
    if not searched and chosen == "relevance":
        chosen = "newest"  # nothing to be relevant to: the order in effect is newest first
    if searched:
        ranked = [m.target_id for m in matching.ranked_search(query, filters=_search_filters(filters))]
        with matching.database.session() as session:
            # The agencies also find opportunities by their organisation's name (first: exact hits).
            named = profiles.opportunity_ids_named_after_organisation(session, actor, query)
            seen = set(named)
            found = profiles.list_ranked_opportunities(
                session,
                actor,
                filters,
                named + [i for i in ranked if i not in seen],
                sort=chosen,
                page=page,
                page_size=page_size,
            )
        return OpportunityListing(page=found, sort=chosen, searched=True, index=matching.index_state())
    with matching.database.session() as session:
        found = profiles.list_opportunities(
            session,
            actor,
            filters,
            page=page,
            page_size=page_size,
            sort="deadline" if chosen == "deadline" else "newest",
        )
    return OpportunityListing(page=found, sort=chosen, searched=False, index=matching.index_state())


def _search_filters(filters: OpportunityFilters) -> SearchFilters:
    """The filters the engine can apply while ranking (the store applies all of them again)."""

    def one(value: object) -> frozenset[str]:
        return frozenset() if value is None else frozenset({str(getattr(value, "value", value))})

    return SearchFilters(
        types=one(filters.type),
        sectors=one(filters.sector),
        countries=one(filters.country),
        languages=one(filters.language),
    )


def concept_forms(q: str) -> list[list[str]]:
    """For text searches without vectors (the organisation list): each glossary concept ``q`` mentions,
    with its forms in Italian, Japanese and English, so that 炭化ケイ素 also looks for "carburo di silicio"
    and "silicon carbide". Forms of three letters or fewer (SiC, AI) are left out: as substrings they
    would match inside other words."""
    return [
        sorted(
            {
                form
                for forms in GLOSSARY[concept].values()
                for form in forms
                if len(form) > 3 or not form.isascii()
            }
        )
        for concept in sorted(concepts_of(q))
    ]
