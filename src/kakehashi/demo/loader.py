"""Loading the demo into a store: idempotent, so ``kakehashi demo`` can run again and again."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from kakehashi.accounts.models import User
from kakehashi.accounts.roles import Role
from kakehashi.accounts.service import SYSTEM, create_user, ensure_agencies
from kakehashi.demo.events import ensure_demo_event
from kakehashi.demo.past_event import ensure_past_event
from kakehashi.demo.pipeline import load_pipeline_demo
from kakehashi.profiles.importer import (
    ImportReport,
    import_companies,
    import_opportunities,
    import_organisations,
)
from kakehashi.profiles.models import Organisation
from kakehashi.store import Database

DATA = Path(__file__).parent / "data"
COMPANIES_CSV = DATA / "companies-wikipedia" / "companies_it_jp.csv"
ORGANISATIONS = DATA / "organisations.jsonl"
OPPORTUNITIES = DATA / "opportunities.jsonl"
DEMO_PASSWORD = "ponte-italia-giappone"


@dataclass(frozen=True, slots=True)
class DemoUser:
    email: str
    display_name: str
    role: Role
    agency: str | None = None
    organisation_external_id: str | None = None


DEMO_USERS = (
    DemoUser("admin@kakehashi.example", "Demo administrator", Role.ADMIN),
    DemoUser("officer.ice@kakehashi.example", "Giulia Ferri (ICE)", Role.OFFICER, agency="ICE"),
    DemoUser("officer.jetro@kakehashi.example", "佐藤 美咲 (JETRO)", Role.OFFICER, agency="JETRO"),
    DemoUser(
        "member.it@kakehashi.example",
        "Marco Rinaldi",
        Role.MEMBER,
        organisation_external_id="demo-org-it-001",
    ),
    DemoUser(
        "member.jp@kakehashi.example", "田中 健一", Role.MEMBER, organisation_external_id="demo-org-jp-001"
    ),
)


def load_demo(database: Database) -> list[ImportReport]:
    """Bring the schema up to date and load (or refresh) everything the demo shows, in one transaction."""
    database.upgrade()
    with database.session() as session:
        ensure_agencies(session)
        reports = [
            import_companies(session, SYSTEM, COMPANIES_CSV),
            import_organisations(session, SYSTEM, ORGANISATIONS),
            import_opportunities(session, SYSTEM, OPPORTUNITIES),
        ]
        ensure_demo_users(session)
        ensure_demo_event(session)
        load_pipeline_demo(session)
    # After the rest (its meetings' feedback and follow-ups feed the pipeline), in its own transactions.
    ensure_past_event(database)
    return reports


def ensure_demo_users(session: Session) -> None:
    for demo in DEMO_USERS:
        if session.scalar(select(User.id).where(User.email == demo.email)) is not None:
            continue
        organisation_id = None
        if demo.organisation_external_id:
            organisation_id = session.scalar(
                select(Organisation.id).where(Organisation.external_id == demo.organisation_external_id)
            )
        create_user(
            session,
            SYSTEM,
            email=demo.email,
            password=DEMO_PASSWORD,
            display_name=demo.display_name,
            role=demo.role,
            organisation_id=organisation_id,
            agency_code=demo.agency,
        )
