"""Walk a Document's blocks and collect candidate items before deduplication.

Scope comes from headings (or short run-in lines) that name lessons, good practices or
recommendations; inside that scope, labelled paragraphs, list items and recommendation table
rows are items. Audit labels ("Recommandation n°3 :") and ILO templates count anywhere outside
terms of reference.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..records import HEADING, LIST_ITEM, PARAGRAPH, RECOMMENDATION, TABLE, Block, Document
from ..vocab import starts_with_bullet
from . import sections
from .addressee import addressee_from_text
from .audit import audit_label, continues, is_directive, needs_directive, opens_text
from .labelled import actor_prefix, clean_text, kind_label, starts_lower, strip_marker
from .tables import column_map, table_rows
from .templates import split_templates

_END = re.compile(r"[.!?»)\]]\s*$")
_INSTRUCTION = re.compile(
    r"^(veuillez|please|formuler\s+des\s+recommandations|identifier\s+les\s+"
    r"le[çc]ons|indiquer\s+les|pr[ée]ciser\s+les\s+destinataires)\b",
    re.I,
)


@dataclass
class Candidate:
    """An item as found at one place, before merging repeats."""

    kind: str
    text: str
    pages: tuple[int, ...]
    section_path: tuple[str, ...]
    label: str = ""
    addressee: str = ""
    priority: str = ""
    resources: str = ""
    timing: str = ""
    condition: str = ""
    parent: int = -1  # index of the parent candidate for sub-points
    fields: list[tuple[str, str]] = field(default_factory=list)
    open_end: bool = True  # may still absorb a continuation block


def _path_kinds(path: tuple[str, ...]) -> tuple[str, ...]:
    for title in reversed(path):
        kinds = sections.heading_kinds(title)
        if kinds:
            return kinds
    return ()


def _pages(a: tuple[int, ...], b: tuple[int, ...]) -> tuple[int, ...]:
    return tuple(sorted(set(a) | set(b)))


class _Walker:
    def __init__(self, doc: Document) -> None:
        self.doc = doc
        self.out: list[Candidate] = []
        self.excluded = False
        self.local: tuple[str, ...] = ()
        self.condition = ""
        self.cond_actor = ""
        self.top = -1  # last top-level list candidate (parent for sub-points)
        self.audit = -1  # open audit recommendation
        self.audit_list = False  # the open audit recommendation's last block was a list item
        self.last = -1  # candidate the previous block fed, for continuations
        self.template = -1  # last template item, for templates split over pages

    def run(self) -> list[Candidate]:
        for block in self.doc.blocks:
            self.block(block)
        return self.out

    def block(self, block: Block) -> None:
        if block.kind == HEADING:
            self.heading(block)
            return
        if self.excluded or any(sections.is_excluded(t) for t in block.section_path[-2:]):
            self.last = -1
            return
        if block.kind == TABLE:
            self.table(block)
            return
        text = clean_text(block.text)
        if not text:
            return
        if self.audit_block(block, text):
            return
        if block.kind == PARAGRAPH and self.kind_marker(text):
            return
        kinds = self.local or _path_kinds(block.section_path)
        if not kinds:
            self.last = -1
            return
        if block.kind == PARAGRAPH and self.paragraph_marker(block, text):
            return
        self.item_block(block, text, kinds)

    def heading(self, block: Block) -> None:
        title = clean_text(block.text)
        if self.audit_block(block, title, heading=True):
            return
        if sections.starts_tor(title):
            self.excluded = True
        elif self.excluded and sections.is_annex(title):
            self.excluded = False
        self.local, self.condition, self.cond_actor = (), "", ""
        self.top = self.audit = self.last = self.template = -1

    def audit_block(self, block: Block, text: str, heading: bool = False) -> bool:
        """Audit labels open a recommendation; following blocks continue it (see audit.py)."""
        found = audit_label(text)
        if found:
            label, rest = found
            if heading:  # a label styled as a heading still ends the previous scope
                self.local, self.condition, self.cond_actor = (), "", ""
                self.top = self.template = -1
            self.out.append(
                Candidate(RECOMMENDATION, rest, block.pages, block.section_path, label=label)
            )
            self.audit = self.last = len(self.out) - 1
            self.audit_list = False
            return True
        if self.audit < 0 or self.excluded:
            return False
        cand = self.out[self.audit]
        is_list = block.kind == LIST_ITEM
        if heading:
            ok = opens_text(text, cand.text)
        else:
            ok = continues(cand.text, text, is_list, block.level, self.audit_list)
        if not ok:
            self.audit = -1
            return False
        if is_list and block.marker and not text.startswith(block.marker):
            text = f"{block.marker} {text}"
        cand.text = (cand.text + " " + text).strip()
        cand.pages = _pages(cand.pages, block.pages)
        self.audit_list = is_list or starts_with_bullet(text)
        return True

    def kind_marker(self, text: str) -> bool:
        """A short line ("Bonne pratique (BP)", "Recommandations :") that sets the kind below."""
        kinds = sections.pseudo_heading(text)
        if kinds:
            self.local, self.condition, self.cond_actor, self.top, self.last = kinds, "", "", -1, -1
            return True
        lead = sections.run_in_heading(text)
        if lead:
            self.local, self.top, self.last = lead, -1, -1
            return True
        return False

    def paragraph_marker(self, block: Block, text: str) -> bool:
        """Short lines that set the condition or the actor of the items below; continuations."""
        if kind_label(text) or strip_marker(text)[0] or strip_marker(text)[1] != text:
            return False
        if self.last >= 0 and (starts_lower(text) or not _END.search(self.out[self.last].text)):
            cand = self.out[self.last]
            cand.text += " " + text
            cand.pages = _pages(cand.pages, block.pages)
            return True
        if len(text) <= 90 and not _END.search(text) and not text.endswith(":"):
            actor, rest = actor_prefix(text)
            if actor:
                self.cond_actor, self.condition = actor, rest
            elif "/" in text or all(w[:1].isupper() for w in text.split() if len(w) > 3):
                self.cond_actor, self.condition = text, ""
            else:
                self.condition = text
            self.top = self.last = -1
            return True
        self.last = -1
        return True  # an introduction or a finding, not an item

    def item_block(self, block: Block, text: str, kinds: tuple[str, ...]) -> None:
        if _INSTRUCTION.match(text) or (text.endswith("?") and len(text) < 400):
            return
        labelled = kind_label(text)
        if labelled:
            kind, label, body = labelled
        else:
            label, body = strip_marker(text)
            label = label or (block.marker.strip(".)") if block.marker[:1].isdigit() else "")
            kind = kinds[0]
        own = ""
        if kind == RECOMMENDATION:
            own, body = actor_prefix(body, block.bold_prefix)
        actor = own or (self.cond_actor if kind == RECOMMENDATION else "")
        if len(body) < 8:
            return
        cand = Candidate(
            kind,
            body,
            block.pages,
            block.section_path,
            label=label,
            addressee=actor,
            condition=self.condition,
        )
        sub = block.kind == LIST_ITEM and block.level > 0 or bool(re.match(r"^\s*o\s", block.text))
        if not sub and not own and self.top >= 0 and block.kind == LIST_ITEM:
            # same-level bullets after "…les mesures suivantes sont envisageables :"
            sub = self.out[self.top].text.rstrip().endswith(":") and self.out[self.top].kind == kind
        if sub and self.top >= 0:
            cand.parent = self.top
            if not own:
                cand.addressee = self.out[self.top].addressee
        self.out.append(cand)
        if not sub:
            self.top = len(self.out) - 1
        self.last = len(self.out) - 1

    def table(self, block: Block) -> None:
        self.last = -1
        if block.table_index is None or block.table_index >= len(self.doc.tables):
            return
        table = self.doc.tables[block.table_index]
        if self.audit >= 0 and self.out[self.audit].text.rstrip().endswith(":"):
            # a bulleted list the table detector took for a table: its cells are the text
            cand = self.out[self.audit]
            cells = " ".join(clean_text(c) for row in table.rows for c in row if clean_text(c))
            cand.text = f"{cand.text} {cells}".strip()
            cand.pages = _pages(cand.pages, table.pages)
            return
        self.audit = -1
        templates = split_templates(table.rows)
        for kind, text, fields in templates:
            if kind:
                cand = Candidate(kind, text, table.pages, block.section_path, fields=fields)
                self.out.append(cand)
                self.template = len(self.out) - 1
            elif fields and self.template >= 0:  # the rest of a template cut by a page break
                self.out[self.template].fields.extend(fields)
        if any(kind for kind, _, _ in templates) or (templates[0][2] and self.template >= 0):
            return
        cols = column_map(table.header)
        if cols is None:
            return
        kinds = (
            sections.heading_kinds(table.header[cols["text"]])
            or self.local
            or _path_kinds(block.section_path)
            or (RECOMMENDATION,)
        )
        for row in table_rows(table, cols):
            label, body = strip_marker(row.text)
            self.out.append(
                Candidate(
                    kinds[-1] if RECOMMENDATION in kinds else kinds[0],
                    body,
                    row.pages,
                    block.section_path,
                    label=row.label or label,
                    addressee=row.addressee,
                    priority=row.priority,
                    resources=row.resources,
                    timing=row.timing,
                )
            )


def collect(doc: Document) -> list[Candidate]:
    """Every candidate item of a document in reading order (repeats not yet merged)."""
    cands = _Walker(doc).run()
    for cand in cands:
        cand.text = cand.text.strip()
        if cand.kind == RECOMMENDATION and not cand.addressee:
            cand.addressee = addressee_from_text(cand.text)
    return [c for c in cands if c.text and (not needs_directive(c.label) or is_directive(c.text))]
