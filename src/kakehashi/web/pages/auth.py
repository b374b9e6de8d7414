"""Sign in and sign out: a server-side session whose random id is the only thing in the cookie."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy.orm import Session

from kakehashi.accounts.models import User
from kakehashi.accounts.sessions import start_session
from kakehashi.accounts.signin import sign_in as sign_in_throttled
from kakehashi.accounts.signin import sign_out as end_session
from kakehashi.accounts.throttle import SignInThrottle
from kakehashi.api.clients import client_address
from kakehashi.errors import AuthenticationRequired, TooManyAttempts
from kakehashi.web.csrf import rotate_csrf_token
from kakehashi.web.deps import (
    DatabaseDep,
    FormDep,
    SettingsDep,
    TranslationsDep,
    begin_browser_session,
    end_browser_session,
    session_limits,
    set_notice,
)
from kakehashi.web.i18n import LOCALE_COOKIE, SUPPORTED_LOCALES
from kakehashi.web.pages.language import local_path, remember_locale
from kakehashi.web.templating import render

router = APIRouter()


@router.get("/signin", response_class=HTMLResponse)
def sign_in_page(request: Request, next: str = "/") -> HTMLResponse:
    return render(request, "signin.html", {"next": local_path(next), "email": "", "failed": False})


@router.post("/signin")
def sign_in(
    request: Request,
    form: FormDep,
    database: DatabaseDep,
    settings: SettingsDep,
    translations: TranslationsDep,
) -> Response:
    email = str(form.get("email") or "")[:254]
    password = str(form.get("password") or "")[:1000]
    target = local_path(str(form.get("next") or "/"))
    throttle: SignInThrottle = request.app.state.sign_in_throttle
    limits = session_limits(settings)

    def start(session: Session, user: User) -> tuple[str, str | None, str]:
        return start_session(session, user, limits=limits), user.locale, user.display_name

    context = {"next": target, "email": email, "failed": True}
    try:
        session_id, preferred_locale, name = sign_in_throttled(
            database,
            throttle,
            email=email,
            password=password,
            address=client_address(request),
            then=start,
            channel="page",
        )
    except TooManyAttempts as refused:
        context |= {"failed": False, "wait_s": refused.retry_after_s}
        response = render(request, "signin.html", context, status_code=429)
        response.headers["Retry-After"] = str(refused.retry_after_s)
        return response
    except AuthenticationRequired:
        return render(request, "signin.html", context, status_code=401)
    # A fresh session id at sign-in (no fixation): a session the browser held before is ended.
    _revoke(request, database)
    begin_browser_session(request, session_id)
    set_notice(request, translations.gettext("Welcome, %(name)s.") % {"name": name})
    redirect = RedirectResponse(target, status_code=303)
    if preferred_locale in SUPPORTED_LOCALES and LOCALE_COOKIE not in request.cookies:
        # The account's language applies unless this browser has chosen one with the switch.
        remember_locale(redirect, preferred_locale, secure=settings.secure_cookies)
    return redirect


def _revoke(request: Request, database: DatabaseDep) -> None:
    session_id = end_browser_session(request)
    if session_id is not None:
        with database.session() as session:
            end_session(session, session_id, address=client_address(request))


@router.post("/signout")
def sign_out(request: Request, database: DatabaseDep, translations: TranslationsDep) -> RedirectResponse:
    _revoke(request, database)
    rotate_csrf_token(request)
    set_notice(request, translations.gettext("You have signed out."))
    return RedirectResponse("/", status_code=303)
