"""Vectors inside PostgreSQL: a ``VectorIndex`` on pgvector's HNSW, and the choice of index for a store.

One table per model, ``pgvector_<model slug>_<hash>`` (``id bigint`` primary key, ``embedding
vector(dim)``), with an HNSW index over inner product (``vector_ip_ops``). A table per model keeps the
rule that two models' vectors never mix in the schema itself, and gives each its fixed ``vector(dim)``
column, which HNSW needs. The tables are created at run time by the index, not by an Alembic migration:
which models (and dimensions) exist is only known at run time (the embedder is a setting), and the
extension may be installed on a server after its schema was migrated. They hold a copy of
``opportunity_vectors`` (the source of truth, on every store) for the published opportunities, kept in
step by the matching service through the index's ``add``/``remove``.

``choose_index`` returns this index when the database is PostgreSQL with the ``vector`` extension
(installing it if the server ships it and the user may), and the in-process index otherwise (SQLite,
or a PostgreSQL without pgvector such as Debian's), which the service fills from the table.
"""

from __future__ import annotations

import hashlib
import logging
import re
from collections.abc import Iterable, Sequence
from typing import Any

import numpy as np
from sqlalchemy import BigInteger, Column, Connection, MetaData, Select, Table, delete, text
from sqlalchemy.exc import DBAPIError

from kakehashi.matching.errors import PgVectorUnavailable
from kakehashi.matching.index import (
    AdaptiveIndex,
    FloatArray,
    Hits,
    IdArray,
    VectorIndex,
    check_ids,
    check_k,
    check_model,
    check_vectors,
)
from kakehashi.store import Database

log = logging.getLogger(__name__)

TABLE_PREFIX = "pgvector_"
DEFAULT_EF_SEARCH = 100  # hnsw.ef_search per query (pgvector's default, 40, loses recall at k=20)
_MAX_EF_SEARCH = 1000  # pgvector's ceiling; beyond it the query scans exactly (index scans off)
_INSERT_BATCH = 1000


def pgvector_ready(database: Database) -> bool:
    """True when ``database`` is PostgreSQL and the ``vector`` extension is installed in it.

    Installs the extension when the server ships it (``pg_available_extensions``) and the user may
    create it; any refusal (no such extension, no privilege) means False, never an error.
    """
    if database.engine.dialect.name != "postgresql":
        return False
    with database.engine.connect() as connection:
        if _extension_installed(connection):
            return True
        available = connection.execute(
            text("SELECT 1 FROM pg_available_extensions WHERE name = 'vector'")
        ).first()
    if available is None:
        log.info("PostgreSQL has no pgvector extension: matching uses the in-process index")
        return False
    try:
        with database.engine.begin() as connection:
            connection.execute(text("CREATE EXTENSION IF NOT EXISTS vector"))
    except DBAPIError as error:  # no privilege, or another process created it at the same moment
        log.info("Could not create the pgvector extension (%s)", error.orig)
    with database.engine.connect() as connection:
        return _extension_installed(connection)


def _extension_installed(connection: Connection) -> bool:
    return connection.execute(text("SELECT 1 FROM pg_extension WHERE extname = 'vector'")).first() is not None


def choose_index(database: Database, *, model_id: str, dim: int) -> VectorIndex:
    """pgvector on a PostgreSQL that has it; otherwise the in-process index (exact, then HNSW)."""
    try:
        return PgVectorIndex(database, model_id=model_id, dim=dim)
    except PgVectorUnavailable:
        return AdaptiveIndex(model_id=model_id, dim=dim)


def table_name(model_id: str) -> str:
    """A safe, stable table name for one model's vectors (PostgreSQL names stop at 63 bytes)."""
    slug = re.sub(r"[^a-z0-9]+", "_", model_id.lower()).strip("_")[:32]
    digest = hashlib.blake2b(model_id.encode("utf-8"), digest_size=4).hexdigest()
    return f"{TABLE_PREFIX}{slug}_{digest}"


def vector_literal(vector: FloatArray) -> str:
    """pgvector's text form; 9 significant digits give back the float32 exactly."""
    return "[" + ",".join(f"{x:.9g}" for x in vector.tolist()) + "]"


