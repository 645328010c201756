"""PDF lines → blocks: paragraphs, headings, list items, bold prefixes, tables and captions.

Runs once over the whole document after running headers/footers are gone, so paragraphs
continue across page and column breaks. Headings come from layout (font larger than the
body, or a bold line) and from numbering (`headings.guess_heading`); levels come from the
numbering when there is one, else from the level the same font style has in numbered
headings, else from the font-size rank. Table-of-contents pages never yield headings.
"""

from __future__ import annotations

import re
import statistics
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from .headings import guess_heading, is_toc_line
from .pdf_layout import SENTENCE_END, Line, is_bold, join_hyphenated, list_marker
from .records import HEADING, LIST_ITEM, PARAGRAPH, TABLE, Block, Table

CAPTION = re.compile(r"^(tableau|table|tab\.)\s*(n°|no\.?)?\s*\d+", re.I)
_TOC_NUMBER = re.compile(r"\s\.*\s*\d{1,3}$")
_NUMERIC = re.compile(r"^[\d\s.,%$€()+\-/:]*$")
_WORD = re.compile(r"[^\W\d_][\w\-]*[^\W\d_]|[^\W\d_]")


@dataclass
class PlacedTable:
    """A table as it will be stored: possibly merged over pages, with its caption."""

    rows: tuple[tuple[str, ...], ...]
    pages: tuple[int, ...]
    bbox: tuple[float, float, float, float] | None
    caption: str = ""
    header_rows: int = 1


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
                )
            )
    return placed


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
    toc_pages = {n for n, page in pages if _is_toc_page(page)}
    return _Ctx(body, pitch, right, vocab, toc_pages)


def _is_toc_page(lines: list[Line]) -> bool:
    hits = sum(
        1
        for ln in lines
        if ln.table < 0
        and (
            is_toc_line(ln.text)
            or bool(_TOC_NUMBER.search(ln.text))
            and guess_heading(_TOC_NUMBER.sub("", ln.text))
        )
    )
    return hits >= 5


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
    if line.page != prev.page or line.column != prev.column or line.top < prev.top:
        first = para.lines[0]
        heading_like = first.size >= ctx.body + 0.9 or first.bold
        return not ends and not heading_like and not line.bold
    pitch = line.top - prev.top
    if pitch > max(ctx.pitch * 1.3, prev.size * 1.45):
        return False
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
    return not (para.marker and ends and line.x0 < para.text_x0 - 8)


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


def _heading_candidate(para: _Para, text: str, ctx: _Ctx) -> bool:
    first = para.lines[0]
    if para.marker and not para.marker[0].isalnum():
        return False
    if len(text) > 200 or len(para.lines) > 3 or sum(c.isalpha() for c in text) < 2:
        return False
    if is_toc_line(text) or CAPTION.match(text):
        return False
    on_toc = first.page in ctx.toc_pages
    if on_toc and _TOC_NUMBER.search(text):
        return False
    size_up = first.size >= ctx.body + 0.9 and ctx.body > 0
    all_bold = all(ln.bold for ln in para.lines)
    if size_up:
        return True
    if all_bold:
        return not text.endswith((".", ";", ",")) and (not para.marker or bool(guess_heading(text)))
    guess = guess_heading(text, allow_plain_caps=False)
    return bool(
        guess
        and guess.number
        and len(para.lines) == 1
        and not on_toc
        and ("." in guess.number or not guess.number.isdigit())
    )


def _emit(paras: list[_Para], ctx: _Ctx) -> tuple[list[Block], list[Table]]:
    texts = [_text(p, ctx) if p.table is None else "" for p in paras]
    heads = set()
    for i, para in enumerate(paras):
        if para.table is None:
            full = _text(para, ctx, with_marker=True) if para.marker else texts[i]
            if _heading_candidate(para, full, ctx):
                heads.add(i)
                texts[i] = full
    levels = _levels([(i, paras[i], texts[i]) for i in sorted(heads)])
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
    return _attach_captions(blocks, tables)


def _levels(heads: list[tuple[int, _Para, str]]) -> dict[int, int]:
    """Numbering depth when numbered; else the usual level of the font style; else size rank."""

    def style(p: _Para) -> tuple[float, bool]:
        return (round(p.lines[0].size * 2) / 2, all(ln.bold for ln in p.lines))

    levels: dict[int, int] = {}
    seen: dict[tuple[float, bool], Counter[int]] = defaultdict(Counter)
    for i, para, text in heads:
        guess = guess_heading(text, allow_plain_caps=False)
        if guess and guess.number:
            levels[i] = guess.level
            seen[style(para)][guess.level] += 1
    sizes = sorted({style(p)[0] for _, p, _ in heads}, reverse=True)
    for i, para, _ in heads:
        if i not in levels:
            known = seen.get(style(para))
            levels[i] = (
                known.most_common(1)[0][0] if known else min(sizes.index(style(para)[0]) + 1, 4)
            )
    return levels


def _bbox(lines: list[Line]) -> tuple[float, float, float, float]:
    return (
        min(ln.x0 for ln in lines),
        min(ln.top for ln in lines),
        max(ln.x1 for ln in lines),
        max(ln.bottom for ln in lines),
    )


def _attach_captions(blocks: list[Block], tables: list[Table]) -> tuple[list[Block], list[Table]]:
    """A "Tableau N : …" paragraph right before (or after) a table becomes its caption."""
    from dataclasses import replace

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
