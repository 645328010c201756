"""A verdict from the words a matrix uses: accepted / partially accepted / rejected, or
not stated; English or French, standalone ("Accepted") or inside a sentence ("The
recommendation is partially accepted because…"). Vocabulary in `data/words.tsv`."""

from __future__ import annotations

import re

from ..records import NOT_STATED
from .vocab import folded, verdict_patterns

STANDALONE_WORDS = 4  # a value this short that is mostly a verdict is the verdict alone
_EDGE = re.compile(r"^[\s.,;:!–—-]+|[\s.,;:!–—-]+$")


def verdict_of(text: str) -> tuple[str, str]:
    """(verdict, the words it was read from) — the earliest verdict phrase, then the longest,
    so "partially accepted" and "not accepted" win over the "accepted" they contain."""
    low = folded(text)
    best: tuple[int, int, str] | None = None
    for verdict, pattern in verdict_patterns():
        m = pattern.search(low)
        if m and (best is None or (m.start(), -m.end()) < (best[0], -best[1])):
            best = (m.start(), m.end(), verdict)
    if best is None:
        return NOT_STATED, ""
    return best[2], text[best[0] : best[1]]


def split_verdict(value: str) -> tuple[str, str, str]:
    """(verdict, evidence, response text) of a management-response value.

    A value that is only a verdict ("Accepted", "accept", "Partiellement acceptée") gives
    no response text; one that opens with a verdict and a stop ("Accepted. The office…")
    keeps the text after it; anything else is kept whole as the response text.
    """
    verdict, evidence = verdict_of(value)
    text = " ".join(value.split())
    if verdict == NOT_STATED:
        return verdict, "", text
    low = folded(text)
    start = low.find(folded(" ".join(evidence.split())))
    rest = _EDGE.sub("", text[start + len(" ".join(evidence.split())) :]) if start >= 0 else text
    head = _EDGE.sub("", text[:start]) if start >= 0 else ""
    if not head and not rest:
        return verdict, evidence, ""
    if not head and start >= 0 and re.match(r"^\s*[.;:!–—-]", text[start + len(evidence) :]):
        return verdict, evidence, rest
    if not head and len(text.split()) <= STANDALONE_WORDS:
        return verdict, evidence, ""
    return verdict, evidence, text
