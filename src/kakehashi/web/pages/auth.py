"""Sign in and sign out (a session cookie; the password is checked by the accounts service)."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from kakehashi.accounts.service import authenticate
from kakehashi.accounts.throttle import SignInThrottle
from kakehashi.errors import AuthenticationRequired
from kakehashi.web.csrf import rotate_csrf_token
from kakehashi.web.deps import (
    DatabaseDep,
    FormDep,
    SessionUser,
    SettingsDep,
    TranslationsDep,
    remember_session_user,
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
    email = str(form.get("email") or "")
    password = str(form.get("password") or "")
    target = local_path(str(form.get("next") or "/"))
    throttle: SignInThrottle = request.app.state.sign_in_throttle
    address = request.client.host if request.client else None
    throttle.check(email, address)
    try:
        with database.session() as session:
            user = authenticate(session, email=email, password=password)
            preferred_locale = user.locale
            signed_in = SessionUser(
                user_id=user.id,
                display_name=user.display_name,
                role=user.role,
                organisation_id=user.organisation_id,
            )
    except AuthenticationRequired:
        throttle.failed(email, address)
        context = {"next": target, "email": email, "failed": True}
        return render(request, "signin.html", context, status_code=401)
    throttle.succeeded(email)
    # A new session on sign-in: nothing from before (a planted session, an old token) carries over.
    remember_session_user(request, signed_in)
    rotate_csrf_token(request)
    set_notice(request, translations.gettext("Welcome, %(name)s.") % {"name": signed_in.display_name})
    response = RedirectResponse(target, status_code=303)
    if preferred_locale in SUPPORTED_LOCALES and LOCALE_COOKIE not in request.cookies:
        # The account's language applies unless this browser has chosen one with the switch.
        remember_locale(response, preferred_locale, secure=settings.cookie_secure)
    return response


@router.post("/signout")
def sign_out(request: Request, translations: TranslationsDep) -> RedirectResponse:
    remember_session_user(request, None)
    rotate_csrf_token(request)
    set_notice(request, translations.gettext("You have signed out."))
    return RedirectResponse("/", status_code=303)
