"""Find field labels in a cell or line: "Evaluation recommendation 3:", "Key actions:",
"Management response (Accept/Partially Accept/Reject)", "Délai", and split the text there.

A label counts at the start of a text when a separator, a note in brackets, a number (for a
recommendation) or the end follows; in mid-text only when it starts with a capital after a
sentence end and a colon follows ("… development. Evaluation recommendation 4: Explore…"),
so running prose that mentions "the recommendation" or "a response" is never cut.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..records import NOT_STATED
from .numbers import NUMBER_AFTER_LABEL
from .verdicts import verdict_of
from .vocab import clean, folded, is_option_list, label_patterns, strip_options

_NOTE = re.compile(r"\s*(?:\([^()]{0,120}\)|\[[^\[\]]{0,120}\])")
_OPTIONS_TAIL = re.compile(r"\s*[-–—]?\s*([a-z ]+(?:\s*/\s*[a-z ]+){1,5})(?=\s*[:(]|$)")
_SEP = re.compile(r"\s*[:：]\s*|\s*[-–—]\s+|\s*[-–—]$")
_COLON = re.compile(r"\s*(?:\([^()]{0,40}\)\s*)*[:：]")
HEADER_WORDS = 4  # a header cell is a label plus at most this many words


@dataclass(frozen=True)
class Label:
    """One label found in a text: its role, where it starts, and where its value starts."""

    role: str
    start: int
    value_start: int
    number: str = ""  # for recommendation labels: the number as printed ("3", "B1–B3")


def _tail(low: str, end: int, role: str) -> tuple[int, tuple[int, int], bool]:
    """Skip notes, option lists and (for recommendations) a number after a label.

    Returns (where the value starts, the number's span or (0, 0), whether a separator such
    as ':' or ' – ' followed)."""
    pos = end
    span = (0, 0)
    for _ in range(3):
        note = _NOTE.match(low, pos)
        if note:
            pos = note.end()
            continue
        opts = _OPTIONS_TAIL.match(low, pos)
        if opts and is_option_list(opts.group(1)):
            pos = opts.end()
            continue
        break
    if role == "recommendation":
        m = NUMBER_AFTER_LABEL.match(low, pos)
        if m:
            span = m.span("num")
            note = _NOTE.match(low, m.end("num"))
            pos = note.end() if note else m.end("num")
    sep = _SEP.match(low, pos)
    return (sep.end() if sep else pos), span, bool(sep)


def _accept(text: str, low: str, role: str, start: int, end: int, at_start: bool) -> Label | None:
    """The label at low[start:end] if its surroundings make it one (see the module doc)."""
    if start and (low[start - 1].isalnum() or low[start - 1] in "'’"):
        return None
    if end < len(low) and low[end].isalnum():
        return None
    value, span, separated = _tail(low, end, role)
    number = " ".join(text[span[0] : span[1]].split())
    rest = text[value:].lstrip()
    if at_start:
        if role == "recommendation" and not separated:
            # "Recommendation 1 Enhance…" (a number, then a capital) or a bare header
            ok = (bool(number) and rest[:1].isupper()) or not rest
        else:
            ok = separated or not rest or value > end
        if not ok:
            return None
    else:
        before = low[:start].rstrip()
        if not text[start].isupper() or (before and before[-1] not in ".:;()]!?"):
            return None
        if not _COLON.match(low, span[1] or end):
            return None
    return Label(role, start, value, number)


def find_labels(text: str, *, start_only: bool = False) -> list[Label]:
    """Labels in `text` in reading order (non-overlapping; the longest wins at one place)."""
    low = folded(text)
    lead = len(low) - len(low.lstrip(" \t\n\u2022-–*#>"))
    found: list[Label] = []
    for role, pattern in label_patterns():
        for m in pattern.finditer(low):
            at_start = m.start() <= lead
            if start_only and not at_start:
                break
            hit = _accept(text, low, role, m.start(), m.end(), at_start)
            if hit:
                found.append(hit)
    found.sort(key=lambda h: (h.start, -h.value_start))
    out: list[Label] = []
    for hit in found:
        if not out or hit.start >= out[-1].value_start:
            out.append(hit)
    return out


def split_fields(text: str) -> tuple[str, list[tuple[Label, str]]]:
    """(text before the first label, [(label, its value)]) for a line or cell."""
    labels = find_labels(text)
    if not labels:
        return text.strip(), []
    head = text[: labels[0].start].strip()
    out = []
    for n, label in enumerate(labels):
        end = labels[n + 1].start if n + 1 < len(labels) else len(text)
        out.append((label, text[label.value_start : end].strip()))
    return head, out


def header_role(cell: str) -> str | None:
    """The role of a column-header cell ("Key action", "Délai", "Responsible unit(s)"), or
    None when the cell is data (a label followed by more than a few words is data)."""
    if is_option_list(cell) and verdict_of(cell)[0] != NOT_STATED:
        return "response"  # a verdict column headed by its choices: "Accepted / Rejected"
    text = strip_options(cell)
    if not text or len(text.split()) > 12:
        return None
    low = folded(text).strip()
    best: tuple[int, str] | None = None
    for role, pattern in label_patterns():
        m = pattern.match(low)
        if not m or (m.end() < len(low) and low[m.end()].isalnum()):
            continue
        if best is None or m.end() > best[0]:
            best = (m.end(), role)
    if best is None:
        return None
    rest = _NOTE.sub(" ", low[best[0] :]).strip(" .:–-/")
    if best[1] == "number" and rest:
        return None
    return best[1] if len(rest.split()) <= HEADER_WORDS else None


def value_of(text: str) -> str:
    """A field's value without placeholders, options and template instructions."""
    return clean(text)
