"""Recommendation tables: one row per item, with addressee / priority / resources / timing.

Columns are found by their header words in French or English; a row whose other cells are
empty continues the previous row's text (a cell split over a page break).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..records import Table
from .labelled import clean_text

_COLUMNS = {
    "text": re.compile(r"recomm|le[çc]on|lesson|pratique|practice|mesure|action", re.I),
    "addressee": re.compile(
        r"adress|destinataire|responsab|acteur|addressed|who|entit|porteur", re.I
    ),
    "priority": re.compile(r"priorit", re.I),
    "resources": re.compile(r"ressource|resource|co[uû]t|cost|budget", re.I),
    "timing": re.compile(
        r"timing|d[ée]lai|calendrier|[ée]ch[ée]ance|p[ée]riode|timeline|horizon|time", re.I
    ),
    "label": re.compile(r"^\s*(n°|no\.?|num[ée]ro|#|number)\s*$", re.I),
}


@dataclass(frozen=True)
class Row:
    """One item read from a table row."""

    label: str
    text: str
    addressee: str
    priority: str
    resources: str
    timing: str
    pages: tuple[int, ...]


def column_map(header: tuple[str, ...]) -> dict[str, int] | None:
    """Map field name → column index, or None when the header is not an item table."""
    found: dict[str, int] = {}
    for i, cell in enumerate(header):
        words = clean_text(cell)
        for name, pattern in _COLUMNS.items():
            if name not in found and pattern.search(words):
                found[name] = i
                break
    extra = sum(1 for k in ("addressee", "priority", "resources", "timing") if k in found)
    if "text" not in found or extra < 2:
        return None
    return found


def row_pages(table: Table, k: int) -> tuple[int, ...]:
    """Pages of row `k`: its own when the reader recorded them, else the whole table's."""
    if len(table.row_pages) == len(table.rows) and table.row_pages[k]:
        return table.row_pages[k]
    return table.pages


def table_rows(table: Table, columns: dict[str, int] | None = None) -> list[Row]:
    """Rows of an item table (header rows skipped, continuation rows merged)."""
    cols = columns or column_map(table.header)
    if cols is None:
        return []
    out: list[Row] = []

    def cell(row: tuple[str, ...], name: str) -> str:
        i = cols.get(name)
        return clean_text(row[i]) if i is not None and i < len(row) else ""

    start = table.header_rows if columns is None else 0
    for k, row in enumerate(table.rows[start:], start):
        pages = row_pages(table, k)
        text = cell(row, "text")
        if not text:
            continue
        others = [cell(row, k) for k in ("addressee", "priority", "resources", "timing")]
        if column_map(row) is not None:  # a repeated header on a new page
            continue
        if not any(others) and out:
            prev = out[-1]
            out[-1] = Row(
                prev.label,
                prev.text + " " + text,
                prev.addressee,
                prev.priority,
                prev.resources,
                prev.timing,
                tuple(sorted({*prev.pages, *pages})),
            )
            continue
        a, pr, res, tm = others
        out.append(Row(cell(row, "label"), text, a, pr, res, tm, pages))
    return out
