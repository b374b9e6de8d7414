"""The pages, one router per area."""

from __future__ import annotations

from fastapi import APIRouter

from kakehashi.web.pages import (
    account,
    admin,
    analytics,
    auth,
    event_day,
    event_participation,
    event_schedule,
    events,
    home,
    jobs,
    language,
    matching,
    my_organisation,
    notices,
    opportunities,
    organisations,
    pipeline,
    review,
)

PAGE_ROUTERS: tuple[APIRouter, ...] = (
    home.router,
    language.router,
    auth.router,
    opportunities.router,
    matching.router,
    organisations.router,
    my_organisation.router,
    review.router,
    account.router,
    admin.router,
    jobs.router,
    events.router,
    event_participation.router,
    event_schedule.router,
    event_day.router,
    notices.router,
    pipeline.router,
    analytics.router,
)
