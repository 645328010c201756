"""Score extracted items against gold annotations (tests/gold/items/*.jsonl).

Predictions and gold rows are matched one to one, same kind only, by fuzzy token-set ratio
(>= 0.8, one text containing the other counts), best pairs first. Required gold rows are
matched before optional ones (`"optional": true`): an optional row that a prediction matches
takes that prediction out of the false positives, an unmatched optional row is no miss.
Field accuracy (addressee, page, priority, timing, parent, label) is counted on matched
required rows. Shared by the bench script and the integration tests so both report the same
figures; `bench/goldsets.py` says which document is in which group and of which type.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from difflib import SequenceMatcher
from pathlib import Path

from ..records import ITEM_KINDS, Item
from .dedupe import normalise

THRESHOLD = 0.8
FIELDS = ("addressee", "page", "priority", "timing", "parent", "label")


def token_set_ratio(a: str, b: str) -> float:
    """fuzzywuzzy's token-set ratio in [0, 1] (1.0 when one token set contains the other)."""
    ta, tb = set(normalise(a).split()), set(normalise(b).split())
    if not ta or not tb:
        return 0.0
    inter = " ".join(sorted(ta & tb))
    s1 = (inter + " " + " ".join(sorted(ta - tb))).strip()
    s2 = (inter + " " + " ".join(sorted(tb - ta))).strip()
    pairs = [(s1, s2)] + ([(inter, s1), (inter, s2)] if inter else [])
    return max(SequenceMatcher(None, x, y).ratio() for x, y in pairs)


def _pairs(gold: list[dict], pred: list[dict], rows: list[int], free: set[int]) -> list:
    scored = []
    for i in rows:
        g = gold[i]
        for j in free:
            p = pred[j]
            if g["kind"] != p["kind"]:
                continue
            s = token_set_ratio(g["text"], p["text"])
            if s >= THRESHOLD:
                size = min(len(g["text"]), len(p["text"])) / max(len(g["text"]), len(p["text"]))
                scored.append((s, size, i, j))
    scored.sort(reverse=True)
    used_g: set[int] = set()
    pairs = []
    for s, _, i, j in scored:
        if i not in used_g and j in free:
            used_g.add(i)
            free.discard(j)
            pairs.append((i, j, s))
    return pairs


def match(gold: list[dict], pred: list[dict]) -> list[tuple[int, int, float]]:
    """One-to-one pairs (gold index, pred index, score) of the same kind, best scores first;
    required gold rows take their predictions before optional rows do."""
    free = set(range(len(pred)))
    required = [i for i, g in enumerate(gold) if not g.get("optional")]
    optional = [i for i, g in enumerate(gold) if g.get("optional")]
    return _pairs(gold, pred, required, free) + _pairs(gold, pred, optional, free)


def addressee_ok(gold: str, pred: str) -> bool:
    """Same actor(s): equal, contained, or token-set ratio >= 0.8 (both empty counts)."""
    g, p = normalise(gold), normalise(pred)
    if not g and not p:
        return True
    if not g or not p:
        return False
    return g in p or p in g or token_set_ratio(g, p) >= THRESHOLD


def parent_ok(gold: str, label: str, text: str) -> bool:
    """A gold parent (the parent's label, or the first words of its text) names the predicted
    parent, given by its label and text; both empty counts."""
    g = normalise(gold)
    if not g:
        return not label and not text
    lab, txt = normalise(label), normalise(text)
    return bool(g == lab or (txt and (txt.startswith(g) or g.startswith(txt))))


def label_ok(gold: str, pred: str) -> bool:
    """Same label once case, punctuation and a trailing dot are ignored ("1." = "1")."""
    return normalise(gold) == normalise(pred)


def prf(tp: int, n_gold: int, n_pred: int) -> tuple[float, float, float]:
    """Precision, recall, F1 (1.0 for an empty gold and empty prediction)."""
    p = tp / n_pred if n_pred else 1.0
    r = tp / n_gold if n_gold else 1.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return p, r, f


def load_gold(path: Path) -> list[dict]:
    """The gold rows of one document (kind, text, addressee, page…); '#' lines are notes."""
    lines = path.read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines if line.strip() and not line.startswith("#")]


def as_rows(items: list[Item]) -> list[dict]:
    """Items as the plain rows the scorer compares (kind, text, fields, pages, parent)."""
    by_id = {i.id: i for i in items}
    rows = []
    for i in items:
        parent = by_id.get(i.parent_id)
        rows.append(
            {
                "kind": i.kind,
                "text": i.text,
                "label": i.label,
                "addressee": i.addressee,
                "priority": i.priority,
                "timing": i.timing,
                "pages": list(i.pages),
                "parent_label": parent.label if parent else "",
                "parent_text": parent.text if parent else "",
                "evidence": i.evidence,
                "confidence": i.confidence,
            }
        )
    return rows


