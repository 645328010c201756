"""KnowledgeBase: the one service object behind the command line and the HTTP API.

It is composed of plain objects, each over a connection: a `Library` (documents, items,
tables) and a `SearchIndex` (chunks, vectors, ranking) share the writer connection; reads go
through a `Reader` over any connection (`kb.read` for the command line, `kb.reader(conn)`
per HTTP request). The parser pool lives as long as the KnowledgeBase. Front ends only
translate arguments and outputs.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from index import store
from index.embeddings import Embedder
from index.encoders import make_embedder, models_dir
from index.indexer import Prepared
from index.pg.backend import open_backend
from ingest.assemble import sha256
from ingest.pipeline import Parsed, parse_file
from ingest.pool import ParseOutcome, WorkerPool
from ingest.readers import ReadOptions

from . import reprocess
from .batch import FAILED, INGESTED, UNCHANGED, IngestOutcome, collect_files
from .followup import Followup
from .queue_worker import ingest_through_queue
from .reads import Reader
from .settings import Settings, get_settings

__all__ = ["FAILED", "INGESTED", "UNCHANGED", "IngestOutcome", "KnowledgeBase"]


def default_embedder(settings: Settings) -> Embedder:
    """The configured model: ONNX Runtime where it can run it, else sentence-transformers
    (`index.encoders`; loaded, and exported if needed, on first use, not here)."""
    return make_embedder(
        settings.model,
        settings.encoder,
        models_dir(Path(settings.home), settings.models_dir),
        quantize=settings.quantize,
        threads=settings.encoder_threads,
        max_tokens=settings.max_tokens or None,
        micro_batch=settings.query_batching,
    )


class KnowledgeBase:
    """Ingest, store, extract, index and query evaluation documents."""

    def __init__(self, settings: Settings | None = None, embedder: Embedder | None = None) -> None:
        self.settings = settings or get_settings()
        self.home = Path(self.settings.home)
        # kept originals: under home, or a folder every server and worker shares
        self.files = (
            Path(self.settings.files_dir) if self.settings.files_dir else self.home / "files"
        )
        # staged uploads: read by this server, or on Postgres by any worker
        self.uploads = (
            Path(self.settings.uploads_dir) if self.settings.uploads_dir else self.home / "uploads"
        )
        # SQLite under home, or PostgreSQL when `database_url` is set (`index.pg.backend`)
        self.backend = open_backend(
            self.home,
            self.settings.database_url,
            embedder or default_embedder(self.settings),
            self.settings.search,
            self.settings.chunking,
            read_url=self.settings.read_database_url,
        )
        self.conn = self.backend.conn
        self.library = self.backend.library
        self.links = self.backend.links  # management responses ↔ evaluations
        self.index = self.backend.index
        self.read = self.reader(self.conn)
        self.write_lock = threading.Lock()  # one writer at a time; readers use WAL snapshots
        self._pool: WorkerPool | None = None
        self._pool_lock = threading.Lock()

    @property
    def followup(self) -> Followup:
        """Follow-up and review (`api.followup`) on the writer connection, under its lock."""
        return Followup(self.read.conn, self.write_lock)

    def reader(self, conn: sqlite3.Connection) -> Reader:
        """Reads (documents, items, search…) through `conn`, e.g. one per HTTP request."""
        return Reader(
            self.backend.library_on(conn), self.index.searcher(conn), self.home, self.files
        )

    def read_pool(self) -> Any:
        """A pool of read connections to this store (one per HTTP request)."""
        return self.backend.read_pool()

    # -- ingestion ---------------------------------------------------------------------
    def ingest(
        self,
        paths: Sequence[Path],
        *,
        password: str | None = None,
        jobs: int | None = None,
        ocr: bool | None = None,
        on_done: Callable[[IngestOutcome], None] | None = None,
    ) -> list[IngestOutcome]:
        """Ingest files and folders; every file gets an outcome, none can stop the batch.

        On PostgreSQL the files go through the shared queue (`api.queue_worker`), so other
        workers share the batch and a dead worker's file is read again by another; a batch
        with a password is read here only (passwords are never written to the database).
        """
        files, outcomes = collect_files(paths)
        if self.backend.open_queue is not None and password is None:
            for outcome in outcomes:
                if on_done:
                    on_done(outcome)
            return outcomes + ingest_through_queue(self, files, ocr=ocr, jobs=jobs, on_done=on_done)
        todo: list[Path] = []
        for path in files:
            known = self.check_stored(path)
            if known is None:
                todo.append(path)
            else:
                outcomes.append(known)
        for outcome in outcomes:
            if on_done:
                on_done(outcome)
        options = self.read_options(password, ocr)
        # largest first: a big file started last would keep one worker busy while the others
        # idle (a file's size is a fair guess of its parse time)
        todo.sort(key=_size, reverse=True)
        for parsed in self.parser_pool(jobs).map(todo, options):
            outcome = self.store_outcome(parsed)
            outcomes.append(outcome)
            if on_done:
                on_done(outcome)
        return outcomes

    def store_outcome(self, parsed: ParseOutcome) -> IngestOutcome:
        """Store a parsed file, or say why it failed to parse."""
        if parsed.ok:
            return self.store_parsed(parsed.path, parsed.result)
        return IngestOutcome(str(parsed.path), FAILED, reason=parsed.error)

    def check_stored(self, path: Path) -> IngestOutcome | None:
        """The outcome of a file that needs no reading: unreadable (failed) or its bytes
        already stored (unchanged); None when it must be read."""
        try:
            doc_id = sha256(path.read_bytes())
        except OSError as exc:
            return IngestOutcome(
                str(path), FAILED, reason=f"cannot read file: {exc.strerror or exc}"
            )
        if self.library.has(doc_id):
            return IngestOutcome(str(path), UNCHANGED, doc_id)
        return None

    def read_options(self, password: str | None = None, ocr: bool | None = None) -> ReadOptions:
        """How files are read: the settings, with a password or an OCR choice when given."""
        return ReadOptions(
            password=password,
            ocr=self.settings.ocr if ocr is None else ocr,
            limits=self.settings.limits,
        )

    def parser_pool(self, jobs: int | None = None) -> WorkerPool:
        """The long-lived parser pool (spaCy and parsers load once per worker)."""
        wanted = jobs or self.settings.jobs
        with self._pool_lock:
            if self._pool is not None and self._pool.jobs != wanted:
                self._pool.close()
                self._pool = None
            if self._pool is None:
                self._pool = WorkerPool(parse_file, wanted, self.settings.limits.memory_bytes)
            return self._pool

    def source_of(self, path: Path) -> str:
        """Where a file comes from: its absolute path, or `upload:<name>` for an upload (the
        staging folder is random), so a new version at the same source replaces the old."""
        resolved = path.resolve()
        if resolved.parent.parent == self.uploads.resolve():
            return f"upload:{path.name}"
        return str(resolved)

    def store_parsed(self, path: Path, parsed: Parsed, source: str | None = None) -> IngestOutcome:
        """Store one parsed file in a single transaction; on failure the store is unchanged."""
        doc = parsed.document
        source_path = source or self.source_of(path)
        failures: tuple[type[Exception], ...] = (OSError, sqlite3.Error, ValueError)
        failures += self.backend.errors  # e.g. psycopg.Error on PostgreSQL
        try:
            data = path.read_bytes()
            if sha256(data) != doc.id:
                return IngestOutcome(str(path), FAILED, reason="the file changed while it was read")
            prepared = self.index.prepare(doc, parsed.items)
            with self.write_lock:
                old, kept = self._write_document(path, data, parsed, prepared, source_path)
                if kept is None:  # another process stored the same bytes meanwhile
                    return IngestOutcome(str(path), UNCHANGED, doc.id)
                for old_id in old:
                    self._remove_original(old_id)
                self.index.refresh(self.conn)
            return IngestOutcome(str(path), INGESTED, doc.id, replaced=tuple(old))
        except failures as exc:
            return IngestOutcome(str(path), FAILED, reason=f"could not store: {exc}")

    def _write_document(
        self, path: Path, data: bytes, parsed: Parsed, prepared: Prepared, source_path: str
    ) -> tuple[list[str], Path | None]:
        """Rows, search units and original file of one document, in one transaction.

        Returns (ids of the older versions it replaced, the kept original or None when the
        document was already stored). The original is written inside the transaction, so
        another process's write or removal of originals (also inside theirs) never races
        with it; it is removed again only if this call created it and the transaction failed.
        """
        doc = parsed.document
        created = False
        kept: Path | None = None
        try:
            with self.backend.transaction():
                if self.library.has(doc.id):
                    return [], None
                old = [i for i in self.library.ids_from(source_path) if i != doc.id]
                for old_id in old:
                    self._remove_rows(old_id)
                kept, created = store.keep_original(self.files, doc.id, data, path.suffix)
                self.library.add(doc, parsed.items, source_path, kept.name)
                self.backend.set_meta("extractor_version", parsed.extractor_version)
                self.index.write(self.conn, doc, parsed.items, prepared)
                self.links.stored(doc.id, parsed.responses)
                if old:
                    self.links.removed()
        except BaseException:
            if created and kept is not None:
                kept.unlink(missing_ok=True)
            raise
        return old, kept

    def replace_document(self, parsed: Parsed, source_path: str, stored_file: str) -> None:
        """Swap a stored document for a new reading of the same bytes (same id) in one
        transaction; its kept original stays where it is."""
        doc = parsed.document
        prepared = self.index.prepare(doc, parsed.items)
        with self.write_lock:
            with self.backend.transaction():
                self._remove_rows(doc.id)
                self.library.add(doc, parsed.items, source_path, stored_file)
                self.backend.set_meta("extractor_version", parsed.extractor_version)
                self.index.write(self.conn, doc, parsed.items, prepared)
                self.links.stored(doc.id, parsed.responses)
            self.index.refresh(self.conn)

    # -- changes -----------------------------------------------------------------------
    def delete(self, ref: str) -> store.DocumentSummary:
        """Delete a document, its items, chunks and original file. `ref` must name it
        exactly (file name, id, or id prefix of at least 8 characters): no guessing."""
        summary = self.library.resolve_exactly(ref)
        with self.write_lock:
            with self.backend.transaction():
                self._remove_rows(summary.id)
                self.links.removed()
            self._remove_original(summary.id)
            self.index.refresh(self.conn)
        return summary

    def _remove_rows(self, doc_id: str) -> None:
        self.index.remove(self.conn, doc_id)
        self.library.remove(doc_id)

    def _remove_original(self, doc_id: str) -> None:
        """Remove a document's kept file, unless a stored row (of any process) points to it.

        Under the store's write lock, so no other writer adds that row meanwhile."""
        with self.backend.transaction():
            if self.library.has(doc_id):
                return
            for path in self.files.glob(f"{doc_id}*"):
                path.unlink(missing_ok=True)

    def reextract(self, *, force: bool = False) -> int:
        """Re-run extraction on the documents an older extractor built (all with `force`);
        see `api.reprocess.reextract`."""
        return reprocess.reextract(self, force=force)

    def reingest(
        self,
        refs: Sequence[str] = (),
        *,
        password: str | None = None,
        jobs: int | None = None,
        on_done: Callable[[IngestOutcome], None] | None = None,
    ) -> list[IngestOutcome]:
        """Read documents again from their kept original files (`api.reprocess.reingest`)."""
        return reprocess.reingest(self, refs, password=password, jobs=jobs, on_done=on_done)

    def reindex(self) -> int:
        """Rebuild every chunk's vector with the configured model; returns the chunk count."""
        with self.write_lock:
            return self.index.reindex(self.conn, progress=True)

    def close(self) -> None:
        """Stop the parser workers and close the store."""
        with self._pool_lock:
            if self._pool is not None:
                self._pool.close()
                self._pool = None
        self.conn.close()


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:  # gone since it was hashed: its read fails with a clear reason
        return 0