class PgVectorIndex:
    """Top-k by inner product in PostgreSQL (pgvector HNSW, ``ORDER BY embedding <#> q LIMIT k``).

    Needs the ``vector`` extension (see :func:`pgvector_ready`); raises ``PgVectorUnavailable``
    without it. Every call runs in its own
    short transaction, so the index is safe to share between threads and processes.
    """

    def __init__(
        self,
        database: Database,
        *,
        model_id: str,
        dim: int,
        ef_search: int = DEFAULT_EF_SEARCH,
        m: int = 16,
        ef_construction: int = 64,
        use_graph: bool = False,
    ) -> None:
        if not pgvector_ready(database):
            raise PgVectorUnavailable(
                "%(dialect)s database without pgvector", params={"dialect": database.engine.dialect.name}
            )
        self.database = database
        self._model_id = model_id
        self._dim = dim
        self.ef_search = ef_search
        # PostgreSQL's planner scans small tables exactly (cheaper than the graph); ``use_graph`` makes
        # every search go through HNSW, for recall tests and benchmarks.
        self.use_graph = use_graph
        self.table = table_name(model_id)
        self._ids_table = Table(self.table, MetaData(), Column("id", BigInteger, primary_key=True))
        self._hnsw_options = f"m = {int(m)}, ef_construction = {int(ef_construction)}"
        self._hnsw_ready = False
        self._create_table()

    @property
    def model_id(self) -> str:
        return self._model_id

    @property
    def dim(self) -> int:
        return self._dim

    def _create_table(self) -> None:
        with self.database.engine.begin() as connection:
            self._lock_schema(connection)
            stored_dim = connection.execute(
                text(
                    "SELECT atttypmod FROM pg_attribute "
                    "WHERE attrelid = to_regclass(:t) AND attname = 'embedding'"
                ),
                {"t": self.table},
            ).scalar()
            if stored_dim is not None and stored_dim != self._dim:
                check_model(f"{self._model_id} (dim {stored_dim})", f"{self._model_id} (dim {self._dim})")
            connection.execute(
                text(
                    f'CREATE TABLE IF NOT EXISTS "{self.table}" '
                    f"(id bigint PRIMARY KEY, embedding vector({self._dim}) NOT NULL)"
                )
            )

    def _lock_schema(self, connection: Connection) -> None:
        """One creator at a time: two processes starting together would race on the catalogue."""
        connection.execute(text("SELECT pg_advisory_xact_lock(hashtext(:t))"), {"t": self.table})

    def _ensure_hnsw(self) -> None:
        """Build the HNSW index at the first search, not with the table: the first load of a catalogue
        then writes plain rows and the graph is built in bulk, several times faster than row by row.
        Later adds go into the existing graph."""
        if self._hnsw_ready:
            return
        with self.database.engine.begin() as connection:
            self._lock_schema(connection)
            connection.execute(
                text(
                    f'CREATE INDEX IF NOT EXISTS "{self.table}_hnsw" ON "{self.table}" '
                    f"USING hnsw (embedding vector_ip_ops) WITH ({self._hnsw_options})"
                )
            )
        self._hnsw_ready = True

    def __len__(self) -> int:
        with self.database.engine.connect() as connection:
            return int(connection.execute(text(f'SELECT count(*) FROM "{self.table}"')).scalar_one())

    def __contains__(self, item: object) -> bool:
        if not isinstance(item, int | np.integer):
            return False
        with self.database.engine.connect() as connection:
            found = connection.execute(
                text(f'SELECT 1 FROM "{self.table}" WHERE id = :id'), {"id": int(item)}
            ).first()
        return found is not None

    def add(self, ids: Sequence[int] | IdArray, vectors: FloatArray, *, model_id: str) -> None:
        """Add or replace vectors; an unchanged vector is not rewritten (nor its graph node)."""
        check_model(self._model_id, model_id)
        array = check_vectors(vectors, dim=self._dim)
        id_array = check_ids(ids, count=array.shape[0])
        rows = [{"id": int(i), "v": vector_literal(v)} for i, v in zip(id_array.tolist(), array, strict=True)]
        upsert = text(
            f'INSERT INTO "{self.table}" AS t (id, embedding) VALUES (:id, CAST(:v AS vector)) '
            "ON CONFLICT (id) DO UPDATE SET embedding = EXCLUDED.embedding "
            "WHERE t.embedding IS DISTINCT FROM EXCLUDED.embedding"
        )
        with self.database.engine.begin() as connection:
            for start in range(0, len(rows), _INSERT_BATCH):
                connection.execute(upsert, rows[start : start + _INSERT_BATCH])

    def remove(self, ids: Iterable[int]) -> None:
        keys = [int(i) for i in ids]
        if not keys:
            return
        with self.database.engine.begin() as connection:
            connection.execute(delete(self._ids_table).where(self._ids_table.c.id.in_(keys)))

    def retain(self, keep: Select[Any]) -> None:
        """Delete every vector whose id ``keep`` (a one-column SELECT of ids) does not return.

        For a process that starts: what an earlier run left behind (withdrawn since) goes, in one
        statement that reads the store as it is now, so rows that other processes add stay.
        """
        with self.database.engine.begin() as connection:
            connection.execute(delete(self._ids_table).where(self._ids_table.c.id.not_in(keep)))

    def search(self, query: FloatArray, k: int, *, model_id: str) -> Hits:
        return self.search_many(np.asarray(query, dtype=np.float32).reshape(1, -1), k, model_id=model_id)[0]

    def search_many(self, queries: FloatArray, k: int, *, model_id: str) -> list[Hits]:
        check_model(self._model_id, model_id)
        check_k(k)
        q = check_vectors(queries, dim=self._dim, field="query")
        self._ensure_hnsw()
        select_top = text(
            f'SELECT id, embedding <#> CAST(:q AS vector) AS distance FROM "{self.table}" '
            "ORDER BY distance LIMIT :k"
        )
        with self.database.engine.begin() as connection:
            self._tune(connection, k)
            results = []
            for vector in q:
                rows = connection.execute(select_top, {"q": vector_literal(vector), "k": k}).all()
                results.append(
                    Hits(
                        ids=np.asarray([r.id for r in rows], dtype=np.int64),
                        # <#> is the negative inner product
                        scores=np.asarray([-r.distance for r in rows], dtype=np.float32),
                    )
                )
            return results

    def _tune(self, connection: Connection, k: int) -> None:
        """HNSW returns at most ef_search rows: search at least k wide, or exactly when k is huge."""
        if k > _MAX_EF_SEARCH:
            connection.execute(text("SELECT set_config('enable_indexscan', 'off', true)"))
            return
        ef = max(self.ef_search, k)
        connection.execute(text("SELECT set_config('hnsw.ef_search', :ef, true)"), {"ef": str(ef)})
        if self.use_graph:
            connection.execute(text("SELECT set_config('enable_seqscan', 'off', true)"))

    def drop(self) -> None:
        """Remove this model's table (and its HNSW index) from the database."""
        with self.database.engine.begin() as connection:
            connection.execute(text(f'DROP TABLE IF EXISTS "{self.table}"'))
        self._hnsw_ready = False
