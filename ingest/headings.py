"""Heading recognition from the text of a line: numbering, SECTION/Annexe labels, all caps.

Shared by every reader so the same document gives the same outline from PDF, DOCX and text.
Layout cues (font size, bold) live in the PDF reader; this module only reads the words.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
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
# Hyphen numbering of audit reports: "I-", "B-", "1-2-", "1-2-1-", "3.2.2.3-", "1.3. –",
# "2-4-Recours", "1-2 - Organisation", "5-1 Manquements", "2-2. Niveau", "b)- Structure".
_HYPHEN = re.compile(
    r"^(?P<num>(?:\d{1,2}|[A-Za-z]|" + _ROMAN + r")(?:\s?[-.]\s?\d{1,2}){0,4})"
    r"(?:\s?[.)]?\s?[-–]\s*|(?<=\d)\.?\s+|(?<=\d)\.\s*)(?=[A-ZÀ-ÖØ-Ý])"
)
_LABEL_LINE = re.compile(
    r"^(recommandations?|recommendations?|conclusions?|observations?|constats?)\s*"
    r"(n\s*[°º]|no\.?)?\s*\d{1,3}\s*[:.]?$",
    re.I,
)
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
    hyphen: bool = False  # numbered the audit way ("1-2-", "B-", "1.3. –")


def is_toc_line(text: str) -> bool:
    """True for table-of-contents lines ("5.8. Leçons apprises ....... 34")."""
    return bool(_TOC_LEADER.search(text.strip()))


_TOC_PAGE = re.compile(r"^(?:\.{2,}|…+)?\s*(\d{1,3})$")
_TOC_DOTS = re.compile(r"\.{4,}|…{2,}")
_TOC_NUMBERING = re.compile(r"^\s*(?:[IVX]+|\d+(?:[.\-]\d+)*|[A-Z])[.)\-–]*\s*")


def is_toc_table(rows: Sequence[Sequence[str]]) -> bool:
    """A table of contents (or list of tables) read as a table: titles then ascending page
    numbers in the last filled cell, no other figures; dot leaders are not needed."""
    used = [[c for c in r if c.strip()] for r in rows]
    used = [r for r in used if r]
    if len(used) < 4 or max(len(r) for r in used) > 3:
        return False
    pages = [int(m.group(1)) for r in used if (m := _TOC_PAGE.match(r[-1].strip()))]
    if len(pages) < 0.8 * len(used) or pages != sorted(pages):
        return False
    titles = [_TOC_NUMBERING.sub("", " ".join(r[:-1])) for r in used if len(r) > 1]
    figures = sum(bool(re.search(r"\d{2,}", _TOC_DOTS.sub("", t))) for t in titles)
    return figures <= 0.2 * len(used) and sum(len(t) > 3 for t in titles) >= 0.8 * len(titles)


def is_all_caps(text: str) -> bool:
    """True when the line has several letters and none of them lower case."""
    letters = _LETTERS.findall(text)
    return len(letters) >= 4 and all(not c.islower() for c in letters)


def is_label_line(text: str) -> bool:
    """True for an item label alone on its line ("Recommandation n°3 :", "Conclusion n° 1")."""
    return bool(_LABEL_LINE.match(" ".join(text.split())))


def is_lead_in(text: str) -> bool:
    """True for a sentence introducing what follows ("La Cour demande au maire de :")."""
    line = " ".join(text.split())
    if not line.endswith(":") or len(line.split()) < 3 or is_label_line(line) or is_all_caps(line):
        return False
    guess = guess_heading(line.rstrip(": "), allow_plain_caps=False)
    return not (guess and guess.number)  # "3.4 Portée de l'évaluation :" stays a heading


def _hyphen_guess(line: str) -> HeadingGuess | None:
    """Audit numbering: roman → 1, digits → their count, a letter → 2 (see nest_levels)."""
    m = _HYPHEN.match(line)
    if not m or not re.search(r"[-–)]", m.group(0)):
        return None  # "2.1. Titre" is plain decimal numbering
    parts = re.split(r"\s?[-.]\s?", m.group("num"))
    head = parts[0]
    if not head:
        return None  # the roman pattern matches the empty string: "- item" is a dash
    if not head.isdigit() and len(parts) > 1:
        return None  # "B-2" is a reference, not a numbering
    if re.fullmatch(_ROMAN, head) and len(head) > 1 or head in ("I", "V", "X"):
        level = 1
    elif head.isalpha():
        level = 2
    else:
        level = len(parts)
    if head.isdigit() and len(parts) == 1 and not re.match(r"^\d{1,2}\s?[.)]?\s?[-–]", line):
        return None  # "3 Personnes", "2. Objet": no hyphen, left to _DECIMAL
    return HeadingGuess(level, ".".join(parts), line, hyphen=True)


def nest_levels(guesses: list[HeadingGuess | None]) -> list[int | None]:
    """Levels for a document's headings in order: lettered ones ("A-", "b)") sit one below
    the numbered heading before them; the rest keep their own level (None when unnumbered).
    """
    out: list[int | None] = []
    numbered = 0  # level of the last digit or roman heading
    upper = 0  # level of the last capital-letter heading
    letter = ""  # the last capital letter used as a number
    for guess in guesses:
        if guess is None or not guess.number:
            out.append(guess.level if guess else None)
            continue
        head = guess.number.split(".")[0]
        # "I-" / "V-" / "X-" right after "H-" / "U-" / "W-" are letters, not roman numerals
        follows = len(head) == 1 and bool(letter) and ord(head) == ord(letter) + 1
        if not (guess.hyphen and len(head) == 1 and head.isalpha()) or (
            guess.level == 1 and not follows
        ):
            numbered, upper, letter = guess.level, 0, ""
            out.append(guess.level)
        elif head.isupper():
            upper = min(numbered + 1, 6) if numbered else guess.level
            letter = head
            out.append(upper)
        else:
            out.append(min((upper or numbered) + 1, 6))
    return out


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
    if hyphen := _hyphen_guess(line):
        return hyphen if not _SENTENCE_END.search(line) else None
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
