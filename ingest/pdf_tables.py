"""Table detection on PDF pages: ruled tables and borderless tables.

`extract_page_tables` finds ruled tables with pdfplumber's line strategy, then looks for
borderless tables among the remaining words by column alignment (shared whitespace gutters),
with filters against two-column prose and bulleted lists.
Merging of page-split tables lives in `pdf_table_merge` (re-exported here).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import pdfplumber.page

BBox = tuple[float, float, float, float]
Word = dict[str, Any]

# Line strategy with a little snapping: Word exports draw cell borders as separate segments.
RULED_SETTINGS = {
    "vertical_strategy": "lines",
    "horizontal_strategy": "lines",
    "snap_tolerance": 3,
    "join_tolerance": 3,
    "intersection_tolerance": 3,
    "edge_min_length": 5,
}
CAPTION_RE = re.compile(r"^(tableau|table|tab\.)\s*[\dIVXivx]*\s*[:.\-–—]?", re.IGNORECASE)
BULLET_RE = re.compile(r"^([•●▪■◦○·‣⁃➢➤✓✔►\-–—*o\uf000-\uf0ff]|\(?[0-9]{1,2}[.)]|\(?[a-zA-Z][.)])$")
NUMERIC_RE = re.compile(r"^[\s()+\-–−€$£%.,/:*0-9]+$")
NOTE_RE = re.compile(r"^(sources?|notes?|nb|n\.b\.)\b", re.IGNORECASE)


@dataclass(frozen=True)
class PageTable:
    """A table found on one page; bbox in pdfplumber coordinates (origin top-left)."""

    bbox: BBox
    rows: list[list[str]]
    caption: str = ""
    header_rows: int = 1


def _norm(text: str) -> str:
    return " ".join(text.split())


def _inside(w: Word, box: BBox, pad: float = 0.0) -> bool:
    cx, cy = (w["x0"] + w["x1"]) / 2, (w["top"] + w["bottom"]) / 2
    return box[0] - pad <= cx <= box[2] + pad and box[1] - pad <= cy <= box[3] + pad


def _text_lines(words: list[Word]) -> list[list[Word]]:
    """Group words into visual lines (vertical overlap), each sorted left to right."""
    lines: list[list[Word]] = []
    for w in sorted(words, key=lambda w: (w["top"], w["x0"])):
        if lines:
            last = lines[-1]
            top = min(x["top"] for x in last)
            bottom = max(x["bottom"] for x in last)
            overlap = min(bottom, w["bottom"]) - max(top, w["top"])
            if overlap > 0.5 * min(bottom - top, w["bottom"] - w["top"]):
                last.append(w)
                continue
        lines.append([w])
    for line in lines:
        line.sort(key=lambda w: w["x0"])
    return lines


def _join(words: list[Word]) -> str:
    return _norm(" ".join(w["text"] for line in _text_lines(words) for w in line))


def _is_bold(w: Word) -> bool:
    return "bold" in str(w.get("fontname", "")).lower()


def _header_rows(rows: list[list[str]], row_words: list[list[Word]]) -> int:
    """Leading rows that look like a header: bold when the body is not, else short labels."""
    if len(rows) < 2:
        return 0

    def bold_share(ws: list[Word]) -> float:
        return sum(_is_bold(w) for w in ws) / len(ws) if ws else 0.0

    body_bold = [bold_share(ws) for ws in row_words[1:] if ws]
    if body_bold and sorted(body_bold)[len(body_bold) // 2] < 0.5:
        n = 0
        while (
            n < min(3, len(rows) - 1)
            and row_words[n]
            and bold_share(row_words[n]) >= 0.6
            and all(len(c.split()) <= 12 for c in rows[n])
        ):
            n += 1
        if n:
            return n
    first = [c for c in rows[0] if c]
    if len(first) == len(rows[0]) and all(len(c) <= 60 and not NUMERIC_RE.match(c) for c in first):
        return 1
    return 0


def _caption(lines: list[list[Word]], box: BBox) -> str:
    """A 'Tableau N : ...' / 'Table N: ...' line just above, else just below, the table."""
    above = [ln for ln in lines if 0 <= box[1] - ln[-1]["bottom"] <= 40]
    below = [ln for ln in lines if 0 <= ln[0]["top"] - box[3] <= 30]
    for cands in (
        sorted(above, key=lambda ln: -ln[0]["top"]),
        sorted(below, key=lambda ln: ln[0]["top"]),
    ):
        for ln in cands[:2]:
            text = _norm(" ".join(w["text"] for w in ln))
            if CAPTION_RE.match(text) and len(text) > 6:
                return text
    return ""


def _framed_prose(rows: list[list[str]], heights: list[float], words: list[Word]) -> bool:
    """A box of prose ruled line by line (shaded lines, framed recommendations), not a table:
    most rows are a single text line with a single filled cell."""
    used = [r for r in rows if any(r)]
    if len(used) < 4 or not words:
        return False
    text_h = sorted(w["bottom"] - w["top"] for w in words)[len(words) // 2]
    single = sum(sum(bool(c) for c in r) == 1 for r in used) / len(used)
    thin = sum(h < 1.8 * text_h for h in heights) / len(heights)
    return single >= 0.6 and thin >= 0.6


def _ruled_tables(
    page: Any, words: list[Word]
) -> list[tuple[BBox, list[list[str]], list[list[Word]]]]:
    """Tables drawn with ruling lines; a one-row table is kept (page-split continuations)."""
    if len(page.edges) < 4:
        return []
    found = []
    for t in page.find_tables(RULED_SETTINGS):
        box = tuple(t.bbox)
        inside = [w for w in words if _inside(w, box)]
        rows: list[list[str]] = []
        row_words: list[list[Word]] = []
        for r in t.rows:
            cells: list[str] = []
            rw: list[Word] = []
            for c in r.cells:
                if c is None:
                    cells.append("")
                    continue
                cw = [w for w in inside if _inside(w, c)]
                rw.extend(cw)
                cells.append(_join(cw))
            rows.append(cells)
            row_words.append(rw)
        ncols = max((len(r) for r in rows), default=0)
        filled = sum(1 for r in rows for c in r if c)
        if ncols < 2 or filled < 2:
            continue  # a framed paragraph or an empty box, not a table
        if _framed_prose(rows, [r.bbox[3] - r.bbox[1] for r in t.rows], inside):
            continue
        found.append((box, rows, row_words))
    return found


def _segments(line: list[Word]) -> list[list[Word]]:
    """Split a line where the gap between words is wider than about one character height."""
    segs = [[line[0]]]
    for prev, w in zip(line, line[1:], strict=False):
        height = max(prev["bottom"] - prev["top"], 4.0)
        if w["x0"] - prev["x1"] > max(0.9 * height, 5.0):
            segs.append([w])
        else:
            segs[-1].append(w)
    return segs


def _columns(rows: list[list[list[Word]]], min_gap: float) -> list[tuple[float, float]]:
    """Column x-ranges: runs covered by segments of most rows, split by shared gutters.

    A gutter may be crossed by one row in ten (a spanning label or header), so a single long
    cell does not glue two columns together.
    """
    x_max = int(max(s[-1]["x1"] for segs in rows for s in segs)) + 2
    cover = [0] * x_max
    for segs in rows:
        for s in segs:
            for x in range(max(0, int(s[0]["x0"])), int(s[-1]["x1"]) + 1):
                cover[x] += 1
    limit = max(1, len(rows) // 10)
    cols: list[list[float]] = []
    for x, c in enumerate(cover):
        if c > limit or (c and len(rows) < 3):
            if cols and x - cols[-1][1] <= min_gap:
                cols[-1][1] = x
            else:
                cols.append([x, x])
    return [(c[0], c[1] + 1.0) for c in cols]


def _short(cell: str) -> bool:
    return bool(NUMERIC_RE.match(cell)) or len(cell.split()) <= 3


def _borderless(
    lines: list[list[Word]], page_width: float
) -> list[tuple[BBox, list[list[str]], list[list[Word]]]]:
    """Borderless tables: runs of lines whose word segments share column gutters."""
    segmented = [_segments(ln) for ln in lines]
    if sum(len(s) >= 2 for s in segmented) < 2:
        return []  # cheap exit: nothing on the page is laid out in columns
    out = []
    i = 0
    while i < len(lines):
        if len(segmented[i]) < 2:
            i += 1
            continue
        # Grow a block of lines: multi-segment lines, with at most two single-segment
        # lines in a row (wrapped cells, group labels) and no large vertical gap.
        block = [i]
        j = i + 1
        singles = 0
        while j < len(lines):
            prev = lines[j - 1]
            height = max(w["bottom"] - w["top"] for w in prev)
            if lines[j][0]["top"] - max(w["bottom"] for w in prev) > 2.2 * height:
                break
            if len(segmented[j]) >= 2:
                block.append(j)
                singles = 0
            else:
                singles += 1
                if singles > 2:
                    break
            j += 1
        i = block[-1] + 1
        table = _block_table(
            [lines[k] for k in range(block[0], block[-1] + 1)],
            [segmented[k] for k in block],
            page_width,
        )
        if table:
            out.append(table)
    return out


def _block_table(
    block_lines: list[list[Word]], multi: list[list[list[Word]]], page_width: float
) -> tuple[BBox, list[list[str]], list[list[Word]]] | None:
    """Turn a block of lines into a table if its columns align; None for prose or lists."""
    if len(multi) < 2:
        return None
    height = sorted(w["bottom"] - w["top"] for ln in block_lines for w in ln)[0]
    cols = _columns(multi, max(height * 0.5, 2.0))
    if len(cols) < 2:
        return None

    # Titles and captions above, notes below: lines in a single column or across gutters.
    def outside(ln: list[Word], bottom: bool) -> bool:
        segs = _segments(ln)
        used = {
            k
            for sg in segs
            for k, c in enumerate(cols)
            if sg[0]["x0"] < c[1] and sg[-1]["x1"] > c[0]
        }
        crossing = any(
            sum(sg[0]["x0"] < c[1] and sg[-1]["x1"] > c[0] for c in cols) > 1 for sg in segs
        )
        return len(used) < 2 or crossing or (bottom and bool(NOTE_RE.match(ln[0]["text"])))

    while block_lines and outside(block_lines[0], False):
        block_lines = block_lines[1:]
    while block_lines and outside(block_lines[-1], True):
        block_lines = block_lines[:-1]
    rows: list[list[str]] = []
    row_words: list[list[Word]] = []
    for ln in block_lines:
        cells: list[list[Word]] = [[] for _ in cols]
        for w in ln:
            cx = (w["x0"] + w["x1"]) / 2
            k = min(
                range(len(cols)),
                key=lambda c: (
                    0
                    if cols[c][0] <= cx <= cols[c][1]
                    else min(abs(cx - cols[c][0]), abs(cx - cols[c][1]))
                ),
            )
            cells[k].append(w)
        texts = [_join(c) for c in cells]
        filled = [k for k, t in enumerate(texts) if t]
        # A line filling only non-first columns right under a row continues that row's cells.
        if rows and len(filled) == 1 and filled[0] > 0 and rows[-1][0] != "":
            k = filled[0]
            rows[-1][k] = _norm(rows[-1][k] + " " + texts[k])
            row_words[-1].extend(ln)
            continue
        rows.append(texts)
        row_words.append(list(ln))
    texts_all = [c for r in rows for c in r if c]
    ncols = len(cols)
    multi_rows = sum(1 for r in rows if sum(bool(c) for c in r) >= 2)
    if multi_rows < (2 if ncols >= 3 else 3):
        return None
    short = sum(_short(c) for c in texts_all) / len(texts_all)
    if short < (0.6 if ncols == 2 else 0.4):
        return None  # prose in columns (two-column page, side notes), not a table
    first = [r[0] for r in rows if r[0]]
    if first and sum(bool(BULLET_RE.match(c)) for c in first) * 2 >= len(first) and ncols <= 3:
        return None  # a bulleted or numbered list
    widths = [c[1] - c[0] for c in cols]
    if ncols == 2 and min(widths) > 0.3 * page_width:
        return None  # two text columns side by side
    ws = [w for ln in block_lines for w in ln]
    box = (
        min(w["x0"] for w in ws),
        min(w["top"] for w in ws),
        max(w["x1"] for w in ws),
        max(w["bottom"] for w in ws),
    )
    return box, rows, row_words


def _overlap_y(a: BBox, b: BBox) -> float:
    """Vertical overlap of two boxes as a share of the shorter one."""
    inter = min(a[3], b[3]) - max(a[1], b[1])
    return inter / max(min(a[3] - a[1], b[3] - b[1]), 1.0)


def _is_figure(box: BBox, figures: list[BBox]) -> bool:
    """Whether a chart's polyline lies inside the box: axis labels align like a table."""
    return any(
        box[0] - 2 <= (f[0] + f[2]) / 2 <= box[2] + 2
        and box[1] - 2 <= (f[1] + f[3]) / 2 <= box[3] + 2
        for f in figures
    )


