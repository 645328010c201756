"""Where PDF tables go among the blocks: cross-page merging, header rows and captions.

`merge_tables` decides which page table is stored (possibly merged over pages) and which is a
continuation; `attach_captions` turns a "Tableau N : …" paragraph next to a table into its
caption. Used by `paragraphs` when it turns lines into blocks.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

from ..records import PARAGRAPH, TABLE, Block, Table
from ..vocab import NUMBERED_CAPTION, BBox
from .layout import Line
from .table_merge import MergedTable, merge_continued
from .tables import PageTable


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
    pages: Sequence[tuple[int, list[PageTable], list[Line]]],
    heights: dict[int, float] | None = None,
) -> dict[tuple[int, int], PlacedTable | None]:
    """(page, k) → the stored table, or None for a part continued from the previous page.

    Uses `table_merge.merge_continued` (repeated headers dropped, split rows re-joined).
    """
    found = [(n, t) for n, tables, _ in pages for t in tables]
    placed: dict[tuple[int, int], PlacedTable | None] = {}
    for merged in merge_continued(found, heights):
        for i, page in enumerate(merged.pages):
            k = _table_key(pages, page, merged.bbox, placed)
            if k is None:
                continue
            placed[(page, k)] = (
                None
                if i
                else PlacedTable(
                    rows=tuple(tuple(str(c or "") for c in r) for r in merged.rows),
                    pages=tuple(merged.pages),
                    bbox=merged.bbox,
                    caption=merged.caption or "",
                    header_rows=merged.header_rows,
                    row_pages=_row_pages(merged),
                )
            )
    return placed


def _row_pages(merged: MergedTable) -> tuple[tuple[int, ...], ...]:
    """Pages of each merged row; the first page for every row when they do not line up."""
    found = merged.row_pages
    if found and len(found) == len(merged.rows):
        return tuple(tuple(pages) for pages in found)
    return tuple((merged.pages[0],) for _ in merged.rows)


def _table_key(
    pages: Sequence[tuple[int, list[PageTable], list[Line]]],
    page: int,
    bbox: BBox,
    placed: dict[tuple[int, int], PlacedTable | None],
) -> int | None:
    """Which table of `page` is a fragment of a merged table whose first fragment has `bbox`:
    that fragment itself on its own page, else the first table of the page not yet placed."""
    for n, tables, _ in pages:
        if n != page:
            continue
        free = [k for k in range(len(tables)) if (n, k) not in placed]
        for k in free:
            if tables[k].bbox == bbox:
                return k
        return free[0] if free else None
    return None


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
                if NUMBERED_CAPTION.match(near.text) and near.pages[-1] in (
                    block.pages[0],
                    block.pages[-1],
                ):
                    if not table.caption or near.text.startswith(table.caption[:20]):
                        table = replace(table, caption=near.text)
                    drop.add(j)
                    break
        tables[block.table_index] = table
        blocks[i] = replace(block, text=table.caption)
    return [b for k, b in enumerate(blocks) if k not in drop], tables
