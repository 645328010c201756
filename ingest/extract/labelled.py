"""Labels and actor prefixes at the start of an item: "LA.1.", "BP.2", "1.", "a)", "OIM : …".

The label is stripped from the item text and kept apart; a short actor name before a colon
("OIM :", "Caritas / Croix-Rouge :") is the addressee of a recommendation.
"""

from __future__ import annotations

import re
import unicodedata

from ..records import GOOD_PRACTICE, LESSON, RECOMMENDATION
from ..vocab import BULLETS, bullet_pattern

_KIND_LABEL = re.compile(
    r"^\s*(?P<label>(?P<tag>LA|LL|BP|GP|Rec|R|L|Le[çc]on|Lesson|Bonne pratique)\s*[.\-°n]*\s*"
    r"(?P<num>\d{1,2}))\s*[.:)\-–]?\s+",
    re.I,
)
_NUM_LABEL = re.compile(r"^\s*(?P<label>\(?(\d{1,2}|[a-hA-H]|[ivx]{1,4})[.)])\s+(?=\S)")
# any bullet, and a Wingdings "ü" / "§" even glued to the word ("üLa Cour"); "o" before a space
_BULLET = re.compile(r"^\s*(" + bullet_pattern(BULLETS | {"ü", "§"}, letters="o") + r")\s*")
_ACTOR = re.compile(
    r"^\s*(\*\*)?\s*(?P<actor>[A-ZÉÈ][\w'’.\-]*(?:\s*(?:/|,|&|et|and)\s*[A-ZÉÈ][\w'’.\-]*"
    r"(?:\s+[A-Z][\w'’.\-]*)?)*(?:\s+[A-Z][\w'’.\-]+)?)\s*(\*\*)?\s*:\s*(\*\*)?\s*(?P<rest>.+)$",
    re.S,
)
_TAG_KIND = {
    "la": LESSON,
    "ll": LESSON,
    "l": LESSON,
    "leçon": LESSON,
    "lecon": LESSON,
    "lesson": LESSON,
    "bp": GOOD_PRACTICE,
    "gp": GOOD_PRACTICE,
    "bonne pratique": GOOD_PRACTICE,
    "rec": RECOMMENDATION,
    "r": RECOMMENDATION,
}
# Words that look like an actor before a colon but introduce content instead
_NOT_ACTORS = {
    "notamment",
    "exemple",
    "note",
    "nb",
    "objectif",
    "activités",
    "résultat",
    "recommandation",
    "recommandations",
    "constat",
    "contexte",
    "source",
    "remarque",
    "leçon",
    "lesson",
    "bonne",
    "pratique",
    "the",
    "le",
    "la",
    "les",
    "en",
    "au",
}


def kind_label(text: str) -> tuple[str, str, str] | None:
    """(kind, label, rest) for "LA.1. …", "BP.2 …", "Rec 3: …"; None otherwise."""
    m = _KIND_LABEL.match(text)
    if not m:
        return None
    tag = m.group("tag").lower()
    kind = _TAG_KIND.get(tag)
    if kind is None:
        return None
    label = re.sub(r"\s+", "", m.group("tag")) + "." + m.group("num")
    return kind, label, text[m.end() :].strip()


def strip_marker(text: str) -> tuple[str, str]:
    """(label, rest): a leading "1." / "a)" becomes the label, a bullet is dropped."""
    m = _NUM_LABEL.match(text)
    if m:
        return m.group("label").strip("().").strip(), text[m.end() :].strip()
    b = _BULLET.match(text)
    if b and b.end() < len(text):
        return "", text[b.end() :].strip()
    return "", text.strip()


def actor_prefix(text: str, bold_prefix: str = "") -> tuple[str, str]:
    """(actor, rest) when the text opens with a short actor name and a colon, else ("", text)."""
    source = text
    m = _ACTOR.match(source)
    if not m:
        return "", text
    actor = m.group("actor").strip(" *")
    words = actor.replace("/", " ").split()
    if not words or len(actor) > 40 or len(words) > 5:
        return "", text
    if actor.lower() in _NOT_ACTORS or words[0].lower() in _NOT_ACTORS:
        return "", text
    # an actor is a name or acronym: every word capitalised, or at least one acronym
    caps = sum(1 for w in words if w[:1].isupper() or w.lower() in {"et", "and", "&"})
    if caps < len(words) and not any(w.isupper() and len(w) >= 2 for w in words):
        return "", text
    if bold_prefix and actor.lower() not in bold_prefix.lower() and not words[0].isupper():
        return "", text
    return actor, m.group("rest").strip().strip("*").strip()


def clean_text(text: str) -> str:
    """Drop markdown emphasis and collapse white space."""
    text = text.replace("**", "").replace("__", "")
    return " ".join(text.split())


def starts_lower(text: str) -> bool:
    """True when text opens with a lower-case letter: a sentence cut by a page or column break.

    Superscript letters ("ⁱ UN Department…") open footnotes and endnotes, not continuations.
    """
    first = text[:1]
    return first.islower() and not unicodedata.decomposition(first).startswith("<super>")
