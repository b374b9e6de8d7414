"""The signed-in user's notices (unread first, mark read, open) and its notification settings page."""

from __future__ import annotations

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from kakehashi.accounts.models import User
from kakehashi.errors import StaleVersion, ValidationFailed
from kakehashi.notifications import inbox
from kakehashi.notifications.preferences import (
    DIGESTS,
    FAMILIES,
    account_notifications,
    time_zones,
    update_preferences,
)
from kakehashi.notifications.recipients import user_zone
from kakehashi.notifications.render import PREFERENCES_PATH, Reader
from kakehashi.web.deps import (
    DatabaseDep,
    FormDep,
    SignedInDep,
    TranslationsDep,
    get_formatter,
    set_notice,
)
from kakehashi.web.forms import form_errors, form_version, stale_problem
from kakehashi.web.i18n import LocaleFormatter
from kakehashi.web.ids import RecordId
from kakehashi.web.templating import render

router = APIRouter()


def _reader(request: Request, translations: TranslationsDep, zone: str) -> Reader:
    # The page's language (the switch may differ from the account's), the account's own zone.
    locale = get_formatter(request).locale
    return Reader(translations=translations, formatter=LocaleFormatter(locale=locale, viewer_zone=zone))


@router.get("/notices", response_class=HTMLResponse)
def notices_page(
    request: Request,
    actor: SignedInDep,
    database: DatabaseDep,
    translations: TranslationsDep,
    page: int = Query(default=1, ge=1, le=10_000),
) -> HTMLResponse:
    assert actor.user_id is not None
    with database.session() as session:
        zone = user_zone(session, session.get_one(User, actor.user_id))
        listed = inbox.notice_page(
            session, actor.user_id, reader=_reader(request, translations, zone), page=page
        )
    return render(request, "notices/list.html", {"listed": listed, "zone": zone})


@router.post("/notices/{notice_id}/read")
def read_notice(notice_id: RecordId, actor: SignedInDep, form: FormDep, database: DatabaseDep) -> Response:
    """Mark one notice read; with ``open`` in the form, go where it points."""
    assert actor.user_id is not None
    with database.session() as session:
        notice = inbox.mark_read(session, actor.user_id, notice_id)
        target = notice.link if form.get("open") and notice.link else "/notices"
    return RedirectResponse(target, status_code=303)


@router.post("/notices/read-all")
def read_all_notices(
    request: Request, actor: SignedInDep, database: DatabaseDep, translations: TranslationsDep
) -> Response:
    assert actor.user_id is not None
    with database.session() as session:
        inbox.mark_all_read(session, actor.user_id)
    set_notice(request, translations.gettext("Every notice is marked read."))
    return RedirectResponse("/notices", status_code=303)


@router.get(PREFERENCES_PATH, response_class=HTMLResponse)
def settings_page(request: Request, actor: SignedInDep, database: DatabaseDep) -> HTMLResponse:
    assert actor.user_id is not None
    with database.session() as session:
        current = account_notifications(session, actor.user_id)
    return render(request, "notices/settings.html", _settings_context(current, errors=None))


def _settings_context(
    current: object, *, errors: object, values: dict[str, object] | None = None
) -> dict[str, object]:
    return {
        "current": current,
        "values": values,
        "errors": errors,
        "families": FAMILIES,
        "digests": DIGESTS,
        "zones": time_zones(),
    }


@router.post(PREFERENCES_PATH)
def save_settings(
    request: Request,
    actor: SignedInDep,
    form: FormDep,
    database: DatabaseDep,
    translations: TranslationsDep,
) -> Response:
    assert actor.user_id is not None
    zone = str(form.get("time_zone") or "")[:64] or None
    email_on = {str(value)[:20] for value in form.getlist("email_on")[: len(FAMILIES) + 5]}
    email_off = [family for family in FAMILIES if family not in email_on]
    digest = str(form.get("digest") or "")[:10]
    try:
        with database.session() as session:
            update_preferences(
                session,
                actor.user_id,
                time_zone=zone,
                email_off=email_off,
                digest=digest,
                expected_version=form_version(form) or 0,
            )
    except (ValidationFailed, StaleVersion) as failed:
        problems = failed.problems if isinstance(failed, ValidationFailed) else stale_problem(failed)
        with database.session() as session:
            current = account_notifications(session, actor.user_id)
        values: dict[str, object] = {"time_zone": zone, "email_off": email_off, "digest": digest}
        context = _settings_context(current, errors=form_errors(problems, translations), values=values)
        return render(
            request,
            "notices/settings.html",
            context,
            status_code=409 if isinstance(failed, StaleVersion) else 422,
        )
    set_notice(request, translations.gettext("Your notification settings are saved."))
    return RedirectResponse(PREFERENCES_PATH, status_code=303)