def gold_pages(row: dict) -> list[int]:
    """Pages where a gold item is printed: "pages" (every occurrence: summary, body, annex)
    when annotated, else its one "page". An item pointing at any occurrence is placed right."""
    return list(row.get("pages") or [row["page"]])


def _kinds() -> dict[str, int]:
    return dict.fromkeys(ITEM_KINDS, 0)


@dataclass
class Score:
    """Counts for one document or a sum of documents; ratios are computed on demand.

    `fields[name]` is [correct, scored] for each of FIELDS; `optional` counts predictions that
    matched optional gold rows (neither true nor false positives).
    """

    gold: dict[str, int] = field(default_factory=_kinds)
    pred: dict[str, int] = field(default_factory=_kinds)
    tp: dict[str, int] = field(default_factory=_kinds)
    duplicates: int = 0
    optional: int = 0
    fields: dict[str, list[int]] = field(default_factory=lambda: {f: [0, 0] for f in FIELDS})
    misses: list[str] = field(default_factory=list)
    false_positives: list[str] = field(default_factory=list)

    @property
    def addressee(self) -> list[int]:
        """[correct, scored] addressees of matched recommendations."""
        return self.fields["addressee"]

    @property
    def page(self) -> list[int]:
        """[correct, scored] pages of matched items."""
        return self.fields["page"]

    def add(self, other: Score) -> None:
        """Add another score's counts into this one."""
        for kind in ITEM_KINDS:
            self.gold[kind] += other.gold[kind]
            self.pred[kind] += other.pred[kind]
            self.tp[kind] += other.tp[kind]
        self.duplicates += other.duplicates
        self.optional += other.optional
        for name in FIELDS:
            self.fields[name][0] += other.fields[name][0]
            self.fields[name][1] += other.fields[name][1]

    def prf(self, kind: str = "") -> tuple[float, float, float]:
        """Precision, recall, F1 for one kind, or over all kinds when kind is ''."""
        kinds = (kind,) if kind else ITEM_KINDS
        return prf(
            sum(self.tp[k] for k in kinds),
            sum(self.gold[k] for k in kinds),
            sum(self.pred[k] for k in kinds),
        )


def _fields(out: Score, g: dict, p: dict) -> None:
    """Count the field agreements of one matched (gold, prediction) pair."""
    checks: list[tuple[str, bool]] = []
    if g["kind"] == "recommendation":
        checks.append(("addressee", addressee_ok(g.get("addressee", ""), p.get("addressee", ""))))
    if "page" in g and "pages" in p:
        checks.append(("page", bool(set(gold_pages(g)) & set(p["pages"]))))
    for name in ("priority", "timing"):
        if g.get(name):
            checks.append((name, addressee_ok(g[name], p.get(name, ""))))
    if g.get("parent") or p.get("parent_label") or p.get("parent_text"):
        ok = parent_ok(g.get("parent", ""), p.get("parent_label", ""), p.get("parent_text", ""))
        checks.append(("parent", ok))
    if g.get("label"):
        checks.append(("label", label_ok(g["label"], p.get("label", ""))))
    for name, ok in checks:
        out.fields[name][0] += ok
        out.fields[name][1] += 1


def score(gold: list[dict], pred: list[dict]) -> Score:
    """Compare one document's predictions with its gold rows.

    A duplicate is an unmatched prediction that is another version of some gold item.
    Addressee accuracy counts matched recommendations; page accuracy counts matched items
    whose pages include a gold page of that item (see gold_pages).
    """
    out = Score()
    pairs = match(gold, pred)
    matched_g = {i for i, _, _ in pairs}
    matched_p = {j for _, j, _ in pairs}
    for g in gold:
        if not g.get("optional"):
            out.gold[g["kind"]] += 1
    for i, j, _ in pairs:
        if gold[i].get("optional"):
            out.optional += 1
            continue
        out.tp[gold[i]["kind"]] += 1
        _fields(out, gold[i], pred[j])
    optional_preds = {j for i, j, _ in pairs if gold[i].get("optional")}
    for j, p in enumerate(pred):
        if j in optional_preds:
            continue
        out.pred[p["kind"]] += 1
        if j in matched_p:
            continue
        if any(
            g["kind"] == p["kind"] and token_set_ratio(g["text"], p["text"]) >= THRESHOLD
            for g in gold
        ):
            out.duplicates += 1
        out.false_positives.append(f"{p['kind']} p{p.get('pages', '')} {p['text'][:110]}")
    for i, g in enumerate(gold):
        if i not in matched_g and not g.get("optional"):
            out.misses.append(f"{g['kind']} p{g.get('page', '')} {g['text'][:110]}")
    return out
