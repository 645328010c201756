"""Upload jobs in the store: queued → running → done | failed, or interrupted by a restart.

A job row outlives the process that ran it, so a client polling `/jobs/{id}` after a server
restart learns that its upload was interrupted (and can retry it) instead of "not found".
The SQL is the dialect both engines accept: on PostgreSQL the same class runs through the
`index.pg.compat` adapter (`index.pg.upload_jobs`), and every API server sees every job.
"""

from __future__ import annotations

import json
import sqlite3
import threading
from dataclasses import asdict, dataclass, fields
from datetime import UTC, datetime
from typing import Any

from ingest.errors import NotFound

QUEUED, RUNNING, DONE, FAILED, INTERRUPTED = "queued", "running", "done", "failed", "interrupted"
UNFINISHED = (QUEUED, RUNNING)


def now() -> str:
    """The current UTC time as ISO 8601 seconds."""
    return datetime.now(UTC).isoformat(timespec="seconds")


@dataclass(frozen=True)
class Job:
    """One upload being, or having been, ingested."""

    id: str
    file_name: str
    size: int
    status: str = QUEUED
    created_at: str = ""
    started_at: str = ""
    finished_at: str = ""
    outcome: str = ""  # ingested | unchanged | failed
    document_id: str = ""
    error: str = ""
    replaced: tuple[str, ...] = ()
    staged_path: str = ""  # the staged upload, kept until the job ends (retry needs it)


_COLUMNS = tuple(f.name for f in fields(Job))
_SELECT = f"SELECT {', '.join(_COLUMNS)} FROM jobs"
_INSERT = f"INSERT INTO jobs ({', '.join(_COLUMNS)}) VALUES ({', '.join('?' * len(_COLUMNS))})"


def _row_to_job(row: sqlite3.Row) -> Job:
    data = dict(zip(_COLUMNS, tuple(row), strict=True))
    data["replaced"] = tuple(json.loads(data["replaced"] or "[]"))
    return Job(**data)


class JobStore:
    """The jobs table through one connection (a lock makes it safe across threads)."""

    order = "created_at DESC, rowid DESC"  # newest first; SQLite's rowid breaks ties

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn
        self._lock = threading.Lock()

    def add(self, job: Job) -> Job:
        """Record a new job (created now unless given)."""
        job = job if job.created_at else Job(**{**asdict(job), "created_at": now()})
        values = [json.dumps(list(v)) if isinstance(v, tuple) else v for v in asdict(job).values()]
        with self._lock:
            self.conn.execute(_INSERT, values)
        return job

    def update(self, job_id: str, **changes: Any) -> Job:
        """Change some fields of a job; returns the job as stored afterwards."""
        unknown = set(changes) - set(_COLUMNS[1:])
        if unknown:
            raise ValueError(f"unknown job fields: {sorted(unknown)}")
        if "replaced" in changes:
            changes["replaced"] = json.dumps(list(changes["replaced"]))
        sets = ", ".join(f"{name} = ?" for name in changes)
        with self._lock:
            self.conn.execute(f"UPDATE jobs SET {sets} WHERE id = ?", [*changes.values(), job_id])
        return self.get(job_id)

    def get(self, job_id: str) -> Job:
        """One job; NotFound for an unknown id."""
        with self._lock:
            row = self.conn.execute(f"{_SELECT} WHERE id = ?", (job_id,)).fetchone()
        if row is None:
            raise NotFound(f"no job with id {job_id!r}")
        return _row_to_job(row)

    def recent(self, limit: int = 500) -> list[Job]:
        """The latest jobs, newest first."""
        with self._lock:
            rows = self.conn.execute(
                f"{_SELECT} ORDER BY {self.order} LIMIT ?",
                (limit,),
            ).fetchall()
        return [_row_to_job(r) for r in rows]

    def interrupt_unfinished(self, reason: str) -> list[Job]:
        """Mark queued and running jobs of a process that stopped as interrupted."""
        return [
            self.update(job.id, status=INTERRUPTED, error=reason, finished_at=now())
            for job in self.unfinished()
        ]

    def unfinished(self) -> list[Job]:
        """Queued and running jobs, oldest first."""
        with self._lock:
            rows = self.conn.execute(
                f"{_SELECT} WHERE status IN (?, ?) ORDER BY created_at", UNFINISHED
            ).fetchall()
        return [_row_to_job(r) for r in rows]

    def staged_paths(self) -> set[str]:
        """Staged uploads that some job still needs (unfinished or interrupted jobs)."""
        with self._lock:
            rows = self.conn.execute(
                "SELECT staged_path FROM jobs WHERE staged_path != '' AND status IN (?, ?, ?)",
                (QUEUED, RUNNING, INTERRUPTED),
            ).fetchall()
        return {r[0] for r in rows}

    def prune(self, keep: int = 500) -> list[Job]:
        """Forget the oldest finished jobs beyond `keep`; returns the forgotten ones."""
        with self._lock:
            rows = self.conn.execute(
                f"{_SELECT} WHERE status NOT IN (?, ?) ORDER BY {self.order}", UNFINISHED
            ).fetchall()
            old = [_row_to_job(r) for r in rows[keep:]]
            self.conn.executemany("DELETE FROM jobs WHERE id = ?", [(j.id,) for j in old])
        return old

    # One SQLite store has one server: a job it does not run has no reader. The Postgres
    # store (`index.pg.upload_jobs`) tells other servers' jobs apart.
    def hold(self, job_id: str) -> None:
        """Mark this server as the job's reader (nothing to share on SQLite)."""

    def release(self, job_id: str) -> None:
        """This server no longer reads the job."""

    def reader_alive(self, job_id: str) -> bool:
        """Whether another server reads the job (never, on SQLite)."""
        return False

    def close(self) -> None:
        """Close the connection."""
        self.conn.close()
