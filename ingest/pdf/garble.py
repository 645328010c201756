"""Is a page's text layer garbled? A cheap test on the words pdfplumber extracted.

A font without a usable Unicode map gives either `(cid:NN)` tokens or letters that are not
the ones drawn: the subset font numbers its glyphs in order of use, so "Rapport d'évaluation"
comes out as `efgghij klmnfopfjqhr` — a substitution cipher of the real text. Two cheap
signals tell such text from real French or English, without a language model:

- the share of words that are common French or English function words
  (`data/common_words.txt`): 25-60 % in running text, a few % in a cipher;
- the share of letter pairs that dictionary words almost never contain
  (`data/letter_pairs.txt`, from Tesseract's French and English word lists): under 6 % on
  every page of the shared corpus (tables, name lists and statistics included), 10-60 % in
  a cipher of the same pages.

`bench/garble_detect.py` measures both on the shared PDFs and on ciphered copies of them.
A font judged garbled on one page is remembered, so a short page (a title, a caption) set in
the same font is caught too.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from ..vocab import ascii_fold

DATA = Path(__file__).with_name("data")
MIN_TOKENS = 8  # fewer words of two letters or more: too little to judge a page alone
RARE_PAIR = 2e-4  # a letter pair in fewer than this share of dictionary pairs is "rare"
RARE_SHARE = 0.08  # pages with more rare pairs than this look ciphered...
WORD_SHARE = 0.15  # ...when common words are also scarce,
RARE_SURE = 0.14  # ...or whatever the words, past this share of rare pairs
_TOKEN = re.compile(r"[^\W\d_]+")
_CID = re.compile(r"\(cid:\d+\)")
_NOT_GARBAGE = re.compile(r"[\s\d.…_\-–—,;:()%/']+")


def _lines(name: str) -> Iterable[str]:
    for line in (DATA / name).read_text(encoding="utf-8").splitlines():
        if line and not line.startswith("#"):
            yield line


@lru_cache(maxsize=1)
def common_words() -> frozenset[str]:
    """French and English function words, ASCII-folded."""
    return frozenset(_lines("common_words.txt"))


@lru_cache(maxsize=1)
def rare_pairs() -> frozenset[str]:
    """Letter pairs (with `^`/`$` for word edges) that dictionary words almost never hold."""
    counts = {}
    for line in _lines("letter_pairs.txt"):
        pair, count = line.split()
        counts[pair] = int(count)
    floor = RARE_PAIR * sum(counts.values())
    letters = "^abcdefghijklmnopqrstuvwxyz$"
    every = {a + b for a in letters[:-1] for b in letters[1:] if (a, b) != ("^", "$")}
    return frozenset(p for p in every if counts.get(p, 0) < floor)


@dataclass(frozen=True)
class Verdict:
    """What the test saw on one page's words."""

    tokens: int  # words of two letters or more
    word_share: float  # share of them that are common function words
    rare_share: float  # share of their letter pairs that words almost never contain

    @property
    def judged(self) -> bool:
        """Enough words to decide on this page alone."""
        return self.tokens >= MIN_TOKENS

    @property
    def ciphered(self) -> bool:
        """Letters that are not the ones drawn (judged pages only)."""
        if not self.judged or self.rare_share < RARE_SHARE:
            return False
        return self.word_share < WORD_SHARE or self.rare_share >= RARE_SURE


def verdict(texts: Iterable[str]) -> Verdict:
    """Score a page's (or one font's) words."""
    words, rare = common_words(), rare_pairs()
    tokens = hits = pairs = odd = 0
    for text in texts:
        for token in _TOKEN.findall(text):
            folded = ascii_fold(token)
            if len(folded) < 2 or not folded.isalpha():
                continue
            tokens += 1
            hits += folded in words
            marked = f"^{folded}$"
            pairs += len(marked) - 1
            odd += sum(a + b in rare for a, b in zip(marked, marked[1:], strict=False))
    return Verdict(tokens, hits / tokens if tokens else 0.0, odd / pairs if pairs else 0.0)


def unmapped(words: list[dict[str, Any]]) -> bool:
    """Many `(cid:NN)` tokens, or mostly non-letters: no usable Unicode map at all."""
    text = "".join(w["text"] for w in words)
    cids = len(_CID.findall(text))
    if cids >= max(5, 0.2 * len(words)):
        return True
    # Dot leaders, numbers and dashes are not garbage (a table of contents is mostly that).
    rest = _NOT_GARBAGE.sub("", text)
    letters = sum(c.isalpha() for c in rest)
    return len(rest) >= 200 and letters < 0.5 * len(rest)


@dataclass
class GarbleCheck:
    """Per-document test: remembers the fonts found garbled on earlier pages."""

    bad_fonts: set[str] = field(default_factory=set)

    def garbled(self, words: list[dict[str, Any]]) -> bool:
        """True when the page's text layer should be replaced by OCR."""
        if unmapped(words):
            return True
        by_font: dict[str, list[str]] = {}
        for w in words:
            by_font.setdefault(str(w.get("fontname", "")), []).append(w["text"])
        page = verdict(w["text"] for w in words)
        if page.judged:
            if page.ciphered:  # remember the fonts that carry the cipher
                self.bad_fonts |= {f for f, t in by_font.items() if verdict(t).ciphered}
            return page.ciphered
        if not self.bad_fonts or not page.tokens:
            return False
        in_bad = verdict(t for f, ts in by_font.items() if f in self.bad_fonts for t in ts)
        return in_bad.tokens * 2 >= page.tokens
