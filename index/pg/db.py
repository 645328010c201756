"""PostgreSQL connections, transactions, metadata and numbered migrations (psycopg 3).

Connections run in autocommit mode; `transaction(conn)` opens one explicit transaction, as
`index.store.transaction` does for SQLite. Migrations run under an advisory lock, so several
processes opening one new database at once never both create the tables. SQL written for the
SQLite store (`?` placeholders, `LIKE`) is translated by `pg_sql` where it is shared.
"""

from __future__ import annotations

import queue
import re
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import psycopg
from psycopg.rows import dict_row

from .schema import MIGRATIONS

Connection = psycopg.Connection[dict[str, Any]]
MIGRATE_LOCK = 7_318_004_012  # pg_advisory_lock key of evalkb's migrations
WRITE_LOCK = 7_318_004_013  # pg_advisory_xact_lock key of document writes


def connect(url: str, *, migrate_schema: bool = True) -> Connection:
    """Open a connection (dict rows, autocommit), migrating the schema first if asked."""
    conn: Connection = psycopg.connect(url, autocommit=True, row_factory=dict_row)
    if migrate_schema:
        migrate(conn)
    return conn


@contextmanager
def transaction(conn: Connection) -> Iterator[Connection]:
    """BEGIN … COMMIT on `conn`, rolled back on any exception (nothing half-written)."""
    with conn.transaction():
        yield conn


@contextmanager
def write_transaction(conn: Connection) -> Iterator[Connection]:
    """A transaction that stores or removes documents, one at a time across every process
    (as SQLite's single writer does): two workers storing the same bytes, or replacing
    versions of one file, then see each other's rows instead of racing on them. Parsing
    and embedding happen before, so only the row writes wait."""
    with conn.transaction():
        conn.execute("SELECT pg_advisory_xact_lock(%s)", (WRITE_LOCK,))
        yield conn


def current_version(conn: Connection) -> int:
    """The schema version recorded in the database (0 for a new one)."""
    conn.execute("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)")
    row = conn.execute("SELECT MAX(version) AS v FROM schema_version").fetchone()
    return int(row["v"]) if row and row["v"] is not None else 0


def migrate(conn: Connection) -> int:
    """Apply every migration above the recorded version, each in its own transaction."""
    conn.execute("SELECT pg_advisory_lock(%s)", (MIGRATE_LOCK,))
    try:
        version = current_version(conn)
        for number, script in MIGRATIONS:
            if number <= version:
                continue
            with conn.transaction():
                conn.execute(script)
                conn.execute("INSERT INTO schema_version VALUES (%s)", (number,))
            version = number
        return version
    finally:
        conn.execute("SELECT pg_advisory_unlock(%s)", (MIGRATE_LOCK,))


def get_meta(conn: Connection, key: str) -> str | None:
    """A value from the store's key/value metadata."""
    row = conn.execute("SELECT value FROM meta WHERE key=%s", (key,)).fetchone()
    return None if row is None else str(row["value"])


def set_meta(conn: Connection, key: str, value: str) -> None:
    """Set a key in the store's metadata (within the caller's transaction, if any)."""
    conn.execute(
        "INSERT INTO meta VALUES (%s, %s) ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value",
        (key, value),
    )


_QMARK = re.compile(r"\?")


def pg_sql(sql: str) -> str:
    """SQLite condition SQL shared with the default store (`index.filters`) made Postgres SQL:
    `?` → `%s`, LIKE → ILIKE (SQLite's LIKE ignores ASCII case), `1` (no condition) → TRUE."""
    if sql.strip() == "1":
        return "TRUE"
    return _QMARK.sub("%s", sql.replace(" LIKE ", " ILIKE "))


class PgReadPool:
    """Read connections for HTTP requests (same interface as `index.connections.ReadPool`)."""

    def __init__(self, url: str, size: int = 16) -> None:
        self.url = url
        self.size = size
        self._idle: queue.LifoQueue[Connection] = queue.LifoQueue()
        self._closed = False

    def acquire(self) -> Connection:
        """A connection for one request (a kept one when idle, else a new one)."""
        try:
            return self._idle.get_nowait()
        except queue.Empty:
            return connect(self.url, migrate_schema=False)

    def release(self, conn: Connection) -> None:
        """Give a connection back (closing it beyond `size` idle ones, or when closed)."""
        if conn.info.transaction_status != psycopg.pq.TransactionStatus.IDLE:
            conn.rollback()
        if self._closed or self._idle.qsize() >= self.size:
            conn.close()
        else:
            self._idle.put(conn)

    def close(self) -> None:
        """Close the idle connections; those in use close when released."""
        self._closed = True
        while True:
            try:
                self._idle.get_nowait().close()
            except queue.Empty:
                return
