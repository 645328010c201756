"""Passages coded once for answer-first rescoring: stem ids, answer-type codes, folded words.

Every search rescores its 40 best candidates, and the same passages come back query after
query. What a passage offers independently of the query is computed once per text and
cached: its tokens, each token's stem as an integer id (ids are interned per process), each
token's answer-type code, and its folded word set. Scoring a passage against a query is then
a table lookup over the ids (`numpy` indexing) instead of a dictionary walk over its words.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from .textnorm import PASSAGE_TOKENS, STOPWORDS, WORD, Tokens, fold, word_stems

QUANTITY, DATE, NAME = "quantity", "date", "name"
KIND_CODES = {QUANTITY: 1, DATE: 2, NAME: 3}  # 0 = a token that answers nothing

# stems of at least this many letters that share them are taken for one word across
# English and French (accents folded); shorter prefixes join unrelated words
COGNATE_PREFIX = 6


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


_MONTHS = _words(
    "janvier fevrier mars avril mai juin juillet aout septembre octobre novembre decembre"
    " january february march april may june july august september october november december"
    " jan feb mar apr jun jul aug sep sept oct nov dec"
)
_YEAR = re.compile(r"^(19|20)\d\d$")
# a contents line: a title, a leader of dots or underscores, a page number
_LEADER = re.compile(r"(?:\.\s?){4,}\s*\d{1,4}\b|_{4,}\s*\d{1,4}\b|…{2,}\s*\d{1,4}\b")
CONTENTS_LINES = 3  # leaders a passage holds to read as a table of contents
# a reference entry: "Author (2022b).", "Author, 2008, Title", a web address or a DOI
_REFERENCE = re.compile(
    r"\((?:19|20)\d\d[a-z]?\)[.,:]|,\s(?:19|20)\d\d[a-z]?(?:[,.]\s|\.?$)|(?:https?://|\bwww\.)\S+|\bdoi\b",
    re.I | re.M,
)
REFERENCE_ENTRIES = 3  # entries a passage holds to read as a reference list…
REFERENCE_DENSITY = 0.05  # …and at least this many per word (one every 20 words)


@lru_cache(maxsize=100_000)
def folded(word: str) -> str:
    """A word lower-cased and accent-folded."""
    return fold(word.lower())


@lru_cache(maxsize=100_000)
def kind_of(word: str) -> str:
    """The answer type a word can serve on its own ('' = none; names need their context)."""
    tok = folded(word)
    if tok.isdigit():
        return DATE if _YEAR.match(tok) else QUANTITY
    if tok in _MONTHS:
        return DATE
    return NAME if word[0].isupper() and tok not in STOPWORDS else ""


class _Stems:
    """Stem → id, interned for the process, and the ids of the stems under each prefix."""

    def __init__(self) -> None:
        self.ids: dict[str, int] = {}
        self.by_prefix: dict[str, list[int]] = {}
        self._lock = threading.Lock()

    def id_of(self, stem: str) -> int:
        found = self.ids.get(stem)
        if found is None:
            with self._lock:
                found = self.ids.get(stem)
                if found is None:
                    found = self.ids[stem] = len(self.ids)
                    if len(stem) >= COGNATE_PREFIX:
                        self.by_prefix.setdefault(stem[:COGNATE_PREFIX], []).append(found)
        return found


STEMS = _Stems()


@dataclass(frozen=True)
class CodedPassage:
    """A passage's tokens, stem ids and answer-type codes (one per token), folded words."""

    tokens: Tokens
    ids: np.ndarray  # int32 stem id per token
    kinds: np.ndarray  # int8 answer-type code per token (KIND_CODES, 0 = none)
    words: frozenset[str]  # folded words, for exact-token matches
    top: int  # the largest stem id (-1 for no words)
    # a list that points to answers and states none: a table of contents or of figures (dot
    # leaders), or a reference list (citations)
    listing: bool = False


@lru_cache(maxsize=PASSAGE_TOKENS)
def coded(text: str) -> CodedPassage:
    """The coded form of a passage (cached by text; shared, so read-only)."""
    tokens = word_stems(text)
    ids = np.fromiter(map(STEMS.id_of, tokens.stems), dtype=np.int32, count=len(tokens.stems))
    kinds = np.zeros(len(tokens.words), dtype=np.int8)
    for i, word in enumerate(tokens.words):
        kind = kind_of(word)
        if kind == NAME and i and tokens.gaps[i].strip()[-1:] in (".", ":"):
            kind = ""  # a capital after a full stop starts a sentence, it names nothing
        if kind:
            kinds[i] = KIND_CODES[kind]
    ids.setflags(write=False)
    kinds.setflags(write=False)
    top = int(ids.max()) if len(ids) else -1
    listing = len(_LEADER.findall(text, 0, 20_000)) >= CONTENTS_LINES
    if not listing:
        entries = len(_REFERENCE.findall(text, 0, 20_000))
        listing = entries >= REFERENCE_ENTRIES and entries >= REFERENCE_DENSITY * len(ids)
    return CodedPassage(tokens, ids, kinds, frozenset(map(folded, tokens.words)), top, listing)


@lru_cache(maxsize=4096)
def context_words(context: str) -> frozenset[str]:
    """Folded words of a passage's context (its document's title and file name)."""
    return frozenset(folded(t) for t in WORD.findall(context))


def group_table(group_of: Mapping[str, int], prefixes: Mapping[str, int]) -> np.ndarray:
    """Stem id → the query's concept group (-1 = none) for every stem interned so far.

    A stem of the query maps to its group; any other stem of `COGNATE_PREFIX` letters or more
    maps to the group whose cognate prefix it starts with."""
    size = len(STEMS.ids)
    table = np.full(size, -1, dtype=np.int32)
    for prefix, g in prefixes.items():
        ids = np.array(STEMS.by_prefix.get(prefix, ()), dtype=np.int32)
        table[ids[ids < size]] = g  # a stem interned meanwhile waits for the next table
    for stem, g in group_of.items():
        found = STEMS.ids.get(stem)
        if found is not None and found < size:
            table[found] = g
    return table
