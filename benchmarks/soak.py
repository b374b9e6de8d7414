"""Soak test: N API clients mixing reads and writes against a server on loopback for a while.

    PYTHONPATH=src python benchmarks/soak.py                       # 50 clients, 30 minutes, SQLite
    PYTHONPATH=src python benchmarks/soak.py --minutes 2 --clients 20
    PYTHONPATH=src python benchmarks/soak.py --database-url postgresql+psycopg://kakehashi:kakehashi@127.0.0.1:55432/soak

The script makes a fresh store (a temporary SQLite file unless ``--database-url``; that database is
emptied), seeds organisations (five member clients share each) and agency officers (every tenth client),
starts ``kakehashi serve`` on 127.0.0.1 and a free port, and runs the clients, each with its own API
token, until the time is up. Members create opportunities, edit them (title and TRL; with ``If-Match``
when the server sends an ``ETag``), submit and withdraw them, read lists and details, and search; officers
publish and send back what is in review, and read. The rate limits are off unless ``--keep-rate-limits``.

Reported (stdout and ``benchmarks/results/soak.json``): requests and latency per kind; server errors (5xx);
unexpected statuses (anything but the success, 404 on a record moved out of view, 409 for a stale or
refused write); **lost updates**: every client keeps a log of its acknowledged writes and at the end reads
each of its records back: it must exist, carry the last acknowledged title and TRL, and have the status of
the last acknowledged transition (when two acknowledged transitions of one record overlapped in time,
either order is accepted). Zero of each is expected; the exit status is 1 otherwise.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

from kakehashi.accounts.roles import Role
from kakehashi.accounts.service import SYSTEM, create_user, ensure_agencies
from kakehashi.profiles import service as profiles
from kakehashi.profiles.schemas import OrganisationInput
from kakehashi.store import Database

RESULTS = Path(__file__).parent / "results"
PASSWORD = "soak test passphrase 2026"
API = "/api/v1"
WORDS = ["wafer", "quantum", "idrogeno", "半導体", "battery", "sensor", "robot", "laser", "GaN", "biotech"]
OK_STATUSES = {200, 201, 204}


@dataclass
class Transition:
    target: str
    started: float
    finished: float


@dataclass
class Record:
    """What one client was told about one of its opportunities."""

    title: str
    trl: int
    transitions: list[Transition] = field(default_factory=list)
    etag: str | None = None


@dataclass
class Stats:
    latencies: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    statuses: Counter[str] = field(default_factory=Counter)
    errors: list[str] = field(default_factory=list)
    unexpected: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def note(self, kind: str, status: int, seconds: float, detail: str) -> None:
        with self.lock:
            self.latencies[kind].append(seconds)
            self.statuses[f"{kind} {status}"] += 1
            if status >= 500:
                self.errors.append(f"{kind} {status} {detail}"[:300])
            elif status not in OK_STATUSES and status not in (404, 409, 412):
                self.unexpected.append(f"{kind} {status} {detail}"[:300])


@dataclass
class Client:
    number: int
    email: str
    role: Role
    organisation_id: int | None
    base: str
    stats: Stats
    shared_transitions: dict[int, list[Transition]]
    shared_lock: threading.Lock
    records: dict[int, Record] = field(default_factory=dict)
    rng: random.Random = field(default_factory=random.Random)

    def run(self, deadline: float) -> None:
        with httpx.Client(base_url=self.base, timeout=60.0) as http:
            token = http.post(f"{API}/auth/token", json={"email": self.email, "password": PASSWORD})
            token.raise_for_status()
            http.headers["Authorization"] = f"Bearer {token.json()['token']}"
            self.rng.seed(self.number)
            while time.monotonic() < deadline:
                self.step(http)

    def call(self, http: httpx.Client, kind: str, method: str, path: str, **kwargs: Any) -> httpx.Response:
        started = time.perf_counter()
        try:
            response = http.request(method, path, **kwargs)
        except httpx.HTTPError as failure:
            self.stats.note(kind, 599, time.perf_counter() - started, repr(failure))
            raise
        self.stats.note(
            kind,
            response.status_code,
            time.perf_counter() - started,
            f"{method} {path} {response.text[:200]}",
        )
        return response

    def step(self, http: httpx.Client) -> None:
        roll = self.rng.random()
        try:
            if roll < 0.30:
                self.call(
                    http, "list", "GET", f"{API}/opportunities", params={"page": self.rng.randint(1, 5)}
                )
            elif roll < 0.40:
                self.call(http, "search", "GET", f"{API}/opportunities", params={"q": self.rng.choice(WORDS)})
            elif roll < 0.45:
                self.call(
                    http,
                    "match-search",
                    "GET",
                    f"{API}/search",
                    params={"q": " ".join(self.rng.sample(WORDS, 3))},
                )
            elif self.role == Role.OFFICER:
                self.review(http)
            elif roll < 0.55 or not self.records:
                self.create(http)
            elif roll < 0.85:
                self.edit(http)
            else:
                self.move(http, self.rng.choice(["submit", "withdraw"]))
        except httpx.HTTPError:
            time.sleep(0.1)

    def create(self, http: httpx.Client) -> None:
        title = f"Soak {self.number}-{len(self.records)} offerta di wafer"
        body = {
            "organisation_id": self.organisation_id,
            "type": "technology_offer",
            "language": "it",
            "title": title,
            "description": "Offriamo wafer di carburo di silicio da 200 mm per l'elettronica di potenza.",
            "sectors": ["semiconductors"],
            "keywords": ["SiC"],
            "trl": 5,
        }
        response = self.call(http, "create", "POST", f"{API}/opportunities", json=body)
        if response.status_code == 201:
            self.records[response.json()["id"]] = Record(
                title=title, trl=5, etag=response.headers.get("etag")
            )

    def edit(self, http: httpx.Client) -> None:
        opportunity_id = self.rng.choice(list(self.records))
        record = self.records[opportunity_id]
        title = f"Soak {self.number} edit {self.rng.randint(0, 10**9)}"
        trl = self.rng.randint(1, 9)
        headers = {"If-Match": record.etag} if record.etag else {}
        path = f"{API}/opportunities/{opportunity_id}"
        response = self.call(http, "edit", "PATCH", path, json={"title": title, "trl": trl}, headers=headers)
        if response.status_code in (409, 412) and record.etag:
            fresh = self.call(http, "detail", "GET", path)
            record.etag = fresh.headers.get("etag")
            return
        if response.status_code == 200:
            record.title, record.trl = title, trl
            record.etag = response.headers.get("etag")

    def move(self, http: httpx.Client, action: str) -> None:
        opportunity_id = self.rng.choice(list(self.records))
        self.transition(http, opportunity_id, action)

    def transition(self, http: httpx.Client, opportunity_id: int, action: str) -> None:
        started = time.monotonic()
        response = self.call(http, "transition", "POST", f"{API}/opportunities/{opportunity_id}/{action}")
        if response.status_code == 200:
            done = Transition(target=response.json()["status"], started=started, finished=time.monotonic())
            with self.shared_lock:
                self.shared_transitions[opportunity_id].append(done)
            if opportunity_id in self.records:
                self.records[opportunity_id].etag = response.headers.get("etag")

    def review(self, http: httpx.Client) -> None:
        queue = self.call(http, "review-queue", "GET", f"{API}/review-queue")
        if queue.status_code != 200 or not queue.json():
            return
        item = self.rng.choice(queue.json())
        self.transition(http, item["id"], self.rng.choice(["publish", "publish", "send-back"]))


def _expected_statuses(transitions: list[Transition]) -> set[str]:
    """The statuses the record may end in: the last transition's, or any whose time overlaps it."""
    if not transitions:
        return {"draft"}
    ordered = sorted(transitions, key=lambda t: t.finished)
    last = ordered[-1]
    return {t.target for t in ordered if t.finished >= last.started}


