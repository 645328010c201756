"""Acronyms a query's names may stand for: "Anti-Slavery International" → ASI.

A question spells a partner's or a programme's name out ("the agreement with Anti-Slavery
International"), while the report, having defined it once, writes its acronym everywhere
after ("la convention avec ASI …"). The candidate acronyms of each capitalised name in the
query are the initials of its words (each part of a hyphenated word, or the word as a
whole); a candidate counts only when the store holds it (`index.rerank` checks its
document frequency), and then a passage's acronym stands for every word of the name.
"""

from __future__ import annotations

import re

from .textnorm import fold, terms

# lower-case words a name may hold between its capitalised ones (English and French):
# "Organisation internationale pour les migrations", "Fund for Peace"
_CONNECTORS = frozenset(
    re.findall(r"\w+", "of for and the on in to de du des la le les et pour sur en aux au d l")
)
_WORD = re.compile(r"[^\W\d_]+(?:-[^\W\d_]+)*")
MIN_LETTERS = 3  # two-letter initials name too many things


def _capitalised(word: str) -> bool:
    """A name word: capitalised, not itself an acronym (all capitals)."""
    return word[0].isupper() and not word.isupper()


def _names(query: str, first: bool) -> list[list[str]]:
    """Runs of capitalised words, connectors allowed between them; `first`: whether the
    capital that opens the query may start a name (it may be only a sentence's)."""
    runs: list[list[str]] = []
    run: list[str] = []
    pending: list[str] = []  # connectors seen since the run's last capitalised word
    for i, match in enumerate(_WORD.finditer(query)):
        word = match.group()
        if (i > 0 or first) and _capitalised(word):
            run += [*pending, word] if run else [word]
            pending = []
        elif run and fold(word) in _CONNECTORS:
            pending.append(word)
        else:
            runs.append(run)
            run, pending = [], []
    runs.append(run)
    return [r for r in runs if sum(_capitalised(w) for w in r) >= 2]


def name_acronyms(query: str) -> dict[str, tuple[str, ...]]:
    """Candidate acronym stem → the stems of the name it would stand for."""
    out: dict[str, tuple[str, ...]] = {}
    for name in _names(query, first=False) + _names(query, first=True):
        words = [w for w in name if _capitalised(w)]
        by_part = "".join(part[0] for w in words for part in w.split("-"))
        by_word = "".join(w[0] for w in words)
        stems = tuple(terms(" ".join(name)))
        for initials in {by_part, by_word}:
            if len(initials) >= MIN_LETTERS and stems:
                for acronym in terms(initials):
                    out.setdefault(acronym, stems)
    return out
