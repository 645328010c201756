"""A document as the response reader walks it: lines (headings, paragraphs, list items)
and table rows in reading order, each with its pages."""

from __future__ import annotations

from dataclasses import dataclass

from ..records import LIST_ITEM, TABLE, Document, Table

LINE = "line"
ITEM = "item"
ROW = "row"


@dataclass(frozen=True)
class Piece:
    """One line of text or one table row."""

    kind: str  # LINE | ITEM | ROW
    text: str
    pages: tuple[int, ...]
    cells: tuple[str, ...] = ()
    table: int = -1  # index of the table a row belongs to


def _rows(table: Table) -> list[Piece]:
    out = []
    for n, row in enumerate(table.rows):
        pages = table.row_pages[n] if n < len(table.row_pages) else table.pages
        cells = tuple(" ".join(c.split()) if "\n" not in c else c.strip() for c in row)
        out.append(Piece(ROW, " | ".join(c for c in cells if c), tuple(pages), cells, table.index))
    return out


def pieces(doc: Document) -> list[Piece]:
    """Every line and table row of the document in reading order (tables no block places
    come last)."""
    out: list[Piece] = []
    placed: set[int] = set()
    by_index = {t.index: t for t in doc.tables}
    for block in doc.blocks:
        if block.kind == TABLE:
            table = by_index.get(block.table_index if block.table_index is not None else -1)
            if table is not None and table.index not in placed:
                placed.add(table.index)
                out += _rows(table)
            continue
        text = block.text.strip()
        if text:
            kind = ITEM if block.kind == LIST_ITEM else LINE
            out.append(Piece(kind, text, tuple(block.pages)))
    for table in doc.tables:
        if table.index not in placed:
            out += _rows(table)
    return out
