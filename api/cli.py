"""The `evalkb` command line: thin wrappers over KnowledgeBase."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from ingest.errors import EvalkbError

from . import cli_output as out
from .service import FAILED, IngestOutcome, KnowledgeBase
from .settings import get_settings


def _kb() -> KnowledgeBase:
    return KnowledgeBase(get_settings())


def cmd_ingest(args: argparse.Namespace) -> int:
    """Ingest files and folders, with a progress bar and a per-file summary."""
    from tqdm import tqdm

    kb = _kb()
    paths = [Path(p) for p in args.paths]
    bar = tqdm(desc="ingest", unit="file", disable=args.quiet or not sys.stderr.isatty())

    def done(outcome: IngestOutcome) -> None:
        bar.update(1)
        bar.set_postfix_str(Path(outcome.path).name[:40])

    outcomes = kb.ingest(
        paths,
        password=args.password,
        jobs=args.jobs,
        ocr=False if args.no_ocr else None,
        on_done=done,
    )
    bar.close()
    out.print_outcomes(outcomes)
    return 1 if any(o.status == FAILED for o in outcomes) else 0


def cmd_documents(args: argparse.Namespace) -> int:
    """List stored documents."""
    out.print_documents(_kb().documents(), args.format)
    return 0


def cmd_show(args: argparse.Namespace) -> int:
    """Metadata, outline and warnings of one document."""
    kb = _kb()
    out.print_document(kb.summary(args.doc), kb.document(args.doc))
    return 0


def cmd_tables(args: argparse.Namespace) -> int:
    """A document's tables."""
    kb = _kb()
    out.print_tables(kb.summary(args.doc).id, kb.tables(args.doc), args.format)
    return 0


def cmd_delete(args: argparse.Namespace) -> int:
    """Delete one document."""
    summary = _kb().delete(args.doc)
    print(f"deleted {summary.file_name} ({summary.id[:12]})")
    return 0


def cmd_status(args: argparse.Namespace) -> int:
    """Counts and versions."""
    out.print_mapping(_kb().status())
    return 0


def cmd_items(args: argparse.Namespace) -> int:
    """List extracted items."""
    kb = _kb()
    items = kb.items(
        kind=args.kind or "",
        document=args.document or "",
        addressee=args.addressee or "",
        theme=args.theme or "",
    )
    out.print_items(items, kb.file_names(), args.format)
    return 0


def cmd_reextract(args: argparse.Namespace) -> int:
    """Re-run item extraction."""
    count = _kb().reextract(force=args.force)
    print(f"re-extracted {count} document(s)" if count else "items are up to date")
    return 0


def build_parser() -> argparse.ArgumentParser:
    """The argument parser with every subcommand."""
    parser = argparse.ArgumentParser(prog="evalkb", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("ingest", help="ingest files and folders (PDF, DOCX, text)")
    p.add_argument("paths", nargs="+")
    p.add_argument("--password", help="password for encrypted PDFs")
    p.add_argument("--jobs", type=int, help="parser worker processes (default EVALKB_JOBS or 2)")
    p.add_argument("--no-ocr", action="store_true", help="do not OCR pages without text")
    p.add_argument("--quiet", action="store_true", help="no progress bar")
    p.set_defaults(func=cmd_ingest)

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
    p.add_argument("--kind", choices=["lesson", "good_practice", "recommendation"])
    p.add_argument("--document")
    p.add_argument("--addressee")
    p.add_argument("--theme")
    p.add_argument("--format", choices=["table", "jsonl", "csv"], default="table")
    p.set_defaults(func=cmd_items)

    p = sub.add_parser("reextract", help="re-run extraction when the extractor changed")
    p.add_argument("--force", action="store_true", help="re-extract every document")
    p.set_defaults(func=cmd_reextract)

    from .cli_search import add_search_commands

    add_search_commands(sub)
    from .serve import add_serve_command

    add_serve_command(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the `evalkb` console script."""
    args = build_parser().parse_args(argv)
    try:
        return int(args.func(args) or 0)
    except EvalkbError as exc:
        print(f"evalkb: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return 0


if __name__ == "__main__":
    sys.exit(main())
