"""One item per lesson/practice/recommendation: merge repeats across summary, body and annex.

Two candidates of the same kind are the same item when one text contains the other, or when
most words of the shorter one appear in the longer one (a summary version). The most complete
text wins; every place it appeared is kept as an occurrence.
"""

from __future__ import annotations

import re
import unicodedata

_WORD = re.compile(r"\w+")
_STOP = set(
    [
        "le",
        "la",
        "les",
        "de",
        "des",
        "du",
        "et",
        "à",
        "a",
        "au",
        "aux",
        "en",
        "un",
        "une",
        "pour",
        "par",
        "dans",
        "sur",
        "que",
        "qui",
        "est",
        "sont",
        "ce",
        "ces",
        "cette",
        "il",
        "elle",
        "the",
        "of",
        "and",
        "to",
        "in",
        "for",
        "on",
        "is",
        "are",
        "be",
        "with",
    ]
)


def normalise(text: str) -> str:
    """Lower case, no accents, words separated by single spaces (for ids and comparison)."""
    text = unicodedata.normalize("NFKD", text.lower())
    text = "".join(c for c in text if not unicodedata.combining(c))
    return " ".join(_WORD.findall(text))


def _tokens(text: str) -> set[str]:
    return {w for w in normalise(text).split() if w not in _STOP and len(w) > 1}


def coverage(short: str, long: str) -> float:
    """Share of the shorter text's content words found in the longer text."""
    a, b = _tokens(short), _tokens(long)
    if not a:
        return 0.0
    return len(a & b) / len(a)


def same_item(a: str, b: str, threshold: float = 0.8) -> bool:
    """True when a and b are versions of one item (containment or high word coverage)."""
    na, nb = normalise(a), normalise(b)
    if not na or not nb:
        return False
    short, long = (na, nb) if len(na) <= len(nb) else (nb, na)
    if short in long and len(short.split()) >= 5:
        return True
    if len(_tokens(short)) < 6:
        return short == long
    return coverage(short, long) >= threshold
