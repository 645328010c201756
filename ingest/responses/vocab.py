"""The response reader's vocabulary, read once from `data/labels.tsv` and `data/words.tsv`.

Field labels (recommendation, management response, key actions, deadline, responsible,
status, comments…), verdict words, template instructions and time phrases live in the data
files, English and French, general words only. Patterns match `folded` text: lower case,
accents dropped, one character for one, so a match's span is also the original's span.
"""

from __future__ import annotations

import re
import unicodedata
from functools import cache
from importlib import resources

DATA = "data"
BLOCK_ROLES = ("number", "recommendation", "addressee", "priority", "response")
ACTION_ROLES = ("actions", "deadline", "responsible", "status", "comments")
_OPTION_PREFIX = re.compile(r"^(?:partially|partly|fully|not|non|partiellement|totalement)\s+")


def folded(text: str) -> str:
    """`text` in lower case without accents, character for character (same length)."""
    out = []
    for ch in text:
        low = ch.lower()[:1] or ch
        decomposed = unicodedata.normalize("NFKD", low)
        bare = "".join(c for c in decomposed if not unicodedata.combining(c))
        out.append(bare[:1] or low)
    return "".join(out)


@cache
def _rows(name: str) -> tuple[tuple[str, str], ...]:
    text = resources.files(__package__).joinpath(DATA, name).read_text(encoding="utf-8")
    out = []
    for line in text.splitlines():
        if line.strip() and not line.startswith("#"):
            role, _, regex = line.partition("\t")
            out.append((role.strip(), regex.strip()))
    return tuple(out)


@cache
def label_patterns() -> tuple[tuple[str, re.Pattern[str]], ...]:
    """(role, compiled label pattern) of every field label, in file order."""
    return tuple((role, re.compile(regex)) for role, regex in _rows("labels.tsv"))


@cache
def word_patterns(role: str) -> tuple[re.Pattern[str], ...]:
    """Compiled patterns of one role of `words.tsv` (verdict:…, placeholder, timing_…)."""
    return tuple(re.compile(regex) for r, regex in _rows("words.tsv") if r == role)


@cache
def verdict_patterns() -> tuple[tuple[str, re.Pattern[str]], ...]:
    """(verdict, pattern) pairs, in file order."""
    return tuple(
        (r.split(":", 1)[1], re.compile(regex))
        for r, regex in _rows("words.tsv")
        if r.startswith("verdict:")
    )


def first_match(role: str, text: str) -> re.Match[str] | None:
    """The earliest (then longest) match of any pattern of `role` in folded `text`."""
    hits = [m for p in word_patterns(role) for m in [p.search(text)] if m]
    return min(hits, key=lambda m: (m.start(), -m.end())) if hits else None


def is_option_list(text: str) -> bool:
    """True for a template's list of choices: "Accept/Partially Accept/Reject", "open/closed"."""
    inner = folded(text).strip(" ()[]:–-")
    parts = [p.strip() for p in re.split(r"\s*(?:/|\bor\b|\bou\b|,)\s*", inner) if p.strip()]
    if len(parts) < 2:
        return False
    words = word_patterns("option_word")
    return all(any(w.match(_OPTION_PREFIX.sub("", p)) for w in words) for p in parts)


def strip_options(text: str) -> str:
    """`text` without its template option lists and placeholders ("(Time 1)", "[…]")."""
    low = folded(text)
    cuts: list[tuple[int, int]] = []
    for pattern in word_patterns("placeholder"):
        cuts += [m.span() for m in pattern.finditer(low)]
    for pattern in word_patterns("option"):
        cuts += [m.span() for m in pattern.finditer(low) if is_option_list(m.group())]
    for start, end in sorted(cuts, reverse=True):
        text = text[:start] + " " + text[end:]
        low = low[:start] + " " + low[end:]
    return " ".join(text.split())


def is_instruction(text: str) -> bool:
    """True when a cell holds template instructions ("Do not complete this column…") or a
    placeholder value (N/A, TBD, "-"), never data."""
    low = " ".join(folded(text).split())
    return any(p.search(low) for p in word_patterns("instruction"))


def clean(text: str) -> str:
    """A cell or value without placeholders, option lists, instructions or edge punctuation."""
    text = strip_options(text).strip(" :;–—-\u2022")
    return "" if not text or is_instruction(text) else text
