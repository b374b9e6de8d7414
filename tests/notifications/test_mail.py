"""E-mail goes through SMTP (a real local server here), in the recipient's language."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from kakehashi.accounts.recovery import request_reset, reset_mail
from kakehashi.config import Settings
from kakehashi.notifications.mail import Mail, MailSender, password_reset_mail
from kakehashi.store import Database
from kakehashi.web.i18n import load_translations
from tests.factories import make_organisation, make_user
from tests.mailbox import Mailbox


def _settings(tmp_path: Path, **overrides: object) -> Settings:
    return Settings(data_dir=tmp_path, smtp_from="noreply@kakehashi.example", **overrides)  # type: ignore[arg-type]


def test_a_message_reaches_the_smtp_server(mailbox: Mailbox, tmp_path: Path) -> None:
    sender = MailSender(_settings(tmp_path, smtp_host=mailbox.host, smtp_port=mailbox.port))
    sender.send(Mail(to="someone@example.org", subject="Ciao", body="Una prova: 架け橋"))
    received = mailbox.only()
    assert received["To"] == "someone@example.org"
    assert "noreply@kakehashi.example" in received["From"]
    assert received["Subject"] == "Ciao"
    assert "架け橋" in received.get_content()


@pytest.mark.parametrize(
    ("locale", "subject"),
    [
        ("it", "Kakehashi: reimposta la password"),
        ("ja", "Kakehashi：パスワードの再設定"),
        ("en", "Kakehashi: reset your password"),
    ],
)
def test_the_reset_mail_speaks_the_recipients_language(locale: str, subject: str) -> None:
    mail = password_reset_mail(
        load_translations()[locale],
        to="a@b.example",
        name="Aiko",
        link="http://x/reset?token=t",
        valid_minutes=60,
    )
    assert mail.subject == subject
    assert "http://x/reset?token=t" in mail.body
    assert "Aiko" in mail.body
    assert "60" in mail.body


def test_without_a_server_the_mail_is_logged(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.WARNING):
        MailSender(_settings(tmp_path)).send(Mail(to="a@b.example", subject="S", body="the body"))
    assert "the body" in caplog.text


def test_a_refusing_server_is_reported_quietly(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    sender = MailSender(_settings(tmp_path, smtp_host="127.0.0.1", smtp_port=1, smtp_timeout_s=2))
    with caplog.at_level(logging.ERROR):
        assert sender.send_quietly(Mail(to="a@b.example", subject="S", body="B")) is False
    assert "a@b.example" in caplog.text


def test_the_reset_mail_falls_back_to_the_organisations_country(
    database: Database, settings: Settings
) -> None:
    """Like notices: an account that never chose a language reads its country's."""
    with database.session() as session:
        user = make_user(
            session, organisation=make_organisation(session, country="JP"), email="aiko@example.jp"
        )
        assert user.locale is None
        link = request_reset(session, email="aiko@example.jp", max_age_s=600)
    assert link is not None
    mail = reset_mail(link, translations=load_translations(), settings=settings)
    assert mail.subject == "Kakehashi：パスワードの再設定"
