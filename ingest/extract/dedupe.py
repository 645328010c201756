"""One item per lesson/practice/recommendation: merge repeats across summary, body and annex.

Two candidates of the same kind are the same item when one text contains the other, or when
most words of the shorter one appear in the longer one (a summary version). The most complete
text wins; every place it appeared is kept as an occurrence.
"""

from __future__ import annotations

import re

from ..vocab import SHORT_STOPWORDS, fold

_WORD = re.compile(r"\w+")


def normalise(text: str) -> str:
    """Lower case, no accents, words separated by single spaces (for ids and comparison)."""
    return " ".join(_WORD.findall(fold(text, ligatures=False)))


def _tokens(text: str) -> set[str]:
    return {w for w in normalise(text).split() if w not in SHORT_STOPWORDS and len(w) > 1}


def coverage(short: str, long: str) -> float:
    """Share of the shorter text's content words found in the longer text."""
    a, b = _tokens(short), _tokens(long)
    if not a:
        return 0.0
    return len(a & b) / len(a)


def same_item(
    a: str, b: str, threshold: float = 0.8, min_words: int = 5, min_tokens: int = 6
) -> bool:
    """True when a and b are versions of one item: one contains the other (from `min_words`
    words), or most content words of the shorter are in the longer (`threshold`); texts of
    fewer than `min_tokens` content words must be equal."""
    na, nb = normalise(a), normalise(b)
    if not na or not nb:
        return False
    short, long = (na, nb) if len(na) <= len(nb) else (nb, na)
    if short in long and len(short.split()) >= min_words:
        return True
    if len(_tokens(short)) < min_tokens:
        return short == long
    return coverage(short, long) >= threshold
