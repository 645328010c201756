"""PDF lines → blocks: paragraphs, list items and bold prefixes, with headings and tables.

Runs once over the whole document after running headers/footers are gone, so paragraphs
continue across page and column breaks. Which paragraphs are headings, and their levels, is
decided in `headings`; where tables go and their captions in `table_placement`.
"""

from __future__ import annotations

import re
import statistics
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from ..headings import guess_heading
from ..records import HEADING, LIST_ITEM, PARAGRAPH, TABLE, Block, Table
from .headings import TOC_NUMBER, heading_levels, is_heading_candidate, is_toc_page
from .layout import SENTENCE_END, Line, is_bold, join_hyphenated, list_marker
from .table_placement import PlacedTable, attach_captions

_WORD = re.compile(r"[^\W\d_][\w\-]*[^\W\d_]|[^\W\d_]")


@dataclass
class _Para:
    lines: list[Line]
    marker: str
    text_x0: float
    table: PlacedTable | None = None


@dataclass
class _Ctx:
    body: float
    pitch: float
    right: dict[tuple[int, int], float]
    vocab: set[str]
    toc_pages: set[int]


def blocks_from_lines(
    pages: Sequence[tuple[int, list[Line]]],
    placed: dict[tuple[int, int], PlacedTable | None],
) -> tuple[list[Block], list[Table]]:
    """Group the document's lines into blocks; return blocks and tables in reading order."""
    lines = [ln for _, page in pages for ln in page]
    ctx = _context(pages, lines)
    paras = _paragraphs(lines, ctx, placed)
    return _emit(paras, ctx)


def _context(pages: Sequence[tuple[int, list[Line]]], lines: list[Line]) -> _Ctx:
    text_lines = [ln for ln in lines if ln.table < 0]
    sizes: Counter[float] = Counter()
    for ln in text_lines:
        if ln.size > 0:
            sizes[ln.size] += len(ln.text)
    body = sizes.most_common(1)[0][0] if sizes else 0.0
    pitches = [
        b.top - a.top
        for a, b in zip(text_lines, text_lines[1:], strict=False)
        if a.page == b.page
        and a.column == b.column
        and abs(a.size - body) < 0.6
        and 0.8 * max(a.size, 8) < b.top - a.top < 2.5 * max(a.size, 8)
    ]
    pitch = statistics.quantiles(pitches, n=10)[3] if len(pitches) >= 10 else 1.2 * (body or 11)
    right: dict[tuple[int, int], float] = defaultdict(float)
    for ln in text_lines:
        right[(ln.page, ln.column)] = max(right[(ln.page, ln.column)], ln.x1)
    vocab = {w.lower() for ln in text_lines for w in _WORD.findall(ln.text)}
    toc_pages = {n for n, page in pages if is_toc_page(page)}
    return _Ctx(body, pitch, right, vocab, toc_pages)


def _start(line: Line) -> _Para:
    marker, n = list_marker(line.words)
    return _Para([line], marker, line.words[n]["x0"] if marker else line.x0)


def _paragraphs(
    lines: list[Line], ctx: _Ctx, placed: dict[tuple[int, int], PlacedTable | None]
) -> list[_Para]:
    paras: list[_Para] = []
    current: _Para | None = None
    for line in lines:
        if line.table >= 0:
            current = None
            table = placed.get((line.page, line.table))
            if table is not None:
                paras.append(_Para([line], "", line.x0, table))
            continue
        if current is not None and _continues(current, line, ctx):
            current.lines.append(line)
            if not current.marker:
                current.text_x0 = min(current.text_x0, line.x0)
            continue
        current = _start(line)
        paras.append(current)
    return paras


def _continues(para: _Para, line: Line, ctx: _Ctx) -> bool:
    """Whether `line` goes on the paragraph whose last line is `para.lines[-1]`."""
    prev = para.lines[-1]
    if list_marker(line.words)[0] or abs(line.size - prev.size) >= 0.9:
        return False
    ends = bool(SENTENCE_END.search(prev.text))
    if prev.page in ctx.toc_pages and TOC_NUMBER.search(prev.text):
        return False  # one table-of-contents entry per block
    if line.page != prev.page or line.column != prev.column or line.top < prev.top:
        first = para.lines[0]
        if ends or first.size >= ctx.body + 0.9:
            return False
        if first.bold:
            # a bold passage (not a title) cut by the break: wide lines, bold on both sides
            wide = len(para.lines) >= 2 and prev.x1 >= ctx.right[(prev.page, prev.column)] - 60
            return wide and all(ln.bold for ln in para.lines) and line.bold
        return not line.bold
    pitch = line.top - prev.top
    if pitch > max(ctx.pitch * 1.3, prev.size * 1.45):
        return False
    if (
        all(ln.bold for ln in para.lines)
        and _numbered_bold(para.lines[0])
        and (_numbered_bold(line) or not line.bold)
    ):
        return False  # "5-2- Titre" then "5-2-1- Titre" or body text: separate blocks
    short = prev.x1 < ctx.right[(prev.page, prev.column)] - 60
    first_bold = is_bold(str(line.words[0].get("fontname", "")))
    if (
        prev.bold
        and not first_bold
        and (pitch > ctx.pitch * 1.15 or short or _family(prev.words[-1]) != _family(line.words[0]))
    ):
        return False
    if line.bold and not is_bold(str(prev.words[-1].get("fontname", ""))):
        return False
    if ends and (short or line.x0 > para.text_x0 + 8):
        return False
    if para.marker and short and line.x0 < para.lines[0].x0 - 20:
        return False  # a short bulleted line, then body text at the margin left of the bullet
    return not (para.marker and ends and line.x0 < para.text_x0 - 8)


