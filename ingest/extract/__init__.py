"""Extract lessons learned, good practices and recommendations from a Document.

`extract_items(doc)` finds candidates (sections, labels, lists, tables, ILO templates, audit
labels), merges repeats into one item with several occurrences, links sub-points to their
parent and tags each item. `extract_metadata(doc)` describes the document itself.
"""

from __future__ import annotations

import hashlib

from ..records import Document, Item, Occurrence
from .candidates import Candidate, collect
from .dedupe import normalise, same_item
from .metadata import extract_metadata
from .tags import tag_item

EXTRACTOR_VERSION = "extract-1.0"

__all__ = ["EXTRACTOR_VERSION", "extract_items", "extract_metadata", "item_id"]


def item_id(document_id: str, kind: str, text: str) -> str:
    """Deterministic item id: sha256(document id + kind + normalised text), 16 hex digits."""
    return hashlib.sha256(f"{document_id}\x1f{kind}\x1f{normalise(text)}".encode()).hexdigest()[:16]


def _groups(cands: list[Candidate]) -> list[list[int]]:
    """Indices of candidates grouped by sameness (same kind, one text covering the other)."""
    groups: list[list[int]] = []
    for i, cand in enumerate(cands):
        for group in groups:
            head = cands[group[0]]
            if head.kind == cand.kind and any(same_item(cands[j].text, cand.text) for j in group):
                group.append(i)
                break
        else:
            groups.append([i])
    return groups


def _pick(values: list[str]) -> str:
    return max(values, key=len) if any(values) else ""


def extract_items(doc: Document) -> list[Item]:
    """All items of a document, one per distinct lesson / good practice / recommendation."""
    cands = collect(doc)
    groups = _groups(cands)
    owner: dict[int, int] = {i: g for g, group in enumerate(groups) for i in group}
    # the most complete version wins: longest text, then the one with template fields
    winners = [
        max(group, key=lambda i: (len(cands[i].text), len(cands[i].fields), -i)) for group in groups
    ]
    ids = [item_id(doc.id, cands[w].kind, cands[w].text) for w in winners]
    items: list[Item] = []
    for g, group in enumerate(groups):
        best = cands[winners[g]]
        members = [cands[i] for i in group]
        parents = [owner[c.parent] for c in members if c.parent >= 0 and owner.get(c.parent) != g]
        fields: dict[str, str] = {}
        for member in members:
            for name, value in member.fields:
                if len(value) > len(fields.get(name, "")):
                    fields[name] = value
        context = " ".join(best.section_path[-1:] + (best.condition,))
        items.append(
            Item(
                id=ids[g],
                document_id=doc.id,
                kind=best.kind,
                text=best.text,
                pages=best.pages,
                section_path=best.section_path,
                label=best.label or next((m.label for m in members if m.label), ""),
                addressee=best.addressee or _pick([m.addressee for m in members]),
                priority=_pick([m.priority for m in members]),
                resources=_pick([m.resources for m in members]),
                timing=_pick([m.timing for m in members]),
                condition=best.condition or _pick([m.condition for m in members]),
                parent_id=ids[parents[0]] if parents else "",
                fields=tuple(fields.items()),
                occurrences=tuple(Occurrence(m.pages, m.section_path, m.text) for m in members),
                tags=tag_item(best.text, context),
            )
        )
    return items
