"""HTTP API writes: uploads as background jobs, size and type checks, keys, CORS, isolation."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from test_api import assert_problem, make_client, populate

from api.batch import FAILED, INGESTED, IngestOutcome
from api.uploads import safe_name
from index import store

MD = b"# Rapport\n\n## Recommandations\n\n- Renforcer la coordination des acteurs.\n"


def wait_job(client: TestClient, job: dict[str, Any]) -> dict[str, Any]:
    client.app.state.uploads.wait_idle()  # type: ignore[attr-defined]
    return client.get(job["url"]).json()


@pytest.fixture
def fake_ingest(kb, monkeypatch):
    """Replace ingestion with a recorder (the real pipeline is tested elsewhere)."""
    calls: list[Path] = []

    def ingest(paths: list[Path], **kwargs: Any) -> list[IngestOutcome]:
        [path] = paths
        calls.append(path)
        assert path.exists() and path.parent.parent == kb.home / "uploads"
        if b"explode" in path.read_bytes():
            return [IngestOutcome(str(path), FAILED, reason="no text could be extracted")]
        return [IngestOutcome(str(path), INGESTED, "ab" * 32)]

    monkeypatch.setattr(kb, "ingest", ingest)
    return calls


@pytest.mark.parametrize(
    "raw, kind, expected",
    [
        ("../../etc/passwd.txt", "text", "passwd.txt"),
        ("C:\\Users\\me\\rapport final.pdf", "pdf", "rapport final.pdf"),
        ("..", "pdf", "upload.pdf"),
        ("", "markdown", "upload.md"),
        ("évaluation\x00<script>.md", "markdown", "évaluation_script_.md"),
        ("report", "pdf", "report.pdf"),
        ("notes.txt", "pdf", "notes.txt.pdf"),
        (".hidden.md", "markdown", "hidden.md"),
    ],
)
def test_safe_name_never_leaves_the_folder(raw: str, kind: str, expected: str) -> None:
    name = safe_name(raw, kind)
    assert name == expected
    assert "/" not in name and "\\" not in name and not name.startswith(".")


def test_upload_runs_as_a_job(kb, fake_ingest) -> None:
    with make_client(kb) as client:
        response = client.post("/documents", files={"file": ("../../evil/../notes.md", MD)})
        assert response.status_code == 202, response.text
        job = response.json()
        assert job["status"] in ("queued", "running", "done") and job["file_name"] == "notes.md"
        assert response.headers["location"] == f"/jobs/{job['id']}"
        done = wait_job(client, job)
        assert done["status"] == "done" and done["outcome"] == "ingested"
        assert done["document_id"] == "ab" * 32 and done["finished_at"]
        assert fake_ingest[0].name == "notes.md"
        assert not fake_ingest[0].parent.exists()  # staging folder cleaned up
        assert [j["id"] for j in client.get("/jobs").json()] == [job["id"]]


def test_failed_upload_job_says_why(kb, fake_ingest) -> None:
    with make_client(kb) as client:
        job = client.post("/documents", files={"file": ("a.md", b"explode")}).json()
        done = wait_job(client, job)
        assert done["status"] == "failed" and done["error"] == "no text could be extracted"
        assert client.get("/documents").json() == []


def test_upload_size_and_type_checks(kb, fake_ingest) -> None:
    with make_client(kb, upload_max_mb=0.01) as client:  # about 10 kB
        big = b"# Titre\n" + b"x" * 20_000
        assert_problem(client.post("/documents", files={"file": ("big.md", big)}), 413, "limit")
        # no Content-Length: the limit is enforced while the body streams in
        chunks = (
            b'--B\r\nContent-Disposition: form-data; name="file"; filename="s.md"\r\n\r\n',
            *(b"y" * 8192 for _ in range(20)),
            b"\r\n--B--\r\n",
        )
        streamed = client.post(
            "/documents",
            content=iter(chunks),
            headers={"Content-Type": "multipart/form-data; boundary=B"},
        )
        assert_problem(streamed, 413, "limit")
        # over the file limit but under the form allowance: checked while staging
        near = b"# T\n" + b"z" * 12_000
        assert_problem(client.post("/documents", files={"file": ("n.md", near)}), 413, "limit")
        jpeg = b"\xff\xd8\xff\xe0" + b"\x00" * 100
        assert_problem(client.post("/documents", files={"file": ("scan.pdf", jpeg)}), 415, "JPEG")
        assert_problem(
            client.post("/documents", files={"file": ("tool.exe", b"MZ\x90")}),
            415,
            "unsupported file type",
        )
        assert_problem(
            client.post("/documents", content=b"raw", headers={"Content-Type": "application/pdf"}),
            415,
            "multipart",
        )
        assert_problem(client.post("/documents", files={"other": ("a.md", MD)}), 422, "'file'")
        assert_problem(client.post("/documents", files={"file": ("e.md", b"")}), 422, "empty")
    assert fake_ingest == []
    assert list((kb.home / "uploads").iterdir()) == []


def test_writes_need_loopback_without_keys(kb, tmp_path: Path, fake_ingest) -> None:
    ids = populate(kb, tmp_path)
    with make_client(kb, peer=("203.0.113.9", 4000)) as remote:
        assert_problem(remote.post("/documents", files={"file": ("a.md", MD)}), 403, "loopback")
        assert_problem(remote.delete(f"/documents/{ids['ilo-mali-2023.pdf']}"), 403, "loopback")
        assert remote.get("/documents").status_code == 200  # reads stay open
    with make_client(kb, peer=("::1", 4000)) as local:
        # a page on another site posting to 127.0.0.1 from the user's browser (CSRF)
        foreign = {"Origin": "https://evil.example"}
        doc = ids["ilo-mali-2023.pdf"]
        assert_problem(local.delete(f"/documents/{doc}", headers=foreign), 403, "cross-site")
        assert_problem(
            local.post("/documents", files={"file": ("a.md", MD)}, headers=foreign),
            403,
            "cross-site",
        )
        same = {"Origin": "http://127.0.0.1:8000"}  # the evalkb page itself
        assert local.delete(f"/documents/{doc}", headers=same).status_code == 200


def test_writes_need_a_key_when_keys_are_set(kb, tmp_path: Path, fake_ingest) -> None:
    ids = populate(kb, tmp_path)
    doc = ids["cisp-kafamuya-2024.pdf"]
    with make_client(kb, peer=("198.51.100.7", 4000), api_keys="s3cret, other") as client:
        assert_problem(client.post("/documents", files={"file": ("a.md", MD)}), 401, "API key")
        assert_problem(client.delete(f"/documents/{doc}", headers={"X-API-Key": "wrong"}), 401)
        ok = client.post(
            "/documents", files={"file": ("a.md", MD)}, headers={"Authorization": "Bearer other"}
        )
        assert ok.status_code == 202
        deleted = client.delete(f"/documents/{doc}", headers={"X-API-Key": "s3cret"})
        assert deleted.json() == {"deleted": doc, "file_name": "cisp-kafamuya-2024.pdf"}
        assert_problem(client.delete(f"/documents/{doc}", headers={"X-API-Key": "s3cret"}), 404)
        assert_problem(client.get(f"/documents/{doc}/file"), 404)
        assert [d["file_name"] for d in client.get("/documents").json()] == ["ilo-mali-2023.pdf"]
        assert client.get("/items", params={"document": "ilo-mali-2023.pdf"}).json()["count"] == 3
        assert client.get("/items").json()["count"] == 3


def test_cors_is_configurable(kb) -> None:
    preflight = {"Origin": "https://example.org", "Access-Control-Request-Method": "GET"}
    with make_client(kb) as closed:
        assert (
            "access-control-allow-origin" not in closed.options("/items", headers=preflight).headers
        )
    with make_client(kb, cors_origins="https://example.org") as open_:
        response = open_.get("/health", headers={"Origin": "https://example.org"})
        assert response.headers["access-control-allow-origin"] == "https://example.org"
        other = open_.get("/health", headers={"Origin": "https://evil.example"})
        assert "access-control-allow-origin" not in other.headers


def test_reads_do_not_see_or_wait_for_an_open_write(kb, tmp_path: Path) -> None:
    """A write transaction in progress: readers answer from the last committed state."""
    populate(kb, tmp_path)
    with make_client(kb) as client:
        results: list[int] = []
        with store.transaction(kb.conn):
            kb.conn.execute("DELETE FROM items")  # uncommitted
            readers = [
                threading.Thread(
                    target=lambda: results.append(client.get("/items").json()["count"])
                )
                for _ in range(8)
            ]
            for t in readers:
                t.start()
            for t in readers:
                t.join(timeout=30)
            kb.conn.execute("ROLLBACK")
            kb.conn.execute("BEGIN")  # transaction() commits on exit; give it one
        assert results == [4] * 8


def test_real_upload_is_ingested_and_searchable(kb) -> None:
    """Through the real pipeline: the stored file name is the uploaded one."""
    text = (
        b"# Evaluation finale du projet pilote\n\n## Recommandations\n\n"
        b"1. Renforcer la coordination entre les services techniques.\n"
    )
    with make_client(kb) as client:
        job = client.post("/documents", files={"file": ("../Évaluation pilote.md", text)}).json()
        done = wait_job(client, job)
        assert done["status"] == "done", done["error"]
        doc = client.get(done["document_url"]).json()
        assert doc["file_name"] == "Évaluation pilote.md"
        assert client.get(f"/documents/{doc['id']}/file").content == text
        again = wait_job(
            client, client.post("/documents", files={"file": ("copy.md", text)}).json()
        )
        assert again["outcome"] == "unchanged" and again["document_id"] == doc["id"]


def test_reads_answer_while_an_upload_ingests(kb, tmp_path: Path, monkeypatch) -> None:
    """The job holds the writer (here: blocked mid-ingest); reads go on meanwhile."""
    populate(kb, tmp_path)
    started, release = threading.Event(), threading.Event()

    def slow_ingest(paths: list[Path], **kwargs: Any) -> list[IngestOutcome]:
        with store.transaction(kb.conn):  # an open write transaction, as during a real store
            kb.conn.execute("DELETE FROM items")
            started.set()
            release.wait(timeout=60)
            raise RuntimeError("disk full (simulated)")

    monkeypatch.setattr(kb, "ingest", slow_ingest)
    with make_client(kb) as client:
        job = client.post("/documents", files={"file": ("a.md", MD)}).json()
        assert started.wait(timeout=60)
        assert client.get(job["url"]).json()["status"] == "running"
        assert client.get("/items").json()["count"] == 4
        assert client.get("/documents/ilo-mali-2023.pdf").status_code == 200
        release.set()
        done = wait_job(client, job)
        assert done["status"] == "failed" and "disk full" in done["error"]
        assert client.get("/items").json()["count"] == 4  # rolled back: store unchanged


def test_broken_upload_fails_with_a_reason_and_changes_nothing(kb, tmp_path: Path) -> None:
    populate(kb, tmp_path)
    broken = b"%PDF-1.7\n1 0 obj << /Type /Catalog >> garbage without xref\n"
    with make_client(kb) as client:
        before = client.get("/documents").json()
        done = wait_job(
            client, client.post("/documents", files={"file": ("broken.pdf", broken)}).json()
        )
        assert done["status"] == "failed" and done["error"] and not done["document_id"]
        assert client.get("/documents").json() == before
        assert client.get("/items").json()["count"] == 4


def test_jobs_outlive_a_restart_and_interrupted_ones_can_be_retried(
    kb, settings, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    """A server stops with one upload running and one queued: the next server lists both as
    interrupted (not "not found"), keeps their files, and a retry ingests the queued one."""
    from api.service import KnowledgeBase
    from api.uploads import UploadQueue
    from index.embeddings import HashingEmbedder

    gate = threading.Event()

    def blocked(paths: list[Path], **kwargs: Any) -> list[IngestOutcome]:
        gate.wait(timeout=60)
        return [IngestOutcome(str(paths[0]), INGESTED, "ab" * 32)]

    monkeypatch.setattr(kb, "ingest", blocked)
    # one feeder thread, so the second upload is still queued when the process dies
    monkeypatch.setattr(kb, "settings", kb.settings.model_copy(update={"jobs": 1}))
    first = UploadQueue(kb)
    running = first.submit(*stage(first, "running.md"))
    queued = first.submit(*stage(first, "queued.md"))
    assert first.get(queued.id).status == "queued"
    first._executor.shutdown(wait=False, cancel_futures=True)  # the process dies here

    restarted = KnowledgeBase(settings, embedder=HashingEmbedder())
    try:
        with make_client(restarted) as client:
            jobs = {j["id"]: j for j in client.get("/jobs").json()}
            assert {running.id, queued.id} <= set(jobs)
            job = client.get(f"/jobs/{queued.id}").json()
            assert job["status"] == "interrupted" and "retry" in job["error"]
            assert Path(first.get(queued.id).staged_path).exists()  # kept for the retry
            retried = client.post(f"/jobs/{queued.id}/retry")
            assert retried.status_code == 202, retried.text
            done = wait_job(client, retried.json())
            assert done["status"] == "done" and done["outcome"] == "ingested", done
            assert client.get(done["document_url"]).json()["file_name"] == "queued.md"
            assert_problem(client.post(f"/jobs/{queued.id}/retry"), 422, "only interrupted")
    finally:
        gate.set()
        restarted.close()


def stage(queue: Any, name: str) -> tuple[Path, int]:
    """Stage a small Markdown upload in the queue's folder."""
    import io

    from api.uploads import stage_upload

    return stage_upload(io.BytesIO(MD), name, queue.uploads, 10**6)
