"""Password change (signed in), and the forgotten-password pages (an e-mailed one-time link)."""

from __future__ import annotations

from fastapi import APIRouter, BackgroundTasks, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from kakehashi.accounts.recovery import (
    change_password,
    check_reset_token,
    request_reset,
    reset_mail,
    reset_password,
)
from kakehashi.accounts.service import get_user
from kakehashi.accounts.sessions import start_session
from kakehashi.api.clients import client_address
from kakehashi.errors import FieldProblem, StaleVersion, ValidationFailed
from kakehashi.notifications.mail import MailSender
from kakehashi.web.deps import (
    DatabaseDep,
    FormDep,
    SettingsDep,
    SignedInDep,
    TranslationsDep,
    begin_browser_session,
    session_limits,
    set_notice,
)
from kakehashi.web.forms import form_errors, form_version, stale_problem
from kakehashi.web.labels import N_
from kakehashi.web.templating import render

router = APIRouter()

# The password policy's messages (kakehashi.accounts.passwords), listed for the catalogues.
POLICY_MESSAGES = (
    N_("At least %(min)s characters."),
    N_("At most %(max)s characters."),
    N_("Must not contain your e-mail, your name or the name of the platform."),
    N_("This password is among the most common ones; choose another."),
    N_("The current password is wrong."),
    N_("The new passwords do not match."),
)


def _field(form: FormDep, name: str) -> str:
    return str(form.get(name) or "")[:1000]


def _account_version(database: DatabaseDep, user_id: int) -> int:
    with database.session() as session:
        user = get_user(session, user_id)
        return user.version if user is not None else 0


@router.get("/account/password", response_class=HTMLResponse)
def password_page(request: Request, actor: SignedInDep, database: DatabaseDep) -> HTMLResponse:
    assert actor.user_id is not None
    context = {"errors": None, "version": _account_version(database, actor.user_id)}
    return render(request, "account/password.html", context)


@router.post("/account/password")
def change_password_form(
    request: Request,
    actor: SignedInDep,
    form: FormDep,
    database: DatabaseDep,
    settings: SettingsDep,
    translations: TranslationsDep,
) -> Response:
    assert actor.user_id is not None
    new_password = _field(form, "new_password")
    try:
        if new_password != _field(form, "confirm_password"):
            raise ValidationFailed(
                "The new passwords do not match.",
                problems=[_mismatch()],
            )
        with database.session() as session:
            user = change_password(
                session,
                actor.user_id,
                current_password=_field(form, "current_password"),
                new_password=new_password,
                address=client_address(request),
                expected_version=form_version(form),
            )
            # Every session of the user has ended; this browser continues in a fresh one.
            session_id = start_session(session, user, limits=session_limits(settings))
    except (ValidationFailed, StaleVersion) as failed:
        stale = isinstance(failed, StaleVersion)
        problems = stale_problem(failed) if isinstance(failed, StaleVersion) else failed.problems
        context = {
            "errors": form_errors(problems, translations),
            # After a stale form the account is shown at its current version: sending again applies.
            "version": _account_version(database, actor.user_id),
        }
        return render(request, "account/password.html", context, status_code=409 if stale else 422)
    begin_browser_session(request, session_id)
    set_notice(request, translations.gettext("Your password has been changed; other sessions have ended."))
    return RedirectResponse("/account/password", status_code=303)


def _mismatch() -> FieldProblem:
    return FieldProblem("confirm_password", "The new passwords do not match.")


@router.get("/password/forgot", response_class=HTMLResponse)
def forgot_page(request: Request) -> HTMLResponse:
    return render(request, "account/forgot.html", {"sent": False})


@router.post("/password/forgot")
def forgot(
    request: Request,
    form: FormDep,
    database: DatabaseDep,
    settings: SettingsDep,
    background: BackgroundTasks,
) -> HTMLResponse:
    email = _field(form, "email")[:254]
    with database.session() as session:
        link = request_reset(
            session, email=email, max_age_s=settings.password_reset_max_age_s, address=client_address(request)
        )
    if link is not None:
        mail = reset_mail(link, translations=request.app.state.translations, settings=settings)
        mailer: MailSender = request.app.state.mailer
        # After the response: the page answers at once, and alike whether or not the account exists.
        background.add_task(mailer.send_quietly, mail)
    return render(request, "account/forgot.html", {"sent": True})


@router.get("/password/reset", response_class=HTMLResponse)
def reset_page(request: Request, database: DatabaseDep, token: str = "") -> HTMLResponse:
    with database.session() as session:
        check_reset_token(session, token[:200])
    return render(request, "account/reset.html", {"token": token, "errors": None})


@router.post("/password/reset")
def reset(
    request: Request,
    form: FormDep,
    database: DatabaseDep,
    translations: TranslationsDep,
) -> Response:
    token = _field(form, "token")[:200]
    new_password = _field(form, "new_password")
    try:
        if new_password != _field(form, "confirm_password"):
            raise ValidationFailed("The new passwords do not match.", problems=[_mismatch()])
        with database.session() as session:
            reset_password(session, token=token, new_password=new_password, address=client_address(request))
    except ValidationFailed as failed:
        context = {"token": token, "errors": form_errors(failed.problems, translations)}
        return render(request, "account/reset.html", context, status_code=422)
    set_notice(request, translations.gettext("Your password has been changed. Sign in with the new one."))
    return RedirectResponse("/signin", status_code=303)
