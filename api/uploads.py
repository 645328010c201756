"""Upload jobs: stage an uploaded file safely, then ingest it in the background.

The client's file name never reaches a path: it is cut to a sanitised basename and the file is
written to `<uploads>/<random>/<sanitised name>` (`EVALKB_UPLOADS_DIR`, default `<home>/uploads`;
the KnowledgeBase stores `path.name` as the document's file name, so the display name
survives). Size is checked while copying and the type is sniffed from the bytes.

Jobs are rows of the store (`index.jobs`). On SQLite a job cut off by a server restart is
marked interrupted at the next start and can be retried, its staged file being kept until
then; ingestion runs on the KnowledgeBase's parser pool, fed by background threads.

On PostgreSQL the job rows are shared by every API server, and an upload goes on the shared
ingest queue (`api.queue_worker`) the moment it is staged (the uploads folder is shared too):
the server that took it works on it, but if that server dies, any worker or server takes the
file over, and any server answers `/jobs/{id}` from the queue's outcome. An encrypted upload
is read by the server that has its password, which holds the job (`index.pg.upload_jobs`) so
the others can tell when it was cut off.
"""

from __future__ import annotations

import re
import shutil
import threading
import time
import unicodedata
import uuid
from concurrent.futures import Future, ThreadPoolExecutor, wait
from pathlib import Path
from typing import Any, BinaryIO

from index.jobs import DONE, FAILED, INTERRUPTED, QUEUED, RUNNING, UNFINISHED, Job, now
from ingest.errors import FileTooLarge, IngestError, InvalidQuery
from ingest.readers import sniff

