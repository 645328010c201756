"""Document commands of the command line: ingest, resume, documents, show, tables, delete,
status, items, reextract. Each is a thin wrapper over the KnowledgeBase."""

from __future__ import annotations

import argparse
import sys
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

from index.query import SORTS, ItemQuery

from ..batch import FAILED, INGESTED, IngestOutcome
from ..resume import incomplete_documents, resume_incomplete
from ..service import KnowledgeBase
from ..settings import get_settings
from . import output as out
from .args import add_request_options, request_from


def open_kb() -> KnowledgeBase:
    """The KnowledgeBase of the configured data directory."""
    return KnowledgeBase(get_settings())


def cmd_ingest(args: argparse.Namespace) -> int:
    """Ingest files and folders, with a progress bar and a per-file summary."""
    from tqdm import tqdm

    kb = open_kb()
    bar = tqdm(desc="ingest", unit="file", disable=args.quiet or not sys.stderr.isatty())

    def done(outcome: IngestOutcome) -> None:
        bar.update(1)
        bar.set_postfix_str(Path(outcome.path).name[:40])

    try:
        if args.enqueue:
            from ..batch import collect_files
            from ..queue_worker import ingest_through_queue

            files, missing = collect_files([Path(p) for p in args.paths])
            queued = ingest_through_queue(
                kb, files, ocr=False if args.no_ocr else None, enqueue_only=True
            )
            out.print_outcomes(missing + queued)
            return 1 if missing else 0
        kb.parser_pool(args.jobs).listeners.append(page_progress(bar))
        outcomes = kb.ingest(
            [Path(p) for p in args.paths],
            password=args.password,
            jobs=args.jobs,
            ocr=False if args.no_ocr else None,
            on_done=done,
        )
        partial = {d.id for d in incomplete_documents(kb)}
    finally:
        bar.close()
        kb.close()
    out.print_outcomes(outcomes)
    stored_partly = [o for o in outcomes if o.status == INGESTED and o.document_id in partial]
    if stored_partly:
        print(
            f"{len(stored_partly)} document(s) stored with pages missing (time limit); "
            "`evalkb show` names them, `evalkb resume` reads them"
        )
    return 1 if any(o.status == FAILED for o in outcomes) else 0


def cmd_worker(args: argparse.Namespace) -> int:
    """Read files from the shared ingest queue (PostgreSQL) until it is empty, or, with
    `--wait`, until stopped."""
    from ..queue_worker import work_queue

    kb = open_kb()
    printed = threading.Lock()

    def done(outcome: IngestOutcome) -> None:
        with printed:
            out.print_outcome(outcome)

    try:
        outcomes = work_queue(kb, jobs=args.jobs, wait_for_more=args.wait, on_done=done)
    finally:
        kb.close()
    return 1 if any(o.status == FAILED for o in outcomes) else 0


def page_progress(bar: Any) -> Callable[[Path, int, int], None]:
    """A pool listener showing the pages read of each long file on the file bar."""
    reading: dict[Path, tuple[int, int]] = {}
    lock = threading.Lock()

    def listen(path: Path, done: int, total: int) -> None:
        with lock:
            if done >= total:
                reading.pop(path, None)
            elif total >= 10:
                reading[path] = (done, total)
            shown = "  ".join(f"{p.name[:30]} p. {d}/{t}" for p, (d, t) in reading.items())
            bar.set_postfix_str(shown)

    return listen


def cmd_resume(args: argparse.Namespace) -> int:
    """Read the missing pages of documents stored incomplete."""
    from tqdm import tqdm

    kb = open_kb()
    bar = tqdm(desc="resume", unit="file", disable=args.quiet or not sys.stderr.isatty())
    try:
        kb.parser_pool(args.jobs).listeners.append(page_progress(bar))
        outcomes = resume_incomplete(
            kb, args.docs, password=args.password, jobs=args.jobs, on_done=lambda _: bar.update(1)
        )
    finally:
        bar.close()
        kb.close()
    if not outcomes:
        print("no document has pages missing")
        return 0
    out.print_outcomes(outcomes)
    return 1 if any(o.status == FAILED for o in outcomes) else 0


def cmd_documents(args: argparse.Namespace) -> int:
    """List stored documents."""
    out.print_documents(open_kb().read.documents(), args.format)
    return 0


def cmd_show(args: argparse.Namespace) -> int:
    """Metadata, outline and warnings of one document."""
    read = open_kb().read
    out.print_document(read.summary(args.doc), read.document(args.doc))
    return 0


def cmd_tables(args: argparse.Namespace) -> int:
    """A document's tables."""
    read = open_kb().read
    out.print_tables(read.summary(args.doc).id, read.tables(args.doc), args.format)
    return 0


