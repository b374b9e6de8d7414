"""``kakehashi users …``: accounts for members, agency officers and administrators."""

from __future__ import annotations

import typer
from sqlalchemy import select

from kakehashi.accounts.models import User
from kakehashi.accounts.roles import Role
from kakehashi.accounts.service import SYSTEM, create_user, ensure_agencies
from kakehashi.cli.common import console, open_database, settings
from kakehashi.errors import FieldProblem, ValidationFailed
from kakehashi.profiles.models import Organisation

users_app = typer.Typer(help="User accounts.", no_args_is_help=True)


@users_app.command("create")
def create(
    email: str = typer.Option(..., help="Sign-in e-mail."),
    name: str = typer.Option(..., help="Display name."),
    role: Role = typer.Option(Role.MEMBER, help="member, officer or admin."),
    organisation: str | None = typer.Option(None, help="For members: the organisation's id or external id."),
    agency: str | None = typer.Option(None, help="For officers: ICE or JETRO."),
    password: str = typer.Option(
        ..., prompt=True, hide_input=True, confirmation_prompt=True, help="At least 8 characters."
    ),
) -> None:
    """Create a user (asks for the password when not given)."""
    with open_database(settings()) as database:
        database.upgrade()
        with database.session() as session:
            ensure_agencies(session)
            organisation_id = None
            if organisation is not None:
                organisation_id = session.scalar(
                    select(Organisation.id).where(
                        (Organisation.external_id == organisation)
                        | (Organisation.id == (int(organisation) if organisation.isdigit() else -1))
                    )
                )
                if organisation_id is None:
                    raise ValidationFailed(
                        "Unknown organisation.",
                        problems=[
                            FieldProblem(
                                "organisation",
                                "no organisation %(organisation)s",
                                params={"organisation": repr(organisation)},
                            )
                        ],
                    )
            user = create_user(
                session,
                SYSTEM,
                email=email,
                password=password,
                display_name=name,
                role=role,
                organisation_id=organisation_id,
                agency_code=agency,
            )
            console.print(f"Created {user.role} {user.email} (id {user.id}).")


@users_app.command("list")
def list_users() -> None:
    """List every user with role, agency and organisation."""
    with open_database(settings()) as database, database.session() as session:
        for user in session.scalars(select(User).order_by(User.id)):
            agency = user.agency.code if user.agency else ""
            console.print(
                f"{user.id:>4}  {user.email:<40} {user.role:<8} {agency:<6} {user.organisation_id or ''}"
            )


def register(app: typer.Typer) -> None:
    app.add_typer(users_app, name="users")
