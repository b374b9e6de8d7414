"""My notices and my notification settings (every signed-in user; only ever its own)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from fastapi import APIRouter, Path, Query, Request, Response
from pydantic import BaseModel, ConfigDict, Field

from kakehashi.accounts.models import User
from kakehashi.api.deps import DatabaseDep, SignedInDep
from kakehashi.api.errors import request_locale
from kakehashi.api.openapi import errors
from kakehashi.api.versions import IfMatchDep, with_current_state, with_etag
from kakehashi.errors import StaleVersion
from kakehashi.formatting import LocaleFormatter
from kakehashi.limits import MAX_ID
from kakehashi.notifications import inbox
from kakehashi.notifications.preferences import (
    AccountNotifications,
    account_notifications,
    update_preferences,
)
from kakehashi.notifications.recipients import user_language, user_zone
from kakehashi.notifications.render import Reader

router = APIRouter(tags=["notices"])
NoticeId = Annotated[int, Path(ge=1, le=MAX_ID, description="The notice's id.")]


class NoticeOut(BaseModel):
    id: int
    kind: str = Field(description="Stable machine name, e.g. `event.request.received`.")
    text: str = Field(
        description="The notice in the reader's language (Accept-Language, else the account's)."
    )
    message_id: str = Field(description="The English catalogue id of the text.")
    params: dict[str, str] = Field(description="The text's parameters as written for the reader.")
    link: str | None = Field(description="Site-relative path the notice points to.")
    created_at: datetime
    read_at: datetime | None
    unread: bool


class NoticesOut(BaseModel):
    items: list[NoticeOut]
    unread: int = Field(description="How many of my notices are unread.")
    total: int
    page: int
    page_size: int
    zone: str = Field(description="The IANA zone the texts' times are written in (my account's).")


def _reader(request: Request, zone: str, language: str) -> Reader:
    translations = request.app.state.translations
    if request.headers.get("accept-language"):
        language = request_locale(request)
    return Reader(
        translations=translations[language], formatter=LocaleFormatter(locale=language, viewer_zone=zone)
    )


def _out(view: inbox.NoticeView) -> NoticeOut:
    return NoticeOut(
        id=view.id,
        kind=view.kind,
        text=view.text,
        message_id=view.message_id,
        params=view.params,
        link=view.link,
        created_at=view.created_at,
        read_at=view.read_at,
        unread=view.unread,
    )


@router.get(
    "/notices",
    summary="My notices, unread first, newest first",
    response_model=NoticesOut,
    responses=errors(401),
)
def list_notices(
    request: Request,
    actor: SignedInDep,
    database: DatabaseDep,
    page: Annotated[int, Query(ge=1, le=100_000)] = 1,
    page_size: Annotated[int, Query(ge=1, le=inbox.MAX_PAGE_SIZE)] = inbox.PAGE_SIZE,
) -> NoticesOut:
    assert actor.user_id is not None
    with database.session() as session:
        user = session.get_one(User, actor.user_id)
        zone = user_zone(session, user)
        reader = _reader(request, zone, user_language(session, user))
        listed = inbox.notice_page(session, actor.user_id, reader=reader, page=page, size=page_size)
    return NoticesOut(
        items=[_out(item) for item in listed.items],
        unread=listed.unread,
        total=listed.total,
        page=listed.page,
        page_size=listed.size,
        zone=zone,
    )


class ReadOut(BaseModel):
    marked: int = Field(description="How many notices this call marked read (0: already read).")
    unread: int = Field(description="How many of my notices are still unread.")


@router.post(
    "/notices/{notice_id}/read",
    summary="Mark one of my notices read (idempotent)",
    response_model=ReadOut,
    responses=errors(401, 404),
)
def read_notice(notice_id: NoticeId, actor: SignedInDep, database: DatabaseDep) -> ReadOut:
    assert actor.user_id is not None
    with database.session() as session:
        before = inbox.unread_count(session, actor.user_id)
        inbox.mark_read(session, actor.user_id, notice_id)
        after = inbox.unread_count(session, actor.user_id)
    return ReadOut(marked=before - after, unread=after)


@router.post(
    "/notices/read-all",
    summary="Mark every notice of mine read",
    response_model=ReadOut,
    responses=errors(401),
)
def read_all_notices(actor: SignedInDep, database: DatabaseDep) -> ReadOut:
    assert actor.user_id is not None
    with database.session() as session:
        marked = inbox.mark_all_read(session, actor.user_id)
    return ReadOut(marked=marked, unread=0)


class NotificationSettingsOut(BaseModel):
    time_zone: str | None = Field(description="My chosen IANA zone; null: from my organisation's country.")
    zone_in_use: str
    email_off: list[str] = Field(
        description="Kind families not e-mailed (event, interest, intro, message, alert)."
    )
    digest: str = Field(description="daily or weekly: the rhythm of the alert digest.")
    version: int = Field(description="Also the ETag; send it as If-Match (0: never saved).")


class NotificationSettingsIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    time_zone: str | None = Field(default=None, max_length=64)
    email_off: list[Annotated[str, Field(max_length=20)]] = Field(default_factory=list, max_length=20)
    digest: Literal["daily", "weekly"] = "daily"


def _settings_out(current: AccountNotifications) -> NotificationSettingsOut:
    prefs = current.preferences
    return NotificationSettingsOut(
        time_zone=current.time_zone,
        zone_in_use=current.zone_in_use,
        email_off=sorted(prefs.email_off),
        digest=prefs.digest,
        version=prefs.version,
    )


@router.get(
    "/me/notification-settings",
    summary="My time zone and e-mail preferences",
    response_model=NotificationSettingsOut,
    responses=errors(401),
)
def get_settings(actor: SignedInDep, database: DatabaseDep, response: Response) -> NotificationSettingsOut:
    assert actor.user_id is not None
    with database.session() as session:
        return with_etag(response, _settings_out(account_notifications(session, actor.user_id)))


@router.put(
    "/me/notification-settings",
    summary="Change my time zone and e-mail preferences (If-Match: the version read)",
    response_model=NotificationSettingsOut,
    responses=errors(401, 409, 422),
)
def put_settings(
    body: NotificationSettingsIn,
    actor: SignedInDep,
    database: DatabaseDep,
    if_match: IfMatchDep,
    response: Response,
) -> NotificationSettingsOut:
    user_id = actor.user_id
    assert user_id is not None
    try:
        with database.session() as session:
            expected = (
                if_match
                if if_match is not None
                else account_notifications(session, user_id).preferences.version
            )
            update_preferences(
                session,
                user_id,
                time_zone=body.time_zone,
                email_off=body.email_off,
                digest=body.digest,
                expected_version=expected,
            )
            current = account_notifications(session, user_id)
    except StaleVersion as stale:
        raise with_current_state(
            stale, database, lambda session: _settings_out(account_notifications(session, user_id))
        ) from None
    return with_etag(response, _settings_out(current))
