"""Upload jobs: stage an uploaded file safely, then ingest it in the background.

The client's file name never reaches a path: it is cut to a sanitised basename and the file is
written to `<home>/uploads/<random>/<sanitised name>` (the KnowledgeBase stores `path.name`
as the document's file name, so the display name survives). Size is checked while copying
and the type is sniffed from the bytes. Jobs are rows of the store (`index.jobs`): a job cut
off by a server restart is marked interrupted at the next start and can be retried, its
staged file being kept until then. Ingestion runs on the KnowledgeBase's long-lived parser
pool, fed by one background thread.
"""

from __future__ import annotations

import re
import shutil
import threading
import unicodedata
import uuid
from concurrent.futures import Future, ThreadPoolExecutor, wait
from pathlib import Path
from typing import BinaryIO

from index.jobs import DONE, FAILED, INTERRUPTED, QUEUED, RUNNING, Job, JobStore, now
from index.store import DB_NAME, open_reader
from ingest.errors import FileTooLarge, IngestError, InvalidQuery
from ingest.readers import sniff

from .service import KnowledgeBase

SUFFIX_OF = {
    "pdf": ".pdf",
    "docx": ".docx",
    "xlsx": ".xlsx",
    "text": ".txt",
    "markdown": ".md",
    "html": ".html",
}
CHUNK = 1 << 20
MAX_JOBS_KEPT = 500
RESTARTED = "the server stopped before this job finished; retry it with POST /jobs/{id}/retry"


def safe_name(name: str, kind: str = "") -> str:
    """A display-safe basename: no directories, no control or odd characters, right suffix."""
    base = re.split(r"[\\/]", name or "")[-1]  # Windows paths come with backslashes
    base = unicodedata.normalize("NFC", base)
    base = "".join(ch for ch in base if unicodedata.category(ch)[0] != "C")
    base = re.sub(r"[^\w.\- ()\[\],+'&]", "_", base).strip(" .")
    stem, dot, suffix = base.rpartition(".")
    if not dot:
        stem, suffix = base, ""
    stem = stem[:120] or "upload"
    wanted = SUFFIX_OF.get(kind, "")
    if (
        wanted
        and f".{suffix.lower()}" != wanted
        and not (kind == "markdown" and suffix.lower() == "markdown")
    ):
        # keep what the user called it, but let the suffix match the sniffed content
        stem, suffix = (f"{stem}.{suffix}" if suffix else stem), wanted[1:]
    return f"{stem}.{suffix}" if suffix else stem


def stage_upload(source: BinaryIO, name: str, uploads: Path, limit: int) -> tuple[Path, int]:
    """Copy an upload into its own directory under `uploads`; return (path, size).

    Raises FileTooLarge (over `limit` bytes), UnsupportedFile (sniffed type) or IngestError
    (empty file); the staging directory is removed when it raises.
    """
    folder = uploads / uuid.uuid4().hex
    folder.mkdir(parents=True)
    try:
        head = source.read(65536)
        if not head:
            raise IngestError(safe_name(name), "empty file (0 bytes)")
        kind = sniff(head, safe_name(name))
        target = folder / safe_name(name, kind)
        size = 0
        with target.open("wb") as out:
            chunk = head
            while chunk:
                size += len(chunk)
                if size > limit:
                    raise FileTooLarge(
                        target.name,
                        f"upload is over the limit of {limit:,} bytes (EVALKB_UPLOAD_MAX_MB)",
                    )
                out.write(chunk)
                chunk = source.read(CHUNK)
        return target, size
    except BaseException:
        shutil.rmtree(folder, ignore_errors=True)
        raise


