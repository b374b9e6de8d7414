"""Pagination of list endpoints: bounded query parameters and the Page envelope with ``pages``."""

from __future__ import annotations

from typing import Annotated, Generic, Self, TypeVar

from fastapi import Query
from pydantic import BaseModel, Field

from kakehashi.config import Settings
from kakehashi.profiles.schemas import OpportunityView, OrganisationView, Page

MAX_PAGE_SIZE = 100
T = TypeVar("T")

PageNumber = Annotated[int, Query(ge=1, le=100_000, description="Page number, from 1.")]
PageSize = Annotated[
    int | None,
    Query(
        ge=1, le=MAX_PAGE_SIZE, description=f"Items per page (1 to {MAX_PAGE_SIZE}; default from settings)."
    ),
]


def page_size_or_default(page_size: int | None, settings: Settings) -> int:
    return page_size if page_size is not None else min(settings.page_size, MAX_PAGE_SIZE)


class PageOut(BaseModel, Generic[T]):
    items: list[T]
    total: int = Field(description="How many items match, over all pages.")
    page: int
    page_size: int
    pages: int = Field(description="How many pages there are (at least 1).")

    @classmethod
    def of(cls, page: Page[T]) -> Self:
        return cls(
            items=page.items, total=page.total, page=page.page, page_size=page.page_size, pages=page.pages
        )


class OpportunityPage(PageOut[OpportunityView]):
    """A page of opportunities."""


class OrganisationPage(PageOut[OrganisationView]):
    """A page of organisations."""
