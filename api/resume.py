"""Complete documents stored with pages missing (`evalkb resume`).

A file whose pages could not all be read within its time limit is stored with the pages read
and a first warning `incomplete: pages … of …` (`ingest.partial`). Resuming reads the kept
original again under the full time limit; the OCR results of the pages read the first time
are cached under `<home>/cache/pages/`, so only the missing pages cost time. The new reading
replaces the stored one under the same id, in one transaction (`KnowledgeBase.replace_document`).
"""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from index.store import DocumentSummary
from ingest import scratch
from ingest.partial import is_incomplete, missing_pages, page_ranges
from ingest.readers import ReadOptions

from .batch import FAILED, INGESTED, UNCHANGED, IngestOutcome

if TYPE_CHECKING:
    from .service import KnowledgeBase


def incomplete_documents(kb: KnowledgeBase) -> list[DocumentSummary]:
    """Stored documents with pages missing."""
    return [s for s in kb.library.documents() if is_incomplete(s.warnings)]


def resume_incomplete(
    kb: KnowledgeBase,
    refs: Sequence[str] = (),
    *,
    password: str | None = None,
    jobs: int | None = None,
    on_done: Callable[[IngestOutcome], None] | None = None,
) -> list[IngestOutcome]:
    """Read again the incomplete documents (all, or those `refs` name); one outcome each."""
    outcomes: list[IngestOutcome] = []

    def done(outcome: IngestOutcome) -> None:
        outcomes.append(outcome)
        if on_done:
            on_done(outcome)

    targets = [kb.library.resolve(r) for r in refs] if refs else incomplete_documents(kb)
    work = Path(tempfile.mkdtemp(prefix="resume-", dir=scratch.run_dir(kb.home)))
    try:
        links: dict[Path, DocumentSummary] = {}
        for summary in targets:
            original = kb.files / kb.library.stored_file(summary.id)
            if not is_incomplete(summary.warnings):
                done(IngestOutcome(summary.file_name, UNCHANGED, summary.id, "already complete"))
            elif not kb.library.stored_file(summary.id) or not original.is_file():
                done(IngestOutcome(summary.file_name, FAILED, summary.id, "original missing"))
            else:
                # read under the document's own file name (the reader names it after the path)
                link = work / summary.id[:16] / summary.file_name
                link.parent.mkdir(mode=0o700)
                link.symlink_to(original.resolve())
                links[link] = summary
        options = ReadOptions(password=password, ocr=kb.settings.ocr, limits=kb.settings.limits)
        for parsed in kb.parser_pool(jobs).map(list(links), options):
            summary = links[parsed.path]
            if not parsed.ok:
                done(IngestOutcome(summary.file_name, FAILED, summary.id, parsed.error))
                continue
            doc = parsed.result.document
            if doc.id != summary.id:
                done(IngestOutcome(summary.file_name, FAILED, summary.id, "original changed"))
                continue
            kb.replace_document(parsed.result, summary.source_path, kb.library.stored_file(doc.id))
            still = missing_pages(doc.warnings)
            note = f"still incomplete: pages {page_ranges(still)} missing" if still else ""
            done(IngestOutcome(summary.file_name, INGESTED, doc.id, note))
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return outcomes