def cmd_delete(args: argparse.Namespace) -> int:
    """Delete one document."""
    summary = open_kb().delete(args.doc)
    print(f"deleted {summary.file_name} ({summary.id[:12]})")
    return 0


def cmd_status(args: argparse.Namespace) -> int:
    """Counts and versions."""
    out.print_mapping(open_kb().read.status())
    return 0


def cmd_items(args: argparse.Namespace) -> int:
    """List extracted items."""
    read = open_kb().read
    items = read.items(request_from(args, ItemQuery), sort=args.sort)
    out.print_items(items, read.file_names(), args.format)
    return 0


def cmd_reextract(args: argparse.Namespace) -> int:
    """Re-run item extraction."""
    count = open_kb().reextract(force=args.force)
    print(f"re-extracted {count} document(s)" if count else "items are up to date")
    return 0


def cmd_reingest(args: argparse.Namespace) -> int:
    """Read documents again from their kept originals (after the reader changed)."""
    kb = open_kb()
    try:
        outcomes = kb.reingest(args.docs, password=args.password, jobs=args.jobs)
    finally:
        kb.close()
    out.print_outcomes(outcomes)
    return 1 if any(o.status == FAILED for o in outcomes) else 0


def add_document_commands(sub: Any) -> None:
    """Register the document commands on the CLI's subparsers."""
    p = sub.add_parser("ingest", help="ingest files and folders (PDF, DOCX, text)")
    p.add_argument("paths", nargs="+")
    p.add_argument("--password", help="password for encrypted PDFs")
    p.add_argument("--jobs", type=int, help="parser worker processes (default EVALKB_JOBS or 2)")
    p.add_argument("--no-ocr", action="store_true", help="do not OCR pages without text")
    p.add_argument("--quiet", action="store_true", help="no progress bar")
    p.add_argument(
        "--enqueue",
        action="store_true",
        help="PostgreSQL: only put the files on the shared queue, for `evalkb worker`s",
    )
    p.set_defaults(func=cmd_ingest)

    p = sub.add_parser(
        "worker", help="PostgreSQL: ingest files from the shared queue, beside other workers"
    )
    p.add_argument("--jobs", type=int, help="parser worker processes (default EVALKB_JOBS or 2)")
    p.add_argument("--wait", action="store_true", help="keep waiting for new files (a service)")
    p.set_defaults(func=cmd_worker)

    p = sub.add_parser(
        "resume", help="read the pages missing from documents stored incomplete (time limit)"
    )
    p.add_argument("docs", nargs="*", help="documents to complete (default: every one)")
    p.add_argument("--password", help="password for encrypted PDFs")
    p.add_argument("--jobs", type=int, help="parser worker processes (default EVALKB_JOBS or 2)")
    p.add_argument("--quiet", action="store_true", help="no progress bar")
    p.set_defaults(func=cmd_resume)

    p = sub.add_parser("documents", help="list documents")
    p.add_argument("--format", choices=["table", "jsonl"], default="table")
    p.set_defaults(func=cmd_documents)

    p = sub.add_parser("show", help="metadata, outline and warnings of a document")
    p.add_argument("doc", help="id, id prefix or file name")
    p.set_defaults(func=cmd_show)

    p = sub.add_parser("tables", help="tables of a document")
    p.add_argument("doc")
    p.add_argument("--format", choices=["table", "csv", "jsonl"], default="table")
    p.set_defaults(func=cmd_tables)

    p = sub.add_parser("delete", help="delete a document")
    p.add_argument("doc")
    p.set_defaults(func=cmd_delete)

    p = sub.add_parser("status", help="counts and versions")
    p.set_defaults(func=cmd_status)

    p = sub.add_parser("items", help="lessons, good practices and recommendations")
    add_request_options(p, ItemQuery)
    p.add_argument(
        "--sort", choices=list(SORTS), default="document", help="confidence: doubtful first"
    )
    p.add_argument("--format", choices=["table", "jsonl", "csv"], default="table")
    p.set_defaults(func=cmd_items)

    p = sub.add_parser("reingest", help="read documents again from their kept original files")
    p.add_argument("docs", nargs="*", help="documents (default: all)")
    p.add_argument("--password", help="password for encrypted PDFs")
    p.add_argument("--jobs", type=int, help="parser worker processes")
    p.set_defaults(func=cmd_reingest)

    p = sub.add_parser("reextract", help="re-run extraction when the extractor changed")
    p.add_argument("--force", action="store_true", help="re-extract every document")
    p.set_defaults(func=cmd_reextract)
