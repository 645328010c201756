"""Printing for the command line: aligned tables, CSV and JSON lines of the views' data."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from index.search import Hit
from index.store import DocumentSummary, table_id
from ingest.partial import missing_pages, page_ranges
from ingest.records import Document, Item, Table

from .. import views
from ..batch import IngestOutcome


def print_rows(header: Sequence[str], rows: Iterable[Sequence[Any]], widths: Sequence[int]) -> None:
    """Print an aligned text table, cutting long cells with an ellipsis."""

    def cut(value: Any, width: int) -> str:
        text = " ".join(str(value).split())
        return text if len(text) <= width else text[: width - 1] + "…"

    print("  ".join(cut(h, w).ljust(w) for h, w in zip(header, widths, strict=True)).rstrip())
    for row in rows:
        print("  ".join(cut(v, w).ljust(w) for v, w in zip(row, widths, strict=True)).rstrip())


def print_jsonl(records: Iterable[Mapping[str, Any]]) -> None:
    """One JSON object per line, UTF-8 kept readable."""
    for record in records:
        sys.stdout.write(json.dumps(record, ensure_ascii=False) + "\n")


def print_outcomes(outcomes: Sequence[IngestOutcome]) -> None:
    """The final ingest summary: every file with its outcome."""
    for o in outcomes:
        print_outcome(o)
    counts = {s: sum(o.status == s for o in outcomes) for s in ("ingested", "unchanged", "failed")}
    if any(o.status == "queued" for o in outcomes):
        counts["queued"] = sum(o.status == "queued" for o in outcomes)
    print(f"\n{len(outcomes)} file(s): " + ", ".join(f"{n} {s}" for s, n in counts.items()))


def print_outcome(o: IngestOutcome) -> None:
    """One file's outcome on one line."""
    line = f"{o.status:<10} {o.path}"
    if o.document_id:
        line += f"  [{o.document_id[:12]}]"
    if o.reason:
        line += f"  — {o.reason}"
    if o.replaced:
        line += f"  (replaced {', '.join(r[:12] for r in o.replaced)})"
    print(line, flush=True)


def print_documents(docs: Sequence[DocumentSummary], fmt: str) -> None:
    """List documents as a table or JSON lines."""
    if fmt == "jsonl":
        print_jsonl(views.document_dict(d) for d in docs)
        return
    print_rows(
        ["ID", "FILE", "LANG", "PAGES", "ITEMS", "TABLES", "WARN", "TITLE"],
        [
            (
                d.id[:12],
                d.file_name,
                d.language,
                d.page_count,
                d.item_count,
                d.table_count,
                len(d.warnings),
                d.title,
            )
            for d in docs
        ],
        [12, 44, 4, 5, 5, 6, 4, 50],
    )


def print_document(s: DocumentSummary, doc: Document) -> None:
    """Metadata, outline and warnings."""
    info = views.document_dict(s)
    for key in (
        "id",
        "file_name",
        "title",
        "language",
        "pages",
        "media_type",
        "size",
        "ingested_at",
        "items",
        "tables",
    ):
        print(f"{key + ':':<17}{info[key]}")
    missing = missing_pages(s.warnings)
    if missing:
        print(
            f"{'INCOMPLETE:':<17}pages {page_ranges(missing)} not read (time limit); "
            f"`evalkb resume {s.id[:12]}` reads them"
        )
    for key, value in s.metadata:
        if key not in info:  # title and language are shown above
            print(f"{key + ':':<17}{value}")
    print(f"{'versions:':<17}" + ", ".join(f"{k} {v}" for k, v in s.versions))
    print("\nOutline:")
    for sec in doc.sections:
        pages = f"p.{sec.page_start}" + (
            f"-{sec.page_end}" if sec.page_end != sec.page_start else ""
        )
        print(f"{'  ' * (sec.level - 1)}{sec.title}  ({pages})")
    print("\nWarnings:" if s.warnings else "\nWarnings: none")
    for w in s.warnings:
        print(f"  - {w}")


def print_tables(document_id: str, tables: Sequence[Table], fmt: str) -> None:
    """Tables as text, CSV (a blank line between tables) or JSON lines."""
    if fmt == "jsonl":
        print_jsonl(views.table_dict(document_id, t) for t in tables)
        return
    if fmt == "csv":
        views.write_csv(sys.stdout, views.table_rows(tables))
        return
    for t in tables:
        pages = ", ".join(map(str, t.pages))
        print(
            f"== {table_id(document_id, t.index)}  p.{pages}  {t.caption}  "
            f"[{views.section_text(t.section_path)}]"
        )
        for row in t.rows:
            print(" | ".join(" ".join(c.split()) for c in row))
        print()


def print_items(items: Sequence[Item], names: Mapping[str, str], fmt: str) -> None:
    """Items as a table, JSON lines or CSV."""
    records = [views.item_dict(it, names.get(it.document_id, "")) for it in items]
    if fmt == "jsonl":
        print_jsonl(records)
    elif fmt == "csv":
        views.write_csv(sys.stdout, [views.ITEM_COLUMNS, *map(views.item_row, records)])
    else:
        print_rows(
            ["ID", "KIND", "LABEL", "DOCUMENT", "PAGES", "ADDRESSEE", "TEXT"],
            [
                (
                    r["id"][:10],
                    r["kind"],
                    r["label"],
                    r["document"],
                    ",".join(map(str, r["pages"])),
                    r["addressee"],
                    r["text"],
                )
                for r in records
            ],
            [10, 14, 8, 30, 6, 20, 70],
        )


def print_hits(hits: Sequence[Hit], fmt: str) -> None:
    """Search or similarity hits as a table or JSON lines."""
    if fmt == "jsonl":
        print_jsonl(views.hit_dict(h) for h in hits)
        return
    print_rows(
        ["SCORE", "SCOPE", "KIND", "DOCUMENT", "PAGES", "SECTION", "TEXT"],
        [
            (
                f"{h.score:.3f}",
                h.scope,
                h.kind,
                h.file_name,
                ",".join(map(str, h.all_pages)),  # collapsed repeats cite their pages too
                views.section_text(h.section),
                h.snippet,
            )
            for h in hits
        ],
        [6, 7, 14, 30, 6, 24, 80],
    )


def print_mapping(data: Mapping[str, Any]) -> None:
    """Key: value lines, nested mappings inline."""
    for key, value in data.items():
        if isinstance(value, Mapping):
            value = ", ".join(f"{k}={v}" for k, v in value.items()) or "none"
        print(f"{key + ':':<26}{value}")