from .batch import IngestOutcome
from .queue_worker import ingest_through_queue
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
STAGING_GRACE = 3600  # seconds a shared staging folder without a job is left alone


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
        self.uploads = uploads or kb.uploads
        self.uploads.mkdir(parents=True, exist_ok=True)
        # Postgres: jobs, staged files and the ingest queue are shared by every server
        open_queue = kb.backend.open_queue
        self.queue = open_queue() if open_queue is not None else None
        self.shared = self.queue is not None
        # its own connection: job updates never wait for a request's reads or a batch write
        self.jobs = kb.backend.open_jobs()
        self._here: set[str] = set()  # jobs this server is reading
        # one feeder per parser process: a slow file (a long OCR) holds one of them, and the
        # uploads behind it go to the others; storing still takes the one writer lock
        self._executor = ThreadPoolExecutor(
            max_workers=max(1, kb.settings.jobs), thread_name_prefix="evalkb-upload"
        )
        self._pending: set[Future[None]] = set()
        self._pending_lock = threading.Lock()
        if self.shared:
            self._resume()
        else:
            self.jobs.interrupt_unfinished(RESTARTED)
        self._clean_orphans()

    def _clean_orphans(self) -> None:
        """Remove staged files no job needs (left by a process that died while staging).
        A shared folder may hold another server's upload being staged: only old ones go."""
        needed = {Path(p).resolve().parent for p in self.jobs.staged_paths()}
        cutoff = time.time() - STAGING_GRACE if self.shared else float("inf")
        for folder in self.uploads.iterdir():
            if folder.resolve() not in needed and _mtime(folder) < cutoff:
                shutil.rmtree(folder, ignore_errors=True)

    def _resume(self) -> None:
        """Shared store: settle the jobs other servers left, and work on those still queued
        (if another server or worker holds one, this one waits for its outcome)."""
        for job in self.jobs.unfinished():
            result = self._queued(job)
            job = self._settle_from(job, result)
            if job.status in UNFINISHED and result is not None and result.status == QUEUED:
                self._start(job.id, None)

    def submit(self, path: Path, size: int, password: str | None = None) -> Job:
        """Queue a staged file for ingestion; returns its job."""
        job_id = uuid.uuid4().hex
        self._claim(job_id, path, password)  # before the row exists: no server sees it orphaned
        job = self.jobs.add(Job(job_id, path.name, size, staged_path=str(path.resolve())))
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
        self._claim(job_id, Path(job.staged_path), password)
        job = self.jobs.update(job_id, status=QUEUED, error="", started_at="", finished_at="")
        self._start(job.id, password)
        return job

    def _claim(self, job_id: str, path: Path, password: str | None) -> None:
        """Shared store: put the file on the ingest queue, or (encrypted) hold the job here."""
        self._here.add(job_id)
        if self.queue is None:
            return
        if password is None:
            self.queue.enqueue([str(path.resolve())])
        else:
            self.jobs.hold(job_id)

    def _start(self, job_id: str, password: str | None) -> None:
        self._here.add(job_id)
        future = self._executor.submit(self._run, job_id, password)
        with self._pending_lock:
            self._pending.add(future)
        future.add_done_callback(self._finished)

    def _finished(self, future: Future[None]) -> None:
        with self._pending_lock:
            self._pending.discard(future)

    def get(self, job_id: str) -> Job:
        """One job; NotFound for an unknown id."""
        return self._settle(self.jobs.get(job_id))

    def all(self) -> list[Job]:
        """The remembered jobs, newest first."""
        return [self._settle(job) for job in self.jobs.recent(MAX_JOBS_KEPT)]

    def _settle(self, job: Job) -> Job:
        """Shared store: a job another server left unfinished takes the queue's outcome,
        or is marked interrupted when it was read outside the queue by a server now gone."""
        if self.queue is None or job.status not in UNFINISHED or job.id in self._here:
            return job
        return self._settle_from(job, self._queued(job))

    def _settle_from(self, job: Job, result: Any) -> Job:
        """`_settle` with the queue's row for the job's file already read (None: none)."""
        if result is not None and result.status != QUEUED:
            outcome = IngestOutcome(
                result.path, result.status, result.document_id, result.reason, result.replaced
            )
            return self._record(job.id, outcome)
        if result is None and not self.jobs.reader_alive(job.id):
            return self.jobs.update(job.id, status=INTERRUPTED, error=RESTARTED, finished_at=now())
        return job

    def _queued(self, job: Job) -> Any:
        """The shared queue's newest row for the job's file (None: never queued)."""
        if self.queue is None or not job.staged_path:
            return None
        path = str(Path(job.staged_path).resolve())
        return self.queue.results([path]).get(path)

    def _run(self, job_id: str, password: str | None) -> None:
        job = self.jobs.update(job_id, status=RUNNING, started_at=now())
        path = Path(job.staged_path)
        try:
            if self.queue is not None and password is None:
                outcomes = ingest_through_queue(self.kb, [path], queued=True)
            else:
                outcomes = self.kb.ingest([path], password=password)
            self._record(job_id, outcomes[0] if outcomes else None)
        except Exception as exc:  # a job must end with a reason, whatever happened
            error = f"ingestion crashed: {type(exc).__name__}: {exc}"
            self._end(job_id, status=FAILED, outcome=FAILED, error=error)
        finally:
            if self.queue is not None and password is not None:
                self.jobs.release(job_id)
            self._here.discard(job_id)

    def _record(self, job_id: str, outcome: IngestOutcome | None) -> Job:
        """End a job with an ingest outcome."""
        if outcome is None:
            return self._end(job_id, status=FAILED, outcome=FAILED, error="nothing ingested")
        if outcome.status == FAILED:
            return self._end(job_id, status=FAILED, outcome=FAILED, error=outcome.reason)
        return self._end(
            job_id,
            status=DONE,
            outcome=outcome.status,
            document_id=outcome.document_id,
            replaced=outcome.replaced,
        )

    def _end(self, job_id: str, **fields: Any) -> Job:
        """Write a job's last fields and remove its staged file (the original is kept)."""
        staged = self.jobs.get(job_id).staged_path
        job = self.jobs.update(job_id, **fields, finished_at=now(), staged_path="")
        if staged:
            shutil.rmtree(Path(staged).parent, ignore_errors=True)
        return job

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
        self.jobs.close()
        if self.queue is not None:
            self.queue.close()


def _mtime(path: Path) -> float:
    try:
        return path.stat().st_mtime
    except OSError:
        return 0.0
