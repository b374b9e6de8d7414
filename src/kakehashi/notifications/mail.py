"""Sending e-mail with the standard library's SMTP client.

The text of every message comes from the it/ja/en catalogues: a caller passes the recipient's
``Translations``, so this module never holds a finished sentence of its own. Without an SMTP server
configured (the local demo) a message is written to the log instead, which is the only way to read it.
"""

from __future__ import annotations

import logging
import smtplib
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import formataddr, make_msgid

from babel.support import Translations

from kakehashi.config import Settings

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Mail:
    to: str
    subject: str
    body: str


class MailSender:
    def __init__(self, settings: Settings) -> None:
        self.settings = settings

    def _message(self, mail: Mail) -> EmailMessage:
        message = EmailMessage()
        message["From"] = formataddr(("Kakehashi", self.settings.smtp_from))
        message["To"] = mail.to
        message["Subject"] = mail.subject
        message["Message-ID"] = make_msgid(domain=self.settings.smtp_from.partition("@")[2] or None)
        message.set_content(mail.body)
        return message

    def send(self, mail: Mail) -> None:
        """Send one message (raises OSError / smtplib.SMTPException when the server refuses)."""
        settings = self.settings
        if not settings.smtp_host:
            log.warning(
                "No SMTP server configured; e-mail to %s not sent:\n%s\n\n%s",
                mail.to,
                mail.subject,
                mail.body,
            )
            return
        with smtplib.SMTP(settings.smtp_host, settings.smtp_port, timeout=settings.smtp_timeout_s) as smtp:
            if settings.smtp_starttls:
                smtp.starttls()
            if settings.smtp_username:
                smtp.login(settings.smtp_username, settings.smtp_password or "")
            smtp.send_message(self._message(mail))

    def send_quietly(self, mail: Mail) -> bool:
        """Send, logging a failure instead of raising (for background sends after the response)."""
        try:
            self.send(mail)
        except (OSError, smtplib.SMTPException):
            log.exception("Could not send e-mail to %s", mail.to)
            return False
        return True


def password_reset_mail(
    translations: Translations, *, to: str, name: str, link: str, valid_minutes: int
) -> Mail:
    """The reset link e-mail, in the language of ``translations``."""
    _ = translations.gettext
    subject = _("Kakehashi: reset your password")
    body = _(
        "Hello %(name)s,\n\n"
        "someone (we hope you) asked to reset the password of your Kakehashi account. "
        "Open this link within %(minutes)s minutes to choose a new password; it works once:\n\n"
        "%(link)s\n\n"
        "If you did not ask for it, ignore this e-mail: your password stays as it is."
    ) % {"name": name, "link": link, "minutes": valid_minutes}
    return Mail(to=to, subject=subject, body=body)
