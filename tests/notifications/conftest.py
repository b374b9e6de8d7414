"""Notifications tests: people in Italy, Japan and elsewhere, and settings that mail to a real local SMTP."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy.orm import Session

from kakehashi.accounts.models import User
from kakehashi.config import Settings
from tests.factories import make_organisation, make_user
from tests.mailbox import Mailbox


def member(session: Session, *, country: str = "IT", **overrides: Any) -> User:
    return make_user(session, organisation=make_organisation(session, country=country), **overrides)


@pytest.fixture
def mail_settings(settings: Settings, mailbox: Mailbox) -> Settings:
    return settings.model_copy(update={"smtp_host": mailbox.host, "smtp_port": mailbox.port})
