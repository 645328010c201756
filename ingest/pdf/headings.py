"""Heading decisions for PDF paragraphs: which paragraphs are headings, and their levels.

A paragraph is a heading candidate from layout (font larger than the body, or all bold) or
from numbering (`headings.guess_heading`); levels come from the numbering when there is one,
else from the level the same font style has in numbered headings, else from the font-size
rank. Table-of-contents pages never yield headings.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Sequence

from ..headings import guess_heading, is_label_line, is_lead_in, is_toc_line, nest_levels
from ..vocab import NUMBERED_CAPTION
from .layout import Line

TOC_NUMBER = re.compile(r"\s\.*\s*\d{1,3}$")


def is_toc_page(lines: list[Line]) -> bool:
    """Whether a page reads as a table of contents (five or more TOC-like lines)."""
    hits = sum(
        1
        for ln in lines
        if ln.table < 0
        and (
            is_toc_line(ln.text)
            or bool(TOC_NUMBER.search(ln.text))
            and guess_heading(TOC_NUMBER.sub("", ln.text))
        )
    )
    return hits >= 5


def is_heading_candidate(
    lines: Sequence[Line], marker: str, text: str, body: float, toc_pages: set[int]
) -> bool:
    """Whether a paragraph (its lines, list marker and text) reads as a heading.

    `body` is the body font size and `toc_pages` the table-of-contents pages.
    """
    first = lines[0]
    if marker and not marker[0].isalnum():
        return False
    if len(text) > 200 or len(lines) > 3 or sum(c.isalpha() for c in text) < 2:
        return False
    if is_toc_line(text) or NUMBERED_CAPTION.match(text) or is_label_line(text) or is_lead_in(text):
        return False  # item labels and "La Cour demande au maire de :" are body text
    on_toc = first.page in toc_pages
    if on_toc and (TOC_NUMBER.search(text) or guess_heading(text, allow_plain_caps=False)):
        return False  # entries of the table of contents, even when wrapped over two lines
    size_up = first.size >= body + 0.9 and body > 0
    all_bold = all(ln.bold for ln in lines)
    if size_up:
        # a numbered or wrapped sentence a point larger than the body is a list item of a
        # brief's column set in a bigger font, not a heading
        sentence = text.endswith(".") and (len(lines) > 1 or bool(marker))
        return not (sentence and first.size < body + 2.5)
    guess = guess_heading(text, allow_plain_caps=False)
    if all_bold:
        if guess and guess.hyphen and not text.endswith((";", ",")):
            return True  # "2-4-Recours abusif aux contrats." keeps its full stop
        return not text.endswith((".", ";", ",")) and (not marker or bool(guess_heading(text)))
    return bool(
        guess
        and guess.number
        and len(lines) == 1
        and not on_toc
        and ("." in guess.number or not guess.number.isdigit())
    )


def heading_levels(heads: list[tuple[int, Sequence[Line], str]]) -> dict[int, int]:
    """Numbering depth when numbered; else the usual level of the font style; else size rank."""

    def style(lines: Sequence[Line]) -> tuple[float, bool]:
        return (round(lines[0].size * 2) / 2, all(ln.bold for ln in lines))

    levels: dict[int, int] = {}
    seen: dict[tuple[float, bool], Counter[int]] = defaultdict(Counter)
    guesses = [guess_heading(text, allow_plain_caps=False) for _, _, text in heads]
    for (i, lines, _), level in zip(heads, nest_levels(guesses), strict=True):
        if level is not None:
            levels[i] = level
            seen[style(lines)][level] += 1
    sizes = sorted({style(lines)[0] for _, lines, _ in heads}, reverse=True)
    for i, lines, _ in heads:
        if i not in levels:
            known = seen.get(style(lines))
            levels[i] = (
                known.most_common(1)[0][0] if known else min(sizes.index(style(lines)[0]) + 1, 4)
            )
    return levels
