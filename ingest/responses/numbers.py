"""Recommendation numbers as matrices print them: "3", "# 3", "n° 3", "A1", "B1–B3",
"2 and 3", "R4", "III"; expanded to the single numbers a block answers, and keyed for
comparison with the labels of extracted items ("Recommendation 3" → "3")."""

from __future__ import annotations

import re

from .vocab import folded

_ONE = r"(?:[a-z]{1,2}\s?\.?\s?\d+(?:\.\d+)*[a-z]?|\d+(?:\.\d+)*[a-z]?|[ivx]{1,5}\b|[a-z]\b)"
_JOIN = r"\s*(?:[-–—]|\bto\b|\ba\b|\bà\b|,|&|\band\b|\bet\b)\s*(?:#\s*|n\s*[°o]\s*)?"
# after a "Recommendation" label, in folded text
NUMBER_AFTER_LABEL = re.compile(
    r"\s*(?:#|n\s*[°o]\.?|nos?\.?\s|numero|number|num\.)?\s*(?P<num>"
    + _ONE
    + "(?:"
    + _JOIN
    + r"(?:\d+(?:\.\d+)*[a-z]?|[a-z]{1,2}\s?\d+))*)(?![\w])"
)
# a number opening a cell or line: "1.", "R1:", "A1 –", "Rec. 2)", "#3"
_LEADING = re.compile(
    r"^\s*(?:(?:rec\.?|r)\s?)?(?:#|n\s*[°o]\.?)?\s*(?P<num>(?:[a-z]{1,2}\s?)?\d+(?:\.\d+)*[a-z]?)"
    r"\s*(?:[.):–—-]\s*|\s+(?=[A-ZÀ-Ý]))"
)
_RANGE = re.compile(r"^([a-z]*)(\d+)\s*(?:[-–—]|\bto\b|\ba\b|\bà\b)\s*([a-z]*)(\d+)$")
MAX_RANGE = 30


def number_key(number: str) -> str:
    """A comparable form: lower case, no spaces, '#', 'n°', dots or recommendation prefix."""
    low = folded(number)
    low = re.sub(r"^(?:evaluation\s+)?(?:recomm?[ae]nd[ae]?tions?|rec\.?|r(?=\s?\d))\s*", "", low)
    low = re.sub(r"n\s*[°o]|#|\s|\.(?!\d)", "", low)
    return low.strip(".:)")


def expand(number: str) -> tuple[str, ...]:
    """Every number a block answers: "B1–B3" → (B1, B2, B3), "2 and 3" → (2, 3)."""
    if not number:
        return ()
    out: list[str] = []
    parts = re.split(r"\s*(?:,|&|;|\band\b|\bet\b)\s*", number.strip())
    for part in parts:
        key = number_key(part)
        m = _RANGE.match(key)
        if m and (not m.group(3) or m.group(3) == m.group(1)):
            low, high = int(m.group(2)), int(m.group(4))
            if low < high <= low + MAX_RANGE:
                out += [f"{m.group(1)}{n}" for n in range(low, high + 1)]
                continue
        if key:
            out.append(key)
    return tuple(dict.fromkeys(out))


def leading_number(text: str) -> tuple[str, str]:
    """(number, rest) when a text opens with a number ("1. Strengthen…", "R2 – …"), else
    ("", text)."""
    m = _LEADING.match(folded(text))
    if not m:
        return "", text
    start, end = m.span("num")
    return " ".join(text[start:end].split()), text[m.end() :].strip()


def number_cell(cell: str) -> str:
    """The number in a short number column cell ("3", "R3", "B1–B3"), else ''."""
    text = cell.strip().rstrip(".:)")
    if not text or len(text) > 24:
        return ""
    m = NUMBER_AFTER_LABEL.fullmatch(folded(text))
    if not m:
        m2 = re.fullmatch(r"\s*(?:rec\.?|r)\s?(?P<num>\d+(?:\.\d+)*[a-z]?)", folded(text))
        return text[m2.start("num") :].strip() if m2 else ""
    return " ".join(text[m.start("num") : m.end("num")].split())
