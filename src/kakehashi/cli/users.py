"""``kakehashi users …``: accounts for members, agency officers and administrators.

Passwords never travel on the command line (where ``ps`` and shell histories show them): ``create`` and
``set-password`` ask for them without echo, or read one line from standard input with
``--password-stdin`` (for scripts: ``printf '%s\\n' "$PASSWORD" | kakehashi users create … --password-stdin``).
"""

from __future__ import annotations

import sys

import typer
from sqlalchemy import select
from sqlalchemy.orm import Session

from kakehashi.accounts import admin
from kakehashi.accounts.models import User
from kakehashi.accounts.passwords import MIN_PASSWORD_LENGTH
from kakehashi.accounts.recovery import set_password_by_operator
from kakehashi.accounts.roles import Role
from kakehashi.accounts.service import SYSTEM, create_user, ensure_agencies
from kakehashi.cli.common import console, open_database, settings
from kakehashi.errors import FieldProblem, ValidationFailed
from kakehashi.profiles.models import Organisation

users_app = typer.Typer(help="User accounts.", no_args_is_help=True)

_PASSWORD_STDIN = typer.Option(
    False, "--password-stdin", help="Read the password from the first line of standard input."
)


def read_password(*, from_stdin: bool) -> str:
    """The new password: one line of standard input, or typed twice without echo."""
    if from_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    password: str = typer.prompt(
        f"Password (at least {MIN_PASSWORD_LENGTH} characters)", hide_input=True, confirmation_prompt=True
    )
    return password


def _organisation_id(session: Session, organisation: str | None) -> int | None:
    if organisation is None:
        return None
    organisation_id = session.scalar(
        select(Organisation.id).where(
            (Organisation.external_id == organisation)
            | (
                Organisation.id
                == (int(organisation) if organisation.isdigit() and len(organisation) < 12 else -1)
            )
        )
    )
    if organisation_id is None:
        raise ValidationFailed(
            "Unknown organisation.",
            problems=[FieldProblem("organisation", "No organisation %(id)s.", params={"id": organisation})],
        )
    return organisation_id


@users_app.command("create")
def create(
    email: str = typer.Option(..., help="Sign-in e-mail."),
    name: str = typer.Option(..., help="Display name."),
    role: Role = typer.Option(Role.MEMBER, help="member, officer or admin."),
    organisation: str | None = typer.Option(None, help="For members: the organisation's id or external id."),
    agency: str | None = typer.Option(None, help="For officers: ICE or JETRO."),
    password_stdin: bool = _PASSWORD_STDIN,
) -> None:
    """Create a user (asks for the password, or reads it with --password-stdin)."""
    password = read_password(from_stdin=password_stdin)
    with open_database(settings()) as database:
        database.upgrade()
        with database.session() as session:
            ensure_agencies(session)
            user = create_user(
                session,
                SYSTEM,
                email=email,
                password=password,
                display_name=name,
                role=role,
                organisation_id=_organisation_id(session, organisation),
                agency_code=agency,
            )
            console.print(f"Created {user.role} {user.email} (id {user.id}).")


@users_app.command("list")
def list_users() -> None:
    """List every user with role, agency, organisation and whether active."""
    with open_database(settings()) as database, database.session() as session:
        for user in session.scalars(select(User).order_by(User.id)):
            agency = user.agency.code if user.agency else ""
            state = "" if user.is_active else "deactivated"
            console.print(
                f"{user.id:>4}  {user.email:<40} {user.role:<8} {agency:<6} {user.organisation_id or '':<6} {state}"
            )


@users_app.command("set-role")
def set_role(
    email: str = typer.Argument(..., help="The user's e-mail."),
    role: Role = typer.Option(..., help="member, officer or admin."),
    organisation: str | None = typer.Option(None, help="For members: the organisation's id or external id."),
    agency: str | None = typer.Option(None, help="For officers: ICE or JETRO."),
) -> None:
    """Give a user another role."""
    with open_database(settings()) as database, database.session() as session:
        user = admin.user_by_email(session, email)
        admin.set_role(
            session,
            SYSTEM,
            user.id,
            role=role,
            organisation_id=_organisation_id(session, organisation),
            agency_code=agency,
        )
        console.print(f"{user.email} is now {user.role}.")


@users_app.command("deactivate")
def deactivate(email: str = typer.Argument(..., help="The user's e-mail.")) -> None:
    """Deactivate a user: their sessions and API tokens end at once, and they cannot sign in."""
    with open_database(settings()) as database, database.session() as session:
        user = admin.set_active(session, SYSTEM, admin.user_by_email(session, email).id, active=False)
        console.print(f"{user.email} is deactivated.")


@users_app.command("activate")
def activate(email: str = typer.Argument(..., help="The user's e-mail.")) -> None:
    """Reactivate a deactivated user."""
    with open_database(settings()) as database, database.session() as session:
        user = admin.set_active(session, SYSTEM, admin.user_by_email(session, email).id, active=True)
        console.print(f"{user.email} is active again.")


@users_app.command("set-password")
def set_password(
    email: str = typer.Argument(..., help="The user's e-mail."), password_stdin: bool = _PASSWORD_STDIN
) -> None:
    """Set a user's password (for an administrator who lost theirs); every session of the user ends."""
    password = read_password(from_stdin=password_stdin)
    with open_database(settings()) as database, database.session() as session:
        user = set_password_by_operator(session, admin.user_by_email(session, email).id, password)
        console.print(f"The password of {user.email} is changed; their sessions have ended.")


def register(app: typer.Typer) -> None:
    app.add_typer(users_app, name="users")
