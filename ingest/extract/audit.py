"""Labelled items: "Recommandation n°3 :", "Recommendation 2.", "Observation n°6 :",
"Lesson learned #2", "Bonne pratique n°1".

The label may sit alone on its line or open the paragraph; the item runs over the following
paragraphs and list items until a heading or a new, complete paragraph.
"""

from __future__ import annotations

import re

from ..records import GOOD_PRACTICE, LESSON, RECOMMENDATION
from ..vocab import starts_with_bullet
from .labelled import starts_lower

_LABEL = re.compile(
    r"^\s*(?P<label>(?P<word>Recomm?[ae]ndations?|Observation|Lessons?\s+learn(?:ed|t)|Lessons?|"
    r"Le[çc]ons?\s+(?:apprises?|tir[ée]es?)|Le[çc]ons?|(?:Good|Best|Promising)\s+practices?|"
    r"Bonnes?\s+pratiques?)\s*"
    r"(?:n\s*[°º o]\.?|no\.?|num[ée]ro|#)?\s*(?P<num>\d{1,3}))\s*(?:[:.\-–)]|\s(?=[A-Z])|$)\s*",
    re.I,
)


def label_kind(label: str) -> str:
    """The item kind a label names ("Lesson learned #2" → lesson)."""
    low = label.lower()
    if low.startswith(("les", "leç", "lec")):
        return LESSON
    if "pra" in low:
        return GOOD_PRACTICE
    return RECOMMENDATION


_DIRECTIVE = re.compile(
    r"\b(recommande|demande|invite|exhorte|recommends?|should|urges?|doit|devrait)\b", re.I
)


def audit_label(text: str) -> tuple[str, str] | None:
    """(label, rest) for a paragraph opening with an audit recommendation label, else None.

    "Observation n°X" only counts when a directive follows ("La Cour demande…"), since most
    observations are findings, not recommendations.
    """
    m = _LABEL.match(text)
    if not m:
        return None
    rest = text[m.end() :].strip()
    word = m.group("word")
    word = " ".join(word.split())
    if word.lower().startswith(("recommandation", "observation")):
        label = f"{word.capitalize()} n°{m.group('num')}"
    else:  # as printed: "Recommendation 3", "Lesson learned #2", "Bonne pratique n°1"
        label = " ".join(m.group("label").split())
    if word.lower().startswith("observation") and rest and not _DIRECTIVE.search(rest[:200]):
        return None
    if len(rest) > 0 and re.search(r"(\.{4,}|…{2,})\s*\d+\s*$", rest):  # table of contents
        return None
    return label, rest


def needs_directive(label: str) -> bool:
    """Observation labels are items only when the text that follows is a directive."""
    return label.lower().startswith("observation")


def is_directive(text: str) -> bool:
    """True when the text asks someone to act."""
    return bool(_DIRECTIVE.search(text[:250]))


# A section heading ("2.4. Planification", "A- Prévision", "III-Gestion") ends an audit box;
# other heading-styled lines right after the label ("La Cour demande au :") are its text.
_SECTION_NUMBER = re.compile(
    r"^\s*(?:[IVX]+|\d+(?:[.\-]\d+)*|[A-Z])\s*[.)\-–:]|^\s*(?:chapitre|partie|section|annexe)\b",
    re.I,
)
_TERMINAL = re.compile(r"[.!?»)\]]\s*$")


def opens_text(title: str, current: str) -> bool:
    """True when a heading-styled line belongs to the audit recommendation being read.

    It does when the recommendation has no text yet or stops on a colon, or when the line is
    itself a directive ("La Cour demande au …"), and it carries no section number.
    """
    if _SECTION_NUMBER.match(title):
        return False
    return not current or current.rstrip().endswith(":") or is_directive(title)


def continues(current: str, text: str, is_list: bool, level: int, in_list: bool) -> bool:
    """True when a block continues the open audit recommendation whose text so far is current.

    Continuations: the first text after the label, anything after an unfinished sentence or a
    colon, a lower-case start (a line cut by a page break), and list items once a list began.
    A new, complete paragraph after a finished sentence starts ordinary text again.
    """
    if not current or current.rstrip().endswith(":"):
        return True
    if _SECTION_NUMBER.match(text) and not is_list and not current.rstrip().endswith(";"):
        return False  # a section heading the reader left as a paragraph
    if not _TERMINAL.search(current) or current.rstrip().endswith(";"):
        return True
    if starts_lower(text) or starts_with_bullet(text):
        return True
    return is_list and (in_list or level > 0)
