"""Notices of the pipeline (written in the same transaction, never naming a hidden side), the overdue
job and the alerts job (never the same counterpart twice)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from fastapi.testclient import TestClient
from sqlalchemy import select

from kakehashi.accounts.models import User
from kakehashi.config import Settings
from kakehashi.notifications.models import Notice
from kakehashi.notifications.readers import reader_of
from kakehashi.notifications.render import notice_text
from kakehashi.pipeline import alerts
from kakehashi.pipeline.jobs import report_overdue
from kakehashi.pipeline.models import AlertHit
from kakehashi.profiles.models import Organisation
from kakehashi.store import Database
from tests.factories import make_opportunity
from tests.mailbox import Mailbox
from tests.pipeline.conftest import IT_SECRETS, JP_SECRETS, PipelineWorld, call, disclosed_introduction


def _texts(database: Database, user_id: int) -> list[tuple[str, str]]:
    with database.session() as session:
        user = session.get(User, user_id)
        assert user is not None
        rows = session.scalars(select(Notice).where(Notice.user_id == user_id).order_by(Notice.id))
        reader = reader_of(session, user)
        return [(n.kind, notice_text(n, reader)) for n in rows]


def test_notices_follow_the_pipeline_and_name_no_hidden_side(
    client: TestClient, pw: PipelineWorld, database: Database
) -> None:
    interest = call(client, pw, "asker", "POST", "/interests", {"opportunity_id": pw.opp_it}).json()
    owner = _texts(database, pw.user_ids["owner"])
    assert [kind for kind, _ in owner] == ["interest.new"]
    assert "Japan" in owner[0][1] or "日本" in owner[0][1] or "Giappone" in owner[0][1]
    assert _texts(database, pw.user_ids["asker"]) == []  # no notice of one's own action
    intro = call(client, pw, "owner", "POST", f"/interests/{interest['id']}/accept").json()
    call(client, pw, "asker", "POST", f"/introductions/{intro['id']}/consent")
    asker = _texts(database, pw.user_ids["asker"])
    owner = _texts(database, pw.user_ids["owner"])
    assert [kind for kind, _ in asker] == ["interest.accepted"]
    assert [kind for kind, _ in owner] == ["interest.new", "intro.disclosed"]
    for _, text in owner:
        assert not any(secret in text for secret in JP_SECRETS)
    for _, text in asker:
        assert not any(secret in text for secret in IT_SECRETS)
    assert not _texts(database, pw.user_ids["third"])


def test_a_refused_write_notifies_nobody(client: TestClient, pw: PipelineWorld, database: Database) -> None:
    call(client, pw, "owner", "POST", "/interests", {"opportunity_id": pw.opp_it})
    with database.session() as session:
        assert session.scalar(select(Notice.id)) is None


def test_stage_changes_notify_both_sides(client: TestClient, pw: PipelineWorld, database: Database) -> None:
    intro_id = disclosed_introduction(client, pw)
    call(client, pw, "jetro", "POST", f"/introductions/{intro_id}/stage", {"stage": "met"})
    assert _texts(database, pw.user_ids["owner"])[-1][0] == "intro.stage"
    assert _texts(database, pw.user_ids["asker"])[-1][0] == "intro.stage"


def test_the_overdue_job_notifies_once_per_due_date(
    client: TestClient, pw: PipelineWorld, database: Database
) -> None:
    intro_id = disclosed_introduction(client, pw)
    due = date(2026, 11, 20)
    call(
        client,
        pw,
        "ice",
        "PATCH",
        f"/introductions/{intro_id}",
        {"next_step": "Samples", "next_step_due": due.isoformat(), "follow": "b"},
    )
    assert report_overdue(database, today=due) == 0  # due today: not overdue yet
    assert report_overdue(database, today=due + timedelta(days=1)) == 1
    assert report_overdue(database, today=due + timedelta(days=2)) == 0
    kinds = [kind for kind, _ in _texts(database, pw.user_ids["ice"])]
    assert kinds.count("intro.overdue") == 1


def test_alerts_run_as_a_job_and_never_report_a_counterpart_twice(
    client: TestClient, pw: PipelineWorld, database: Database
) -> None:
    saved = call(client, pw, "asker", "POST", "/alerts", {"query": "", "country": "IT"})
    assert saved.status_code == 201, saved.text
    matching = client.app.state.matching  # type: ignore[attr-defined]
    matching.sync()
    first = alerts.run_alerts(database, matching)
    assert first == 2  # the two published Italian opportunities (never the organisation's own)
    assert alerts.run_alerts(database, matching) == 0
    with database.session() as session:
        found = set(session.scalars(select(AlertHit.opportunity_id)))
    assert found == {pw.opp_it, pw.opp_third}
    kinds = [kind for kind, _ in _texts(database, pw.user_ids["asker"])]
    assert kinds == ["alert.hits"]


def test_an_alert_needs_something_to_look_for(client: TestClient, pw: PipelineWorld) -> None:
    response = call(client, pw, "asker", "POST", "/alerts", {"query": ""})
    assert response.status_code == 422
    officer = call(client, pw, "ice", "POST", "/alerts", {"query": "SiC"})
    assert officer.status_code == 403


def test_the_alerts_job_mails_each_member_a_digest_at_their_rhythm(
    client: TestClient, pw: PipelineWorld, database: Database, settings: Settings, mailbox: Mailbox
) -> None:
    """The digest path of the alerts job, over real SMTP: one e-mail listing the new counterparts, none
    more the same day (daily rhythm, even with new hits), the next one a day later; in the reader's
    language (the asker is Japanese) and never the owner's identity (alerts list opportunities only)."""
    mail_settings = settings.model_copy(update={"smtp_host": mailbox.host, "smtp_port": mailbox.port})
    saved = call(client, pw, "asker", "POST", "/alerts", {"query": "", "country": "IT"})
    assert saved.status_code == 201, saved.text
    matching = client.app.state.matching  # type: ignore[attr-defined]
    matching.sync()
    monday = datetime(2026, 11, 30, 7, 0, tzinfo=UTC)
    assert alerts.run_alerts(database, matching, settings=mail_settings, now=monday) == 2
    digest = mailbox.only()
    assert digest["To"] == "kenji@hayabusa-denki.example.jp"
    body = digest.get_content()
    assert "/alerts" in body
    assert not any(secret in body for secret in IT_SECRETS)

    with database.session() as session:
        owner = session.get_one(Organisation, pw.org_it)
        fresh = make_opportunity(session, owner, title="Gate drivers for SiC inverters").id
    matching.sync()
    later_that_day = monday + timedelta(hours=3)
    assert alerts.run_alerts(database, matching, settings=mail_settings, now=later_that_day) == 1
    assert len(mailbox.messages) == 1  # the daily rhythm: the new hit waits for tomorrow's digest
    tomorrow = monday + timedelta(days=1)
    assert alerts.run_alerts(database, matching, settings=mail_settings, now=tomorrow) == 0
    assert len(mailbox.messages) == 2
    with database.session() as session:
        found = set(session.scalars(select(AlertHit.opportunity_id)))
        waiting = session.scalars(
            select(Notice.email_state).where(
                Notice.user_id == pw.user_ids["asker"], Notice.kind == "alert.hits"
            )
        ).all()
    assert fresh in found
    assert len(waiting) == 2
    assert set(waiting) == {"sent"}  # every alert notice e-mailed, each once
