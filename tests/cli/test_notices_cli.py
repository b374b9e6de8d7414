"""``kakehashi notices send`` mails what waits (through a real local SMTP server); ``list`` shows a user's."""

from __future__ import annotations

from typer.testing import CliRunner

from kakehashi.cli import app
from kakehashi.errors import N_
from kakehashi.notifications import notify
from kakehashi.store import Database
from tests.factories import make_organisation, make_user
from tests.mailbox import Mailbox

runner = CliRunner()


def test_send_then_list(cli_env: dict[str, str], mailbox: Mailbox) -> None:
    assert runner.invoke(app, ["db", "upgrade"], env=cli_env).exit_code == 0
    database = Database(cli_env["KAKEHASHI_DATABASE_URL"])
    try:
        with database.session() as session:
            user = make_user(
                session, organisation=make_organisation(session, country="IT"), email="bianchi@example.it"
            )
            notify(
                session,
                kind="intro.stage",
                message=N_("Your notification settings are saved."),
                users=[user.id],
            )
    finally:
        database.dispose()
    env = {**cli_env, "KAKEHASHI_SMTP_HOST": mailbox.host, "KAKEHASHI_SMTP_PORT": str(mailbox.port)}
    sent = runner.invoke(app, ["notices", "send"], env=env)
    assert sent.exit_code == 0, sent.output
    assert "1 sent" in sent.output
    assert "Le tue impostazioni di notifica sono salvate." in mailbox.only().get_content()
    again = runner.invoke(app, ["notices", "send"], env=env)
    assert "0 sent" in again.output
    assert len(mailbox.messages) == 1
    listed = runner.invoke(app, ["notices", "list", "bianchi@example.it"], env=env)
    assert listed.exit_code == 0, listed.output
    assert "Le tue impostazioni di notifica sono salvate." in listed.output
    assert "1 unread of 1" in listed.output
    unknown = runner.invoke(app, ["notices", "list", "nobody@example.org"], env=env)
    assert unknown.exit_code != 0
