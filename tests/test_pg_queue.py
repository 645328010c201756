"""Many ingest workers, one PostgreSQL: the shared queue (issue 12).

Workers claim files with FOR UPDATE SKIP LOCKED and hold the row lock while they read a
file; a worker that dies leaves its file queued for the next. Runs on the PostgreSQL server
that `test_backends` starts (skipped without pgserver/psycopg).
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import psycopg
import pytest
from pg_fixtures import new_database, pg_server  # noqa: F401  (the session's server)

from index.pg.db import connect
from index.pg.jobs import IngestQueue

ROOT = Path(__file__).resolve().parents[1]
JOBS = Path(__file__).with_name("queue_jobs.py")


def test_claims_skip_locked_rows_and_a_dead_workers_file_is_claimed_again(
    pg_server: str,
) -> None:
    url = new_database(pg_server)
    connect(url).close()  # migrated
    first, second = IngestQueue(url, "first"), IngestQueue(url, "second")
    first.enqueue(["/data/a.pdf", "/data/b.pdf"])
    first.enqueue(["/data/a.pdf"])  # already queued: not twice
    assert first.pending() == 2
    held = first.claim()
    assert held is not None and held.job.path == "/data/a.pdf"
    other = second.claim()
    assert other is not None and other.job.path == "/data/b.pdf"  # a.pdf is locked: skipped
    assert second.claim() is None
    other.finish("ingested", "b" * 64)
    first.close()  # the first worker dies: its connections, and the row lock, go
    # the server ends the dead session (and frees its row lock) after the client has gone,
    # not before close() returns: the file comes back within moments, not at once
    again = second.claim()
    deadline = time.monotonic() + 10
    while again is None and time.monotonic() < deadline:
        time.sleep(0.05)
        again = second.claim()
    assert again is not None and again.job.path == "/data/a.pdf"
    again.finish("failed", reason="cannot read file")
    results = second.results(["/data/a.pdf", "/data/b.pdf"])
    assert results["/data/a.pdf"].status == "failed" and results["/data/a.pdf"].worker == "second"
    assert results["/data/b.pdf"].document_id == "b" * 64
    assert second.pending() == 0 and second.counts() == {"failed": 1, "ingested": 1}
    second.enqueue(["/data/a.pdf"])  # a finished path can be queued again
    assert second.pending(["/data/a.pdf"]) == 1
    second.close()


def worker_holding_a_claim(url: str, pid: int) -> bool:
    """True when the worker process `pid` holds a claimed file (an open claim transaction)."""
    with psycopg.connect(url, autocommit=True) as conn:
        row = conn.execute(
            "SELECT COUNT(*) FROM pg_stat_activity WHERE application_name LIKE %s"
            " AND state = 'idle in transaction'",
            (f"evalkb-worker %:{pid}",),
        ).fetchone()
    return bool(row and row[0])


def start_worker(url: str, home: Path, files: Path, batch: Path) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, str(JOBS), url, str(home), str(files), str(batch)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,  # its own process group: the kill takes its parsers too
    )


@pytest.mark.integration
def test_two_workers_share_a_batch_and_one_killed_mid_file_loses_nothing(
    pg_server: str,
    tmp_path: Path,
) -> None:
    """Two `ingest` processes work on one batch against one Postgres; the first is killed
    (SIGKILL, parsers included) while it reads a file. The second takes that file over:
    every file is stored exactly once, with its original in the shared files folder."""
    pdfs = sorted((ROOT / "corpus").glob("*.pdf"))
    assert len(pdfs) >= 3
    batch = tmp_path / "batch"
    batch.mkdir()
    for pdf in pdfs:
        shutil.copy(pdf, batch / pdf.name)
    url = new_database(pg_server)
    files = tmp_path / "shared-files"
    doomed = start_worker(url, tmp_path / "a", files, batch)
    deadline = time.monotonic() + 120
    while not worker_holding_a_claim(url, doomed.pid):
        assert doomed.poll() is None and time.monotonic() < deadline, doomed.communicate()
        time.sleep(0.05)
    survivor = start_worker(url, tmp_path / "b", files, batch)
    time.sleep(0.5)  # both at work on the batch
    os.killpg(doomed.pid, signal.SIGKILL)
    doomed.wait(timeout=10)
    with psycopg.connect(url, autocommit=True) as conn:  # the file it was reading among them
        left = conn.execute("SELECT id FROM ingest_jobs WHERE status='queued'").fetchall()
    assert left, "the killed worker held a file; it must still be queued"
    stdout, stderr = survivor.communicate(timeout=600)
    assert survivor.returncode == 0, stdout + stderr
    statuses = [line.split()[0] for line in stdout.splitlines()]
    assert len(statuses) == len(pdfs) and set(statuses) <= {"ingested", "unchanged"}, stdout
    with psycopg.connect(url, autocommit=True) as conn:
        stored = conn.execute("SELECT id, file_name, stored_file FROM documents").fetchall()
        queued = conn.execute("SELECT COUNT(*) FROM ingest_jobs WHERE status='queued'").fetchone()
        taken_over = conn.execute(
            "SELECT worker FROM ingest_jobs WHERE id = ANY(%s)", ([i for (i,) in left],)
        ).fetchall()
    assert sorted(name for _, name, _ in stored) == [p.name for p in pdfs]  # each once
    for _, name, kept in stored:
        assert (files / kept).read_bytes() == (batch / name).read_bytes()
    assert queued == (0,)
    assert all(not w.endswith(f":{doomed.pid}") for (w,) in taken_over), taken_over


def test_two_servers_storing_the_same_bytes_at_once_store_them_once(
    pg_server: str,
    tmp_path: Path,
) -> None:
    """The same bytes under two paths, stored by two KnowledgeBases on one database at the
    same moment, K times: one `ingested`, one `unchanged`, never a unique-key failure, and
    the shared original is there."""
    from concurrent.futures import ThreadPoolExecutor

    from test_store import tiny_parsed

    from api.service import KnowledgeBase
    from api.settings import Settings
    from index.embeddings import HashingEmbedder

    url = new_database(pg_server)
    files = tmp_path / "shared"
    kbs = [
        KnowledgeBase(
            Settings(home=tmp_path / n, database_url=url, files_dir=str(files), jobs=1, ocr=False),
            embedder=HashingEmbedder(),
        )
        for n in ("one", "two")
    ]
    try:
        for round_ in range(4):
            data = f"version {round_}".encode()
            paths = [tmp_path / f"{n}-{round_}.txt" for n in ("a", "b")]
            for path in paths:
                path.write_bytes(data)
            with ThreadPoolExecutor(2) as pool:
                outcomes = list(
                    pool.map(
                        lambda kb, p, d=data: kb.store_parsed(p, tiny_parsed(d, p.name)),
                        kbs,
                        paths,
                    )
                )
            assert sorted(o.status for o in outcomes) == ["ingested", "unchanged"], outcomes
            kept = kbs[0].library.stored_file(outcomes[0].document_id)
            assert (files / kept).read_bytes() == data
    finally:
        for kb in kbs:
            kb.close()


def test_api_reads_go_to_the_read_replica_url(pg_server: str, tmp_path: Path) -> None:
    """`EVALKB_READ_DATABASE_URL` (a replica) serves the request reads; writes stay on the
    primary's connection."""
    from psycopg.conninfo import conninfo_to_dict

    from api.service import KnowledgeBase
    from api.settings import Settings
    from index.embeddings import HashingEmbedder

    primary, replica = new_database(pg_server), new_database(pg_server)
    connect(replica).close()
    settings = Settings(
        home=tmp_path, database_url=primary, read_database_url=replica, jobs=1, ocr=False
    )
    kb = KnowledgeBase(settings, embedder=HashingEmbedder())
    pool = kb.read_pool()
    try:
        conn = pool.acquire()
        assert conn.info.dbname == conninfo_to_dict(replica)["dbname"]
        pool.release(conn)
        assert kb.conn.info.dbname == conninfo_to_dict(primary)["dbname"]
    finally:
        pool.close()
        kb.close()