def verify(clients: list[Client], base: str) -> list[str]:
    lost: list[str] = []
    for client in clients:
        if not client.records:
            continue
        with httpx.Client(base_url=base, timeout=60.0) as http:
            token = http.post(f"{API}/auth/token", json={"email": client.email, "password": PASSWORD}).json()[
                "token"
            ]
            http.headers["Authorization"] = f"Bearer {token}"
            for opportunity_id, record in client.records.items():
                response = http.get(f"{API}/opportunities/{opportunity_id}")
                if response.status_code != 200:
                    lost.append(
                        f"opportunity {opportunity_id} of client {client.number}: {response.status_code}"
                    )
                    continue
                body = response.json()
                if body["title"] != record.title or body["trl"] != record.trl:
                    lost.append(
                        f"opportunity {opportunity_id}: acknowledged {record.title!r}/{record.trl}, "
                        f"found {body['title']!r}/{body['trl']}"
                    )
                allowed = _expected_statuses(client.shared_transitions.get(opportunity_id, []))
                if body["status"] not in allowed:
                    lost.append(
                        f"opportunity {opportunity_id}: status {body['status']}, acknowledged {sorted(allowed)}"
                    )
    return lost


def seed(database: Database, clients: int) -> list[tuple[str, Role, int | None]]:
    people: list[tuple[str, Role, int | None]] = []
    with database.session() as session:
        ensure_agencies(session)
        organisation_id: int | None = None
        for number in range(clients):
            email = f"soak{number}@example.org"
            if number % 10 == 9:
                create_user(
                    session,
                    SYSTEM,
                    email=email,
                    password=PASSWORD,
                    display_name=f"Officer {number}",
                    role=Role.OFFICER,
                    agency_code="ICE",
                )
                people.append((email, Role.OFFICER, None))
                continue
            if organisation_id is None or number % 5 == 0:
                data = {
                    "name": f"Soak organisation {number}",
                    "country": "IT" if number % 2 else "JP",
                    "kind": "company",
                    "sectors": ["semiconductors"],
                    "description": "An organisation of the soak test.",
                    "description_language": "en",
                }
                organisation_id = profiles.create_organisation(
                    session, SYSTEM, OrganisationInput.model_validate(data)
                ).id
            create_user(
                session,
                SYSTEM,
                email=email,
                password=PASSWORD,
                display_name=f"Member {number}",
                role=Role.MEMBER,
                organisation_id=organisation_id,
            )
            people.append((email, Role.MEMBER, organisation_id))
    return people


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def start_server(
    url: str, data_dir: Path, port: int, *, keep_limits: bool, log: Path
) -> subprocess.Popen[bytes]:
    env = {
        **os.environ,
        "KAKEHASHI_DATABASE_URL": url,
        "KAKEHASHI_DATA_DIR": str(data_dir),
        "KAKEHASHI_EMBEDDER": os.environ.get("KAKEHASHI_EMBEDDER", "fake"),
        "KAKEHASHI_SIGN_IN_FREE_FAILURES_PER_ADDRESS": "1000",
    }
    if not keep_limits:
        env |= {"KAKEHASHI_API_RATE_PER_MINUTE": "0", "KAKEHASHI_SEARCH_RATE_PER_MINUTE": "0"}
    command = [
        sys.executable,
        "-c",
        "from kakehashi.cli import main; main()",
        "serve",
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
    ]
    server = subprocess.Popen(command, env=env, stdout=log.open("wb"), stderr=subprocess.STDOUT)
    for _ in range(600):
        try:
            if httpx.get(f"http://127.0.0.1:{port}{API}/opportunities", timeout=2).status_code == 200:
                return server
        except httpx.HTTPError:
            pass
        if server.poll() is not None:
            raise SystemExit(f"the server stopped; see {log}")
        time.sleep(0.2)
    server.terminate()
    raise SystemExit("the server did not start in 120 s")


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))] if ordered else 0.0


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--minutes", type=float, default=30.0)
    parser.add_argument(
        "--database-url", default=None, help="a database to empty and use (default: temporary SQLite)"
    )
    parser.add_argument("--keep-rate-limits", action="store_true")
    parser.add_argument("--output", type=Path, default=RESULTS / "soak.json")
    args = parser.parse_args()

    workdir = Path(tempfile.mkdtemp(prefix="kakehashi-soak-"))
    url = args.database_url or f"sqlite:///{workdir / 'soak.db'}"
    database = Database(url)
    if not database.is_sqlite:
        from sqlalchemy import text

        with database.engine.begin() as connection:
            connection.execute(text("DROP SCHEMA public CASCADE"))
            connection.execute(text("CREATE SCHEMA public"))
    database.upgrade()
    people = seed(database, args.clients)
    database.dispose()

    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    server = start_server(url, workdir, port, keep_limits=args.keep_rate_limits, log=workdir / "server.log")
    stats = Stats()
    shared: dict[int, list[Transition]] = defaultdict(list)
    lock = threading.Lock()
    clients = [
        Client(
            number=n,
            email=email,
            role=role,
            organisation_id=org,
            base=base,
            stats=stats,
            shared_transitions=shared,
            shared_lock=lock,
        )
        for n, (email, role, org) in enumerate(people)
    ]
    started = time.monotonic()
    deadline = started + args.minutes * 60
    threads = [threading.Thread(target=client.run, args=(deadline,), daemon=True) for client in clients]
    try:
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        elapsed = time.monotonic() - started
        lost = verify(clients, base)
    finally:
        server.terminate()
        server.wait(timeout=30)

    requests = sum(len(v) for v in stats.latencies.values())
    report = {
        "clients": args.clients,
        "minutes": args.minutes,
        "store": "sqlite" if url.startswith("sqlite") else "postgresql",
        "elapsed_s": round(elapsed, 1),
        "requests": requests,
        "requests_per_s": round(requests / elapsed, 1) if elapsed else 0,
        "server_errors": len(stats.errors),
        "unexpected_statuses": len(stats.unexpected),
        "lost_updates": len(lost),
        "records_checked": sum(len(c.records) for c in clients),
        "latency_ms": {
            kind: {
                "n": len(v),
                "p50": round(_percentile(v, 0.5) * 1000, 1),
                "p95": round(_percentile(v, 0.95) * 1000, 1),
            }
            for kind, v in sorted(stats.latencies.items())
        },
        "statuses": dict(sorted(stats.statuses.items())),
        "examples": {"errors": stats.errors[:10], "unexpected": stats.unexpected[:10], "lost": lost[:10]},
        "server_log": str(workdir / "server.log"),
    }
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    print(json.dumps(report, indent=2, ensure_ascii=False))
    if stats.errors or stats.unexpected or lost:
        sys.exit(1)


if __name__ == "__main__":
    main()
