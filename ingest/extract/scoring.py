"""Score extracted items against gold annotations (tests/gold/items/*.jsonl).

Predictions and gold rows are matched one to one, same kind only, by fuzzy token-set ratio
(>= 0.8, one text containing the other counts), best pairs first. Shared by the bench script
and the integration tests so both report the same figures.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from difflib import SequenceMatcher
from pathlib import Path

from ..records import ITEM_KINDS, Item
from .dedupe import normalise

THRESHOLD = 0.8


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


def match(gold: list[dict], pred: list[dict]) -> list[tuple[int, int, float]]:
    """One-to-one pairs (gold index, pred index, score) of the same kind, best scores first."""
    scored = []
    for i, g in enumerate(gold):
        for j, p in enumerate(pred):
            if g["kind"] != p["kind"]:
                continue
            s = token_set_ratio(g["text"], p["text"])
            if s >= THRESHOLD:
                size = min(len(g["text"]), len(p["text"])) / max(len(g["text"]), len(p["text"]))
                scored.append((s, size, i, j))
    scored.sort(reverse=True)
    used_g: set[int] = set()
    used_p: set[int] = set()
    pairs = []
    for s, _, i, j in scored:
        if i not in used_g and j not in used_p:
            used_g.add(i)
            used_p.add(j)
            pairs.append((i, j, s))
    return pairs


def addressee_ok(gold: str, pred: str) -> bool:
    """Same actor(s): equal, contained, or token-set ratio >= 0.8 (both empty counts)."""
    g, p = normalise(gold), normalise(pred)
    if not g and not p:
        return True
    if not g or not p:
        return False
    return g in p or p in g or token_set_ratio(g, p) >= THRESHOLD


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
    """Items as the plain rows the scorer compares (kind, text, addressee, pages)."""
    return [
        {"kind": i.kind, "text": i.text, "addressee": i.addressee, "pages": list(i.pages)}
        for i in items
    ]


def gold_pages(row: dict) -> list[int]:
    """Pages where a gold item is printed: "pages" (every occurrence: summary, body, annex)
    when annotated, else its one "page". An item pointing at any occurrence is placed right."""
    return list(row.get("pages") or [row["page"]])


@dataclass
class Score:
    """Counts for one document or a sum of documents; ratios are computed on demand."""

    gold: dict[str, int] = field(default_factory=lambda: dict.fromkeys(ITEM_KINDS, 0))
    pred: dict[str, int] = field(default_factory=lambda: dict.fromkeys(ITEM_KINDS, 0))
    tp: dict[str, int] = field(default_factory=lambda: dict.fromkeys(ITEM_KINDS, 0))
    duplicates: int = 0
    addressee: list[int] = field(default_factory=lambda: [0, 0])  # correct, scored
    page: list[int] = field(default_factory=lambda: [0, 0])  # correct, scored
    misses: list[str] = field(default_factory=list)
    false_positives: list[str] = field(default_factory=list)

    def add(self, other: Score) -> None:
        """Add another score's counts into this one."""
        for kind in ITEM_KINDS:
            self.gold[kind] += other.gold[kind]
            self.pred[kind] += other.pred[kind]
            self.tp[kind] += other.tp[kind]
        self.duplicates += other.duplicates
        for mine, theirs in ((self.addressee, other.addressee), (self.page, other.page)):
            mine[0] += theirs[0]
            mine[1] += theirs[1]

    def prf(self, kind: str = "") -> tuple[float, float, float]:
        """Precision, recall, F1 for one kind, or over all kinds when kind is ''."""
        kinds = (kind,) if kind else ITEM_KINDS
        return prf(
            sum(self.tp[k] for k in kinds),
            sum(self.gold[k] for k in kinds),
            sum(self.pred[k] for k in kinds),
        )


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
        out.gold[g["kind"]] += 1
    for p in pred:
        out.pred[p["kind"]] += 1
    for i, j, _ in pairs:
        out.tp[gold[i]["kind"]] += 1
        if gold[i]["kind"] == "recommendation":
            out.addressee[1] += 1
            out.addressee[0] += addressee_ok(gold[i].get("addressee", ""), pred[j]["addressee"])
        if "page" in gold[i] and "pages" in pred[j]:
            out.page[1] += 1
            out.page[0] += bool(set(gold_pages(gold[i])) & set(pred[j]["pages"]))
    for j, p in enumerate(pred):
        if j in matched_p:
            continue
        if any(
            g["kind"] == p["kind"] and token_set_ratio(g["text"], p["text"]) >= THRESHOLD
            for g in gold
        ):
            out.duplicates += 1
        out.false_positives.append(f"{p['kind']} p{p.get('pages', '')} {p['text'][:110]}")
    for i, g in enumerate(gold):
        if i not in matched_g:
            out.misses.append(f"{g['kind']} p{g.get('page', '')} {g['text'][:110]}")
    return out
