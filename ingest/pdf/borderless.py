"""Borderless (text-alignment) table detection on a PDF page.

Tables drawn without ruling lines are found from the words alone: words are grouped into
visual lines, lines split into segments at wide gaps, and runs of lines whose segments share
whitespace gutters become tables, with filters against two-column prose and bulleted lists.
The word-line helpers here (`text_lines`, `join_words`) are also used by `tables` for
ruled tables and captions; they live here so `tables` imports this module, not the reverse.
"""

from __future__ import annotations

import re
from typing import Any

from ..vocab import CELL_BULLETS, PUA_RANGE, BBox, bullet_pattern

Word = dict[str, Any]

_CELL_BULLET = bullet_pattern(CELL_BULLETS, letters="") + "|[" + PUA_RANGE + "]"
BULLET_RE = re.compile(r"^(" + _CELL_BULLET + r"|\(?[0-9]{1,2}[.)]|\(?[a-zA-Z][.)])$")
NUMERIC_RE = re.compile(r"^[\s()+\-–−€$£%.,/:*0-9]+$")
NOTE_RE = re.compile(r"^(sources?|notes?|nb|n\.b\.)\b", re.IGNORECASE)


def norm(text: str) -> str:
    """Whitespace runs collapsed to single spaces."""
    return " ".join(text.split())


def text_lines(words: list[Word]) -> list[list[Word]]:
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


def join_words(words: list[Word]) -> str:
    """The words' text in reading order (line by line), whitespace collapsed."""
    return norm(" ".join(w["text"] for line in text_lines(words) for w in line))


def segments(line: list[Word]) -> list[list[Word]]:
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


def is_dash_list(rows: list[list[str]]) -> bool:
    """A list drawn as a grid: every filled first cell is a lone bullet ("-", "•"), 2 or more."""
    first = [r[0].strip() for r in rows if r and r[0].strip()]
    return len(first) >= 2 and all(len(c) == 1 and BULLET_RE.match(c) for c in first)


def _short(cell: str) -> bool:
    return bool(NUMERIC_RE.match(cell)) or len(cell.split()) <= 3


def borderless_tables(
    lines: list[list[Word]], page_width: float
) -> list[tuple[BBox, list[list[str]], list[list[Word]]]]:
    """Borderless tables: runs of lines whose word segments share column gutters."""
    segmented = [segments(ln) for ln in lines]
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
        table = block_table(
            [lines[k] for k in range(block[0], block[-1] + 1)],
            [segmented[k] for k in block],
            page_width,
        )
        if table:
            out.append(table)
    return out


def block_table(
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
        segs = segments(ln)
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
        texts = [join_words(c) for c in cells]
        filled = [k for k, t in enumerate(texts) if t]
        # A line filling only non-first columns right under a row continues that row's cells.
        if rows and len(filled) == 1 and filled[0] > 0 and rows[-1][0] != "":
            k = filled[0]
            rows[-1][k] = norm(rows[-1][k] + " " + texts[k])
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
    bullets = sum(bool(BULLET_RE.match(c)) for c in first)
    if first and bullets * 2 >= len(first) and ncols <= 3:
        return None  # a bulleted or numbered list
    if is_dash_list(rows):
        return None  # dash items with stray punctuation split off into extra columns
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
