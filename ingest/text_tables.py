"""Tables in plain text and Markdown: tab-separated and `|` pipe tables, header rows, padding.

`take_tab_table` and `take_pipe_table` gather one table starting at a given line; the text
reader's builder receives the rows. `guess_header_rows` and `pad_rows` are shared with the
Word reader (`docx_reader`).
"""

from __future__ import annotations

import re
from typing import Protocol

_PIPE_SEP = re.compile(r"^\|?\s*:?-{2,}:?\s*(\|\s*:?-{2,}:?\s*)*\|?\s*$")
_NUMERIC = re.compile(r"^[\d\s.,%$€()+\-/:]*$")


class TableSink(Protocol):
    """What the tab-table reader needs from the text reader's builder."""

    page: int

    def add_line(self, raw: str, *, markdown: bool) -> None: ...

    def add_table(self, rows: list[list[str]], header_rows: int | None = None) -> None: ...


def guess_header_rows(rows: list[tuple[str, ...]]) -> int:
    """1 when the first row reads like column labels (short, non-numeric, mostly filled)."""
    if len(rows) < 2:
        return 0
    first = rows[0]
    filled = [c for c in first if c.strip()]
    if len(filled) < max(1, len(first) // 2):
        return 0
    if any(len(c) > 80 or _NUMERIC.match(c) for c in filled):
        return 0
    return 1


def pad_rows(rows: list[list[str]]) -> tuple[tuple[str, ...], ...]:
    """Rows padded with '' to the widest row; columns empty in every row dropped."""
    width = max((len(r) for r in rows), default=0)
    full = [(r + [""] * width)[:width] for r in rows]
    keep = [j for j in range(width) if any(r[j] for r in full)] or list(range(min(width, 1)))
    return tuple(tuple(r[j] for j in keep) for r in full)


def is_tab_row(line: str, in_table: bool) -> bool:
    """A tab-table row has a tab after some text (or any tab once a table has started)."""
    if "\t" not in line or not line.strip():
        return False
    return in_table or "\t" in line.strip()


def _filled(cells: list[str]) -> int:
    return sum(1 for c in cells if c.strip())


def take_tab_table(builder: TableSink, lines: list[str], i: int) -> int:
    """Gather one tab table from line i; return the index of the first line after it.

    A table ends at a text line without tabs or when the column count changes. A row with
    only its first cell filled is a group label: it ends the table and becomes a paragraph.
    A row with a single filled cell, not the first, right under another row (no blank line
    between) carries that row's wrapped cell text and is merged into it.
    """
    rows: list[list[str]] = []
    while i < len(lines):
        row = lines[i].replace("\f", "").rstrip("\r ")
        if not row.strip():
            builder.page += lines[i].count("\f")
            i += 1
            continue
        if not is_tab_row(row, True):
            break
        cells = row.split("\t")
        if len(cells) > 1 and cells[0].strip() and not any(c.strip() for c in cells[1:]):
            if not rows:
                builder.add_line(cells[0], markdown=False)
                i += 1
                continue
            break
        if rows and not cells[0].strip() and _filled(cells) == 1:
            width = max(len(rows[-1]), len(cells))
            prev, cells = rows[-1] + [""] * width, cells + [""] * width
            rows[-1] = [" ".join(f"{prev[j]} {cells[j]}".split()) for j in range(width)]
        else:
            rows.append(cells)
            builder.page += lines[i].count("\f")
        i += 1
    if rows:
        builder.add_table(rows)
    return i


def take_pipe_table(lines: list[str], i: int) -> tuple[list[list[str]], int, int]:
    """Gather one `|` pipe table from line i: (rows, header rows, index of the next line).

    A `|---|---|` separator line marks the rows above it as the header.
    """
    rows: list[list[str]] = []
    header = 0
    while i < len(lines) and lines[i].strip().startswith("|"):
        row = lines[i].strip()
        if _PIPE_SEP.match(row):
            header = len(rows)
        else:
            rows.append([c.strip() for c in row.strip("|").split("|")])
        i += 1
    return rows, min(header, 1), i
