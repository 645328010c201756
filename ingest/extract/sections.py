"""Which headings hold items: lessons, good practices, recommendations, or none.

A heading (or a short run-in line such as "Recommandations :") names the kind of the items
below it (section names in `data/sections.tsv`, English and French); terms of reference,
evaluation matrices, report templates and management responses are excluded so their
instructions ("Formuler des recommandations…") never become items. A heading of another
sort ("Conclusions", "Findings") ends the scope of a parent heading that names items.
"""

from __future__ import annotations

import re

from ..records import GOOD_PRACTICE, LESSON, RECOMMENDATION
from .knobs import DEFAULT_KNOBS, ExtractKnobs
from .lexicon import folded, patterns, search

FILE = "sections.tsv"
KIND_ROLES = (LESSON, GOOD_PRACTICE, RECOMMENDATION)
_NUMBER = re.compile(
    r"^\s*([IVX]+|\d+(\.\d+)*|[A-Z])[.)\-:]?\s+|^\s*(section|chapitre|partie)\s+\w+\s*[:.\-–]?\s*",
    re.I,
)


def strip_number(title: str) -> str:
    """The heading without its number ("5.8. Leçons apprises" → "Leçons apprises")."""
    return _NUMBER.sub("", title)


def kinds_in(text: str) -> tuple[str, ...]:
    """Item kinds a (folded) text names, in the order it names them."""
    found = [(m.start(), kind) for kind in KIND_ROLES if (m := search(FILE, kind, text))]
    return tuple(kind for _, kind in sorted(found))


def heading_kinds(title: str, knobs: ExtractKnobs = DEFAULT_KNOBS) -> tuple[str, ...]:
    """Item kinds a heading announces, in the order named ("Leçons… et bonnes pratiques")."""
    text = folded(strip_number(title))
    if len(text) > knobs.heading_max_chars or search(FILE, "one_item", folded(title)):
        return ()
    if text.rstrip().endswith("?"):  # an evaluation question, not a section of items
        return ()
    return kinds_in(text)


def is_other(title: str) -> bool:
    """True for a heading of another sort (conclusions, findings) that names no item kind."""
    text = folded(strip_number(title))
    return bool(search(FILE, "other", text)) and not kinds_in(text)


def is_mixed(title: str) -> bool:
    """True for a heading naming findings or conclusions beside item kinds ("Findings &
    Recommendations", "Conclusions et recommandations")."""
    text = folded(strip_number(title))
    return bool(search(FILE, "other", text)) and bool(kinds_in(text))


def path_kinds(
    path: tuple[str, ...], knobs: ExtractKnobs = DEFAULT_KNOBS
) -> tuple[tuple[str, ...], str, bool]:
    """(kinds, heading, weak) of the nearest heading on the path naming item kinds; weak when
    a conclusions/findings heading sits between it and the block (entries there may still be
    items, paragraphs are not). ((), '', False) when no heading names a kind."""
    weak = False
    for title in reversed(path):
        kinds = heading_kinds(title, knobs)
        if kinds:
            return kinds, title, weak
        weak = weak or is_other(title)
    return (), "", False


def starts_tor(title: str) -> bool:
    """True for a terms-of-reference heading: everything up to the next annex is excluded."""
    return bool(search(FILE, "tor", folded(title)))


def is_excluded(title: str) -> bool:
    """True for terms of reference, evaluation matrices, templates, contents and responses;
    a heading that names terms of reference among item kinds ("Recommendations to enhance
    terms of reference quality") is not excluded for that."""
    text = folded(title)
    if not search(FILE, "exclude", text):
        return False
    if starts_tor(title) and kinds_in(folded(strip_number(title))):
        rest = search(FILE, "tor", text)
        return bool(rest and search(FILE, "exclude", text.replace(rest.group(0), " ")))
    return True


def is_annex(title: str) -> bool:
    """True for an annex heading, which ends a terms-of-reference exclusion."""
    text = folded(strip_number(title) if title[:1].isdigit() else title)
    return any(p.match(text) for p in patterns(FILE, "annex"))


_RUN_IN = re.compile(
    r"^\s*(\*\*)?([^:.!?]{3,70}?)(\*\*)?\s*(\([A-Za-z]{1,4}\))?\s*:?\s*(\*\*)?\s*$"
)
_RUN_IN_LEAD = re.compile(r"^\s*(\*\*)?([^:.!?]{3,60}?)\s*(\*\*)?\s*:\s*")


def pseudo_heading(text: str, knobs: ExtractKnobs = DEFAULT_KNOBS) -> tuple[str, ...]:
    """Kinds announced by a short heading-like paragraph ("Bonne pratique (BP)")."""
    line = " ".join(text.split())
    if len(line) > knobs.pseudo_heading_max_chars or not _RUN_IN.match(line):
        return ()
    return heading_kinds(line, knobs)


def run_in_heading(text: str, knobs: ExtractKnobs = DEFAULT_KNOBS) -> tuple[str, ...]:
    """Kinds announced by a run-in lead ("Recommandations : Cette évaluation suggère…")."""
    m = _RUN_IN_LEAD.match(text)
    if not m:
        return ()
    lead = m.group(2)
    if len(lead.split()) > knobs.run_in_max_words:
        return ()
    return heading_kinds(lead, knobs)
