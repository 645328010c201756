"""Text normalisation shared by the lexical index, queries, glossary and snippets.

Accent folding (é → e, œ → oe), French elision split (l'OIT → oit), stop words dropped and a
Snowball French stemmer, so "recommandations", "Recommandé" and "recommander" meet on one stem.
The same function runs on indexed text and on queries, which is what makes them match.
`fold` and `STOPWORDS` live in `ingest.vocab` (the readers and the extractor use them too).
"""

from __future__ import annotations

import re
import threading
from functools import lru_cache
from typing import NamedTuple

import snowballstemmer

from ingest.vocab import STOPWORDS, fold

__all__ = [
    "STOPWORDS",
    "WORD",
    "Tokens",
    "fold",
    "normalise",
    "stem",
    "terms",
    "word_stems",
    "words",
]

# a word: a run of letters and digits; every tokeniser of the search side uses this one
WORD = re.compile(r"[^\W_]+", re.UNICODE)
# French elided articles and pronouns glued by an apostrophe: l'OIT, d'esclavage, qu'il
_ELISION = {"l", "d", "j", "m", "n", "s", "t", "c", "qu", "jusqu", "lorsqu", "puisqu", "quoiqu"}

# a Snowball stemmer keeps its word in instance state: one per thread (the API's search
# threads share this module; a shared one raised IndexError under concurrent requests)
_local = threading.local()


def _stemmer() -> snowballstemmer.stemmer:
    stemmer = getattr(_local, "stemmer", None)
    if stemmer is None:
        stemmer = _local.stemmer = snowballstemmer.stemmer("french")
    return stemmer


def words(text: str) -> list[str]:
    """Lower-cased word tokens in order, elisions split off and dropped (keeps accents)."""
    out: list[str] = []
    for match in WORD.finditer(text.lower()):
        word = match.group()
        if word in _ELISION and match.end() < len(text) and text[match.end()] in "'’`":
            continue
        out.append(word)
    return out


@lru_cache(maxsize=200_000)
def stem(word: str) -> str:
    """Snowball French stem of a lower-case word, accent-folded afterwards."""
    # Stem first: the French stemmer uses accents (é, è) in its suffix rules.
    return fold(_stemmer().stemWord(word))


def terms(text: str, *, keep_stopwords: bool = False) -> list[str]:
    """Normalised index terms of a text, in order."""
    out = []
    for word in words(text):
        folded = fold(word)
        if not keep_stopwords and (folded in STOPWORDS or len(folded) < 2 and not folded.isdigit()):
            continue
        out.append(stem(word))
    return out


def normalise(text: str) -> str:
    """The string stored in the FTS5 table: terms joined by spaces."""
    return " ".join(terms(text))


@lru_cache(maxsize=200_000)
def _stem_of(word: str) -> str:
    """The stem of a word as printed (cached: the same words recur in every passage)."""
    return stem(word.lower())


class Tokens(NamedTuple):
    """A text's words as printed, their stems and the text around them: `gaps[i]` precedes
    `words[i]` (one more gap than words), so offsets follow from the lengths."""

    words: tuple[str, ...]
    stems: tuple[str, ...]
    gaps: tuple[str, ...]

    def offset(self, i: int) -> int:
        """Character offset of word `i` in the text (`len(words)`: the end of the text)."""
        return sum(map(len, self.gaps[: i + 1])) + sum(map(len, self.words[:i]))


# Passages tokenised lately, by text. Every search rescores its 40 best candidates, builds
# snippets of its hits and compares them for near-duplicates; the same passages come back
# query after query, and tokenising them was a third of a search's CPU. About 13 kB per
# 1,000-character passage, so 2,048 entries hold some 30 MB.
PASSAGE_TOKENS = 2048


@lru_cache(maxsize=PASSAGE_TOKENS)
def word_stems(text: str) -> Tokens:
    """The words of `text` with their stems, tokenised and stemmed in C-level loops (cached
    by text: the result is shared, hence tuples).

    Reranking, snippets and near-duplicate checks read the same candidates; positions are
    word indexes, and `Tokens.offset` gives a word's place in the text when needed."""
    found = WORD.findall(text)
    return Tokens(tuple(found), tuple(map(_stem_of, found)), tuple(WORD.split(text)))
