"""``kakehashi pipeline …``: interests, introductions, agreements and their audit trail from the command
line, acting as a user (``--as`` e-mail) with the same role rules as the API and the pages."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from decimal import Decimal
from pathlib import Path

import typer
from sqlalchemy import select
from sqlalchemy.orm import Session

from kakehashi.accounts.models import User
from kakehashi.accounts.roles import Actor
from kakehashi.accounts.service import actor_for
from kakehashi.cli.common import console, open_database, settings
from kakehashi.errors import FieldProblem, ValidationFailed
from kakehashi.pipeline import agreements, interests, introductions, jobs, trail
from kakehashi.pipeline.introductions import BoardFilters
from kakehashi.pipeline.schemas import AgreementInput, InterestInput, MoveInput, ProposalInput
from kakehashi.pipeline.vocab import Stage
from kakehashi.store.base import utcnow

pipeline_app = typer.Typer(help="Interests, introductions and agreements.", no_args_is_help=True)
AS = typer.Option(..., "--as", help="E-mail of the user who acts (the role rules apply).")


@contextmanager
def acting(email: str) -> Iterator[tuple[Session, Actor]]:
    with open_database(settings()) as database, database.session() as session:
        user = session.scalar(select(User).where(User.email == email.strip().lower()))
        if user is None or not user.is_active:
            raise ValidationFailed(
                "Unknown user.", problems=[FieldProblem("as", "No active user %(id)s.", params={"id": email})]
            )
        yield session, actor_for(user)


@pipeline_app.command("interests")
def list_interests(as_: str = AS) -> None:
    """Interests received and sent (agencies: all), newest first."""
    with acting(as_) as (session, actor):
        for view in interests.list_interests(session, actor):
            who = view.asker.name if view.asker.identified else f"({view.asker.kind}, {view.asker.country})"
            console.print(
                f"{view.id}\t{view.status}\topportunity {view.opportunity_id}\t{who}\t{view.note[:60]}"
            )


@pipeline_app.command("express")
def express(
    opportunity_id: int, as_: str = AS, note: str = typer.Option("", help="A note for the owner.")
) -> None:
    """Express interest in a published opportunity."""
    with acting(as_) as (session, actor):
        interest = interests.express(session, actor, InterestInput(opportunity_id=opportunity_id, note=note))
        console.print(f"Interest {interest.id} sent.")


@pipeline_app.command("decide")
def decide(
    interest_id: int,
    decision: str = typer.Argument(..., help="accept, decline, refer or withdraw."),
    as_: str = AS,
    reason: str | None = typer.Option(None, help="Why (declining, referring)."),
) -> None:
    """Accept, decline or refer an interest (the owner), or withdraw it (the asking side)."""
    with acting(as_) as (session, actor):
        if decision == "accept":
            console.print(f"Introduction {interests.accept(session, actor, interest_id).id} opened.")
        elif decision == "decline":
            interests.decline(session, actor, interest_id, reason=reason)
        elif decision == "refer":
            interests.refer(session, actor, interest_id, reason=reason)
        elif decision == "withdraw":
            interests.withdraw(session, actor, interest_id)
        else:
            raise ValidationFailed(
                "Unknown decision.",
                problems=[
                    FieldProblem(
                        "decision",
                        "Choose one of: %(allowed)s.",
                        params={"allowed": "accept, decline, refer, withdraw"},
                    )
                ],
            )
        console.print(f"Interest {interest_id}: {decision}.")


@pipeline_app.command("board")
def board(
    as_: str = AS,
    stage: Stage | None = typer.Option(None, help="Only this stage."),
    agency: str | None = typer.Option(None, help="ICE or JETRO."),
    idle: bool = typer.Option(False, help="Only introductions whose next step is overdue."),
) -> None:
    """The officers' board, by stage."""
    with acting(as_) as (session, actor):
        filters = BoardFilters(agency=agency, stage=stage.value if stage else None, idle_only=idle)
        for column, views in introductions.board(session, actor, filters, today=utcnow().date()).items():
            for view in views:
                flag = " IDLE" if view.idle else ""
                console.print(f"{column}\t{view.id}\t{view.party_a.name} ↔ {view.party_b.name}{flag}")


