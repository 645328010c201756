"""The shared ingest queue on PostgreSQL: files that any worker, on any machine, may claim.

A batch puts one row per file in `ingest_jobs` (schema migration 2). A worker claims a queued
row with `SELECT … FOR UPDATE SKIP LOCKED` on a connection of its own and keeps that
transaction open while it reads and stores the file; it then marks the row `ingested`,
`unchanged` or `failed` and commits. Nothing else records a claim: when a worker dies, its
connection drops, Postgres releases the row lock, and the row, still `queued`, is claimed
by the next worker that asks. A re-claimed file whose document was stored before the death
is found stored and marked `unchanged`, so no file is stored twice and none is lost.

Server-side TCP keepalives on claim connections bound how long a worker that vanished with
its machine keeps its rows (about 25 s), since no FIN ever arrives from it.
"""

from __future__ import annotations

import json
import os
import socket
from collections.abc import Sequence
from dataclasses import dataclass

import psycopg
from psycopg.rows import dict_row

from .db import Connection, connect

QUEUED = "queued"
# Postgres drops a silent client after idle + interval × count seconds
KEEPALIVES = "-c tcp_keepalives_idle=10 -c tcp_keepalives_interval=5 -c tcp_keepalives_count=3"


@dataclass(frozen=True)
class QueuedFile:
    """A file on the queue: its row id, path and OCR choice (None: the worker's default)."""

    job_id: int
    path: str
    ocr: bool | None = None


@dataclass(frozen=True)
class JobResult:
    """The newest row of a path: `queued` while no worker has finished it."""

    path: str
    status: str
    document_id: str = ""
    reason: str = ""
    replaced: tuple[str, ...] = ()
    worker: str = ""


class Claim:
    """A claimed file: its row stays locked by this worker until `finish` or `release`."""

    def __init__(self, queue: IngestQueue, conn: Connection, job: QueuedFile) -> None:
        self.queue = queue
        self.conn = conn
        self.job = job

    def finish(
        self, status: str, document_id: str = "", reason: str = "", replaced: Sequence[str] = ()
    ) -> None:
        """Record the outcome and release the row (one commit)."""
        self.conn.execute(
            "UPDATE ingest_jobs SET status=%s, document_id=%s, reason=%s, replaced=%s,"
            " worker=%s, finished_at=now() WHERE id=%s",
            (
                status,
                document_id,
                reason,
                json.dumps(list(replaced)),
                self.queue.worker,
                self.job.job_id,
            ),
        )
        self.conn.commit()
        self.queue.give_back(self.conn)

    def release(self) -> None:
        """Leave the file queued for another worker (e.g. this one is stopping)."""
        try:
            self.conn.rollback()
        except psycopg.Error:
            self.conn.close()
            return  # (a closed connection is skipped when the queue closes)
        self.queue.give_back(self.conn)


def _only(paths: Sequence[str] | None) -> tuple[str, list[object]]:
    """The condition (and its argument) keeping the rows of `paths`; none for every path."""
    return ("", []) if paths is None else (" AND path = ANY(%s)", [list(paths)])


class IngestQueue:
    """The `ingest_jobs` table of one database, as seen by one worker."""

    def __init__(self, url: str, worker: str = "") -> None:
        self.url = url
        self.worker = worker or f"{socket.gethostname()}:{os.getpid()}"
        self._idle: list[Connection] = []
        self._claim_connections: list[Connection] = []  # idle or holding a claim
        self._control: Connection | None = None

    # -- batches ------------------------------------------------------------------------
    def enqueue(self, paths: Sequence[str], ocr: bool | None = None) -> None:
        """Queue files (absolute paths every worker can read). A path already queued, or
        being read by a worker, is not queued twice."""
        with self.control().transaction():
            self.control().cursor().executemany(
                "INSERT INTO ingest_jobs (path, ocr) VALUES (%s, %s)"
                " ON CONFLICT (path) WHERE status = 'queued' DO NOTHING",
                [(p, ocr) for p in paths],
            )

    def results(self, paths: Sequence[str]) -> dict[str, JobResult]:
        """The newest row of each path (paths never queued are missing)."""
        found = self.control().execute(
            "SELECT DISTINCT ON (path) path, status, document_id, reason, replaced, worker"
            " FROM ingest_jobs WHERE path = ANY(%s) ORDER BY path, id DESC",
            (list(paths),),
        )
        return {
            r["path"]: JobResult(
                r["path"],
                r["status"],
                r["document_id"],
                r["reason"],
                tuple(json.loads(r["replaced"])),
                r["worker"],
            )
            for r in found
        }

    def pending(self, paths: Sequence[str] | None = None) -> int:
        """How many files are still queued (claimed by a live worker or not), of `paths` or
        of the whole queue."""
        only, args = _only(paths)
        row = (
            self.control()
            .execute(f"SELECT COUNT(*) AS n FROM ingest_jobs WHERE status = 'queued'{only}", args)
            .fetchone()
        )
        return int(row["n"]) if row else 0

    def counts(self) -> dict[str, int]:
        """Rows per status (the queue's log included)."""
        found = self.control().execute(
            "SELECT status, COUNT(*) AS n FROM ingest_jobs GROUP BY status ORDER BY status"
        )
        return {r["status"]: int(r["n"]) for r in found}

    # -- claims -------------------------------------------------------------------------
    def claim(self, paths: Sequence[str] | None = None) -> Claim | None:
        """Lock the oldest queued file no live worker holds (of `paths`, if given)."""
        conn = self._idle.pop() if self._idle else self._claim_connection()
        try:
            only, args = _only(paths)
            found = conn.execute(
                f"SELECT id, path, ocr FROM ingest_jobs WHERE status = 'queued'{only}"
                " ORDER BY id LIMIT 1 FOR UPDATE SKIP LOCKED",
                args,
            )
            row = found.fetchone()
        except psycopg.Error:
            conn.close()
            self._claim_connections.remove(conn)
            raise
        if row is None:
            conn.rollback()
            self._idle.append(conn)
            return None
        return Claim(self, conn, QueuedFile(int(row["id"]), row["path"], row["ocr"]))

    def give_back(self, conn: Connection) -> None:
        """Keep a claim connection for the next claim."""
        self._idle.append(conn)

    def close(self) -> None:
        """Close every connection (open claims roll back: their files stay queued)."""
        for conn in [*self._claim_connections, *([self._control] if self._control else [])]:
            conn.close()
        self._idle.clear()
        self._claim_connections.clear()
        self._control = None

    def control(self) -> Connection:
        """The autocommit connection for enqueuing and reading the queue."""
        if self._control is None or self._control.closed:
            self._control = connect(self.url, migrate_schema=False)
        return self._control

    def _claim_connection(self) -> Connection:
        conn: Connection = psycopg.connect(
            self.url,
            autocommit=False,
            row_factory=dict_row,
            application_name=f"evalkb-worker {self.worker}"[:63],
            options=KEEPALIVES,
        )
        self._claim_connections.append(conn)
        return conn
