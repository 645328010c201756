"""ILO annex templates: "LESSON LEARNED ELEMENT" and "GOOD PRACTICE ELEMENT" tables.

The element row gives the item text; the other rows are its fields (context, challenges,
success factors, targeted users, administrative issues…). A template split by a page break
continues in the next table, whose rows are added to the same item.
"""

from __future__ import annotations

import re

from ..records import GOOD_PRACTICE, LESSON
from .labelled import clean_text

_ELEMENT = re.compile(
    r"^\s*(lesson\s+learned|good\s+practice|le[çc]on\s+apprise|bonne\s+pratique)"
    r"\s+(element|[ée]l[ée]ment)\s*$",
    re.I,
)
_FIELDS = (
    ("description", re.compile(r"brief\s+(description|summary)|r[ée]sum[ée]|description", re.I)),
    ("context", re.compile(r"context|conditions", re.I)),
    ("targeted_users", re.compile(r"targeted\s+users|beneficiar|utilisateurs", re.I)),
    ("challenges", re.compile(r"challenges|negative|d[ée]fis", re.I)),
    ("success_factors", re.compile(r"success|positive|facteurs\s+de\s+succ", re.I)),
    ("administrative_issues", re.compile(r"administrative", re.I)),
    ("cause_effect", re.compile(r"cause", re.I)),
    ("impact", re.compile(r"measurable\s+impact|impact", re.I)),
    ("replication", re.compile(r"replicat|r[ée]plica", re.I)),
    ("ilo_goals", re.compile(r"upward\s+links|ilo\s+goals", re.I)),
    ("other", re.compile(r"other\s+documents|relevant\s+comments", re.I)),
)


def element_kind(first_cell: str) -> str:
    """LESSON / GOOD_PRACTICE for a template's element cell, else ''."""
    m = _ELEMENT.match(clean_text(first_cell))
    if not m:
        return ""
    return LESSON if m.group(1).lower().startswith(("lesson", "le")) else GOOD_PRACTICE


def field_name(label: str) -> str:
    """The field a template row holds, from its label cell, or ''."""
    text = clean_text(label)
    if len(text) > 160:
        return ""
    for name, pattern in _FIELDS:
        if pattern.search(text):
            return name
    return ""


def read_rows(rows: tuple[tuple[str, ...], ...]) -> tuple[str, str, list[tuple[str, str]]]:
    """(kind, element text, fields) from template rows; kind '' when there is no element row.

    Rows before the element row (a continuation of the previous template) are returned as
    fields with kind ''.
    """
    kind, text, fields = "", "", []
    for row in rows:
        cells = [clean_text(c) for c in row if clean_text(c)]
        if not cells:
            continue
        k = element_kind(cells[0])
        if k:
            kind, text = k, " ".join(cells[1:])
            continue
        name = field_name(cells[0]) if len(cells) > 1 else ""
        if name:
            fields.append((name, " ".join(cells[1:])))
        elif fields:
            fields[-1] = (fields[-1][0], fields[-1][1] + " " + " ".join(cells))
        elif kind and not fields:
            text = (text + " " + " ".join(cells)).strip()
    return kind, text, fields


def split_templates(
    rows: tuple[tuple[str, ...], ...],
) -> list[tuple[str, str, list[tuple[str, str]]]]:
    """read_rows for each template in the rows: one table may hold several templates.

    The PDF reader can merge templates that follow each other across a page break into one
    table; each element row starts a new template. The first entry has kind '' when rows come
    before the first element row (the end of a template cut by a page break).
    """
    groups: list[list[tuple[str, ...]]] = [[]]
    for row in rows:
        first = next((clean_text(c) for c in row if clean_text(c)), "")
        if element_kind(first) and groups[-1]:
            groups.append([])
        groups[-1].append(row)
    return [read_rows(tuple(g)) for g in groups if g]