@pipeline_app.command("propose")
def propose(
    as_: str = AS,
    interest: int | None = typer.Option(None, help="From this interest."),
    a: int | None = typer.Option(None, help="From a match: the first opportunity."),
    b: int | None = typer.Option(None, help="From a match: the second opportunity."),
    both: bool = typer.Option(False, help="Follow both sides."),
) -> None:
    """Propose an introduction (officers)."""
    with acting(as_) as (session, actor):
        data = ProposalInput(interest_id=interest, opportunity_a_id=a, opportunity_b_id=b, follow_both=both)
        console.print(f"Introduction {introductions.propose(session, actor, data).id} proposed.")


@pipeline_app.command("consent")
def consent(
    introduction_id: int, as_: str = AS, withdraw: bool = typer.Option(False, help="Withdraw it.")
) -> None:
    """Accept an introduction for one's organisation (or withdraw the consent before disclosure)."""
    with acting(as_) as (session, actor):
        if withdraw:
            introductions.withdraw_consent(session, actor, introduction_id)
            console.print("Consent withdrawn.")
            return
        intro = introductions.consent(session, actor, introduction_id)
        console.print("Identities disclosed." if intro.disclosed_at else "Consent recorded.")


@pipeline_app.command("move")
def move(
    introduction_id: int,
    stage: Stage,
    as_: str = AS,
    reason: str | None = typer.Option(None, help="Required to close without agreement."),
) -> None:
    """Move an introduction to a stage (officers)."""
    with acting(as_) as (session, actor):
        introductions.move(
            session, actor, introduction_id, MoveInput(stage=stage, reason=reason), today=utcnow().date()
        )
        console.print(f"Introduction {introduction_id}: {stage.value}.")


@pipeline_app.command("agreement")
def record_agreement(
    introduction_id: int,
    as_: str = AS,
    category: str = typer.Option(..., help="business, technology, research or investment."),
    subtype: str = typer.Option(..., help="For example distribution, licence, joint_project, equity."),
    signed_on: str = typer.Option(..., help="YYYY-MM-DD."),
    description: str = typer.Option(""),
    amount: str | None = typer.Option(None, help="Investments and licences."),
    currency: str | None = typer.Option(None, help="EUR or JPY."),
    rate: str | None = typer.Option(None, help="The exchange rate of the day: JPY for 1 EUR."),
) -> None:
    """Record an agreement (officers)."""
    data = AgreementInput.model_validate(
        {
            "category": category,
            "subtype": subtype,
            "signed_on": date.fromisoformat(signed_on),
            "description": description,
            "amount": Decimal(amount) if amount else None,
            "currency": currency,
            "jpy_per_eur": Decimal(rate) if rate else None,
        }
    )
    with acting(as_) as (session, actor):
        console.print(f"Agreement {agreements.record(session, actor, introduction_id, data).id} recorded.")


@pipeline_app.command("confirm")
def confirm(agreement_id: int, as_: str = AS) -> None:
    """Confirm an agreement for one's organisation."""
    with acting(as_) as (session, actor):
        agreements.confirm(session, actor, agreement_id)
        console.print(f"Agreement {agreement_id} confirmed.")


@pipeline_app.command("audit")
def audit(
    introduction_id: int,
    as_: str = AS,
    output: Path | None = typer.Option(
        None, "--output", "-o", help="File to write (default: standard output)."
    ),
) -> None:
    """The audit trail of an introduction as CSV (agencies)."""
    with acting(as_) as (session, actor):
        lines = list(trail.export_csv(session, actor, introduction_id))
    if output is None:
        sys.stdout.writelines(lines)
        return
    output.write_text("".join(lines), encoding="utf-8")
    console.print(f"Wrote the audit trail to {output}.")


@pipeline_app.command("overdue")
def overdue() -> None:
    """Notify the officers of overdue next steps now (what the periodic job does)."""
    with open_database(settings()) as database:
        console.print(f"{jobs.report_overdue(database)} newly overdue.")


def register(app: typer.Typer) -> None:
    app.add_typer(pipeline_app, name="pipeline")
