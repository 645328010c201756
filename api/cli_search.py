"""Search commands of the command line: search, similar, themes, reindex."""

from __future__ import annotations

import argparse
from typing import Any

from . import cli_output as out


def _kb() -> Any:
    from .cli import _kb as make

    return make()


def _print_hits(hits: list[dict[str, Any]], fmt: str) -> None:
    if fmt == "jsonl":
        out.print_jsonl(hits)
        return
    out.print_rows(
        ["SCORE", "SCOPE", "KIND", "DOCUMENT", "PAGES", "SECTION", "TEXT"],
        [
            (
                f"{h['score']:.3f}",
                h["scope"],
                h["kind"],
                h["document"],
                ",".join(map(str, h["pages"])),
                h["section"],
                h["snippet"],
            )
            for h in hits
        ],
        [6, 7, 14, 30, 6, 24, 80],
    )


def cmd_search(args: argparse.Namespace) -> int:
    """Hybrid search with filters."""
    hits = _kb().search(
        args.query,
        scope=args.scope,
        kind=args.kind or "",
        document=args.document or "",
        doc_type=args.type or "",
        country=args.country or "",
        year_from=args.year_from,
        year_to=args.year_to,
        organisation=args.organisation or "",
        addressee=args.addressee or "",
        theme=args.theme or "",
        language=args.language or "",
        k=args.k,
        mode=args.mode,
        expand=not args.no_glossary,
    )
    _print_hits(hits, args.format)
    return 0


def cmd_similar(args: argparse.Namespace) -> int:
    """Items from other documents similar to one item."""
    _print_hits(_kb().similar(args.item, k=args.k), args.format)
    return 0


def cmd_themes(args: argparse.Namespace) -> int:
    """Recurring themes across documents."""
    themes = _kb().themes()
    if args.format == "jsonl":
        out.print_jsonl(themes)
        return 0
    for t in themes:
        years = ", ".join(map(str, t["years"])) or "-"
        print(f"== {t['label']}  ({len(t['members'])} items; years {years})")
        for name in t["documents"]:
            print(f"   {name}")
    return 0


def cmd_reindex(args: argparse.Namespace) -> int:
    """Re-embed every chunk with the configured model."""
    count = _kb().reindex()
    print(f"reindexed {count} chunk(s)")
    return 0


def add_search_commands(sub: Any) -> None:
    """Register search, similar, themes and reindex."""
    p = sub.add_parser("search", help="search passages, tables and items")
    p.add_argument("query")
    p.add_argument(
        "--scope",
        choices=["items", "passages", "tables", "all", "item", "passage", "table"],
        default="all",
    )
    p.add_argument("--kind", choices=["lesson", "good_practice", "recommendation"])
    p.add_argument("--document", help="id, id prefix or file name")
    p.add_argument("--type", help="document type, e.g. evaluation_report")
    p.add_argument("--country")
    p.add_argument("--organisation")
    p.add_argument("--addressee")
    p.add_argument("--theme")
    p.add_argument("--language", choices=["fr", "en"])
    p.add_argument("--year-from", type=int)
    p.add_argument("--year-to", type=int)
    p.add_argument("--k", type=int, default=10)
    p.add_argument("--mode", choices=["lexical", "dense", "hybrid"], default="hybrid")
    p.add_argument("--no-glossary", action="store_true", help="no EN↔FR query expansion")
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
