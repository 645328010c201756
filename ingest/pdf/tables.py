"""Table detection on PDF pages: ruled tables and borderless tables.

`extract_page_tables` finds ruled tables with pdfplumber's line strategy, then looks for
borderless tables among the remaining words by column alignment (`borderless`).
Merging of page-split tables lives in `table_merge`, which imports `PageTable` from here.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ..headings import is_toc_table
from ..vocab import LOOSE_CAPTION, BBox
from .borderless import (
    NUMERIC_RE,
    Word,
    block_table,
    borderless_tables,
    is_dash_list,
    norm,
    segments,
    text_lines,
)

if TYPE_CHECKING:
    import pdfplumber.page

# Line strategy with a little snapping: Word exports draw cell borders as separate segments.
RULED_SETTINGS = {
    "vertical_strategy": "lines",
    "horizontal_strategy": "lines",
    "snap_tolerance": 3,
    "join_tolerance": 3,
    "intersection_tolerance": 3,
    "edge_min_length": 5,
}


# A ruled grid of at most FRAME_MAX_ROWS rows, FRAME_PROSE_SHARE of whose filled cells hold
# FRAME_PROSE_WORDS words or more and one FRAME_LONG_WORDS or more, lays out the page (see
# is_layout_frame); measured on IOM briefs: their panels hold 25-45 word metadata boxes and
# 90-380 word summaries, while the gold recommendation tables keep short cells in most columns.
FRAME_MAX_ROWS = 10
FRAME_PROSE_WORDS = 25
FRAME_PROSE_SHARE = 0.75
FRAME_LONG_WORDS = 100


@dataclass(frozen=True)
class PageTable:
    """A table found on one page; bbox in pdfplumber coordinates (origin top-left)."""

    bbox: BBox
    rows: list[list[str]]
    caption: str = ""
    header_rows: int = 1


def _inside(w: Word, box: BBox, pad: float = 0.0) -> bool:
    cx, cy = (w["x0"] + w["x1"]) / 2, (w["top"] + w["bottom"]) / 2
    return box[0] - pad <= cx <= box[2] + pad and box[1] - pad <= cy <= box[3] + pad


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
            text = norm(" ".join(w["text"] for w in ln))
            if LOOSE_CAPTION.match(text) and len(text) > 6:
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


def is_layout_frame(rows: list[list[str]]) -> bool:
    """Ruled boxes that lay out a page (a brief's summary and metadata panels), not a table:
    a few rows whose filled cells are nearly all paragraphs, one of them long. A data table,
    even one of long recommendations, has short cells beside the long ones (addressee,
    priority, timing) and a header row of short labels."""
    cells = [len(c.split()) for r in rows for c in r if c]
    if len(rows) > FRAME_MAX_ROWS or len(cells) < 2 or max(cells) < FRAME_LONG_WORDS:
        return False
    prose = sum(n >= FRAME_PROSE_WORDS for n in cells)
    return prose >= FRAME_PROSE_SHARE * len(cells)


_Stream = tuple[dict[tuple[float, float], int], dict[tuple[float, float], int]]


def _char_stream(page: Any) -> _Stream:
    """Where each char starts / ends → its index in the page's content stream."""
    starts: dict[tuple[float, float], int] = {}
    ends: dict[tuple[float, float], int] = {}
    for i, c in enumerate(page.chars):
        top = round(float(c["top"]), 1)
        starts.setdefault((round(float(c["x0"]), 1), top), i)
        ends[(round(float(c["x1"]), 1), top)] = i
    return starts, ends


def _broken(head: str, tail: Word, vocab: set[str]) -> bool:
    """Whether `tail`, glued to `head` in the content stream, is the rest of a cut word: a short
    tail ("nt", "o") the page never prints as a whole word, or the last digit(s) of a short
    number ("202 4").
    Some PDFs omit the space at line ends, so adjacency alone does not tell."""
    text = str(tail["text"])
    if head[-1:].isdigit() and text.isdigit():
        return head.isdigit() and len(text) < 3 and len(head) + len(text) <= 4  # not "85 600"
    word = text.strip(".,;:!?()«»\"'").lower()
    if not (head[-1:].isalpha() and text[:1].isalpha()) or word in vocab:
        return False
    # only short tails ("o", "nt", "ION"): longer ones are as often a whole word whose line
    # end had no space in the stream ("Services" / "étatiques")
    return len(word) <= 3


def _page_vocab(words: list[Word]) -> set[str]:
    """Words the page prints after another word on the same line: whole words, not the
    line-initial tails of words cut by a narrow cell."""
    vocab = set()
    for line in text_lines(words):
        for a, b in zip(line, line[1:], strict=False):
            if b["x0"] - a["x1"] < 0.6 * max(float(b["bottom"] - b["top"]), 4.0):
                vocab.add(str(b["text"]).strip(".,;:!?()«»\"'").lower())
    return vocab


def _fills(word: Word, words: list[Word], cell: BBox) -> bool:
    """Whether `word` ends its line within about a character of the cell's text edge (the
    same padding on the right as on the left): only a word too long for the cell is cut."""
    pad = min(min(float(w["x0"]) for w in words) - cell[0], 6.0)  # centred text: Word's 5.4
    char = (float(word["x1"]) - float(word["x0"])) / max(len(str(word["text"])), 1)
    return cell[2] - pad - float(word["x1"]) < 1.5 * char


def _cell_text(words: list[Word], stream: _Stream, vocab: set[str], cell: BBox) -> str:
    """A cell's text line by line; a word the cell wrapped mid-word ("Numér" / "o") is joined
    again when its two parts follow each other in the content stream with no space between."""
    starts, ends = stream
    parts: list[str] = []
    prev: Word | None = None
    for line in text_lines(words):
        text = " ".join(w["text"] for w in line)
        if prev is not None and parts:
            a = ends.get((round(float(prev["x1"]), 1), round(float(prev["top"]), 1)))
            b = starts.get((round(float(line[0]["x0"]), 1), round(float(line[0]["top"]), 1)))
            adjacent = a is not None and b == a + 1 and _fills(prev, words, cell)
            if adjacent and _broken(str(prev["text"]), line[0], vocab):
                parts[-1] += text
                prev = line[-1]
                continue
        parts.append(text)
        prev = line[-1]
    return norm(" ".join(parts))


def _ruled_tables(
    page: Any, words: list[Word]
) -> list[tuple[BBox, list[list[str]], list[list[Word]]]]:
    """Tables drawn with ruling lines; a one-row table is kept (page-split continuations)."""
    if len(page.edges) < 4:
        return []
    found = []
    stream, vocab = _char_stream(page), _page_vocab(words)
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
                cells.append(_cell_text(cw, stream, vocab, tuple(c)))
            rows.append(cells)
            row_words.append(rw)
        ncols = max((len(r) for r in rows), default=0)
        filled = sum(1 for r in rows for c in r if c)
        if ncols < 2 or filled < 2:
            continue  # a framed paragraph or an empty box, not a table
        if _framed_prose(rows, [r.bbox[3] - r.bbox[1] for r in t.rows], inside):
            continue
        if is_layout_frame(rows):
            continue
        if is_dash_list(rows):
            continue  # a dash list in a box (its lines read as items, not a table)
        found.append((box, rows, row_words))
    return found


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
    for table in borderless_tables(text_lines(rest), width):
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
            inner = text_lines([w for w in words if _inside(w, union, 1.0)])
            redone = block_table(inner, [sg for ln in inner if len(sg := segments(ln)) >= 2], width)
            if redone:
                ruled = [r for r in ruled if not any(r is n for n in near)]
                found.append(redone)
            continue
        found.append(table)
    found += ruled
    # A table of contents laid out with tabs or ruled cells stays text: its lines are entries.
    found = [f for f in found if not is_toc_table(f[1])]
    lines = text_lines(words)
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
