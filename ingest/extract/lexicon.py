"""The extractor's vocabulary, read once from the data files in `ingest/extract/data/`.

Section names, lead-in phrases, organisations, firms, countries, document types, addressee
role words and management-response cues live in tab-separated files with general entries
only (no string of one document); this module compiles them. Patterns of the section,
lead-in and response files match text folded to lower case without accents (`folded`).
"""

from __future__ import annotations

import re
from functools import cache
from importlib import resources

from ..vocab import fold

DATA = "data"


def folded(text: str) -> str:
    """Lower case, accents and ligatures removed, spaces collapsed ("Leçons  tirées" → ...)."""
    return " ".join(fold(text).split())


@cache
def rows(name: str) -> tuple[tuple[str, ...], ...]:
    """The rows of one data file: tab-separated cells, '#' comment and blank lines skipped."""
    text = resources.files(__package__).joinpath(DATA, name).read_text(encoding="utf-8")
    out = []
    for line in text.splitlines():
        if line.strip() and not line.startswith("#"):
            out.append(tuple(cell.strip() for cell in line.split("\t")))
    return tuple(out)


@cache
def patterns(name: str, role: str) -> tuple[re.Pattern[str], ...]:
    """Compiled patterns of one role in a `role <TAB> regex` file."""
    return tuple(re.compile(r[1], re.I) for r in rows(name) if r[0] == role)


def search(name: str, role: str, text: str) -> re.Match[str] | None:
    """The earliest match of any pattern of `role` in `text` (already folded), or None."""
    hits = [m for p in patterns(name, role) if (m := p.search(text))]
    return min(hits, key=lambda m: m.start()) if hits else None


@cache
def organisations() -> tuple[tuple[str, str], ...]:
    """(name, role) of every known organisation, in file order."""
    return tuple((r[0], r[1]) for r in rows("organisations.tsv"))


def organisation_names(*roles: str) -> tuple[str, ...]:
    """Names of the organisations of the given roles (all roles when none is given)."""
    return tuple(n for n, r in organisations() if not roles or r in roles)


@cache
def organisation_alternation() -> str:
    """Regex alternation of every known organisation: acronyms exact, names in any case."""
    names = sorted(organisation_names(), key=len, reverse=True)
    return "|".join(re.escape(n) if n.isupper() else "(?i:" + re.escape(n) + ")" for n in names)


@cache
def organisation_pattern() -> re.Pattern[str]:
    """One regex finding any known organisation name or acronym as a whole word."""
    return re.compile(r"(?<![\w-])(" + organisation_alternation() + r")(?![\w-])")


@cache
def firm_pattern() -> re.Pattern[str]:
    """A consultancy or firm: one to three capitalised words and a firm word ("X Consulting")."""
    words = "|".join(re.escape(r[0]) for r in rows("firms.tsv"))
    return re.compile(r"\b((?:[A-Z][\w&'’-]+\s){1,3}(?:" + words + r"))\b")


@cache
def countries() -> tuple[tuple[str, str], ...]:
    """(name as written, canonical name) of every known country."""
    return tuple((r[0], r[1]) for r in rows("countries.tsv"))


@cache
def doc_type_patterns(field: str) -> tuple[tuple[str, str], ...]:
    """(value, regex source) pairs of one field of doctypes.tsv (type, timing, mode)."""
    return tuple((r[1], r[2]) for r in rows("doctypes.tsv") if r[0] == field)


@cache
def role_words() -> frozenset[str]:
    """Lower-case words that open an addressee's name ("maire", "ministre", …)."""
    return frozenset(r[0] for r in rows("roles.tsv"))
