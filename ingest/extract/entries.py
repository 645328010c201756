"""Numbered entries: their numbers, entries run together in one text, moved entries.

Numbering is structure a reader keeps even when the layout is lost: "1. … 2. …" inside one
table cell, "Suivi-évaluation 10. Recruter…" (a row label glued to an entry), or entries
12–20 of a list that a two-column layout printed under the next column's heading.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_NUMBER = re.compile(r"^\(?(\d{1,2})[.)]?$")
_MARK = re.compile(r"(?:(?<=\s)|^)(\d{1,2})[.)]\s+(?=[A-ZÀ-Ý])")
_PREFIX = re.compile(
    r"^(?P<prefix>[^.!?:;]{0,60}?)\s(?P<num>\d{1,2})[.)]\s+(?P<rest>[A-ZÀ-Ý].*)$", re.S
)


def label_number(label: str) -> int | None:
    """The number of a numeric label ("3", "3.", "(3)"), else None."""
    m = _NUMBER.match(label.strip())
    return int(m.group(1)) if m else None


def split_numbered(text: str, first: int = 1) -> list[tuple[int, str, str]]:
    """(number, text, head) of entries numbered first, first+1, … run together in one text;
    head is the text before the first entry ("Recommandations"). [] unless two or more
    entries follow in order."""
    out: list[tuple[int, str, str]] = []
    expected, start, head = first, -1, ""
    marks = []
    for m in _MARK.finditer(text):
        if int(m.group(1)) == expected:
            marks.append(m)
            expected += 1
    if len(marks) < 2:
        return []
    head = text[: marks[0].start()].strip()
    for k, m in enumerate(marks):
        start = m.end()
        end = marks[k + 1].start() if k + 1 < len(marks) else len(text)
        out.append((int(m.group(1)), text[start:end].strip(), head))
    return out


def prefixed_entry(text: str, expected: int, max_prefix_words: int = 4) -> tuple[str, str] | None:
    """(label, entry text) when a short unpunctuated prefix (a table's row label) precedes
    the entry numbered `expected` ("Suivi-évaluation 10. Recruter…"), else None."""
    m = _PREFIX.match(text)
    if not m or int(m.group("num")) != expected:
        return None
    if len(m.group("prefix").split()) > max_prefix_words:
        return None
    return m.group("num"), m.group("rest").strip()


@dataclass
class Numbering:
    """The last numbered entry of a list: where the list is, to recognise its next entries."""

    kind: str
    number: int
    x0: float
    page: int
    section_path: tuple[str, ...]
    evidence: str
    scope: int = 0  # which scope (heading) the list belongs to

    def continues(self, number: int, x0: float | None, page: int, gap: int, tol: float) -> bool:
        """True when an entry numbered `number` at `x0` on `page` is this list's next entry."""
        if x0 is None or page != self.page:
            return False
        return self.number < number <= self.number + 1 + gap and abs(x0 - self.x0) <= tol
