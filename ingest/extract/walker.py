"""Walk a Document's blocks and collect candidate items (see candidates.py).

Scope comes from headings (or short heading-like lines, or an in-text announcement) that
name lessons, good practices or recommendations. Inside that scope, labelled paragraphs,
numbered and bulleted entries are items; when a heading's section holds no entries at all,
its paragraphs are (a box of a brief). Paragraphs between numbered entries elaborate the
entry above them. Labels ("Recommandation n°3 :", "Lesson learned #2") and ILO templates
count anywhere outside terms of reference; recommendation tables are read in tables.py.
"""

from __future__ import annotations

import re

from ..records import (
    HEADING,
    LESSON,
    LIST_ITEM,
    PARAGRAPH,
    RECOMMENDATION,
    TABLE,
    Block,
    Document,
    Table,
)
from ..vocab import starts_with_bullet
from . import sections
from .audit import audit_label, continues, label_kind, opens_text
from .candidates import Candidate, merge_pages
from .entries import Numbering, label_number, prefixed_entry
from .fieldlines import field_line
from .knobs import ExtractKnobs
from .labelled import actor_prefix, clean_text, kind_label, starts_lower, strip_marker
from .leadins import actor_leadin, announced, is_intro
from .segments import Segment, read_segment
from .table_items import table_candidates
from .tables import column_map

_END = re.compile(r"[.!?»)\]]\s*$")
_INSTRUCTION = re.compile(
    r"^(veuillez|please|formuler\s+des\s+recommandations|identifier\s+les\s+"
    r"le[çc]ons|indiquer\s+les|pr[ée]ciser\s+les\s+destinataires)\b",
    re.I,
)
_QUOTE = re.compile(r"^\s*[«“\"„]")


_RUN_IN = re.compile(r"^([^.:;!?]{3,90}?)\s*:\s*\S")


def shape(text: str) -> tuple[str, str]:
    """How an entry opens: ("run-in", "") for "Concernant la durée : …", else ("word", first
    word): entries of one announced list open alike."""
    m = _RUN_IN.match(text)
    if m and len(m.group(1).split()) <= 12:
        return "run-in", ""
    return "word", (text.split() or [""])[0].lower()


def labelled_kinds(doc: Document, least: int = 2) -> set[str]:
    """Kinds the document labels one by one ("Recommendation 1", "Lesson learned #2"),
    at least `least` times."""
    counts: dict[str, int] = {}
    for block in doc.blocks:
        found = audit_label(clean_text(block.text)) if block.kind != TABLE else None
        if found:
            kind = label_kind(found[0])
            counts[kind] = counts.get(kind, 0) + 1
    return {kind for kind, n in counts.items() if n >= least}


_NUMBER = re.compile(r"^[\d.,%/()+-]+$")


def figure_titles(doc: Document, least: int = 6, share: float = 0.6) -> set[str]:
    """Headings that title a chart, not a section: the block right after them is the chart's
    axis labels (mostly numbers), e.g. "Lessons learned Good practices" over a bar chart."""
    out: set[str] = set()
    for block, after in zip(doc.blocks, doc.blocks[1:], strict=False):
        if block.kind != HEADING or after.kind != PARAGRAPH:
            continue
        words = after.text.split()
        if len(words) >= least and sum(bool(_NUMBER.match(w)) for w in words) >= share * len(words):
            out.add(block.text)
    return out


