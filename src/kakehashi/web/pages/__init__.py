"""The pages, one router per area."""

from __future__ import annotations

from fastapi import APIRouter

from kakehashi.web.pages import home, language

PAGE_ROUTERS: tuple[APIRouter, ...] = (home.router, language.router)
