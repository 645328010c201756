"""HTTP uploads on PostgreSQL (issue 12): an upload goes on the shared ingest queue, every API
server answers for every job, and an upload whose server dies is taken over, not lost.

Two "servers" are two KnowledgeBases with their own data dirs on one Postgres database, with
the files and uploads folders shared, as the README's deployment sketch mounts them.
"""

from __future__ import annotations

import io
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from pg_fixtures import new_database, pg_server
from test_api import make_client

from api.batch import INGESTED, IngestOutcome
from api.queue_worker import work_queue
from api.settings import Settings
from api.uploads import UploadQueue, stage_upload

MD = b"# Rapport\n\n## Recommandations\n\n- Renforcer la coordination des acteurs locaux.\n"


@pytest.fixture
def servers(pg_server: str, tmp_path: Path) -> Iterator[Any]:
    """A factory of KnowledgeBases ("servers") sharing one database and folders."""
    from api.service import KnowledgeBase
    from index.embeddings import HashingEmbedder

    url = new_database(pg_server)
    made: list[Any] = []

    def server(name: str) -> Any:
        settings = Settings(
            home=tmp_path / name,
            database_url=url,
            files_dir=str(tmp_path / "shared" / "files"),
            uploads_dir=str(tmp_path / "shared" / "uploads"),
            jobs=1,
            ocr=False,
        )
        kb = KnowledgeBase(settings, embedder=HashingEmbedder())
        made.append(kb)
        return kb

    yield server
    for kb in made:
        kb.close()


def stage(queue: UploadQueue, name: str, data: bytes = MD) -> tuple[Path, int]:
    return stage_upload(io.BytesIO(data), name, queue.uploads, 10**6)


def die(queue: UploadQueue) -> None:
    """The server process stops: no more feeding, its connections drop."""
    queue._executor.shutdown(wait=False, cancel_futures=True)
    queue.jobs.close()
    if queue.queue is not None:
        queue.queue.close()


def test_an_upload_is_answered_for_by_every_server(servers: Any) -> None:
    a, b = servers("a"), servers("b")
    with make_client(a) as client_a, make_client(b) as client_b:
        posted = client_a.post("/documents", files={"file": ("rapport.md", MD)})
        assert posted.status_code == 202, posted.text
        client_a.app.state.uploads.wait_idle()  # type: ignore[attr-defined]
        job = client_b.get(posted.json()["url"]).json()  # asked of the other server
        assert job["status"] == "done" and job["outcome"] == "ingested", job
        assert posted.json()["id"] in {j["id"] for j in client_b.get("/jobs").json()}
        doc = client_b.get(job["document_url"]).json()
        assert doc["file_name"] == "rapport.md"
    assert not list((a.uploads).iterdir())  # the staged file went; the original is kept
    assert (a.files / f"{job['document_id']}.md").read_bytes() == MD


def test_an_upload_whose_server_died_is_finished_by_another(servers: Any, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    a = servers("a")
    gate = threading.Event()
    monkeypatch.setattr(UploadQueue, "_run", lambda self, job_id, password: gate.wait(30))
    first = UploadQueue(a)
    job = first.submit(*stage(first, "coupé.md"))
    die(first)  # staged and queued, never read
    monkeypatch.undo()
    gate.set()

    b = servers("b")
    second = UploadQueue(b)  # takes over what the queue still holds
    try:
        second.wait_idle()
        done = second.get(job.id)
        assert done.status == "done" and done.outcome == INGESTED, done
        assert b.read.summary(done.document_id).file_name == "coupé.md"
        assert not done.staged_path and not list(b.uploads.iterdir())
    finally:
        second.shutdown()


def test_a_worker_reads_an_upload_and_any_server_reports_it(servers: Any, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    a = servers("a")
    monkeypatch.setattr(UploadQueue, "_start", lambda self, job_id, password: None)
    first = UploadQueue(a)
    job = first.submit(*stage(first, "lu-ailleurs.md"))
    assert first.get(job.id).status == "queued"
    monkeypatch.undo()

    worker = servers("worker")
    [outcome] = work_queue(worker)  # `evalkb worker` elsewhere takes the queued upload
    assert outcome.status == INGESTED
    c = servers("c")
    with make_client(c) as client:
        seen = client.get(f"/jobs/{job.id}").json()
    assert seen["status"] == "done" and seen["outcome"] == "ingested", seen
    assert seen["document_id"] == outcome.document_id
    assert not list(c.uploads.iterdir())


def test_an_encrypted_upload_is_held_by_its_server_until_it_dies(servers: Any, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    a = servers("a")
    gate = threading.Event()

    def slow(paths: list[Path], **kwargs: Any) -> list[IngestOutcome]:
        gate.wait(30)
        return [IngestOutcome(str(paths[0]), INGESTED, "ab" * 32)]

    monkeypatch.setattr(a, "ingest", slow)
    first = UploadQueue(a)
    job = first.submit(*stage(first, "chiffré.md"), password="secret")
    b = servers("b")
    other = UploadQueue(b)
    try:
        assert other.get(job.id).status in ("queued", "running")  # its reader is alive
        die(first)  # the server with the password is gone
        deadline = time.monotonic() + 10  # Postgres ends the dropped session asynchronously
        while (cut := other.get(job.id)).status != "interrupted" and time.monotonic() < deadline:
            time.sleep(0.05)
        assert cut.status == "interrupted" and "retry" in cut.error
        assert Path(cut.staged_path).exists()  # kept for the retry
        other.retry(job.id, password="secret")  # read here, with the password given again
        other.wait_idle()
        done = other.get(job.id)
        assert done.status == "done" and done.outcome == INGESTED, done
    finally:
        gate.set()
        other.shutdown()
