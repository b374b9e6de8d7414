"""The deployment files, checked without Docker (it cannot run here): the compose file parses, has the
services the deployment needs, runs real ``kakehashi`` commands with real options, sets only real settings,
and probes real endpoints; the image's command and health check agree."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
import yaml
from typer.testing import CliRunner

from kakehashi.cli.main import app as cli
from kakehashi.config import Settings

DEPLOY = Path(__file__).resolve().parents[2] / "deploy"
SETTINGS = {f"KAKEHASHI_{name.upper()}" for name in Settings.model_fields}
# Variables of the compose file itself (interpolated, never passed to Kakehashi as settings).
COMPOSE_VARIABLES = {
    "KAKEHASHI_DOMAIN",
    "KAKEHASHI_WEB_PROCESSES",
    "KAKEHASHI_JOB_WORKERS",
    "POSTGRES_PASSWORD",
}


@pytest.fixture(scope="module")
def compose() -> dict[str, Any]:
    loaded = yaml.safe_load((DEPLOY / "compose.yaml").read_text(encoding="utf-8"))
    assert isinstance(loaded, dict)
    return loaded


def _commands(compose: dict[str, Any]) -> dict[str, list[str]]:
    return {name: service["command"] for name, service in compose["services"].items() if "command" in service}


def test_the_services_of_the_deployment(compose: dict[str, Any]) -> None:
    services = compose["services"]
    assert set(services) == {"db", "migrate", "web", "worker", "proxy"}
    assert services["db"]["image"].startswith("pgvector/pgvector:")
    assert services["proxy"]["image"].startswith("caddy:")
    assert {"80:80", "443:443"} <= set(services["proxy"]["ports"])
    assert services["worker"]["deploy"]["replicas"] == "${KAKEHASHI_JOB_WORKERS:-2}"
    for name in ("web", "worker"):  # they wait for the schema
        assert services[name]["depends_on"]["migrate"]["condition"] == "service_completed_successfully"


def test_every_command_is_a_real_kakehashi_command(compose: dict[str, Any]) -> None:
    commands = _commands(compose)
    assert commands["web"][:2] == ["kakehashi", "serve"]
    assert commands["worker"] == ["kakehashi", "worker"]
    assert commands["migrate"] == ["kakehashi", "db", "upgrade"]
    runner = CliRunner()
    for name, command in commands.items():
        # --help after the options: a wrong command or option name fails to parse.
        result = runner.invoke(cli, [*command[1:], "--help"])
        assert result.exit_code == 0, f"{name}: {result.output}"


def test_only_real_settings_are_set(compose: dict[str, Any]) -> None:
    for name, service in compose["services"].items():
        for key in service.get("environment", {}):
            if key.startswith("KAKEHASHI_"):
                assert key in SETTINGS, f"{name} sets {key}, which is not a setting"
    web = compose["services"]["web"]["environment"]
    assert web["KAKEHASHI_JOBS_RUNNER"] == "workers"
    assert web["KAKEHASHI_DATABASE_URL"].startswith("postgresql+psycopg://")
    text = (DEPLOY / "compose.yaml").read_text(encoding="utf-8")
    for variable in re.findall(r"\$\{([A-Z_]+)", text):
        assert variable in COMPOSE_VARIABLES | SETTINGS, variable
    example = dict(
        line.split("=", 1) for line in (DEPLOY / "example.env").read_text().splitlines() if "=" in line
    )
    assert set(example) <= COMPOSE_VARIABLES | SETTINGS


def test_probes_and_proxy_use_real_endpoints(compose: dict[str, Any]) -> None:
    from kakehashi.health import router

    paths = {route.path for route in router.routes}  # type: ignore[attr-defined]
    assert paths == {"/healthz", "/readyz"}
    assert "/readyz" in " ".join(compose["services"]["web"]["healthcheck"]["test"])
    caddyfile = (DEPLOY / "Caddyfile").read_text(encoding="utf-8")
    assert "reverse_proxy web:8000" in caddyfile
    assert "health_uri /readyz" in caddyfile
    dockerfile = (DEPLOY / "Dockerfile").read_text(encoding="utf-8")
    assert "/healthz" in dockerfile
    cmd = re.search(r"^CMD (.+)$", dockerfile, re.MULTILINE)
    assert cmd is not None
    assert yaml.safe_load(cmd.group(1)) == ["kakehashi", "serve"]
    assert "COPY requirements.lock" in dockerfile
