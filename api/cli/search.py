"""Search commands of the command line: search, similar, themes, reindex."""

from __future__ import annotations

import argparse
from typing import Any

from index.query import SearchRequest

from .. import views
from . import output as out
from .args import add_request_options, request_from
from .commands import open_kb


def cmd_search(args: argparse.Namespace) -> int:
    """Hybrid search with filters."""
    out.print_hits(open_kb().read.search(request_from(args, SearchRequest)), args.format)
    return 0


def cmd_similar(args: argparse.Namespace) -> int:
    """Items from other documents similar to one item."""
    out.print_hits(open_kb().read.similar(args.item, k=args.k), args.format)
    return 0


def cmd_themes(args: argparse.Namespace) -> int:
    """Recurring themes across documents."""
    themes = open_kb().read.themes()
    if args.format == "jsonl":
        out.print_jsonl(views.theme_dict(t) for t in themes)
        return 0
    for t in themes:
        years = ", ".join(map(str, t.years)) or "-"
        print(f"== {t.label}  ({len(t.members)} items; years {years})")
        for name in t.documents:
            print(f"   {name}")
    return 0


def cmd_reindex(args: argparse.Namespace) -> int:
    """Re-embed every chunk with the configured model."""
    count = open_kb().reindex()
    print(f"reindexed {count} chunk(s)")
    return 0


def add_search_commands(sub: Any) -> None:
    """Register search, similar, themes and reindex."""
    p = sub.add_parser("search", help="search passages, tables and items")
    add_request_options(p, SearchRequest)
    p.add_argument("--format", choices=["table", "jsonl"], default="table")
    p.set_defaults(func=cmd_search)

    p = sub.add_parser("similar", help="similar items from other documents")
    p.add_argument("item", help="item id or prefix")
    p.add_argument("--k", type=int, default=10)
    p.add_argument("--format", choices=["table", "jsonl"], default="table")
    p.set_defaults(func=cmd_similar)

    p = sub.add_parser("themes", help="recurring themes across the corpus")
    p.add_argument("--format", choices=["table", "jsonl"], default="table")
    p.set_defaults(func=cmd_themes)

    p = sub.add_parser("reindex", help="rebuild vectors with the configured model")
    p.set_defaults(func=cmd_reindex)
