"""The reader of a notice: a user's language, zone and catalogue, for e-mails written outside a request."""

from __future__ import annotations

import functools
from collections.abc import Mapping

from babel.support import Translations
from sqlalchemy.orm import Session

from kakehashi.accounts.models import User
from kakehashi.formatting import LocaleFormatter
from kakehashi.notifications.recipients import user_language, user_zone
from kakehashi.notifications.render import Addressee, Reader


@functools.cache
def catalogues() -> Mapping[str, Translations]:
    """The it/ja/en catalogues, compiled once per process (jobs run outside the web app, which has its own
    copy; the ``.po`` files live with the pages' locale folder)."""
    from kakehashi.web.i18n import load_translations

    return load_translations()


def reader_of(
    session: Session, user: User, *, translations: Mapping[str, Translations] | None = None
) -> Reader:
    """``user`` as a reader: its interface language (else its country's) and its zone."""
    language = user_language(session, user)
    available = translations if translations is not None else catalogues()
    return Reader(
        translations=available[language],
        formatter=LocaleFormatter(locale=language, viewer_zone=user_zone(session, user)),
    )


def addressee(user: User) -> Addressee:
    return Addressee(email=user.email, name=user.display_name)