class Walker:
    """One pass over the blocks; `run()` returns the candidates in reading order."""

    def __init__(self, doc: Document, knobs: ExtractKnobs) -> None:
        self.doc, self.knobs, self.conf = doc, knobs, knobs.confidence
        self.out: list[Candidate] = []
        self.excluded = False
        self.excluded_level = 0  # level of the subsection a ToR exclusion ends with (0: annex)
        self.local: tuple[str, ...] = ()  # kinds set by a pseudo-heading or an announcement
        self.local_evidence = ""
        self.local_conf = 0.0
        self.announcing = 0  # blocks left in an announced list outside headed scopes
        self.shape: tuple[str, str] | None = None  # how the announced list's entries open
        self.condition = self.cond_actor = ""
        self.top = self.audit = self.last = self.template = -1
        self.audit_list = False
        self.audit_scoped = False  # the open label sits under a heading naming its kind
        self.lesson_label = ""  # the labelled lesson recommendations below are nested under
        self.numbering: Numbering | None = None
        self.segment = Segment()
        self.heading_x0: float | None = None
        self.scope = 0  # counts scopes (headings, heading-like lines)
        self.index = 0  # the block being read
        self.first_block = -1  # the block right after a heading that itself names a kind
        self.labelled = labelled_kinds(doc)
        self.figure_titles = figure_titles(doc)

    def run(self) -> list[Candidate]:
        """Every candidate of the document."""
        for i, block in enumerate(self.doc.blocks):
            self.block(i, block)
        return self.out

    # --- scope ------------------------------------------------------------------------------

    def reset(self) -> None:
        """A heading ends every local scope."""
        self.scope += 1
        self.local, self.local_evidence, self.local_conf, self.announcing = (), "", 0.0, 0
        self.shape = None
        self.condition = self.cond_actor = self.lesson_label = ""
        self.top = self.audit = self.last = self.template = -1

    def kinds(self, block: Block) -> tuple[tuple[str, ...], str, float]:
        """(kinds, evidence, base confidence) of the scope a block sits in."""
        if self.local:
            return self.local, self.local_evidence, self.local_conf
        path = tuple(t for t in block.section_path if t not in self.figure_titles)
        kinds, title, weak = sections.path_kinds(path, self.knobs)
        if not kinds:
            return (), "", 0.0
        if sections.is_mixed(title) and set(kinds) <= self.labelled:
            # "Findings & Recommendations" in a document that labels its recommendations
            # ("Recommendation 1."): the unlabelled bullets there are findings
            return (), "", 0.0
        if weak:
            under = block.section_path[-1] if block.section_path else ""
            return kinds, f"heading: {title} (under {under})", self.conf.weak
        return kinds, f"heading: {title}", self.conf.bulleted

    def block(self, i: int, block: Block) -> None:
        self.index = i
        if block.kind == HEADING:
            self.heading(i, block)
            return
        if self.excluded or any(sections.is_excluded(t) for t in block.section_path[-2:]):
            self.last = -1
            return
        if block.kind == TABLE:
            self.table(block)
            return
        text = clean_text(block.text)
        if not text or self.field_block(block, text) or self.audit_block(block, text):
            return
        if block.kind == PARAGRAPH and (self.kind_marker(i, text) or self.announce(block, text)):
            return
        if self.moved(block, text):
            return
        if self.announcing:
            self.announcing -= 1
            if not self.announced_entry(block, text):
                self.last = -1
                return
            kinds, evidence, conf = self.kinds(block)
            self.item(block, text, kinds, evidence, conf)
            return
        kinds, evidence, conf = self.kinds(block)
        if not kinds:
            self.last = -1
            return
        if block.kind == PARAGRAPH and self.paragraph(block, text, kinds, evidence):
            return
        self.item(block, text, kinds, evidence, conf)

    def heading(self, i: int, block: Block) -> None:
        title = clean_text(block.text)
        if self.audit_block(block, title, heading=True):
            return
        level = block.level or 1
        if sections.starts_tor(title) and not sections.heading_kinds(title, self.knobs):
            # terms of reference: a top-level part (an annex) runs to the next annex, since
            # the ToR document inside has headings of its own; a subsection ("3.9.
            # Comprehensiveness of the terms of reference") ends at its next sibling
            self.excluded = True
            self.excluded_level = 0 if level <= 1 else level
        elif self.excluded and (sections.is_annex(title) or 0 < level <= self.excluded_level):
            self.excluded = False
        self.reset()
        self.first_block = i + 1 if sections.heading_kinds(title, self.knobs) else -1
        self.heading_x0 = block.bbox[0] if block.bbox else None
        self.segment = read_segment(
            self.doc.blocks, self.doc.tables, i + 1, self.knobs, self.numbering, self.heading_x0
        )

    def kind_marker(self, i: int, text: str) -> bool:
        """A short line ("Bonne pratique (BP)", "Recommandations :") that sets the kind below."""
        kinds = sections.pseudo_heading(text, self.knobs)
        if kinds:
            self.reset()
            self.local, self.local_evidence = kinds, f"heading: {text.rstrip(' :')}"
            self.local_conf = self.conf.bulleted
            self.segment = read_segment(self.doc.blocks, self.doc.tables, i + 1, self.knobs)
            return True
        lead = sections.run_in_heading(text, self.knobs)
        if lead:
            self.local, self.top, self.last = lead, -1, -1
            self.local_evidence, self.local_conf = f"lead: {text[:40]}", self.conf.bulleted
            return True
        return False

    def announce(self, block: Block, text: str) -> bool:
        """An in-text announcement ("the following lessons can be drawn:") opens a list."""
        found = announced(text)
        if not found:
            return False
        kind, tail = found
        scope, _, _ = self.kinds(block)
        if scope and (len(scope) == 1 or kind not in scope):
            return False  # a heading naming one kind wins; the lead-in only picks among several
        self.local, self.top, self.last = (kind,), -1, -1
        self.local_evidence = f"lead-in: {text[: text.find(':') if ':' in text else 60][:70]}"
        self.local_conf = self.conf.announced if not scope else self.conf.bulleted
        self.announcing = 0 if scope else self.knobs.announced_max_blocks
        self.shape = None
        if len(tail) >= self.knobs.paragraph_item_min_chars:
            self.shape = shape(tail)
            self.add(Candidate(kind, tail, block.pages, block.section_path), block)
        return True

    def announced_entry(self, block: Block, text: str) -> bool:
        """In an announced list, a paragraph opening like the list's first entry is an entry;
        any other paragraph ends the list."""
        if self.shape is None and block.kind == LIST_ITEM:
            return True
        if self.shape is None:
            self.shape = shape(text)
        if shape(text) == self.shape and _END.search(text):
            return True
        self.local, self.announcing, self.shape = (), 0, None
        return False

    # --- labelled items -----------------------------------------------------------------------

    def field_block(self, block: Block, text: str) -> bool:
        """ "Priority: High  Timeline: Short term  Responsibility: …" after an item: its fields
        (several labelled values, or one short one), not more of its text."""
        target = self.audit if self.audit >= 0 else self.last
        if target < 0:
            return False
        found = field_line(text)
        if not found or (len(found) == 1 and len(found[0][1]) > self.knobs.field_value_max_chars):
            return False
        cand = self.out[target]
        for role, value in found:
            if role != "linked" and not getattr(cand, role):
                setattr(cand, role, value)
            cand.fields.append((role, value))
        cand.pages = merge_pages(cand.pages, block.pages)
        return True

    def audit_block(self, block: Block, text: str, heading: bool = False) -> bool:
        """Labels open an item; following blocks continue it (see audit.py)."""
        found = audit_label(text)
        if found:
            label, rest = found
            kind = label_kind(label)
            if heading:  # a label styled as a heading still ends the previous scope
                self.reset()
            cand = Candidate(kind, rest, block.pages, block.section_path, label=label)
            cand.evidence, cand.confidence = f"label: {label}", self.conf.label
            if kind == LESSON:
                self.lesson_label = label
            elif kind == RECOMMENDATION and self.lesson_label:
                cand.context = self.lesson_label
            self.out.append(cand)
            self.audit = self.last = len(self.out) - 1
            self.audit_list = False
            # under a heading naming its kind, what follows a label up to the next label or
            # heading explains it (paragraphs, activity bullets): part of its text
            scope, _, _ = self.kinds(block)
            self.audit_scoped = not heading and kind in scope
            return True
        if self.audit < 0 or self.excluded:
            return False
        cand = self.out[self.audit]
        is_list = block.kind == LIST_ITEM
        if heading:
            ok = opens_text(text, cand.text)
        else:
            ok = self.audit_scoped or continues(
                cand.text, text, is_list, block.level, self.audit_list
            )
        if not ok:
            self.audit = -1
            return False
        if is_list and block.marker and not text.startswith(block.marker):
            text = f"{block.marker} {text}"
        cand.text = (cand.text + " " + text).strip()
        cand.pages = merge_pages(cand.pages, block.pages)
        self.audit_list = is_list or starts_with_bullet(text)
        return True

    def moved(self, block: Block, text: str) -> bool:
        """An entry continuing the numbering of a list in its column, printed after another
        column's heading by a two-column layout: it belongs to that list."""
        num = label_number(block.marker) if block.kind == LIST_ITEM else None
        if num is None or self.numbering is None or self.heading_x0 is None:
            return False
        if self.numbering.scope == self.scope:
            return False  # the list goes on in its own scope
        x0 = block.bbox[0] if block.bbox else None
        page = block.pages[0] if block.pages else 0
        k = self.knobs
        if not self.numbering.continues(num, x0, page, k.numbering_gap, k.column_tolerance):
            return False
        if x0 is None or abs(x0 - self.heading_x0) <= k.column_tolerance:
            return False
        n = self.numbering
        cand = Candidate(n.kind, strip_marker(text)[1], block.pages, n.section_path, label=str(num))
        cand.evidence = f"{n.evidence} (numbering continues across a column)"
        cand.confidence = self.conf.moved
        self.out.append(cand)
        self.last = len(self.out) - 1
        n.number = num
        return True

    # --- paragraphs ---------------------------------------------------------------------------

    def paragraph(self, block: Block, text: str, kinds: tuple[str, ...], evidence: str) -> bool:
        """Paragraphs: entries, continuations, elaborations, condition and actor lines.

        Returns True when the paragraph was handled (not an entry of its own)."""
        if kind_label(text) or strip_marker(text)[0] or strip_marker(text)[1] != text:
            return False
        n = self.numbering
        if n is not None and (found := prefixed_entry(text, n.number + 1)):
            label, rest = found  # "Suivi-évaluation 10. Recruter…": a row label glued on
            self.entry(block, rest, kinds[0], label, evidence, self.conf.numbered)
            return True
        actor = actor_leadin(text)
        if actor:
            self.cond_actor, self.condition, self.top, self.last = actor, "", -1, -1
            return True
        last = self.out[self.last] if self.last >= 0 else None
        if last is not None and (starts_lower(text) or not _END.search(last.text)):
            last.text += " " + text
            last.pages = merge_pages(last.pages, block.pages)
            return True
        # the first words of a section's first entry printed elsewhere by a two-column
        # layout: keep its tail, flagged as a fragment
        if (
            self.index == self.first_block
            and last is None
            and starts_lower(text)
            and len(text) >= self.knobs.paragraph_item_min_chars
            and _END.search(text)
        ):
            why = f"{evidence} (fragment: its opening words are elsewhere)"
            self.entry(block, text, kinds[0], "", why, self.conf.fragment)
            return True
        if len(text) <= self.knobs.condition_max_chars and not _END.search(text):
            if not text.endswith(":"):
                self.condition_line(text)
            return True
        if last is not None and self.segment.elaborated and last.label:
            last.text += " " + text  # the explanation under a numbered recommendation
            last.pages = merge_pages(last.pages, block.pages)
            return True
        if self.paragraph_entry(text, evidence):
            self.entry(block, text, kinds[0], "", evidence, self.conf.paragraph)
            return True
        self.last = -1
        return True  # an introduction or a finding, not an item

    def paragraph_entry(self, text: str, evidence: str) -> bool:
        """True when a paragraph of a section without entries is an item of its own."""
        if not self.segment.paragraphs or self.local_evidence.startswith("lead-in"):
            return False
        if evidence.endswith(")") and "(under " in evidence:
            return False  # under a conclusions/findings heading only entries count
        k = self.knobs
        return (
            len(text) >= k.paragraph_item_min_chars
            and bool(_END.search(text))
            and not is_intro(text)
            and not _QUOTE.match(text)
            and not text[:1].isdigit()
            and not (text.endswith("?") and len(text) < k.question_max_chars)
        )

    def condition_line(self, text: str) -> None:
        """A short unpunctuated line: the condition or the actor of the items below it."""
        actor, rest = actor_prefix(text)
        if actor:
            self.cond_actor, self.condition = actor, rest
        elif "/" in text or all(w[:1].isupper() for w in text.split() if len(w) > 3):
            self.cond_actor, self.condition = text, ""
        else:
            self.condition = text
        self.top = self.last = -1

    # --- entries ------------------------------------------------------------------------------

    def item(
        self, block: Block, text: str, kinds: tuple[str, ...], evidence: str, conf: float
    ) -> None:
        """A list item or labelled paragraph in a kind scope."""
        k = self.knobs
        if _INSTRUCTION.match(text) or (text.endswith("?") and len(text) < k.question_max_chars):
            return
        last = self.out[self.last] if self.last >= 0 else None
        unfinished = last is not None and not _END.search(last.text)
        if block.kind == LIST_ITEM and last is not None and unfinished and starts_lower(text):
            # "(3) mois avant…": a marker the reader took from the middle of a sentence
            last.text += f" {block.marker} {text}".rstrip()
            last.pages = merge_pages(last.pages, block.pages)
            return
        labelled = kind_label(text)
        if labelled:
            kind, label, body = labelled
            conf = self.conf.label
            evidence = f"label: {label}"
        else:
            label, body = strip_marker(text)
            label = label or (block.marker.strip(".)") if block.marker[:1].isdigit() else "")
            kind = kinds[0]
            if label and conf == self.conf.bulleted:
                conf = self.conf.numbered
        self.entry(block, body, kind, label, evidence, conf)

    def entry(
        self, block: Block, body: str, kind: str, label: str, evidence: str, conf: float
    ) -> None:
        """Add one entry: actor prefix, sub-point links, numbering."""
        own = ""
        if kind == RECOMMENDATION:
            own, body = actor_prefix(body, block.bold_prefix)
        if len(body) < self.knobs.min_item_chars:
            return
        cand = Candidate(kind, body, block.pages, block.section_path, label=label)
        cand.addressee = own or (self.cond_actor if kind == RECOMMENDATION else "")
        cand.condition, cand.evidence, cand.confidence = self.condition, evidence, conf
        if kind == RECOMMENDATION and self.lesson_label:
            cand.context = self.lesson_label
        sub = block.kind == LIST_ITEM and block.level > 0 or bool(re.match(r"^\s*o\s", block.text))
        if not sub and not own and self.top >= 0 and block.kind == LIST_ITEM:
            # same-level bullets after "…les mesures suivantes sont envisageables :"
            top = self.out[self.top]
            sub = top.text.rstrip().endswith(":") and top.kind == kind
        if sub and self.top >= 0:
            cand.parent = self.top
            if not own:
                cand.addressee = self.out[self.top].addressee
        self.add(cand, block, sub)

    def add(self, cand: Candidate, block: Block, sub: bool = False) -> None:
        """Append a candidate; remember it as the list's last entry and its numbering."""
        if not cand.evidence:
            cand.evidence, cand.confidence = self.local_evidence, self.local_conf
        self.out.append(cand)
        if not sub:
            self.top = len(self.out) - 1
        self.last = len(self.out) - 1
        num = label_number(cand.label)
        if num is not None and block.bbox and block.pages:
            self.numbering = Numbering(
                cand.kind,
                num,
                block.bbox[0],
                block.pages[0],
                cand.section_path,
                cand.evidence,
                self.scope,
            )

    def heading_table(self, block: Block, table: Table) -> bool:
        """A small table whose first row is a heading naming a kind ("5.2. | Recommendations"):
        the reader took a numbered heading and the lines below it for a table."""
        if not table.rows or len(table.rows) > self.knobs.heading_table_max_rows:
            return False
        if column_map(table.header) is not None:  # a real item table (Recommendation | Priority)
            return False
        first = " ".join(c for c in (clean_text(c) for c in table.rows[0]) if c)
        if len(first) > self.knobs.pseudo_heading_max_chars or _END.search(first):
            return False
        kinds = sections.heading_kinds(first, self.knobs)
        if not kinds:
            return False
        self.reset()
        self.local, self.local_evidence = kinds, f"heading: {first}"
        self.local_conf = self.conf.bulleted
        for row in table.rows[1:]:
            text = " ".join(c for c in (clean_text(c) for c in row) if c)
            label, body = strip_marker(text)
            if label and len(body) >= self.knobs.min_item_chars:
                self.entry(block, body, kinds[0], label, self.local_evidence, self.conf.numbered)
        return True

    # --- tables -------------------------------------------------------------------------------

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
            cand.pages = merge_pages(cand.pages, table.pages)
            return
        self.audit = -1
        if self.heading_table(block, table):
            return
        kinds, evidence, _ = self.kinds(block)
        found, self.template = table_candidates(
            table, block, kinds, evidence, self.out, self.template, self.knobs
        )
        for cand in found:
            self.add(cand, block)
