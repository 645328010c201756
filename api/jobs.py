"""Upload jobs: stage an uploaded file safely, then ingest it in the background, one at a time.

The client's file name never reaches a path: it is cut to a sanitised basename and the file is
written to `<home>/uploads/<random>/<sanitised name>` (the KnowledgeBase stores `path.name`
as the document's file name, so the display name survives). Size is checked while copying
and the type is sniffed from the bytes. Ingestion runs on a single worker thread; the job
records queued → running → done | failed with the outcome and, on failure, the reason.
"""

from __future__ import annotations

import re
import shutil
import threading
import unicodedata
import uuid
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, BinaryIO

from ingest.errors import FileTooLarge, IngestError, NotFound
from ingest.readers import sniff

from .service import FAILED, KnowledgeBase

SUFFIX_OF = {"pdf": ".pdf", "docx": ".docx", "text": ".txt", "markdown": ".md", "html": ".html"}
CHUNK = 1 << 20
MAX_JOBS_KEPT = 500


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


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


@dataclass
class Job:
    """One upload being ingested."""

    id: str
    file_name: str
    size: int
    status: str = "queued"  # queued | running | done | failed
    created_at: str = field(default_factory=_now)
    started_at: str = ""
    finished_at: str = ""
    outcome: str = ""  # ingested | unchanged | failed
    document_id: str = ""
    error: str = ""
    replaced: tuple[str, ...] = ()

    def as_dict(self) -> dict[str, Any]:
        """JSON-able view with links."""
        data = asdict(self)
        data["replaced"] = list(self.replaced)
        data["url"] = f"/jobs/{self.id}"
        data["document_url"] = f"/documents/{self.document_id}" if self.document_id else ""
        return data


class JobQueue:
    """Ingests staged uploads on one background thread and remembers their jobs."""

    def __init__(self, kb: KnowledgeBase, uploads: Path) -> None:
        self.kb = kb
        self.uploads = uploads
        uploads.mkdir(parents=True, exist_ok=True)
        for stale in uploads.iterdir():  # left behind by a process that died mid-job
            shutil.rmtree(stale, ignore_errors=True)
        self._jobs: dict[str, Job] = {}
        self._lock = threading.Lock()
        # one worker: ingestion is CPU-heavy and the store takes one writer at a time
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="evalkb-upload")

    def submit(self, path: Path, size: int, password: str | None = None) -> Job:
        """Queue a staged file for ingestion; returns a snapshot of its job."""
        job = Job(id=uuid.uuid4().hex, file_name=path.name, size=size)
        with self._lock:
            self._jobs[job.id] = job
            while len(self._jobs) > MAX_JOBS_KEPT:  # oldest first (dicts keep order)
                oldest = next(iter(self._jobs))
                if self._jobs[oldest].status in ("queued", "running"):
                    break
                del self._jobs[oldest]
        self._executor.submit(self._run, job.id, path, password)
        return replace(job)

    def get(self, job_id: str) -> Job:
        """A snapshot of one job; NotFound for an unknown id."""
        with self._lock:
            job = self._jobs.get(job_id)
            if job is None:
                raise NotFound(f"no job with id {job_id!r}")
            return replace(job)

    def all(self) -> list[Job]:
        """Snapshots of the remembered jobs, newest first."""
        with self._lock:
            return [replace(j) for j in reversed(self._jobs.values())]

    def _update(self, job_id: str, **changes: Any) -> None:
        with self._lock:
            job = self._jobs[job_id]
            for key, value in changes.items():
                setattr(job, key, value)

    def _run(self, job_id: str, path: Path, password: str | None) -> None:
        self._update(job_id, status="running", started_at=_now())
        try:
            outcomes = self.kb.ingest([path], password=password)
            outcome = outcomes[0] if outcomes else None
            if outcome is None:
                self._update(job_id, status="failed", outcome=FAILED, error="nothing was ingested")
            elif outcome.status == FAILED:
                self._update(job_id, status="failed", outcome=FAILED, error=outcome.reason)
            else:
                self._update(
                    job_id,
                    status="done",
                    outcome=outcome.status,
                    document_id=outcome.document_id,
                    replaced=outcome.replaced,
                )
        except Exception as exc:  # a job must end with a reason, whatever happened
            self._update(
                job_id,
                status="failed",
                outcome=FAILED,
                error=f"ingestion crashed: {type(exc).__name__}: {exc}",
            )
        finally:
            self._update(job_id, finished_at=_now())
            shutil.rmtree(path.parent, ignore_errors=True)

    def wait_idle(self, timeout: float = 60) -> None:
        """Block until every queued job has run (tests and shutdown)."""
        self._executor.submit(lambda: None).result(timeout=timeout)

    def shutdown(self) -> None:
        """Stop taking jobs; let the running one finish."""
        self._executor.shutdown(wait=True, cancel_futures=True)
