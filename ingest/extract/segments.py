"""What one section holds, read ahead when its heading is met: entries or only paragraphs.

A section whose blocks up to the next heading include no entry (list item, labelled or
numbered paragraph, item table) is a box of paragraphs: each paragraph is an item (a brief's
"Lessons learned" box). A section whose numbered entries are separated by paragraphs is
elaborated: each paragraph explains the entry above it ("1. Enhance efforts… The EU-IOM
Joint Initiative has put…").
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from ..records import HEADING, LIST_ITEM, PARAGRAPH, TABLE, Block, Table
from . import sections
from .audit import audit_label
from .entries import Numbering, label_number
from .knobs import ExtractKnobs
from .labelled import clean_text, kind_label, starts_lower, strip_marker
from .leadins import actor_leadin

_END = re.compile(r"[.!?»)\]]\s*$")


@dataclass(frozen=True)
class Segment:
    """How to read the blocks of one section."""

    paragraphs: bool = False  # no entries: its paragraphs are the items
    elaborated: bool = False  # paragraphs between numbered entries explain the entry above


def _number(block: Block, text: str) -> int | None:
    if block.kind == LIST_ITEM:
        return label_number(block.marker)
    return label_number(strip_marker(text)[0])


def _is_entry(block: Block, text: str) -> bool:
    if block.kind == LIST_ITEM:
        return True
    return bool(kind_label(text) or audit_label(text) or strip_marker(text)[0])


def read_segment(
    blocks: Sequence[Block],
    tables: Sequence[Table],
    start: int,
    knobs: ExtractKnobs,
    numbering: Numbering | None = None,
    heading_x0: float | None = None,
) -> Segment:
    """Read the blocks from `start` to the next heading (or heading-like line)."""
    from .table_items import has_items

    entries = 0
    numbered_seen = False
    between = 0  # substantial paragraphs after the last numbered entry
    elaborated = False
    expected = numbering.number if numbering else None
    for block in blocks[start:]:
        if block.kind == HEADING:
            break
        text = clean_text(block.text)
        if block.kind == PARAGRAPH and sections.pseudo_heading(text, knobs):
            break
        if block.kind == TABLE:
            k = block.table_index
            entries += k is not None and k < len(tables) and has_items(tables[k])
            continue
        num = _number(block, text)
        if _moved(block, num, expected, numbering, heading_x0, knobs):
            expected = num
            continue
        if _is_entry(block, text):
            entries += 1
            if num is not None:
                elaborated = elaborated or (numbered_seen and between > 0)
                numbered_seen, between = True, 0
            continue
        if block.kind == PARAGRAPH and numbered_seen and _substantial(text, knobs):
            between += 1
    return Segment(paragraphs=entries == 0, elaborated=elaborated)


def _moved(
    block: Block,
    num: int | None,
    expected: int | None,
    numbering: Numbering | None,
    heading_x0: float | None,
    knobs: ExtractKnobs,
) -> bool:
    """True for an entry that continues the numbering of a list before this heading."""
    if block.kind != LIST_ITEM or num is None or numbering is None or expected is None:
        return False
    if heading_x0 is None or not block.bbox or not block.pages:
        return False
    probe = Numbering(numbering.kind, expected, numbering.x0, numbering.page, (), "")
    x0 = block.bbox[0]
    return (
        probe.continues(num, x0, block.pages[0], knobs.numbering_gap, knobs.column_tolerance)
        and abs(x0 - heading_x0) > knobs.column_tolerance
    )


def _substantial(text: str, knobs: ExtractKnobs) -> bool:
    """A paragraph that says something (not a short condition line, actor line or fragment)."""
    if starts_lower(text) or actor_leadin(text):
        return False
    return len(text) > knobs.condition_max_chars or bool(_END.search(text))
