"""Small dependencies of the pages: the settings, the store, the interface language, who is acting."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Any
from urllib.parse import unquote

from babel.support import Translations
from fastapi import Depends, Request
from starlette.datastructures import FormData

from kakehashi.accounts.roles import VISITOR, Actor, Role
from kakehashi.accounts.service import actor_for, get_user
from kakehashi.config import Settings
from kakehashi.errors import AuthenticationRequired, PermissionDenied
from kakehashi.store import Database
from kakehashi.web.i18n import (
    DEFAULT_ZONE_OF_LOCALE,
    LOCALE_COOKIE,
    TIMEZONE_COOKIE,
    LocaleFormatter,
    formatting_locale,
    negotiate_locale,
    valid_zone,
)

_SESSION_USER_KEY = "user"
_NOTICE_KEY = "notice"


def get_settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


def get_database(request: Request) -> Database:
    database: Database = request.app.state.database
    return database


def get_locale(request: Request) -> str:
    """The interface language of this request (the language switch's cookie, the browser, the default)."""
    settings = get_settings(request)
    return negotiate_locale(
        chosen=request.cookies.get(LOCALE_COOKIE),
        accept_language=request.headers.get("accept-language"),
        default=settings.default_locale,
    )


def get_translations(request: Request) -> Translations:
    """Gettext translations of the interface language, for messages written by Python code."""
    translations: dict[str, Translations] = request.app.state.translations
    return translations[get_locale(request)]


def get_formatter(request: Request) -> LocaleFormatter:
    """Dates and numbers for the interface language, times in the viewer's zone (reported by the browser)."""
    locale = get_locale(request)
    zone = valid_zone(unquote(request.cookies.get(TIMEZONE_COOKIE, ""))) or DEFAULT_ZONE_OF_LOCALE[locale]
    # The interface speaks it/ja/en; dates and numbers keep the browser's region (en-GB, en-US).
    region_locale = formatting_locale(locale, request.headers.get("accept-language"))
    return LocaleFormatter(locale=region_locale, viewer_zone=zone)


async def get_form(request: Request) -> FormData:
    """The submitted form (parsed once; the CSRF check has already read it)."""
    return await request.form()


@dataclass(frozen=True, slots=True)
class SessionUser:
    """What the session remembers of whoever signed in: enough to show the sign-in state."""

    user_id: int
    display_name: str
    role: str
    organisation_id: int | None

    def to_session(self) -> dict[str, Any]:
        return {
            "id": self.user_id,
            "name": self.display_name,
            "role": self.role,
            "organisation_id": self.organisation_id,
        }


def session_user(request: Request) -> SessionUser | None:
    """Whoever signed in with this session, or None for a visitor (a malformed value counts as none)."""
    raw = request.session.get(_SESSION_USER_KEY)
    if not isinstance(raw, dict):
        return None
    user_id, name, role = raw.get("id"), raw.get("name"), raw.get("role")
    organisation_id = raw.get("organisation_id")
    if not isinstance(user_id, int) or not isinstance(name, str) or not isinstance(role, str):
        return None
    return SessionUser(
        user_id=user_id,
        display_name=name,
        role=role,
        organisation_id=organisation_id if isinstance(organisation_id, int) else None,
    )


def remember_session_user(request: Request, user: SessionUser | None) -> None:
    """Start (or, with None, end) a signed-in session; the old session's contents are dropped."""
    request.session.clear()
    if user is not None:
        request.session[_SESSION_USER_KEY] = user.to_session()


def get_actor(request: Request) -> Actor:
    """Who is acting, read fresh from the store (a role change or a deactivation applies at once)."""
    remembered = session_user(request)
    if remembered is None:
        return VISITOR
    with get_database(request).session() as session:
        user = get_user(session, remembered.user_id)
        if user is None:
            remember_session_user(request, None)
            return VISITOR
        return actor_for(user)


def require_signed_in(actor: Annotated[Actor, Depends(get_actor)]) -> Actor:
    if not actor.is_signed_in:
        raise AuthenticationRequired("Please sign in.")
    return actor


def require_member(actor: Annotated[Actor, Depends(require_signed_in)]) -> Actor:
    """A member of an organisation (the pages under /my act on the member's own organisation)."""
    if actor.role != Role.MEMBER or actor.organisation_id is None:
        raise PermissionDenied("This page is for members of an organisation.")
    return actor


def require_staff(actor: Annotated[Actor, Depends(require_signed_in)]) -> Actor:
    if not actor.is_staff:
        raise PermissionDenied("This page is for agency officers.")
    return actor


def set_notice(request: Request, message: str) -> None:
    """A one-time message shown on the next page (already in the interface language)."""
    request.session[_NOTICE_KEY] = message


def pop_notice(request: Request) -> str | None:
    notice = request.session.pop(_NOTICE_KEY, None)
    return notice if isinstance(notice, str) else None


SettingsDep = Annotated[Settings, Depends(get_settings)]
DatabaseDep = Annotated[Database, Depends(get_database)]
LocaleDep = Annotated[str, Depends(get_locale)]
TranslationsDep = Annotated[Translations, Depends(get_translations)]
FormatterDep = Annotated[LocaleFormatter, Depends(get_formatter)]
FormDep = Annotated[FormData, Depends(get_form)]
ActorDep = Annotated[Actor, Depends(get_actor)]
SignedInDep = Annotated[Actor, Depends(require_signed_in)]
MemberDep = Annotated[Actor, Depends(require_member)]
StaffDep = Annotated[Actor, Depends(require_staff)]
