"""Items from tables: ILO templates, recommendation tables, numbered entries inside cells.

A table is an item table when its header names the item and at least two of its fields
(Recommendation / Responsible / Priority / Timeline…, tables.py); an ILO template when a row
reads "LESSON LEARNED ELEMENT" (templates.py); and, under a heading naming items, a table
whose column runs numbered entries together ("Recommandations 1. Améliorer… 2. Renforcer…")
gives one item per number.
"""

from __future__ import annotations

from ..records import RECOMMENDATION, Block, Table
from . import sections
from .candidates import Candidate
from .entries import split_numbered
from .knobs import ExtractKnobs
from .labelled import clean_text, strip_marker
from .lexicon import folded
from .tables import column_map, table_rows
from .templates import split_templates


def header_evidence(table: Table, cols: dict[str, int]) -> str:
    """ "table header: Recommendation | Responsible | Priority" from the mapped columns."""
    names = [clean_text(table.header[i]) for i in sorted(cols.values()) if i < len(table.header)]
    return "table header: " + " | ".join(n[:30] for n in names if n)


def numbered_column(table: Table) -> list[tuple[int, str, str]]:
    """Entries numbered 1, 2, … run together down one column of a table, else []."""
    width = max((len(r) for r in table.rows), default=0)
    for j in range(width):
        text = " ".join(clean_text(r[j]) for r in table.rows if j < len(r) and clean_text(r[j]))
        found = split_numbered(text)
        if found:
            return found
    return []


def has_items(table: Table) -> bool:
    """True when a table holds items by its own structure (template, item header, numbers)."""
    templates = split_templates(table.rows)
    if any(kind for kind, _, _ in templates) or column_map(table.header) is not None:
        return True
    return bool(numbered_column(table))


def table_candidates(
    table: Table,
    block: Block,
    kinds: tuple[str, ...],
    evidence: str,
    out: list[Candidate],
    template: int,
    knobs: ExtractKnobs,
) -> tuple[list[Candidate], int]:
    """(new candidates, index of the open template) for one table block.

    Template rows that continue a template cut by a page break are added to `out[template]`.
    """
    conf = knobs.confidence
    found: list[Candidate] = []
    templates = split_templates(table.rows)
    for kind, text, fields in templates:
        if kind:
            cand = Candidate(kind, text, table.pages, block.section_path, fields=fields)
            cand.evidence = f"template: {kind.replace('_', ' ')} element"
            cand.confidence = conf.template
            out.append(cand)
            template = len(out) - 1
        elif fields and template >= 0:  # the rest of a template cut by a page break
            out[template].fields.extend(fields)
    if any(kind for kind, _, _ in templates) or (templates[0][2] and template >= 0):
        return found, template
    cols = column_map(table.header)
    if cols is None:
        return _numbered(table, block, kinds, evidence, knobs), template
    own = sections.heading_kinds(table.header[cols["text"]], knobs)
    row_kinds = own or kinds or (RECOMMENDATION,)
    kind = row_kinds[-1] if RECOMMENDATION in row_kinds else row_kinds[0]
    why = header_evidence(table, cols)
    for row in table_rows(table, cols):
        label, body = strip_marker(row.text)
        cand = Candidate(
            kind,
            body,
            row.pages,
            block.section_path,
            label=row.label or label,
            addressee=row.addressee,
            priority=row.priority,
            resources=row.resources,
            timing=row.timing,
        )
        cand.evidence, cand.confidence = why, conf.table
        found.append(cand)
    return found, template


def _numbered(
    table: Table, block: Block, kinds: tuple[str, ...], evidence: str, knobs: ExtractKnobs
) -> list[Candidate]:
    """Numbered entries run together in a column, under a heading that names their kind."""
    entries = numbered_column(table)
    if not kinds or not entries:
        return []
    own = sections.kinds_in(folded(entries[0][2])) if entries[0][2] else ()
    kind = own[0] if own else kinds[0]
    out = []
    for num, text, _ in entries:
        cand = Candidate(kind, text, table.pages, block.section_path, label=str(num))
        cand.evidence = f"{evidence} (numbered entries in a table)"
        cand.confidence = knobs.confidence.numbered
        out.append(cand)
    return out
