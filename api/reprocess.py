"""Reprocessing stored documents: extraction again (`reextract`, after the extractor
changed) or reading again from the kept originals (`reingest`, after the reader changed).

Ids, source paths, kept files and what users attached to the ids stay; contents, items and
search units are replaced, one transaction per document. Called by `KnowledgeBase`.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any, Protocol

from index.chunks import CHUNKER_KEY, CHUNKER_VERSION
from index.indexer import Prepared
from ingest.pipeline import Parsed
from ingest.pool import WorkerPool
from ingest.readers import ReadOptions

from .batch import FAILED, INGESTED, IngestOutcome


class KnowledgeBase(Protocol):
    """What reprocessing needs of `api.service.KnowledgeBase` (which calls in here)."""

    backend: Any
    library: Any
    index: Any
    links: Any
    conn: Any
    files: Path
    write_lock: threading.Lock

    def parser_pool(self, jobs: int | None = None) -> WorkerPool: ...
    def read_options(self, password: str | None = None, ocr: bool | None = None) -> ReadOptions: ...


def reextract(kb: KnowledgeBase, *, force: bool = False) -> int:
    """Re-run extraction on the documents an older extractor built (all with `force`).

    A document is stale when its recorded extractor version differs from this code's
    (the version is a hash of the extractor's code and data), or when the store says an
    older extractor last ran. Item ids derive from their text, so what users attached to
    an unchanged item stays attached."""
    # imported here: the extractor loads its vocabularies, which a search never needs
    from ingest.extract import EXTRACTOR_VERSION
    from ingest.pipeline import analyse

    store_stale = kb.backend.get_meta("extractor_version") != EXTRACTOR_VERSION
    # passages cut by another chunker are cut again with the items (same ids kept)
    chunker = kb.backend.get_meta(CHUNKER_KEY)
    store_stale = store_stale or (chunker or CHUNKER_VERSION) != CHUNKER_VERSION
    count = 0
    for summary in kb.library.documents():
        built_by = dict(summary.versions).get("extractor")
        if not (force or store_stale or built_by != EXTRACTOR_VERSION):
            continue
        doc = kb.backend.load_document(summary.id)
        parsed = analyse(replace(doc, metadata=()))
        _replace_analysis(kb, parsed, kb.index.prepare(parsed.document, parsed.items))
        count += 1
    with kb.backend.transaction():
        kb.backend.set_meta("extractor_version", EXTRACTOR_VERSION)
        if count:
            kb.backend.set_meta(CHUNKER_KEY, CHUNKER_VERSION)
    kb.index.refresh(kb.conn)
    return count


def reingest(
    kb: KnowledgeBase,
    refs: Sequence[str] = (),
    *,
    password: str | None = None,
    jobs: int | None = None,
    on_done: Callable[[IngestOutcome], None] | None = None,
) -> list[IngestOutcome]:
    """Read documents again from their kept original files: every document, or those
    `refs` name."""
    summaries = [kb.library.resolve(r) for r in refs] if refs else kb.library.documents()
    outcomes: list[IngestOutcome] = []
    originals: dict[Path, str] = {}
    for summary in summaries:
        stored = kb.library.stored_file(summary.id)
        path = kb.files / stored if stored else None
        if path is None or not path.exists():
            reason = "its original file is missing; ingest the file again"
            outcomes.append(IngestOutcome(summary.file_name, FAILED, summary.id, reason))
        else:
            originals[path] = summary.file_name
    options = kb.read_options(password)
    for result in kb.parser_pool(jobs).map(list(originals), options):
        name = originals[result.path]
        if not result.ok:
            outcome = IngestOutcome(name, FAILED, result.path.stem, result.error)
        else:
            # the kept file is named by id; the document keeps its own file name
            parsed: Parsed = result.result
            doc = replace(parsed.document, file_name=name)
            prepared = kb.index.prepare(doc, parsed.items)  # slow: before the lock
            with kb.write_lock, kb.backend.transaction():
                kb.library.replace_document(doc, parsed.items)
                kb.index.remove(kb.conn, doc.id)
                kb.index.write(kb.conn, doc, parsed.items, prepared)
                kb.links.stored(doc.id, parsed.responses)
            outcome = IngestOutcome(name, INGESTED, doc.id)
        outcomes.append(outcome)
        if on_done:
            on_done(outcome)
    kb.index.refresh(kb.conn)
    return outcomes


def _replace_analysis(kb: KnowledgeBase, parsed: Parsed, prepared: Prepared) -> None:
    """Swap a document's items, metadata and search units in one transaction."""
    doc = parsed.document
    with kb.write_lock, kb.backend.transaction():
        kb.library.replace_analysis(doc, parsed.items)
        kb.index.remove(kb.conn, doc.id)
        kb.index.write(kb.conn, doc, parsed.items, prepared)
        kb.links.stored(doc.id, parsed.responses)
