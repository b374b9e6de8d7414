"""The language switch: remembers the chosen interface language in a cookie, then goes back."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import RedirectResponse, Response

from kakehashi.errors import NotFound
from kakehashi.web.deps import SettingsDep
from kakehashi.web.i18n import LOCALE_COOKIE, SUPPORTED_LOCALES

router = APIRouter()

_ONE_YEAR_S = 365 * 24 * 3600


@router.get("/language/{locale}")
def switch_language(locale: str, settings: SettingsDep, next: str = "/") -> RedirectResponse:
    if locale not in SUPPORTED_LOCALES:
        raise NotFound(
            "There is no interface language %(locale)s; choose one of it, ja, en.",
            params={"locale": repr(locale)},
        )
    response = RedirectResponse(local_path(next), status_code=303)
    remember_locale(response, locale, secure=settings.secure_cookies)
    return response


def remember_locale(response: Response, locale: str, *, secure: bool) -> None:
    """Keep the interface language in a cookie for a year."""
    response.set_cookie(
        LOCALE_COOKIE, locale, max_age=_ONE_YEAR_S, samesite="lax", secure=secure, httponly=True
    )


def local_path(target: str) -> str:
    """``target`` if it is a path on this site, else the home page (no open redirect)."""
    # Browsers drop tabs and newlines and read a backslash as a slash, so "/\t/evil.example" would leave.
    if any(ord(character) < 0x21 or character == "\\" for character in target):
        return "/"
    if target.startswith("/") and not target.startswith("//"):
        return target
    return "/"
