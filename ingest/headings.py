"""Heading recognition from the text of a line: numbering, SECTION/Annexe labels, all caps.

Shared by every reader so the same document gives the same outline from PDF, DOCX and text.
Layout cues (font size, bold) live in the PDF reader; this module only reads the words.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_ROMAN = r"(?:X{0,3})(?:IX|IV|V?I{0,3})"
_SECTION = re.compile(
    r"^(SECTION|PARTIE|CHAPITRE|CHAPTER|PART)\s+(\d+|" + _ROMAN + r")\b\s*[:.\-–]?\s*",
    re.I,
)
_ANNEX = re.compile(
    r"^(ANNEXE?S?|APPENDIX|APPENDICE)\s*(\d+|[A-Z]\b|" + _ROMAN + r")?\s*[:.\-–]?\s*", re.I
)
_ROMAN_NUM = re.compile(r"^(" + _ROMAN + r")\.\s+(?=\S)")
_DECIMAL = re.compile(r"^(\d{1,2}(?:\.\d{1,2}){0,3})(\.?)\s+(?=\S)")
_TOC_LEADER = re.compile(r"(\.{4,}|…{2,}|\t)\s*\d+\s*$")
_SENTENCE_END = re.compile(r"[;,]$|\?$")
_LETTERS = re.compile(r"[A-Za-zÀ-ÖØ-öø-ÿ]")

MAX_HEADING_CHARS = 160


@dataclass(frozen=True)
class HeadingGuess:
    """What the words of a line say about it being a heading."""

    level: int
    number: str
    title: str


def is_toc_line(text: str) -> bool:
    """True for table-of-contents lines ("5.8. Leçons apprises ....... 34")."""
    return bool(_TOC_LEADER.search(text.strip()))


def is_all_caps(text: str) -> bool:
    """True when the line has several letters and none of them lower case."""
    letters = _LETTERS.findall(text)
    return len(letters) >= 4 and all(not c.islower() for c in letters)


def guess_heading(text: str, *, allow_plain_caps: bool = True) -> HeadingGuess | None:
    """Return a heading guess when the line's own words mark it as a heading, else None.

    Decimal numbering gives the level by depth ("5.8." → 2), SECTION / roman numerals are
    level 1, annexes level 1. A bare "1." line is only a heading when short and not ending
    like a sentence, since numbered list items look the same.
    """
    line = " ".join(text.split())
    if not line or len(line) > MAX_HEADING_CHARS or is_toc_line(text):
        return None
    if m := _SECTION.match(line):
        return HeadingGuess(1, f"{m.group(1).upper()} {m.group(2)}", line)
    annex = _ANNEX.match(line)
    if annex and (annex.group(2) or is_all_caps(line) or len(line) < 60) and line[0].isupper():
        return HeadingGuess(1, ("Annexe " + (annex.group(2) or "")).strip(), line)
    if (m := _ROMAN_NUM.match(line)) and m.group(1):
        return HeadingGuess(1, m.group(1), line)
    if m := _DECIMAL.match(line):
        number = m.group(1)
        depth = number.count(".") + 1
        rest = line[m.end() :]
        if _SENTENCE_END.search(line) or not rest[:1].isupper():
            return None
        if depth == 1 and (len(line) > 90 or line.endswith(".") and not m.group(2)):
            return None
        return HeadingGuess(depth, number, line)
    if allow_plain_caps and is_all_caps(line) and len(line) <= 90 and not line.endswith(","):
        return HeadingGuess(1, "", line)
    return None
