"""Upload jobs on PostgreSQL: `index.jobs.JobStore` through the compat adapter, so every API
server sees every upload's job, plus the one thing SQLite does not need: telling whether the
server running a job is still alive.

A job read by the shared ingest queue needs no owner (the queue's row lock is its record).
A job read outside the queue (an encrypted upload: its password is never written to the
database) is held by its server with a session advisory lock; Postgres drops it with the
server's connection, so another server can see the job was cut off.
"""

from __future__ import annotations

from ..jobs import JobStore
from .compat import SqliteLike
from .db import connect

UPLOAD_LOCK = 7319  # first key of upload-job locks (pg_advisory_lock(int, int))


class PgJobStore(JobStore):
    """The `jobs` table of one Postgres database, on its own connection."""

    order = "created_at DESC, seq DESC"

    def __init__(self, url: str) -> None:
        self.pg = connect(url, migrate_schema=False)
        super().__init__(SqliteLike(self.pg))  # type: ignore[arg-type]

    def hold(self, job_id: str) -> None:
        """Mark this server as the job's reader until `release` (or until it dies)."""
        with self._lock:
            self.pg.execute("SELECT pg_advisory_lock(%s, hashtext(%s))", (UPLOAD_LOCK, job_id))

    def release(self, job_id: str) -> None:
        """This server no longer reads the job."""
        with self._lock:
            self.pg.execute("SELECT pg_advisory_unlock(%s, hashtext(%s))", (UPLOAD_LOCK, job_id))

    def reader_alive(self, job_id: str) -> bool:
        """Whether some server holds the job (call only for jobs this server does not hold:
        its own locks are re-entrant and would read as free)."""
        with self._lock:
            row = self.pg.execute(
                "SELECT pg_try_advisory_lock(%s, hashtext(%s)) AS free", (UPLOAD_LOCK, job_id)
            ).fetchone()
            if row and row["free"]:
                self.pg.execute(
                    "SELECT pg_advisory_unlock(%s, hashtext(%s))", (UPLOAD_LOCK, job_id)
                )
                return False
        return True

    def close(self) -> None:
        """Close the connection (held jobs are released)."""
        self.pg.close()