class UploadQueue:
    """Ingests staged uploads in the background and keeps their jobs in the store."""

    def __init__(self, kb: KnowledgeBase, uploads: Path | None = None) -> None:
        self.kb = kb
        self.uploads = uploads or kb.home / "uploads"
        self.uploads.mkdir(parents=True, exist_ok=True)
        # its own connection: job updates never wait for a request's reads or a batch write
        self.jobs = JobStore(open_reader(kb.home / DB_NAME))
        self.jobs.interrupt_unfinished(RESTARTED)
        self._clean_orphans()
        # one feeder per parser process: a slow file (a long OCR) holds one of them, and the
        # uploads behind it go to the others; storing still takes the one writer lock
        self._executor = ThreadPoolExecutor(
            max_workers=max(1, kb.settings.jobs), thread_name_prefix="evalkb-upload"
        )
        self._pending: set[Future[None]] = set()
        self._pending_lock = threading.Lock()

    def _clean_orphans(self) -> None:
        """Remove staged files no job needs (left by a process that died while staging)."""
        needed = {Path(p).resolve().parent for p in self.jobs.staged_paths()}
        for folder in self.uploads.iterdir():
            if folder.resolve() not in needed:
                shutil.rmtree(folder, ignore_errors=True)

    def submit(self, path: Path, size: int, password: str | None = None) -> Job:
        """Queue a staged file for ingestion; returns its job."""
        job = self.jobs.add(Job(uuid.uuid4().hex, path.name, size, staged_path=str(path.resolve())))
        for old in self.jobs.prune(MAX_JOBS_KEPT):
            self._discard(old)
        self._start(job.id, password)
        return job

    def retry(self, job_id: str, password: str | None = None) -> Job:
        """Queue an interrupted job again (its staged file was kept for this)."""
        job = self.jobs.get(job_id)
        if job.status != INTERRUPTED:
            raise InvalidQuery(f"job {job_id} is {job.status}; only interrupted jobs are retried")
        if not job.staged_path or not Path(job.staged_path).exists():
            raise InvalidQuery(f"the staged file of job {job_id} is gone; upload it again")
        job = self.jobs.update(job_id, status=QUEUED, error="", started_at="", finished_at="")
        self._start(job.id, password)
        return job

    def _start(self, job_id: str, password: str | None) -> None:
        future = self._executor.submit(self._run, job_id, password)
        with self._pending_lock:
            self._pending.add(future)
        future.add_done_callback(self._finished)

    def _finished(self, future: Future[None]) -> None:
        with self._pending_lock:
            self._pending.discard(future)

    def get(self, job_id: str) -> Job:
        """One job; NotFound for an unknown id."""
        return self.jobs.get(job_id)

    def all(self) -> list[Job]:
        """The remembered jobs, newest first."""
        return self.jobs.recent(MAX_JOBS_KEPT)

    def _run(self, job_id: str, password: str | None) -> None:
        job = self.jobs.update(job_id, status=RUNNING, started_at=now())
        path = Path(job.staged_path)
        try:
            outcomes = self.kb.ingest([path], password=password)
            outcome = outcomes[0] if outcomes else None
            if outcome is None:
                self.jobs.update(job_id, status=FAILED, outcome=FAILED, error="nothing ingested")
            elif outcome.status == FAILED:
                self.jobs.update(job_id, status=FAILED, outcome=FAILED, error=outcome.reason)
            else:
                self.jobs.update(
                    job_id,
                    status=DONE,
                    outcome=outcome.status,
                    document_id=outcome.document_id,
                    replaced=outcome.replaced,
                )
        except Exception as exc:  # a job must end with a reason, whatever happened
            error = f"ingestion crashed: {type(exc).__name__}: {exc}"
            self.jobs.update(job_id, status=FAILED, outcome=FAILED, error=error)
        finally:
            self.jobs.update(job_id, finished_at=now(), staged_path="")
            shutil.rmtree(path.parent, ignore_errors=True)

    def _discard(self, job: Job) -> None:
        if job.staged_path:
            shutil.rmtree(Path(job.staged_path).parent, ignore_errors=True)

    def wait_idle(self, timeout: float = 60) -> None:
        """Block until every queued job has run (tests and shutdown)."""
        with self._pending_lock:
            pending = list(self._pending)
        _, not_done = wait(pending, timeout=timeout)
        if not_done:
            raise TimeoutError(f"{len(not_done)} upload job(s) still running after {timeout} s")

    def shutdown(self) -> None:
        """Stop taking jobs; let the running one finish; close the job connection."""
        self._executor.shutdown(wait=True, cancel_futures=True)
        self.jobs.conn.close()
