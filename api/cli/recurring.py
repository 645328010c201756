"""Across-reports commands: `evalkb recurring` (recommendations given again and again) and
`evalkb uptake ITEM_ID` (the later documents that take a recommendation up)."""

from __future__ import annotations

import argparse
from typing import Any

from ingest.records import ITEM_KINDS

from .. import recurring_views as rv
from .. import views
from . import output as out
from .commands import open_kb


def cmd_recurring(args: argparse.Namespace) -> int:
    """Clusters of similar items across documents, with their members."""
    found = open_kb().read.recurring(
        args.kind, min_documents=args.min_documents, limit=args.limit, document=args.document
    )
    if args.format == "jsonl":
        out.print_jsonl(rv.recurring_dict(r) for r in found)
        return 0
    for r in found:
        print(f"== {r.sentence}: {r.label}")
        for m in r.members:
            pages = ",".join(map(str, m.pages))
            year = m.year or "----"
            print(f"   {year}  {m.file_name}  p. {pages}  [{m.item_id}]  {m.text[:90]}")
    if not found:
        print(f"no {args.kind} recurs in {args.min_documents} or more documents")
    return 0


def cmd_uptake(args: argparse.Namespace) -> int:
    """Later documents whose passages address one recommendation."""
    up = open_kb().read.uptake(args.item, k=args.k, passages=args.passages)
    if args.format == "jsonl":
        out.print_jsonl([rv.uptake_dict(up)])
        return 0
    print(f"{up.kind} {up.item_id} ({up.file_name}, {up.year or 'undated'}): {up.text[:100]}")
    for d in up.documents:
        print(f"== {d.year or 'undated'}  {d.file_name}  ({d.doc_type or 'document'})")
        for h in d.passages:
            pages = ",".join(map(str, h.all_pages))
            print(f"   {h.score:.3f}  p. {pages}  {views.section_text(h.section)}")
            print(f"          {h.snippet[:160]}")
    if not up.documents:
        print("no later document addresses it")
    return 0


def add_recurring_commands(sub: Any) -> None:
    """Register recurring and uptake."""
    p = sub.add_parser("recurring", help="recommendations recurring across documents and years")
    p.add_argument("--kind", choices=ITEM_KINDS, default="recommendation")
    p.add_argument("--min-documents", type=int, default=2, help="documents a cluster spans")
    p.add_argument("--limit", type=int, default=50, help="clusters shown")
    p.add_argument("--document", default="", help="only clusters with an item of this document")
    p.add_argument("--format", choices=["table", "jsonl"], default="table")
    p.set_defaults(func=cmd_recurring)

    p = sub.add_parser("uptake", help="later documents that address a recommendation")
    p.add_argument("item", help="item id or prefix")
    p.add_argument("--k", type=int, default=10, help="documents shown")
    p.add_argument("--passages", type=int, default=3, help="passages per document")
    p.add_argument("--format", choices=["table", "jsonl"], default="table")
    p.set_defaults(func=cmd_uptake)
