"""Small dependencies of the pages: the settings, the store, the interface language, who is acting."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated
from urllib.parse import unquote

from babel.support import Translations
from fastapi import Depends, Request
from starlette.datastructures import FormData

from kakehashi.accounts.roles import VISITOR, Actor, Role
from kakehashi.accounts.service import actor_for
from kakehashi.accounts.sessions import SessionLimits, user_of_session
from kakehashi.config import Settings
from kakehashi.errors import AuthenticationRequired, PermissionDenied
from kakehashi.notifications.inbox import unread_count
from kakehashi.store import Database
from kakehashi.web.csrf import SESSION_ID_KEY
from kakehashi.web.i18n import (
    DEFAULT_ZONE_OF_LOCALE,
    LOCALE_COOKIE,
    TIMEZONE_COOKIE,
    LocaleFormatter,
    formatting_locale,
    negotiate_locale,
    valid_zone,
)

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
    """Whoever signed in, as read from the store for this request: enough to show the sign-in state."""

    user_id: int
    display_name: str
    role: str
    organisation_id: int | None
    unread_notices: int = 0  # the header's count (one indexed COUNT, in the same session)


@dataclass(frozen=True, slots=True)
class _SignedIn:
    shown: SessionUser
    actor: Actor


_RESOLVED = "kakehashi.signed_in"


def session_limits(settings: Settings) -> SessionLimits:
    return SessionLimits(idle_s=settings.session_idle_timeout_s, absolute_s=settings.session_max_age_s)


def _signed_in(request: Request) -> _SignedIn | None:
    """The live server-side session of this request's cookie (looked up once per request)."""
    if _RESOLVED in request.scope:
        resolved: _SignedIn | None = request.scope[_RESOLVED]
        return resolved
    resolved = None
    session_id = request.session.get(SESSION_ID_KEY)
    if isinstance(session_id, str) and session_id:
        with get_database(request).session() as session:
            user = user_of_session(session, session_id, limits=session_limits(get_settings(request)))
            if user is not None:
                shown = SessionUser(
                    user_id=user.id,
                    display_name=user.display_name,
                    role=user.role,
                    organisation_id=user.organisation_id,
                    unread_notices=unread_count(session, user.id),
                )
                resolved = _SignedIn(shown=shown, actor=actor_for(user))
        if resolved is None:
            # Signed out elsewhere, timed out, or deactivated: this browser is a visitor again.
            request.session.clear()
    request.scope[_RESOLVED] = resolved
    return resolved


def session_user(request: Request) -> SessionUser | None:
    """Whoever signed in with this session, or None for a visitor."""
    signed_in = _signed_in(request)
    return signed_in.shown if signed_in is not None else None


def begin_browser_session(request: Request, session_id: str) -> None:
    """After sign-in: the cookie gets the new session's id; nothing from before carries over."""
    request.session.clear()
    request.session[SESSION_ID_KEY] = session_id
    request.scope.pop(_RESOLVED, None)


def end_browser_session(request: Request) -> str | None:
    """Forget this browser's session; returns its id so that the caller revokes it in the store."""
    session_id = request.session.get(SESSION_ID_KEY)
    request.session.clear()
    request.scope.pop(_RESOLVED, None)
    return session_id if isinstance(session_id, str) and session_id else None


def get_actor(request: Request) -> Actor:
    """Who is acting, read fresh from the store (a role change or a deactivation applies at once)."""
    signed_in = _signed_in(request)
    return signed_in.actor if signed_in is not None else VISITOR


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


def require_admin(actor: Annotated[Actor, Depends(require_signed_in)]) -> Actor:
    if actor.role != Role.ADMIN:
        raise PermissionDenied("This page is for administrators.")
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
AdminDep = Annotated[Actor, Depends(require_admin)]
