"""A notice written for its reader: the message in the reader's language, its parameters in the reader's
locale and time zone; and the e-mails that carry notices. Pure, given the reader's translations."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Final

from babel.support import Translations

from kakehashi.errors import N_
from kakehashi.formatting import LocaleFormatter
from kakehashi.notifications.mail import Mail
from kakehashi.notifications.models import Notice
from kakehashi.notifications.params import render_params

SUBJECT_TEXT_MAX: Final = 120
PREFERENCES_PATH: Final = "/account/notifications"  # the account page of e-mail preferences

GREETING: Final = N_("Hello %(name)s,")
OPEN_LINK: Final = N_("Open it on Kakehashi: %(url)s")
SUBJECT: Final = N_("Kakehashi: %(text)s")
DIGEST_SUBJECT: Final = N_("Kakehashi: your digest (%(count)s new)")
DIGEST_INTRO: Final = N_("here is what is new for you on Kakehashi since the last digest:")
PREFERENCES_FOOTER: Final = N_(
    "You receive this e-mail because of your notification preferences on Kakehashi; "
    "change them on your account page: %(url)s"
)


@dataclass(frozen=True, slots=True)
class Reader:
    """Who reads: its language's translations and its formatter (locale and zone)."""

    translations: Translations
    formatter: LocaleFormatter

    def gettext(self, message: str) -> str:
        return self.translations.gettext(message)


def notice_text(notice: Notice, reader: Reader) -> str:
    """The notice's sentence for ``reader`` (the English id if a translation is broken)."""
    values = render_params(notice.params or {}, gettext=reader.gettext, formatter=reader.formatter)
    text = reader.gettext(notice.message)
    try:
        return text % values if values else text
    except (KeyError, TypeError, ValueError):
        try:
            return notice.message % values if values else notice.message
        except (KeyError, TypeError, ValueError):
            return notice.message


def _shorten(text: str) -> str:
    line = " ".join(text.split())
    return line if len(line) <= SUBJECT_TEXT_MAX else line[: SUBJECT_TEXT_MAX - 1] + "…"


@dataclass(frozen=True, slots=True)
class Addressee:
    email: str
    name: str


def notice_mail(notice: Notice, *, to: Addressee, reader: Reader, site: str) -> Mail:
    """One notice as an e-mail: the sentence as subject and body, the link made absolute on ``site``."""
    _ = reader.gettext
    text = notice_text(notice, reader)
    parts = [_(GREETING) % {"name": to.name}, text]
    if notice.link:
        parts.append(_(OPEN_LINK) % {"url": site + notice.link})
    parts.append("-- \n" + _(PREFERENCES_FOOTER) % {"url": site + PREFERENCES_PATH})
    return Mail(to=to.email, subject=_(SUBJECT) % {"text": _shorten(text)}, body="\n\n".join(parts))


def digest_mail(notices: Sequence[Notice], *, to: Addressee, reader: Reader, site: str) -> Mail:
    """Several notices in one e-mail, oldest first, each with its time and link."""
    _ = reader.gettext
    items = []
    for notice in notices:
        line = f"- {reader.formatter.date_time(notice.created_at)}: {notice_text(notice, reader)}"
        if notice.link:
            line += f"\n  {site}{notice.link}"
        items.append(line)
    parts = [
        _(GREETING) % {"name": to.name},
        _(DIGEST_INTRO),
        "\n".join(items),
        "-- \n" + _(PREFERENCES_FOOTER) % {"url": site + PREFERENCES_PATH},
    ]
    subject = _(DIGEST_SUBJECT) % {"count": reader.formatter.number(len(notices))}
    return Mail(to=to.email, subject=subject, body="\n\n".join(parts))
