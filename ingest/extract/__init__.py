"""Extract lessons learned, good practices and recommendations from a Document.

`extract_items(doc)` finds candidates from the document's structure (headings naming the
kinds, labels, numbered and bulleted entries, item tables, ILO templates, boxes of briefs;
see walker.py), merges repeats (executive summary, body, annex) into one item with several
occurrences, links sub-points to their parent, and tags each item. Every item says how it
was found (`evidence`) and how sure that is (`confidence`). Management responses give no
items. `extract_metadata(doc)` describes the document itself. Thresholds: `ExtractKnobs`.
"""

from __future__ import annotations

import hashlib
import re

from ..records import RECOMMENDATION, Document, Item, Occurrence
from .addressee import addressee_from_text
from .audit import is_directive, needs_directive
from .candidates import Candidate
from .dedupe import coverage, normalise, same_item
from .doctype import is_management_response
from .knobs import DEFAULT_KNOBS, ExtractKnobs
from .metadata import extract_metadata
from .tags import tag_item
from .version import EXTRACTOR_VERSION
from .walker import Walker

__all__ = [
    "EXTRACTOR_VERSION",
    "ExtractKnobs",
    "extract_items",
    "extract_metadata",
    "item_id",
]
_SUMMARY = ("executive summary", "résumé exécutif", "resume executif", "summary", "résumé")


def collect(doc: Document, knobs: ExtractKnobs = DEFAULT_KNOBS) -> list[Candidate]:
    """Every candidate item of a document in reading order (repeats not yet merged)."""
    cands = Walker(doc, knobs).run()
    for cand in cands:
        cand.text = cand.text.strip()
        if cand.kind == RECOMMENDATION and not cand.addressee:
            cand.addressee = addressee_from_text(cand.text, knobs.addressee_max_words)
    return [
        c
        for c in cands
        if len(c.text) >= knobs.min_item_chars
        and (not needs_directive(c.label) or is_directive(c.text))
    ]


def item_id(document_id: str, kind: str, text: str) -> str:
    """Deterministic item id: sha256(document id + kind + normalised text), 16 hex digits."""
    return hashlib.sha256(f"{document_id}\x1f{kind}\x1f{normalise(text)}".encode()).hexdigest()[:16]


def _label_key(label: str) -> tuple[str, str]:
    """(form, number) of a label: "Recommendation 3" → ("recommendation", "3")."""
    low = normalise(label)
    return re.sub(r"\d+", "#", low), "".join(re.findall(r"\d+", low))


def _distinct_labels(a: Candidate, b: Candidate) -> bool:
    """True when two labels of the same form carry different numbers ("R3" and "R6")."""
    (fa, na), (fb, nb) = _label_key(a.label), _label_key(b.label)
    return bool(na and nb and fa == fb and na != nb)


def _groups(cands: list[Candidate], knobs: ExtractKnobs) -> list[list[int]]:
    """Indices of candidates grouped by sameness (same kind, one text covering the other,
    never two different numbers of one label form)."""
    groups: list[list[int]] = []
    for i, cand in enumerate(cands):
        for group in groups:
            head = cands[group[0]]
            if head.kind != cand.kind or any(_distinct_labels(cands[j], cand) for j in group):
                continue
            if any(
                same_item(
                    cands[j].text,
                    cand.text,
                    knobs.same_item_coverage,
                    knobs.same_item_min_words,
                    knobs.same_item_min_tokens,
                )
                for j in group
            ):
                group.append(i)
                break
        else:
            groups.append([i])
    return groups


def _merge_numbered(cands: list[Candidate], groups: list[list[int]], knobs: ExtractKnobs) -> None:
    """Join, in place, a summary-only group to a body group of the same kind whose label
    carries the same number in another form ("3." beside "Recommendation 3") when their texts
    share enough words: the summary restates the body's recommendation in fewer words."""

    def number(group: list[int]) -> str:
        return next((n for i in group if (n := _label_key(cands[i].label)[1])), "")

    merged: set[int] = set()
    for g, group in enumerate(groups):
        if g in merged or not all(_in_summary(cands[i]) for i in group) or not number(group):
            continue
        for h, other in enumerate(groups):
            if h == g or h in merged or any(_in_summary(cands[i]) for i in other):
                continue
            a, b = cands[group[0]], cands[other[0]]
            if a.kind != b.kind or number(group) != number(other):
                continue
            short, long = sorted((a.text, b.text), key=len)
            if coverage(short, long) >= knobs.same_number_coverage:
                other.extend(group)
                merged.add(g)
                break
    groups[:] = [group for g, group in enumerate(groups) if g not in merged]


