"""Notification preferences and time zones: defaults from the country, version-checked changes."""

from __future__ import annotations

import pytest

from kakehashi.accounts.roles import Role
from kakehashi.errors import StaleVersion, ValidationFailed
from kakehashi.notifications.preferences import account_notifications, preferences_of, update_preferences
from kakehashi.notifications.recipients import user_language, user_zone
from kakehashi.store import Database
from tests.factories import make_user
from tests.notifications.conftest import member


def test_zone_and_language_default_from_the_country(database: Database) -> None:
    with database.session() as session:
        italian, japanese = member(session, country="IT"), member(session, country="JP")
        officer = make_user(session, role=Role.OFFICER, agency="JETRO")
        admin = make_user(session, role=Role.ADMIN)
        assert [user_zone(session, u) for u in (italian, japanese, officer, admin)] == [
            "Europe/Rome",
            "Asia/Tokyo",
            "Asia/Tokyo",
            "UTC",
        ]
        assert [user_language(session, u) for u in (italian, japanese, admin)] == ["it", "ja", "en"]
        japanese.locale, japanese.time_zone = "en", "Europe/London"
        assert (user_language(session, japanese), user_zone(session, japanese)) == ("en", "Europe/London")


def test_changes_are_version_checked(database: Database) -> None:
    with database.session() as session:
        user_id = member(session, country="JP").id
        assert preferences_of(session, user_id).version == 0
        saved = update_preferences(
            session,
            user_id,
            time_zone="Europe/Rome",
            email_off=["event"],
            digest="weekly",
            expected_version=0,
        )
        assert (saved.version, saved.digest, saved.email_off) == (1, "weekly", frozenset({"event"}))
        view = account_notifications(session, user_id)
        assert (view.time_zone, view.zone_in_use) == ("Europe/Rome", "Europe/Rome")
        with pytest.raises(StaleVersion):
            update_preferences(
                session, user_id, time_zone=None, email_off=[], digest="daily", expected_version=0
            )
        update_preferences(session, user_id, time_zone=None, email_off=[], digest="daily", expected_version=1)
        assert account_notifications(session, user_id).zone_in_use == "Asia/Tokyo"


@pytest.mark.parametrize(
    ("zone", "off", "digest", "field"),
    [
        ("Mars/Olympus", [], "daily", "time_zone"),
        (None, ["nonsense"], "daily", "email_off"),
        (None, [], "hourly", "digest"),
    ],
)
def test_bad_choices_name_the_field(
    database: Database, zone: str | None, off: list[str], digest: str, field: str
) -> None:
    with database.session() as session:
        user_id = member(session).id
        with pytest.raises(ValidationFailed) as failed:
            update_preferences(
                session, user_id, time_zone=zone, email_off=off, digest=digest, expected_version=0
            )
        assert [p.field for p in failed.value.problems] == [field]
        assert preferences_of(session, user_id).version == 0
