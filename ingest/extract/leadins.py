"""Lead-in phrases (`data/leadins.tsv`): paragraphs that say how to read the blocks after them.

- an announcement ("les enseignements suivants peuvent être tirés :", "the following
  recommendations") opens a list of items of the first kind it names;
- an actor line ("For IOM Management:", "Pour l'OIM :") names the addressee of the
  recommendations below it;
- an introduction ("Based on the findings, …:") introduces items rather than being one.
"""

from __future__ import annotations

import re

from ..vocab import fold
from .lexicon import folded, patterns, role_words, search
from .sections import kinds_in

FILE = "leadins.tsv"


def aligned_fold(text: str) -> str:
    """Lower case without accents, one character for one, so positions match the original."""
    out = []
    for ch in text:
        f = fold(ch, ligatures=False)
        out.append(f if len(f) == 1 else ch.lower())
    return "".join(out)


def announced(text: str) -> tuple[str, str] | None:
    """(kind, text after the announcement's colon) when the paragraph announces a list of
    items; the kind is the first item kind the paragraph names. None otherwise."""
    low = aligned_fold(text)
    m = search(FILE, "announce", low)
    if not m:
        return None
    kinds = kinds_in(low)
    if not kinds:
        return None
    colon = text.find(":", m.end())
    if colon < 0 and not re.search(r"(as\s+follows|below|ci-dessous|comme\s+suit)\W*$", low):
        return None  # an announcement opens a list: "…peuvent être tirés :", "…as follows."
    return kinds[0], text[colon + 1 :].strip() if colon >= 0 else ""


def actor_leadin(text: str, max_words: int = 8) -> str:
    """The addressee named by a short actor line ("For IOM Management:" → "IOM Management")."""
    line = " ".join(text.split())
    if len(line) > 80:
        return ""
    low = aligned_fold(line)
    for pattern in patterns(FILE, "actor"):
        m = pattern.match(low)
        if not m:
            continue
        actor = line[m.start("actor") : m.end("actor")].strip(" :*")
        words = actor.split()
        if not words or len(words) > max_words:
            continue
        first = words[0]
        if first[:1].isupper() or fold(first) in {fold(w) for w in role_words()}:
            return actor
    return ""


def is_intro(text: str) -> bool:
    """True for a paragraph that introduces items ("Based on the findings…", "…as follows:")."""
    low = folded(text)
    return low.endswith(":") or bool(search(FILE, "intro", low))