def _merge_restated(cands: list[Candidate], groups: list[list[int]], knobs: ExtractKnobs) -> None:
    """Join, in place, a summary-only group to the body group of the same kind that restates
    it best, when each is the other's best match and they share enough words: executive
    summaries shorten and reword the body's lessons ("Inconsistent requirements…" for "The
    inconsistency in requirements…")."""

    def text(group: list[int]) -> str:
        return cands[group[0]].text

    summary = [g for g, grp in enumerate(groups) if all(_in_summary(cands[i]) for i in grp)]
    body = [g for g, grp in enumerate(groups) if not any(_in_summary(cands[i]) for i in grp)]

    def overlap(a: int, b: int) -> float:
        if cands[groups[a][0]].kind != cands[groups[b][0]].kind:
            return 0.0
        short, long = sorted((text(groups[a]), text(groups[b])), key=len)
        return coverage(short, long)

    merged: set[int] = set()
    for g in summary:
        scores = [(overlap(g, h), h) for h in body]
        best, h = max(scores, default=(0.0, -1))
        if best < knobs.same_number_coverage:
            continue
        back = max((overlap(k, h), k) for k in summary)
        if back[1] == g:
            groups[h].extend(groups[g])
            merged.add(g)
    groups[:] = [group for g, group in enumerate(groups) if g not in merged]


def _pick(values: list[str]) -> str:
    return max(values, key=len) if any(values) else ""


def _in_summary(cand: Candidate) -> bool:
    return any(t.lower().strip(" .0123456789").startswith(_SUMMARY) for t in cand.section_path)


def _completeness(cand: Candidate, i: int, most: int) -> tuple[bool, bool, int, int, int, int]:
    """Sort key of the occurrence whose text an item takes: a full statement (at least half
    the words of the longest), then the body's over the summary's, then the longest."""
    words = len(normalise(cand.text).split())
    return (
        2 * words >= most,
        not _in_summary(cand),
        words,
        len(cand.fields),
        len(cand.text),
        -i,
    )


def _confidence(members: list[Candidate], knobs: ExtractKnobs) -> tuple[float, str]:
    """(confidence, evidence): the strongest finding, a bonus for each further occurrence."""
    best = max(members, key=lambda c: c.confidence)
    places = {(c.pages[:1], c.section_path[:1]) for c in members}
    score = best.confidence + knobs.confidence.repeat_bonus * (len(places) - 1)
    if all(_in_summary(c) for c in members):
        score += knobs.confidence.summary_only
    evidence = best.evidence
    if len(places) > 1:
        evidence += f" (+{len(places) - 1} more occurrence{'s' if len(places) > 2 else ''})"
    return round(min(1.0, max(0.0, score)), 3), evidence


def extract_items(doc: Document, knobs: ExtractKnobs | None = None) -> list[Item]:
    """All items of a document, one per distinct lesson / good practice / recommendation."""
    knobs = knobs or DEFAULT_KNOBS
    if is_management_response(doc, knobs):
        return []
    cands = collect(doc, knobs)
    groups = _groups(cands, knobs)
    _merge_numbered(cands, groups, knobs)
    _merge_restated(cands, groups, knobs)
    owner: dict[int, int] = {i: g for g, group in enumerate(groups) for i in group}
    winners = []
    for group in groups:
        most = max(len(normalise(cands[i].text).split()) for i in group)
        winners.append(max(group, key=lambda i: _completeness(cands[i], i, most)))
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
        confidence, evidence = _confidence(members, knobs)
        nested = best.context or _pick([m.context for m in members])
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
                condition=nested or best.condition or _pick([m.condition for m in members]),
                parent_id=ids[parents[0]] if parents else "",
                fields=tuple(fields.items()),
                occurrences=tuple(Occurrence(m.pages, m.section_path, m.text) for m in members),
                tags=tag_item(best.text, context),
                evidence=evidence,
                confidence=confidence,
            )
        )
    return items
