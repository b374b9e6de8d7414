"""The audit log is append-only, exported safely, and readable by administrators only."""

from __future__ import annotations

import csv
import io
import json

import pytest
from sqlalchemy import delete, text, update
from sqlalchemy.exc import DBAPIError

from kakehashi.accounts.roles import Actor, Role
from kakehashi.accounts.service import SYSTEM
from kakehashi.audit import service as audit
from kakehashi.audit.models import AuditEvent
from kakehashi.audit.service import AuditFilter, AuditKind
from kakehashi.errors import PermissionDenied
from kakehashi.store import Database


def test_the_service_offers_no_way_to_change_or_remove_an_entry() -> None:
    public = {name for name in dir(audit) if not name.startswith("_")}
    assert not {name for name in public if name.startswith(("update", "delete", "remove", "edit"))}


def test_only_administrators_read_it(database: Database) -> None:
    with database.session() as session:
        audit.record(session, AuditKind.SIGN_OUT, actor_user_id=1)
        for role in (Role.VISITOR, Role.MEMBER, Role.OFFICER):
            with pytest.raises(PermissionDenied):
                audit.list_events(session, Actor(role=role, user_id=1), AuditFilter(), page=1, page_size=10)
        events, total = audit.list_events(session, SYSTEM, AuditFilter(), page=1, page_size=10)
        assert total == 1
        assert events[0].kind == "sign_out"


def test_exports_keep_every_field_and_neutralise_spreadsheet_formulas(database: Database) -> None:
    with database.session() as session:
        audit.record(
            session,
            AuditKind.SIGN_IN,
            actor_user_id=7,
            actor_email='=HYPERLINK("http://evil")@x.example',
            address="198.51.100.7",
            detail={"channel": "page", "名前": "架け橋"},
        )
        events = list(audit.iter_events(session, SYSTEM, AuditFilter()))
        rows = list(csv.DictReader(io.StringIO("".join(audit.to_csv(events)))))
        lines = [json.loads(line) for line in audit.to_jsonl(events)]
    assert rows[0]["actor_email"].startswith("'=")
    assert rows[0]["address"] == "198.51.100.7"
    assert json.loads(rows[0]["detail"]) == {"channel": "page", "名前": "架け橋"}
    assert lines[0]["actor_email"].startswith("=")  # JSON is data, not a spreadsheet: kept as is
    assert lines[0]["kind"] == "sign_in"


def test_postgresql_refuses_update_and_delete(empty_database: Database) -> None:
    if empty_database.is_sqlite:
        pytest.skip("the append-only trigger is PostgreSQL's")
    empty_database.upgrade()
    with empty_database.session() as session:
        audit.record(session, AuditKind.SIGN_OUT, actor_user_id=1)
    for statement in (update(AuditEvent).values(kind="x"), delete(AuditEvent)):
        with pytest.raises(DBAPIError, match="append-only"), empty_database.session() as session:
            session.execute(statement)
    with empty_database.engine.connect() as connection:
        assert connection.execute(text("SELECT count(*) FROM audit_events")).scalar() == 1