def _numbered_bold(line: Line) -> bool:
    """A bold line opening with section numbering ("5-2-1- Achat…", "B- Non-respect…")."""
    if not line.bold:
        return False
    guess = guess_heading(line.text, allow_plain_caps=False)
    return bool(guess and guess.number and (guess.hyphen or "." in guess.number))


def _family(word: dict[str, Any]) -> str:
    """Font family without subset prefix or weight ("ABCD+Serif-Bold" → "serif")."""
    name = str(word.get("fontname", "")).split("+")[-1].lower()
    return re.sub(r"[-,]?(bold|black|heavy|semibold|italic|oblique|mt|ps)+", "", name)


def _text(para: _Para, ctx: _Ctx, with_marker: bool = False) -> str:
    skip = 1 if para.marker and not with_marker else 0
    text = ""
    for i, line in enumerate(para.lines):
        part = " ".join(w["text"] for w in line.words[skip if i == 0 else 0 :])
        text = join_hyphenated(text, part, ctx.vocab) if text else part
    return " ".join(text.split())


def _bold_run(para: _Para, ctx: _Ctx) -> str:
    """The leading bold words of a paragraph, when the rest is not bold (like "OIM :")."""
    words = [w for ln in para.lines for w in ln.words][1 if para.marker else 0 :]
    run = 0
    while run < len(words) and is_bold(str(words[run].get("fontname", ""))):
        run += 1
    if run == 0 or run == len(words):
        return ""
    return " ".join(w["text"] for w in words[:run]).strip()


def _emit(paras: list[_Para], ctx: _Ctx) -> tuple[list[Block], list[Table]]:
    texts = [_text(p, ctx) if p.table is None else "" for p in paras]
    heads = set()
    for i, para in enumerate(paras):
        if para.table is None:
            full = _text(para, ctx, with_marker=True) if para.marker else texts[i]
            if is_heading_candidate(para.lines, para.marker, full, ctx.body, ctx.toc_pages):
                heads.add(i)
                texts[i] = full
    levels = heading_levels([(i, paras[i].lines, texts[i]) for i in sorted(heads)])
    blocks: list[Block] = []
    tables: list[Table] = []
    stack: list[float] = []
    for i, para in enumerate(paras):
        first = para.lines[0]
        pages = tuple(sorted({ln.page for ln in para.lines}))
        bbox = _bbox([ln for ln in para.lines if ln.page == first.page])
        if para.table is not None:
            stack = []
            t = para.table
            tables.append(
                Table(
                    index=len(tables),
                    rows=t.rows,
                    pages=t.pages,
                    caption=t.caption,
                    header_rows=t.header_rows,
                    bbox=t.bbox,
                    row_pages=t.row_pages,
                )
            )
            blocks.append(Block(TABLE, t.caption, t.pages, (), t.bbox, table_index=len(tables) - 1))
            continue
        if i in heads:
            stack = []
            blocks.append(Block(HEADING, texts[i], pages, (), bbox, level=levels[i]))
            continue
        bold = _bold_run(para, ctx)
        if para.marker:
            while stack and first.x0 < stack[-1] - 4:
                stack.pop()
            if not stack or first.x0 > stack[-1] + 4:
                stack.append(first.x0)
            blocks.append(
                Block(
                    LIST_ITEM,
                    texts[i],
                    pages,
                    (),
                    bbox,
                    level=len(stack) - 1,
                    marker=para.marker,
                    bold_prefix=bold,
                )
            )
        else:
            stack = []
            blocks.append(Block(PARAGRAPH, texts[i], pages, (), bbox, bold_prefix=bold))
    return attach_captions(blocks, tables)


def _bbox(lines: list[Line]) -> tuple[float, float, float, float]:
    return (
        min(ln.x0 for ln in lines),
        min(ln.top for ln in lines),
        max(ln.x1 for ln in lines),
        max(ln.bottom for ln in lines),
    )
