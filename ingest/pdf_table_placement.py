"""Where PDF tables go among the blocks: cross-page merging, header rows and captions.

`merge_tables` decides which page table is stored (possibly merged over pages) and which is a
continuation; `attach_captions` turns a "Tableau N : …" paragraph next to a table into its
caption. Used by `pdf_paragraphs` when it turns lines into blocks.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any

from .pdf_layout import Line
from .records import PARAGRAPH, TABLE, Block, Table

CAPTION = re.compile(r"^(tableau|table|tab\.)\s*(n°|no\.?)?\s*\d+", re.I)
_NUMERIC = re.compile(r"^[\d\s.,%$€()+\-/:]*$")


@dataclass
class PlacedTable:
    """A table as it will be stored: possibly merged over pages, with its caption."""

    rows: tuple[tuple[str, ...], ...]
    pages: tuple[int, ...]
    bbox: tuple[float, float, float, float] | None
    caption: str = ""
    header_rows: int = 1
    row_pages: tuple[tuple[int, ...], ...] = ()  # pages of each row, aligned with rows


def merge_tables(
    pages: Sequence[tuple[int, list[Any], list[Line]]], heights: dict[int, float] | None = None
) -> dict[tuple[int, int], PlacedTable | None]:
    """(page, k) → the stored table, or None for a part continued from the previous page.

    Uses `pdf_tables.merge_continued` (repeated headers dropped, split rows re-joined).
    """
    try:
        from .pdf_tables import merge_continued
    except ImportError:
        return _merge_simple(pages)
    found = [(n, t) for n, tables, _ in pages for t in tables]
    placed: dict[tuple[int, int], PlacedTable | None] = {}
    for merged in merge_continued(found, heights):
        parts = getattr(merged, "parts", None) or [(p, None) for p in merged.pages]
        for i, (page, table) in enumerate(parts):
            k = _table_key(pages, int(page), table, merged, placed)
            if k is None:
                continue
            placed[(int(page), k)] = (
                None
                if i
                else PlacedTable(
                    rows=tuple(tuple(str(c or "") for c in r) for r in merged.rows),
                    pages=tuple(int(p) for p in merged.pages),
                    bbox=getattr(merged, "bbox", None),
                    caption=getattr(merged, "caption", "") or "",
                    header_rows=int(getattr(merged, "header_rows", guess_header_rows(merged.rows))),
                    row_pages=_row_pages(merged),
                )
            )
    return placed


def _row_pages(merged: Any) -> tuple[tuple[int, ...], ...]:
    """Pages of each merged row; the first page for every row when the merger gave none."""
    found = getattr(merged, "row_pages", None)
    if found and len(found) == len(merged.rows):
        return tuple(tuple(int(p) for p in pages) for pages in found)
    return tuple((int(merged.pages[0]),) for _ in merged.rows)


def _table_key(
    pages: Sequence[tuple[int, list[Any], list[Line]]],
    page: int,
    table: Any,
    merged: Any,
    placed: dict[tuple[int, int], Any],
) -> int | None:
    for n, tables, _ in pages:
        if n != page:
            continue
        free = [k for k in range(len(tables)) if (n, k) not in placed]
        for k in free:
            if tables[k] is table or (
                table is None and tables[k].bbox == getattr(merged, "bbox", 0)
            ):
                return k
        return free[0] if free else None
    return None


def _merge_simple(
    pages: Sequence[tuple[int, list[Any], list[Line]]],
) -> dict[tuple[int, int], PlacedTable | None]:
    """Without `pdf_tables`: every page table stands alone (no cross-page merge)."""
    return {
        (n, k): PlacedTable(
            rows=tuple(tuple(r) for r in t.rows),
            pages=(n,),
            bbox=tuple(t.bbox),
            caption=t.caption,
            header_rows=guess_header_rows(t.rows),
            row_pages=tuple((n,) for _ in t.rows),
        )
        for n, tables, _ in pages
        for k, t in enumerate(tables)
    }


def guess_header_rows(rows: Sequence[Sequence[str]]) -> int:
    """1 when the first row reads like column labels (mostly filled, not numbers)."""
    if len(rows) < 2:
        return 0
    first = [str(c or "") for c in rows[0]]
    filled = [c for c in first if c.strip()]
    if len(filled) < max(1, len(first) // 2) or any(_NUMERIC.match(c) for c in filled):
        return 0
    return 1


def attach_captions(blocks: list[Block], tables: list[Table]) -> tuple[list[Block], list[Table]]:
    """A "Tableau N : …" paragraph right before (or after) a table becomes its caption."""
    drop: set[int] = set()
    for i, block in enumerate(blocks):
        if block.kind != TABLE or block.table_index is None:
            continue
        table = tables[block.table_index]
        for j in (i - 1, i + 1):
            if 0 <= j < len(blocks) and j not in drop and blocks[j].kind == PARAGRAPH:
                near = blocks[j]
                if CAPTION.match(near.text) and near.pages[-1] in (block.pages[0], block.pages[-1]):
                    if not table.caption or near.text.startswith(table.caption[:20]):
                        table = replace(table, caption=near.text)
                    drop.add(j)
                    break
        tables[block.table_index] = table
        blocks[i] = replace(block, text=table.caption)
    return [b for k, b in enumerate(blocks) if k not in drop], tables
