"""``kakehashi notices …``: send the notice e-mails waiting now; list a user's notices."""

from __future__ import annotations

import typer

from kakehashi.cli.common import console, open_database, settings
from kakehashi.errors import NotFound

notices_app = typer.Typer(help="In-app notices and their e-mails.", no_args_is_help=True)


@notices_app.command("send")
def send() -> None:
    """E-mail every notice waiting in the outbox, now, from this process (each at most once)."""
    from kakehashi.notifications.outbox import deliver_pending

    config = settings()
    with open_database(config) as database:
        delivery = deliver_pending(database, settings=config)
    console.print(f"{delivery.sent} sent, {delivery.skipped} skipped (e-mail off), {delivery.failed} failed")


@notices_app.command("list")
def list_notices(
    email: str = typer.Argument(..., help="The user's e-mail."),
    limit: int = typer.Option(20, min=1, max=200, help="How many, unread first, newest first."),
) -> None:
    """A user's notices, written in its language and time zone."""
    from sqlalchemy import select

    from kakehashi.accounts.models import User
    from kakehashi.notifications.inbox import notice_page
    from kakehashi.notifications.readers import reader_of

    with open_database(settings()) as database, database.session() as session:
        user = session.scalar(select(User).where(User.email == email.strip().lower()))
        if user is None:
            raise NotFound("No user has the e-mail %(email)s.", params={"email": email})
        reader = reader_of(session, user)
        listed = notice_page(session, user.id, reader=reader, size=limit)
    for item in listed.items:
        mark = "*" if item.unread else " "
        when = reader.formatter.date_time(item.created_at)
        console.print(f"{mark} {item.id:>6} {when}  {item.kind}  {item.text}", soft_wrap=True, markup=False)
    console.print(f"{listed.unread} unread of {listed.total}")


def register(app: typer.Typer) -> None:
    app.add_typer(notices_app, name="notices")
