"""Bilingual EN↔FR glossary of evaluation vocabulary, used to expand queries across languages.

The default embedding model is English-only and the corpus mostly French, so a query's
glossary terms are matched (on normalised stems, longest phrase first) and their
translations added: as extra OR phrases for FTS5 and as extra words for the dense query.
The data file `index/data/glossary_en_fr.tsv` names its sources in its header.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from .textnorm import terms

GLOSSARY_PATH = Path(__file__).parent / "data" / "glossary_en_fr.tsv"
# two or more capitalised words joined by hyphens (not acronyms: "EU-IOM" stays)
_PROPER_COMPOUND = re.compile(r"\b[A-ZÀ-Ý][a-zà-ÿ]+(?:-[A-ZÀ-Ý][a-zà-ÿ]+)+\b")


@dataclass(frozen=True)
class Expansion:
    """What a query gains from the glossary."""

    phrases: tuple[tuple[str, ...], ...]  # normalised term sequences to add to the FTS query
    words: tuple[str, ...]  # surface forms to append to the dense query
    # per matched entry, the stems of all its variants (the query's own among them): one
    # concept for answer-first rescoring
    groups: tuple[frozenset[str], ...] = ()


class Glossary:
    """Entries of variants in both languages, indexed by their normalised term sequences."""

    def __init__(self, entries: Sequence[tuple[Sequence[str], Sequence[str]]]) -> None:
        self.entries = [(tuple(en), tuple(fr)) for en, fr in entries]
        # normalised form of every variant, computed once (expansion runs per query)
        self._keys = [[(tuple(terms(v)), v) for v in (*en, *fr)] for en, fr in self.entries]
        # key: normalised phrase → list of entry indexes it belongs to
        self._index: dict[tuple[str, ...], list[int]] = {}
        for i, (en, fr) in enumerate(self.entries):
            for variant in (*en, *fr):
                key = tuple(terms(variant))
                if key:
                    self._index.setdefault(key, []).append(i)
        self.max_len = max((len(k) for k in self._index), default=0)

    def __len__(self) -> int:
        return len(self.entries)

    @classmethod
    def load(cls, path: Path = GLOSSARY_PATH) -> Glossary:
        """Read the TSV: `english<TAB>french[<TAB>category]`, variants separated by ' | '."""
        entries = []
        for line in path.read_text(encoding="utf-8").splitlines():
            if not line.strip() or line.startswith("#"):
                continue
            cols = line.split("\t")
            if len(cols) < 2 or cols[0] == "en":
                continue
            en = [v.strip() for v in cols[0].split("|") if v.strip()]
            fr = [v.strip() for v in cols[1].split("|") if v.strip()]
            if en and fr:
                entries.append((en, fr))
        return cls(entries)

    def expand(self, query: str) -> Expansion:
        """Translations (both directions) of the glossary phrases found in the query.

        Hyphenated proper names ("Cap-Vert", "Guinée-Bissau") are names, not vocabulary:
        their parts are not looked up ("Vert" is no colour there)."""
        qterms = terms(_PROPER_COMPOUND.sub(" ", query))
        found: list[int] = []
        matched: set[tuple[str, ...]] = set()
        i = 0
        while i < len(qterms):
            for n in range(min(self.max_len, len(qterms) - i), 0, -1):
                key = tuple(qterms[i : i + n])
                if key in self._index:
                    found += self._index[key]
                    matched.add(key)
                    i += n
                    break
            else:
                i += 1
        phrases: list[tuple[str, ...]] = []
        words: list[str] = []
        groups: list[frozenset[str]] = []
        for idx in dict.fromkeys(found):
            groups.append(frozenset(t for key, _ in self._keys[idx] for t in key))
            for key, variant in self._keys[idx]:
                if key and key not in matched and key not in phrases:
                    phrases.append(key)
                    words.append(variant)
        return Expansion(tuple(phrases), tuple(words), tuple(groups))


@lru_cache(maxsize=1)
def default_glossary() -> Glossary:
    """The shipped glossary (loaded once)."""
    return Glossary.load()
