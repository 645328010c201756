"""The shared text vocabulary: bullets, accent folding, table captions, stop words, `BBox`.

At the bottom of the project: it imports nothing from it, so the readers, the extractor
(`ingest/extract/`) and the index (`index/textnorm.py`) all read the same words the same way.
Where callers need different strictness the variants are named here side by side
(`CAPTION` / `NUMBERED_CAPTION` / `LOOSE_CAPTION`, `fold` with or without ligatures,
`ascii_fold`, `STOPWORDS` / `SHORT_STOPWORDS`) rather than copied into each caller.
"""

from __future__ import annotations

import re
import unicodedata

BBox = tuple[float, float, float, float]  # x0, top, x1, bottom in PDF points, origin top-left

# --- Bullets ------------------------------------------------------------------------------

# Private-use bullets from Symbol/Wingdings fonts, mapped to what a reader sees.
PUA_BULLETS = {
    "\uf0b7": "•",
    "\uf0a7": "▪",
    "\uf0d8": "➢",
    "\uf076": "❖",
    "\uf0fc": "✓",
    "\uf0a8": "▪",
    "\uf06e": "■",
    "\uf0e8": "➔",
    "\uf02d": "-",
}
# Wingdings glyphs that text extraction reports as Latin letters ("ü" is the check mark):
# bullets only when the word's font is a dingbat font.
DINGBAT_BULLETS = {"ü": "✓", "§": "▪", "Ø": "➢", "v": "❖", "q": "❑", "n": "■", "l": "●", "ð": "➔"}
# Every bullet glyph a reader or the extractor accepts, letters aside (LETTER_BULLETS). The
# extractor matches bullets left inside paragraph text ("ü La Cour …") against this set.
BULLETS = frozenset("-–—•▪◦●○■□☐☒❑➢➤►❖✓✔➔→‣⁃·*+") | frozenset(PUA_BULLETS)
# Letters used as bullets: "o" (the hollow bullet of Word lists) and "ü" (the Wingdings check
# mark read as text) count only before a space; the extractor's labels also drop a "§".
LETTER_BULLETS = frozenset("oü§")
PUA_RANGE = "\uf000-\uf0ff"  # Symbol/Wingdings code points: in a table cell, taken as bullets

# What each reader takes for a list marker at the start of a line: subsets of the above.
# They stay narrower on purpose: with the whole set, "☐ / ☒" form checkboxes, "→ Résultat"
# arrows, "·" and a "+" that wraps to a line start would become list items, and the corpus
# documents would read differently (blocks, chunks) from one release to the next.
PDF_LINE_BULLETS = frozenset("-–—•▪◦●■□➢►❖✓➔*·o") | frozenset(PUA_BULLETS)  # first word
TEXT_BULLETS = frozenset("-•▪◦●■□☐☒*+–✓✔➢►o")  # text and Markdown lines ("o" before a space)
DOCX_BULLETS = frozenset("-•▪◦●■–o")  # typed by hand at the start of a Word paragraph
CELL_BULLETS = frozenset("•●▪■◦○·‣⁃➢➤✓✔►-–—*o")  # a table cell holding only a bullet


def _class(glyphs: frozenset[str]) -> str:
    """A regex character class for a set of glyphs, in a stable order."""
    return "[" + "".join(re.escape(g) for g in sorted(glyphs)) + "]"


def bullet_pattern(glyphs: frozenset[str] = BULLETS, letters: str = "oü") -> str:
    """Regex source for one bullet: a glyph of `glyphs`, or one of `letters` before a space."""
    signs = _class(glyphs - set(letters))
    return f"(?:{signs}|[{letters}](?=\\s))" if letters else signs


# A bullet at the start of a text, with the spaces after it.
BULLET_RE = re.compile(r"^\s*(" + bullet_pattern() + r")\s+")


def normalise_bullet(glyph: str, font: str = "") -> str:
    """The bullet a reader shows for a glyph: Symbol/Wingdings private-use code points mapped
    to what they draw ("•" when unknown); in a dingbat `font`, letters too ("ü" → "✓")."""
    if len(glyph) == 1 and "\uf000" <= glyph <= "\uf0ff":
        return PUA_BULLETS.get(glyph, "•")
    if "dings" in font.lower() and glyph in DINGBAT_BULLETS:
        return DINGBAT_BULLETS[glyph]
    return glyph


def starts_with_bullet(text: str) -> bool:
    """True when the text opens with a bullet followed by a space ("ü La Cour …", "- item")."""
    return bool(BULLET_RE.match(text))


# --- Accent folding -----------------------------------------------------------------------

_LIGATURES = str.maketrans({"œ": "oe", "æ": "ae", "ß": "ss"})


def fold(text: str, *, ligatures: bool = True) -> str:
    """Lower-case and strip accents (NFKD, combining marks dropped): "Évalué" → "evalue".

    Ligatures become two letters (œ → oe) unless `ligatures=False`, which keeps them: item
    ids and duplicate detection were built that way and must not change.
    """
    text = text.lower()
    if ligatures:
        text = text.translate(_LIGATURES)
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def ascii_fold(text: str) -> str:
    """Lower-case, NFKD, every non-ASCII character dropped ("Côte d’Ivoire" → "cote divoire")."""
    return unicodedata.normalize("NFKD", text.lower()).encode("ascii", "ignore").decode()


# --- Table captions -----------------------------------------------------------------------

# A paragraph opening with the word "Tableau" / "Table" (text and Word readers).
CAPTION = re.compile(r"^(tableau|table)\b", re.I)
# "Tableau 3", "Table n° 2", "Tab. 4": a numbered caption (PDF paragraphs next to a table).
NUMBERED_CAPTION = re.compile(r"^(tableau|table|tab\.)\s*(n°|no\.?)?\s*\d+", re.I)
# A PDF line just above or below a table that starts like a caption ("Tableaux …" too).
LOOSE_CAPTION = re.compile(r"^(tableau|table|tab\.)\s*[\dIVXivx]*\s*[:.\-–—]?", re.I)
TABLE_CAPTION_MAX = 300  # characters of a caption paragraph kept as the table's caption

# --- Stop words ---------------------------------------------------------------------------

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
STOPWORDS = frozenset(_STOP_TEXT.split())  # for search (index/textnorm.py)
# The shorter list ignored when comparing two item texts (ingest/extract/dedupe.py).
_SHORT_STOP_TEXT = """
    le la les de des du et à a au aux en un une pour par dans sur que qui est sont ce ces cette
    il elle the of and to in for on is are be with
    """
SHORT_STOPWORDS = frozenset(_SHORT_STOP_TEXT.split())
