"""The home page: what Kakehashi is, the priority sectors, the latest published opportunities."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from kakehashi.web.labels import SECTORS
from kakehashi.web.templating import render

router = APIRouter()


@router.get("/", response_class=HTMLResponse)
def home(request: Request) -> HTMLResponse:
    return render(request, "home.html", {"sectors": list(SECTORS)})
