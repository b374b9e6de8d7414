"""``kakehashi serve`` and ``kakehashi demo``: the web platform."""

from __future__ import annotations

import typer

from kakehashi.cli.common import console, open_database, settings
from kakehashi.config import Settings

# One level for one process and for several: uvicorn logs each request at "info" (the access log), so a
# different level would make `--workers N` silently drop the access log (and the cost of writing it).
LOG_LEVEL = "info"


def _serve(config: Settings, host: str | None, port: int | None, workers: int | None = None) -> None:
    import os

    import uvicorn

    from kakehashi.app import create_app, serving
    from kakehashi.logs import configure_logging, uvicorn_log_config

    configure_logging(config)
    log_config = uvicorn_log_config(config)
    processes = workers or config.workers
    if processes > 1:
        # Each process builds its app from the environment: pass on what the options chose.
        os.environ["KAKEHASHI_WORKERS"] = str(processes)
        uvicorn.run(
            "kakehashi.app:create_app_from_environment",
            factory=True,
            workers=processes,
            host=host or config.host,
            port=port or config.port,
            log_level=LOG_LEVEL,
            log_config=log_config,
            proxy_headers=False,
            server_header=False,
        )
        return
    with open_database(config) as database:
        app = serving(create_app(config, database=database))
        # uvicorn's own X-Forwarded-For handling (on by default, trusting 127.0.0.1) is off: a local client
        # could otherwise claim any address. The app reads the header itself, from trusted proxies only.
        uvicorn.run(
            app,
            host=host or config.host,
            port=port or config.port,
            log_level=LOG_LEVEL,
            log_config=log_config,
            access_log=config.access_log,
            proxy_headers=False,
            server_header=False,
        )


def serve(
    host: str | None = typer.Option(None, help="Listen address (default: the host setting)."),
    port: int | None = typer.Option(None, help="Port (default: the port setting)."),
    workers: int | None = typer.Option(
        None,
        min=1,
        max=64,
        help=(
            "Server processes (default: the workers setting). Jobs run in one of them, or in "
            "`kakehashi worker` processes with the jobs_runner setting `workers` (PostgreSQL)."
        ),
    ),
) -> None:
    """Serve the platform (the database must exist: `kakehashi db upgrade`)."""
    config = settings()
    with open_database(config) as database:
        database.upgrade()
    _serve(config, host, port, workers)


def demo(
    host: str | None = typer.Option(None, help="Listen address (default: the host setting)."),
    port: int | None = typer.Option(None, help="Port (default: the port setting)."),
    serve_after: bool = typer.Option(True, "--serve/--no-serve", help="Serve once loaded."),
) -> None:
    """Create the database, load the real companies and the illustrative demo, and serve."""
    from kakehashi.demo.loader import DEMO_PASSWORD, DEMO_USERS, load_demo

    config = settings()
    with (
        open_database(config) as database,
        console.status("Loading the demo (real companies + illustrative opportunities)…"),
    ):
        reports = load_demo(database)
    for report in reports:
        console.print(f"  {report.summary()}")
    url = f"http://{host or config.host}:{port or config.port}"
    console.print(
        f"\n[bold]Kakehashi demo[/bold] at [link={url}]{url}[/link]  (database: {config.resolved_database_url()})"
    )
    console.print(f"Demo logins (password [bold]{DEMO_PASSWORD}[/bold] for each):")
    for user in DEMO_USERS:
        console.print(f"  {user.role.value:<8} {user.email:<36} {user.display_name}")
    if serve_after:
        _serve(config, host, port)


def register(app: typer.Typer) -> None:
    app.command("serve")(serve)
    app.command("demo")(demo)
