"""Merging of tables continued across page breaks: repeated header dropped, split rows joined."""

from __future__ import annotations

from dataclasses import dataclass, field

from ..vocab import BBox
from .tables import PageTable

END_PUNCT = ".!?:;"


@dataclass(frozen=True)
class MergedTable:
    """A table possibly spanning several consecutive pages (1-based page numbers)."""

    pages: tuple[int, ...]
    bbox: BBox
    rows: list[list[str]]
    caption: str
    header_rows: int
    # pages of each row, aligned with `rows`; a row cut by a page break has both pages
    row_pages: list[tuple[int, ...]] = field(default_factory=list)

    def __post_init__(self) -> None:
        if not self.row_pages:  # built without per-row pages: every row on the first page
            self.row_pages.extend((self.pages[0],) for _ in self.rows)


def _norm(text: str) -> str:
    return " ".join(text.split())


def _split_row(prev: list[str], first: list[str]) -> bool:
    """Whether `first` (top row of a continuation) is the rest of `prev` cut by the page break."""
    if len(prev) != len(first) or not any(first):
        return False
    filled = sum(bool(c) for c in first)
    orphan = any(not b and a for a, b in zip(prev, first, strict=True))
    if orphan and filled * 2 <= len(first):
        return True  # mostly empty, with blanks where the row above has text
    k = next(i for i, c in enumerate(first) if c)
    return bool(prev[k]) and first[k][0].islower() and prev[k][-1] not in END_PUNCT


def _continues(
    a: MergedTable, a_bottom: float, b: PageTable, page: int, heights: dict[int, float]
) -> bool:
    """B (first table of `page`) continues A, whose last fragment ends at `a_bottom`."""
    if page != a.pages[-1] + 1 or (b.caption and b.caption != a.caption):
        return False
    near = a_bottom > 0.7 * heights.get(a.pages[-1], 842.0) and b.bbox[1] < 0.25 * heights.get(
        page, 842.0
    )
    same_cols = bool(a.rows and b.rows) and len(a.rows[-1]) == len(b.rows[0])
    same_x = abs(a.bbox[0] - b.bbox[0]) < 15 and abs(a.bbox[2] - b.bbox[2]) < 15
    return near and same_cols and same_x


def _resumes(a: MergedTable, a_bottom: float, b: PageTable, page: int) -> bool:
    """B, lower on A's last page, is a headerless fragment of A with the very same columns."""
    if page != a.pages[-1] or b.caption or b.header_rows or not (a.rows and b.rows):
        return False
    same_x = abs(a.bbox[0] - b.bbox[0]) < 3 and abs(a.bbox[2] - b.bbox[2]) < 3
    return same_x and len(a.rows[-1]) == len(b.rows[0]) and 0 <= b.bbox[1] - a_bottom < 150


def _same_rows(a: list[list[str]], b: list[list[str]]) -> bool:
    return [[_norm(c).lower() for c in r] for r in a] == [[_norm(c).lower() for c in r] for r in b]


def merge_continued(
    tables: list[tuple[int, PageTable]], page_heights: dict[int, float] | None = None
) -> list[MergedTable]:
    """Merge tables continued across page breaks; input is (1-based page, table) pairs.

    A table is continued when the next page's first table sits at the top of that page, the
    previous one near the bottom of its page, with the same columns. A repeated header is
    dropped and a row split by the break is re-joined cell by cell.
    """
    heights = page_heights or {}
    ordered = sorted(tables, key=lambda pt: (pt[0], pt[1].bbox[1]))
    merged: list[MergedTable] = []
    bottoms: list[float] = []  # bottom of each merged table's last fragment
    seen_pages: set[int] = set()
    for p, t in ordered:
        first_here = p not in seen_pages
        seen_pages.add(p)
        if merged and not first_here and _resumes(merged[-1], bottoms[-1], t, p):
            # The same table interrupted by a paragraph on the same page (Word tables whose
            # middle row has no borders): same columns, no header or caption of its own.
            prev = merged[-1]
            rows = [list(r) for r in t.rows]
            merged[-1] = MergedTable(
                prev.pages,
                prev.bbox,
                prev.rows + rows,
                prev.caption,
                prev.header_rows,
                prev.row_pages + [(p,)] * len(rows),
            )
            bottoms[-1] = t.bbox[3]
            continue
        if merged and first_here and _continues(merged[-1], bottoms[-1], t, p, heights):
            prev = merged[-1]
            rows = [list(r) for r in t.rows]
            h = prev.header_rows
            if h and len(rows) > h and _same_rows(rows[:h], prev.rows[:h]):
                rows = rows[h:]  # the header repeated on the new page
            out = [list(r) for r in prev.rows]
            row_pages = list(prev.row_pages)
            if rows and len(out) > h and _split_row(out[-1], rows[0]):
                out[-1] = [_norm(f"{x} {y}") for x, y in zip(out[-1], rows[0], strict=True)]
                row_pages[-1] = tuple(sorted({*row_pages[-1], p}))
                rows = rows[1:]
            row_pages += [(p,)] * len(rows)
            merged[-1] = MergedTable(
                prev.pages + (p,), prev.bbox, out + rows, prev.caption, h, row_pages
            )
            bottoms[-1] = t.bbox[3]
            continue
        rows = [list(r) for r in t.rows]
        merged.append(MergedTable((p,), t.bbox, rows, t.caption, t.header_rows, [(p,)] * len(rows)))
        bottoms.append(t.bbox[3])
    return merged
