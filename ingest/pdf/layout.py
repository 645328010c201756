"""Page layout for the PDF reader: words → lines in reading order (with columns), running
headers and footers, hyphenation at line ends, list markers and leading bold runs.

Pure functions over pdfplumber word dicts (`extract_words(extra_attrs=["fontname", "size"])`),
so the same code serves text-layer pages and OCR pages (whose words are built the same way).
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from ..vocab import DINGBAT_BULLETS, PDF_LINE_BULLETS, normalise_bullet
from .columns import find_gutters, split_row

Word = dict[str, Any]

_NUMBERED = re.compile(r"^(\d{1,2}[.)]|[a-z][.)]|[ivx]{1,4}[.)]|\(\w{1,3}\))$")
_PAGE_NUMBER = re.compile(
    r"^(?:page|p\.)?\s*[-–—]?\s*\d{1,4}\s*[-–—]?\s*(?:(?:/|sur|of|de)\s*\d{1,4})?$|^[ivxlc]{1,6}$",
    re.I,
)
_KEEP_HYPHEN_LEFT = frozenset(
    re.findall(
        r"\S+",
        "sous co socio non auto anti ex multi inter post pré semi vice demi mi quasi extra "
        "ultra néo bien après avant contre entre grand arrière porte ci là savoir court moyen "
        "long micro macro bi tri pluri mono infra supra sud nord est ouest afro euro franco",
    )
)
_KEEP_HYPHEN_RIGHT = frozenset(
    re.findall(r"\S+", "même mêmes là ci il ils elle elles on nous vous t")
)
SENTENCE_END = re.compile(r"[.:;!?»)]$")
HEADER_BAND = 0.10  # share of the page height at the top and bottom searched for running lines


@dataclass(slots=True)
class Line:
    """One line of text in one column of one page (or a placeholder for a table)."""

    words: list[Word]
    page: int
    x0: float
    x1: float
    top: float
    bottom: float
    size: float
    bold: bool  # every word is bold
    text: str
    column: int = 0  # 0 = single column / full width, 1 = left, 2 = right
    table: int = -1  # >= 0: placeholder for table k of the page, no words
    extra: dict[str, Any] = field(default_factory=dict)


def is_bold(fontname: str) -> bool:
    """True for bold/black/heavy font names ("ABCDEF+LiberationSerif-Bold", "Arial,Bold")."""
    name = fontname.lower()
    return "bold" in name or "black" in name or "heavy" in name


def make_line(words: list[Word], page: int, column: int = 0) -> Line:
    """Build a Line from words already in left-to-right order."""
    sizes: Counter[float] = Counter()
    for w in words:
        sizes[round(float(w.get("size", 0.0)), 1)] += len(w["text"])
    return Line(
        words=words,
        page=page,
        column=column,
        x0=min(w["x0"] for w in words),
        x1=max(w["x1"] for w in words),
        top=min(w["top"] for w in words),
        bottom=max(w["bottom"] for w in words),
        size=sizes.most_common(1)[0][0],
        bold=all(is_bold(str(w.get("fontname", ""))) for w in words),
        text=" ".join(w["text"] for w in words),
    )


def _rows(words: Sequence[Word]) -> list[list[Word]]:
    """Group words into visual rows by vertical overlap (tolerates raised bullets, superscripts)."""
    rows: list[list[Word]] = []
    bottoms: list[float] = []
    for w in sorted(words, key=lambda w: (round(w["top"]), w["x0"])):
        if rows:
            height = max(1.0, w["bottom"] - w["top"])
            if bottoms[-1] - w["top"] > 0.45 * height:
                rows[-1].append(w)
                bottoms[-1] = max(bottoms[-1], w["bottom"])
                continue
        rows.append([w])
        bottoms.append(w["bottom"])
    for row in rows:
        row.sort(key=lambda w: w["x0"])
    return rows


def page_lines(words: Sequence[Word], page: int, width: float) -> list[Line]:
    """Lines of a page in reading order: full-width rows, then left column, then right.

    A page whose upper and lower parts set their columns apart at different places (a
    brief's summary above, a project box beside the text below) is read part by part."""
    rows = _rows(words)
    out: list[Line] = []
    for part, gutter in find_gutters(rows, width):
        out += _column_lines(part, page, gutter)
    return out


def _column_lines(rows: list[list[Word]], page: int, gutter: float | None) -> list[Line]:
    """Lines of rows split at `gutter` (None: one column)."""
    if gutter is None:
        return [make_line(r, page) for r in rows]
    out: list[Line] = []
    left: list[Line] = []
    right: list[Line] = []
    for row in rows:
        sides = split_row(row, gutter)
        if sides is None:
            out += left + right
            left, right = [], []
            out.append(make_line(row, page))
            continue
        lw, rw = sides
        if lw:
            left.append(make_line(lw, page, 1))
        if rw:
            right.append(make_line(rw, page, 2))
    return out + left + right


def _running_key(text: str) -> str:
    return " ".join(re.sub(r"\d+", "#", text.lower()).split())


def strip_running_lines(pages: Sequence[tuple[list[Line], float]]) -> int:
    """Remove running headers/footers and page numbers in place; return how many lines went.

    A line in the top or bottom band is dropped when it is a page number, or when the same
    text (digits ignored) sits in that band on at least 3 pages and a quarter of the pages.
    """
    counts: dict[tuple[str, str], set[int]] = defaultdict(set)
    n_text = 0
    for i, (lines, height) in enumerate(pages):
        n_text += bool(lines)
        for line in lines:
            band = _band(line, height)
            if band:
                counts[(band, _running_key(line.text))].add(i)
    need = max(3, int(0.25 * n_text))
    repeated = {k for k, v in counts.items() if len(v) >= need}
    removed = 0
    for lines, height in pages:
        keep = []
        for line in lines:
            band = _band(line, height)
            if (
                band
                and line.table < 0
                and (
                    _PAGE_NUMBER.match(line.text.strip())
                    or (band, _running_key(line.text)) in repeated
                )
            ):
                removed += 1
                continue
            keep.append(line)
        lines[:] = keep
    return removed


def _band(line: Line, height: float) -> str:
    if line.bottom <= height * HEADER_BAND:
        return "top"
    if line.top >= height * (1 - HEADER_BAND):
        return "bottom"
    return ""


def join_hyphenated(left: str, right: str, vocab: set[str]) -> str:
    """Join two line texts, repairing a word split by a line-end hyphen.

    "pro-" + "gramme" → "programme"; real compounds stay ("Mali-Niger", "sous-région",
    "socio-culturelles"): the document's own vocabulary decides first, then prefix lists.
    """
    if not left.endswith(("-", "\u00ad")) or len(left) < 2 or not left[-2].isalpha():
        return f"{left} {right}" if left and right else left + right
    head = left[:-1]
    frag = re.split(r"[\s\-]", head)[-1]
    tail = right.split(" ", 1)[0]
    bare = tail.rstrip(".,;:!?)»")
    if left.endswith("\u00ad"):
        return head + right
    if not bare[:1].isalpha() or not bare[:1].islower():
        return left + right  # "Mali-" + "Niger", "2020-" + "2024"
    if f"{frag}-{bare}".lower() in vocab:
        return left + right
    if f"{frag}{bare}".lower() in vocab:
        return head + right
    if (
        frag[:1].isupper()
        or frag.lower() in _KEEP_HYPHEN_LEFT
        or bare.lower() in _KEEP_HYPHEN_RIGHT
    ):
        return left + right
    return head + right


def list_marker(words: Sequence[Word]) -> tuple[str, int]:
    """(marker as read, number of words it takes) when a line starts with a list marker."""
    if len(words) < 2:
        return "", 0
    first = str(words[0]["text"])
    font = str(words[0].get("fontname", ""))
    if first in DINGBAT_BULLETS and "dings" in font.lower():
        return normalise_bullet(first, font), 1
    if first in PDF_LINE_BULLETS:
        if first == "o" and words[1]["x0"] - words[0]["x1"] < 4:
            return "", 0  # a word "o", not a hollow bullet followed by a tab
        return normalise_bullet(first), 1
    if _NUMBERED.match(first):
        return first, 1
    return "", 0


def leading_bold(words: Sequence[Word]) -> str:
    """The text of the run of bold words a line starts with ("OIM :"), or ""."""
    run = []
    for w in words:
        if not is_bold(str(w.get("fontname", ""))):
            break
        run.append(w["text"])
    return " ".join(run)


def is_page_number(text: str) -> bool:
    """True for "12", "Page 3", "- 4 -", "5 / 60", "iv"."""
    return bool(_PAGE_NUMBER.match(text.strip()))