def extract_page_tables(
    page: pdfplumber.page.Page, words: list[Word] | None = None
) -> list[PageTable]:
    """Tables on one pdfplumber page, top to bottom: ruled ones, then borderless ones.

    A borderless block beside a partly ruled table (ruled in the middle, open at the sides)
    is merged with it and the union re-read by column alignment.
    """
    if words is None:  # callers that already extracted the words pass them: it is the costly part
        words = page.extract_words(extra_attrs=["fontname"])
    if not words:
        return []
    # Polylines of many points are chart curves; a table never draws one.
    figures = [
        (c["x0"], c["top"], c["x1"], c["bottom"]) for c in page.curves if len(c.get("pts", ())) >= 8
    ]
    ruled = [f for f in _ruled_tables(page, words) if not _is_figure(f[0], figures)]
    rest = [w for w in words if not any(_inside(w, f[0], 1.0) for f in ruled)]
    width = float(page.width)
    found = []
    for table in _borderless(_text_lines(rest), width):
        box = table[0]
        if _is_figure(box, figures):
            continue
        near = [r for r in ruled if _overlap_y(r[0], box) > 0.5]
        if near:
            union = (
                min(box[0], *(r[0][0] for r in near)),
                min(box[1], *(r[0][1] for r in near)),
                max(box[2], *(r[0][2] for r in near)),
                max(box[3], *(r[0][3] for r in near)),
            )
            inner = _text_lines([w for w in words if _inside(w, union, 1.0)])
            redone = _block_table(
                inner, [sg for ln in inner if len(sg := _segments(ln)) >= 2], width
            )
            if redone:
                ruled = [r for r in ruled if not any(r is n for n in near)]
                found.append(redone)
            continue
        found.append(table)
    found += ruled
    lines = _text_lines(words)
    tables = []
    for box, rows, row_words in sorted(found, key=lambda f: f[0][1]):
        tables.append(
            PageTable(
                bbox=tuple(float(v) for v in box),  # type: ignore[arg-type]
                rows=rows,
                caption=_caption(lines, box),
                header_rows=_header_rows(rows, row_words),
            )
        )
    return tables


from .pdf_table_merge import MergedTable, merge_continued  # noqa: E402  (re-export)

__all__ = ["MergedTable", "PageTable", "extract_page_tables", "merge_continued"]
