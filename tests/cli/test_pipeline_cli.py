"""``kakehashi pipeline``: the journey from interest to a confirmed JPY investment, with the role rules."""

from __future__ import annotations

from typer.testing import CliRunner

from kakehashi.accounts.roles import Role
from kakehashi.cli import app
from kakehashi.errors import PermissionDenied
from kakehashi.store import Database
from tests.factories import make_opportunity, make_organisation, make_user

runner = CliRunner()


def test_interest_to_confirmed_investment(cli_env: dict[str, str], empty_database: Database) -> None:
    assert runner.invoke(app, ["db", "upgrade"], env=cli_env).exit_code == 0
    with empty_database.session() as session:
        italian = make_organisation(session, name="Officine Partenopee S.r.l.", country="IT")
        japanese = make_organisation(session, name="Sakura Kiki K.K.", country="JP")
        opportunity = make_opportunity(session, italian).id
        owner = make_user(session, organisation=italian).email
        asker = make_user(session, organisation=japanese).email
        jetro = make_user(session, role=Role.OFFICER, agency="JETRO").email

    def run(*args: str) -> str:
        result = runner.invoke(app, ["pipeline", *args], env=cli_env)
        assert result.exit_code == 0, (result.output, result.exception)
        return result.output

    assert "Interest 1 sent" in run("express", str(opportunity), "--as", asker, "--note", "SiC")
    assert "Sakura" not in run("interests", "--as", owner)
    assert "Introduction 1 opened" in run("decide", "1", "accept", "--as", owner)
    assert "Identities disclosed" in run("consent", "1", "--as", asker)
    run("move", "1", "met", "--as", jetro)
    run("move", "1", "negotiating", "--as", jetro)
    recorded = run(
        "agreement",
        "1",
        "--as",
        jetro,
        "--category",
        "investment",
        "--subtype",
        "equity",
        "--signed-on",
        "2026-11-30",
        "--amount",
        "150000000",
        "--currency",
        "JPY",
        "--rate",
        "162.35",
    )
    assert "Agreement 1 recorded" in recorded
    run("confirm", "1", "--as", owner)
    run("confirm", "1", "--as", asker)
    trail = run("audit", "1", "--as", jetro)
    assert "agreement_confirmed" in trail
    assert "identities_disclosed" in trail
    refused = runner.invoke(
        app, ["pipeline", "move", "1", "closed", "--as", owner, "--reason", "x"], env=cli_env
    )
    assert isinstance(refused.exception, PermissionDenied)
