"""KnowledgeBase: the one service object behind the command line and the HTTP API.

It owns the store connection, the parser pool, the embedder and the searcher. Routes and
commands only translate arguments and outputs.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from index import store
from index.embeddings import Embedder
from ingest.assemble import sha256
from ingest.errors import NotFound
from ingest.pipeline import Parsed, parse_file
from ingest.pool import WorkerPool
from ingest.readers import SUPPORTED_SUFFIXES, ReadOptions
from ingest.records import Document, Item, Table

from .search_service import SearchMixin
from .settings import Settings, get_settings

INGESTED, UNCHANGED, FAILED = "ingested", "unchanged", "failed"


@dataclass(frozen=True)
class IngestOutcome:
    """What happened to one file of a batch."""

    path: str
    status: str  # ingested | unchanged | failed
    document_id: str = ""
    reason: str = ""
    replaced: tuple[str, ...] = ()  # ids of older versions of the same path


def collect_files(paths: Iterable[Path]) -> tuple[list[Path], list[IngestOutcome]]:
    """Expand folders (recursively, supported types only); missing paths become failures."""
    files: list[Path] = []
    missing: list[IngestOutcome] = []
    for path in paths:
        if path.is_dir():
            files.extend(
                sorted(
                    p
                    for p in path.rglob("*")
                    if p.is_file()
                    and p.suffix.lower() in SUPPORTED_SUFFIXES
                    and not p.name.startswith(".")
                )
            )
        elif path.exists():
            files.append(path)
        elif path.is_symlink():
            reason = "broken or looping symbolic link"
            missing.append(IngestOutcome(str(path), FAILED, reason=reason))
        else:
            missing.append(IngestOutcome(str(path), FAILED, reason="no such file or directory"))
    return files, missing


class KnowledgeBase(SearchMixin):
    """Ingest, store, extract, index and query evaluation documents."""

    def __init__(self, settings: Settings | None = None, embedder: Embedder | None = None) -> None:
        self.settings = settings or get_settings()
        self.home = Path(self.settings.home)
        self.conn = store.connect(self.home)
        self._write_lock = threading.Lock()  # one writer at a time; readers use WAL snapshots
        self._init_search(embedder)

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
        """Ingest files and folders; every file gets an outcome, none can stop the batch."""
        files, outcomes = collect_files(paths)
        todo: list[Path] = []
        for path in files:
            try:
                doc_id = sha256(path.read_bytes())
            except OSError as exc:
                outcomes.append(
                    IngestOutcome(
                        str(path), FAILED, reason=f"cannot read file: {exc.strerror or exc}"
                    )
                )
                continue
            if self._has_document(doc_id):
                outcomes.append(IngestOutcome(str(path), UNCHANGED, doc_id))
            else:
                todo.append(path)
        for outcome in outcomes:
            if on_done:
                on_done(outcome)
        options = ReadOptions(
            password=password,
            ocr=self.settings.ocr if ocr is None else ocr,
            limits=self.settings.limits,
        )
        pool = WorkerPool(parse_file, jobs or self.settings.jobs, options)
        for parsed in pool.map(todo):
            if parsed.ok:
                outcome = self._store(parsed.path, parsed.result)
            else:
                outcome = IngestOutcome(str(parsed.path), FAILED, reason=parsed.error)
            outcomes.append(outcome)
            if on_done:
                on_done(outcome)
        return outcomes

    def _has_document(self, doc_id: str) -> bool:
        return (
            self.conn.execute("SELECT 1 FROM documents WHERE id=?", (doc_id,)).fetchone()
            is not None
        )

    def _store(self, path: Path, parsed: Parsed, source: str | None = None) -> IngestOutcome:
        """Store one parsed file in a single transaction; on failure the store is unchanged."""
        doc = parsed.document
        source_path = source or str(path.resolve())
        try:
            data = path.read_bytes()
            if sha256(data) != doc.id:
                return IngestOutcome(str(path), FAILED, reason="the file changed while it was read")
            vectors = self._embed_document(parsed)
            with self._write_lock:
                if self._has_document(doc.id):
                    return IngestOutcome(str(path), UNCHANGED, doc.id)
                kept = store.keep_original(self.home, doc.id, data, path.suffix)
                try:
                    with store.transaction(self.conn):
                        old = [
                            r[0]
                            for r in self.conn.execute(
                                "SELECT id FROM documents WHERE source_path=?",
                                (source_path,),
                            )
                        ]
                        for old_id in old:
                            self._delete_rows(old_id)
                        store.write_document(self.conn, doc, source_path, kept.name)
                        store.write_items(self.conn, doc.id, parsed.items)
                        store.set_meta(self.conn, "extractor_version", parsed.extractor_version)
                        self._index_rows(parsed, vectors)
                except BaseException:
                    kept.unlink(missing_ok=True)
                    raise
                for old_id in old:
                    self._remove_original(old_id)
                self._after_write()
            return IngestOutcome(str(path), INGESTED, doc.id, replaced=tuple(old))
        except (OSError, sqlite3.Error, ValueError) as exc:
            return IngestOutcome(str(path), FAILED, reason=f"could not store: {exc}")

    # -- documents ---------------------------------------------------------------------
    def documents(self) -> list[store.DocumentSummary]:
        """Every stored document."""
        return store.summaries(self.conn)

    def summary(self, ref: str) -> store.DocumentSummary:
        """One document's metadata by id, id prefix or file name."""
        return store.resolve(self.conn, ref)

    def document(self, ref: str) -> Document:
        """One document with its outline, blocks and tables."""
        return store.load_document(self.conn, store.resolve(self.conn, ref).id)

    def original_file(self, ref: str) -> Path:
        """Path of the original file kept in the data dir."""
        doc_id = store.resolve(self.conn, ref).id
        row = self.conn.execute(
            "SELECT stored_file FROM documents WHERE id=?", (doc_id,)
        ).fetchone()
        path = self.home / "files" / row[0]
        if not row[0] or not path.exists():
            raise NotFound(f"the original file of document {doc_id[:12]} is missing")
        return path

    def tables(self, ref: str) -> list[Table]:
        """A document's tables."""
        return store.load_tables(self.conn, store.resolve(self.conn, ref).id)

    def table(self, table_id: str) -> tuple[str, Table]:
        """One table by id, with its document id."""
        return store.load_table(self.conn, table_id)

    def delete(self, ref: str) -> store.DocumentSummary:
        """Delete a document, its items, chunks and original file."""
        summary = store.resolve(self.conn, ref)
        with self._write_lock:
            with store.transaction(self.conn):
                self._delete_rows(summary.id)
            self._remove_original(summary.id)
            self._after_write()
        return summary

    def _delete_rows(self, doc_id: str) -> None:
        self._unindex_rows(doc_id)
        store.delete_document_rows(self.conn, doc_id)

    def _remove_original(self, doc_id: str) -> None:
        for path in (self.home / "files").glob(f"{doc_id}*"):
            path.unlink(missing_ok=True)

    # -- items -------------------------------------------------------------------------
    def items(
        self,
        *,
        kind: str = "",
        document: str = "",
        addressee: str = "",
        theme: str = "",
        limit: int | None = None,
        offset: int = 0,
        sort: str = "document",
    ) -> list[Item]:
        """Items filtered by kind, document (id/prefix/name), addressee and theme."""
        where: list[str] = []
        args: list[object] = []
        if kind:
            where.append("kind = ?")
            args.append(kind)
        if document:
            where.append("document_id = ?")
            args.append(store.resolve(self.conn, document).id)
        if addressee:
            where.append("addressee LIKE ?")
            args.append(f"%{addressee}%")
        if theme:
            where.append(
                "EXISTS (SELECT 1 FROM json_each(items.tags) t"
                " WHERE json_extract(t.value, '$[1]') = ?)"
            )
            args.append(theme)
        order = {
            "document": "document_id, ord",
            "kind": "kind, document_id, ord",
            "addressee": "addressee, document_id, ord",
        }.get(sort, "document_id, ord")
        sql = "SELECT * FROM items" + (" WHERE " + " AND ".join(where) if where else "")
        sql += f" ORDER BY {order} LIMIT ? OFFSET ?"
        args += [-1 if limit is None else limit, offset]
        return [store.row_to_item(r) for r in self.conn.execute(sql, args)]

    def item(self, item_id: str) -> Item:
        """One item by id (or unique prefix)."""
        rows = self.conn.execute(
            "SELECT * FROM items WHERE id LIKE ? LIMIT 2", (item_id.replace("%", "") + "%",)
        ).fetchall()
        if len(rows) != 1 or not item_id:
            raise NotFound(f"no item with id {item_id!r}")
        return store.row_to_item(rows[0])

    def file_names(self) -> dict[str, str]:
        """Document id → file name, for labelling items and hits."""
        return {r[0]: r[1] for r in self.conn.execute("SELECT id, file_name FROM documents")}

    def reextract(self, *, force: bool = False) -> int:
        """Re-run extraction on stored documents (all, or those of an older extractor)."""
        from ingest.extract import EXTRACTOR_VERSION
        from ingest.pipeline import analyse

        if not force and store.get_meta(self.conn, "extractor_version") == EXTRACTOR_VERSION:
            return 0
        count = 0
        for summary in self.documents():
            doc = store.load_document(self.conn, summary.id)
            parsed = analyse(replace(doc, metadata=()))
            vectors = self._embed_document(parsed)
            with self._write_lock, store.transaction(self.conn):
                store.write_items(self.conn, doc.id, parsed.items)
                self.conn.execute(
                    "UPDATE documents SET metadata=?, title=?, versions=? WHERE id=?",
                    (
                        store.to_json(parsed.document.metadata),
                        parsed.document.title,
                        store.to_json(parsed.document.versions),
                        doc.id,
                    ),
                )
                self._unindex_rows(doc.id)
                self._index_rows(parsed, vectors)
            count += 1
        with store.transaction(self.conn):
            store.set_meta(self.conn, "extractor_version", EXTRACTOR_VERSION)
        self._after_write()
        return count

    def status(self) -> dict[str, object]:
        """Counts, versions and paths: what `evalkb status` and `/stats` show."""
        count = lambda sql: self.conn.execute(sql).fetchone()[0]  # noqa: E731
        kinds = dict(self.conn.execute("SELECT kind, COUNT(*) FROM items GROUP BY kind").fetchall())
        return {
            "home": str(self.home.resolve()),
            "documents": count("SELECT COUNT(*) FROM documents"),
            "pages": count("SELECT COALESCE(SUM(page_count),0) FROM documents"),
            "tables": count("SELECT COUNT(*) FROM doc_tables"),
            "items": kinds,
            "extractor_version": store.get_meta(self.conn, "extractor_version") or "",
            "documents_with_warnings": count(
                "SELECT COUNT(*) FROM documents WHERE warnings != '[]'"
            ),
            **self._search_status(),
        }

    def close(self) -> None:
        """Close the store."""
        self.conn.close()
