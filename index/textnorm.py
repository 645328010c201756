"""Text normalisation shared by the lexical index, queries, glossary and snippets.

Accent folding (é → e, œ → oe), French elision split (l'OIT → oit), stop words dropped and a
Snowball French stemmer, so "recommandations", "Recommandé" and "recommander" meet on one stem.
The same function runs on indexed text and on queries, which is what makes them match.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

import snowballstemmer

_WORD = re.compile(r"[^\W_]+", re.UNICODE)
# French elided articles and pronouns glued by an apostrophe: l'OIT, d'esclavage, qu'il
_ELISION = {"l", "d", "j", "m", "n", "s", "t", "c", "qu", "jusqu", "lorsqu", "puisqu", "quoiqu"}

# Small FR + EN stop lists (already folded): words that carry no retrieval signal and that
# would otherwise make OR queries match nearly every chunk (slow and noisy).
_STOP_TEXT = """
    a au aux avec ce ces cet cette dans de des du elle en et est etre eu il ils je la le les leur
    leurs lui mais me meme mes moi mon ne nos notre nous on ont ou par pas pour qu que qui sa se
    ses si son sont sur ta te tes toi ton tu un une vos votre vous y ete etait sera ainsi aussi
    comme donc dont entre lors plus tres tout tous toute toutes peu cela ceci celle celui ceux
    quel quelle quels quelles quoi afin chez sans sous vers selon apres avant alors car ni or
    the of and to in for on by with from at as is are was were be been being an this that these
    those it its or not no but which who whom what when where how why than then there their
    they them we our you your he she his her has have had do does did can could should would
    may might will shall about into over under between also any all some such other
    """
STOPWORDS = frozenset(_STOP_TEXT.split())

_stemmer = snowballstemmer.stemmer("french")


def fold(text: str) -> str:
    """Lower-case and strip accents; ligatures become two letters (œ → oe)."""
    text = text.lower().replace("œ", "oe").replace("æ", "ae").replace("ß", "ss")
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def words(text: str) -> list[str]:
    """Lower-cased word tokens in order, elisions split off and dropped (keeps accents)."""
    out: list[str] = []
    for match in _WORD.finditer(text.lower()):
        word = match.group()
        if word in _ELISION and match.end() < len(text) and text[match.end()] in "'’`":
            continue
        out.append(word)
    return out


@lru_cache(maxsize=200_000)
def stem(word: str) -> str:
    """Snowball French stem of a lower-case word, accent-folded afterwards."""
    # Stem first: the French stemmer uses accents (é, è) in its suffix rules.
    return fold(_stemmer.stemWord(word))


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


def word_spans(text: str) -> list[tuple[int, int, str]]:
    """(start, end, stem) for each word of `text`, used to highlight matches in snippets."""
    return [(m.start(), m.end(), stem(m.group().lower())) for m in _WORD.finditer(text)]
