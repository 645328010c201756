"""Which headings hold items: lessons, good practices, recommendations, or none.

A heading (or a short run-in line such as "Recommandations :") names the kind of the
items below it; terms of reference, evaluation matrices and report templates are excluded
so their instructions ("Formuler des recommandations…") never become items.
"""

from __future__ import annotations

import re

from ..records import GOOD_PRACTICE, LESSON, RECOMMENDATION

_LESSON = re.compile(
    r"le[çc]ons?\s+(apprises?|tir[ée]es?|retenues?)|enseignements?(\s+tir[ée]s)?\b|"
    r"lessons?\s+learn(ed|t)|\blessons?\b",
    re.I,
)
_PRACTICE = re.compile(
    r"bonnes?\s+pratiques?|pratiques?\s+(prometteuses|[ée]mergentes|innovantes)|"
    r"good\s+practices?|best\s+practices?|meilleures\s+pratiques",
    re.I,
)
_RECO = re.compile(r"\brecomm[ae]nd(ations?|é|e)s?\b|\brecommendations?\b", re.I)
_EXCLUDE = re.compile(
    r"termes\s+de\s+r[ée]f[ée]rence|\bTDRs?\b|terms\s+of\s+reference|\bToR\b|"
    r"questions?\s+(d['’]\s*)?[ée]valuation|matrice|evaluation\s+questions|"
    r"\btable\s+des\s+mati[èe]res|\bsommaire|\bcontents|template\s+\d|mod[èe]le\s+de\s+rapport|"
    r"plan\s+du\s+rapport|structure\s+du\s+rapport|liste\s+des\s+(annexes|tableaux)",
    re.I,
)
_ANNEX = re.compile(r"^\s*(annexes?|appendix|appendices)\b", re.I)
_NUMBER = re.compile(
    r"^\s*([IVX]+|\d+(\.\d+)*|[A-Z])[.)\-:]?\s+|^\s*(section|chapitre|partie)\s+\w+\s*[:.\-–]?\s*",
    re.I,
)


# A heading that names one item ("Recommandation n°5 :") or opens its text ("La Cour
# recommande au :") is not a section of items: the PDF reader often makes both headings.
_ONE_ITEM = re.compile(
    r"^\s*(recommandations?|recommendations?|observations?)\s*(n\s*[°º o]\.?|no\.?)?\s*\d+\b|"
    r"^\s*(la\s+cour|the\s+court)\b",
    re.I,
)


def heading_kinds(title: str) -> tuple[str, ...]:
    """Item kinds a heading announces, in the order named ("Leçons… et bonnes pratiques")."""
    text = _NUMBER.sub("", title)
    if len(text) > 110 or _ONE_ITEM.match(title):
        return ()
    found: list[tuple[int, str]] = []
    for kind, pattern in ((LESSON, _LESSON), (GOOD_PRACTICE, _PRACTICE), (RECOMMENDATION, _RECO)):
        m = pattern.search(text)
        if m:
            found.append((m.start(), kind))
    # "Bonnes pratiques et enseignements" style: keep textual order
    return tuple(kind for _, kind in sorted(found))


_TOR = re.compile(r"termes\s+de\s+r[ée]f[ée]rence|\bTDRs?\b|terms\s+of\s+reference|\bToR\b", re.I)


def starts_tor(title: str) -> bool:
    """True for a terms-of-reference heading: everything up to the next annex is excluded."""
    return bool(_TOR.search(title))


def is_excluded(title: str) -> bool:
    """True for terms of reference, evaluation matrices, templates and tables of contents."""
    return bool(_EXCLUDE.search(title))


def is_annex(title: str) -> bool:
    """True for an annex heading, which ends a terms-of-reference exclusion."""
    return bool(_ANNEX.match(_NUMBER.sub("", title) if title[:1].isdigit() else title))


_RUN_IN = re.compile(
    r"^\s*(\*\*)?([^:.!?]{3,70}?)(\*\*)?\s*(\([A-Za-z]{1,4}\))?\s*:?\s*(\*\*)?\s*$"
)
_RUN_IN_LEAD = re.compile(r"^\s*(\*\*)?([^:.!?]{3,60}?)\s*(\*\*)?\s*:\s*")


def pseudo_heading(text: str) -> tuple[str, ...]:
    """Kinds announced by a short heading-like paragraph ("Bonne pratique (BP)")."""
    line = " ".join(text.split())
    if len(line) > 80 or not _RUN_IN.match(line):
        return ()
    return heading_kinds(line)


def run_in_heading(text: str) -> tuple[str, ...]:
    """Kinds announced by a run-in lead ("Recommandations : Cette évaluation suggère…")."""
    m = _RUN_IN_LEAD.match(text)
    if not m:
        return ()
    lead = m.group(2)
    if len(lead.split()) > 6:
        return ()
    return heading_kinds(lead)
