"""Score management-response reading and linking against tests/gold/responses, beside a baseline.

Reads each gold response document and every evaluation named in the gold from
../shared/reports-iom with the product reader and analyser (`ingest.pipeline.analyse`, which
reads responses and extracts items), stores them all in a temporary KnowledgeBase (hashing
embedder: links do not use vectors) — response documents first, so the "matrix before its
evaluation" path is the one measured — and scores what the store holds:

- document: is the response document linked to the evaluation the gold names;
- links: response → recommendation item, recall and precision. A gold answer is found when
  one of the response's linked items holds its `contains` fragment (≥ 80% of its words);
  a predicted link is right when its item holds one of the response's gold answers;
- verdicts: share of gold responses read with the gold verdict;
- actions: per field (text, deadline, responsible, status), share of gold actions whose
  field the reader gives equal (case, accents, spaces and edge punctuation ignored); gold
  actions are aligned with read ones by order within their response.

Gold responses are paired with read ones by number, else by the words they share. The
baseline links a response to every recommendation carrying its number (`number_links`)
and calls every verdict `accepted`.

    .venv/bin/python bench/responses.py [--no-cache] [--show]
"""

from __future__ import annotations

import argparse
import hashlib
import json
import pickle
import re
import shutil
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tempdirs import scratch_dir  # noqa: E402  (bench/, the script's folder)

from api.service import KnowledgeBase  # noqa: E402
from api.settings import Settings  # noqa: E402
from index.embeddings import HashingEmbedder  # noqa: E402
from index.linking import number_links  # noqa: E402
from index.responses import LinkedResponse  # noqa: E402
from ingest.pipeline import Parsed, analyse  # noqa: E402
from ingest.readers import read_path  # noqa: E402
from ingest.records import Document, Item  # noqa: E402
from ingest.responses.numbers import number_key  # noqa: E402
from ingest.vocab import fold  # noqa: E402

GOLD = ROOT / "tests" / "gold" / "responses"
SHARED = ROOT.parent / "shared" / "reports-iom"
CACHE = Path("/tmp/evalkb-bench-cache")
FIELDS = ("text", "deadline", "responsible", "status")
CONTAINS = 0.8  # share of a gold fragment's words an item must hold


def words(text: str) -> list[str]:
    """Folded words of a text (accents, case and punctuation dropped)."""
    return re.findall(r"[^\W_]+", fold(text))


def same(a: str, b: str) -> bool:
    """Equal up to case, accents, spacing and punctuation."""
    return words(a) == words(b)


def holds(item_text: str, fragment: str) -> bool:
    """The item holds (most words of) the gold fragment."""
    frag, text = words(fragment), " ".join(words(item_text))
    if " ".join(frag) in text:
        return True
    have = set(words(item_text))
    return bool(frag) and sum(w in have for w in frag) / len(frag) >= CONTAINS


def read_document(path: Path, use_cache: bool) -> Document:
    """The product reader's Document, cached by file hash and reader code (not extraction)."""
    h = hashlib.sha256(path.read_bytes())
    for p in sorted((ROOT / "ingest").rglob("*.py")):
        rel = p.relative_to(ROOT / "ingest").as_posix()
        if not rel.startswith(("extract/", "responses/")) and rel != "pipeline.py":
            h.update(rel.encode() + p.read_bytes())
    key = CACHE / f"responses-{h.hexdigest()[:24]}.pickle"
    if use_cache and key.exists():
        doc: Document = pickle.loads(key.read_bytes())
        return doc
    doc = read_path(path)
    CACHE.mkdir(exist_ok=True)
    key.write_bytes(pickle.dumps(doc))
    return doc


def pair_gold(gold: list[dict], read: list[LinkedResponse]) -> list[LinkedResponse | None]:
    """The read response of each gold response: same number, else most shared words."""
    out: list[LinkedResponse | None] = []
    for g in gold:
        key = number_key(g["number"])
        same_number = [r for r in read if key and number_key(r.response.number) == key]
        if len(same_number) == 1:
            out.append(same_number[0])
            continue
        gw = set(words(g["recommendation_text"]))
        pool = same_number or read
        if not pool:
            out.append(None)
            continue
        best = max(pool, key=lambda r: len(gw & set(words(r.response.recommendation_text))))
        shared = gw & set(words(best.response.recommendation_text))
        out.append(best if len(shared) >= 0.5 * len(gw) else None)
    return out


class Tally:
    """Counts of one document or of the total."""

    def __init__(self) -> None:
        self.c: dict[str, int] = dict.fromkeys(
            ["gold_links", "found", "pred", "right", "b_found", "b_pred", "b_right"], 0
        )
        self.c.update(responses=0, read=0, verdicts=0, b_verdicts=0, actions=0, doc_ok=0, docs=0)
        self.c.update({f: 0 for f in FIELDS})

    def add(self, other: Tally) -> None:
        """Add another tally's counts."""
        for k, v in other.c.items():
            self.c[k] += v


def ratio(a: int, b: int) -> str:
    """a/b as a figure ('-' when b is 0)."""
    return f"{a / b:.3f}" if b else "  -  "


def score_links(
    gold: list[dict],
    paired: list[LinkedResponse | None],
    links: dict[str, list[str]],
    items: dict[str, Item],
    t: Tally,
    prefix: str,
    show: bool,
) -> None:
    """Count gold answers found and predicted links right (`prefix`: "" or "b_")."""
    answered_by: dict[str, list[dict]] = {}
    for g, r in zip(gold, paired, strict=True):
        if r is not None:
            answered_by[r.response.id] = g["answers"]
    for g, r in zip(gold, paired, strict=True):
        for answer in g["answers"]:
            texts = [items[i].text for i in links.get(r.response.id, [])] if r else []
            ok = any(holds(text, answer["contains"]) for text in texts)
            t.c[prefix + "found"] += ok
            if show and not ok and not prefix:
                print(f"    miss  #{g['number']} -> {answer['number']}: {answer['contains'][:60]}")
    for rid, item_ids in links.items():
        for item_id in item_ids:
            t.c[prefix + "pred"] += 1
            good = any(holds(items[item_id].text, a["contains"]) for a in answered_by.get(rid, []))
            t.c[prefix + "right"] += good
            if show and not good and not prefix:
                print(f"    wrong link -> {items[item_id].label}: {items[item_id].text[:60]}")


def score_document(
    gold: dict,
    read: list[LinkedResponse],
    items: dict[str, Item],
    evaluation_id: str,
    show: bool,
) -> Tally:
    """The tally of one response document."""
    t = Tally()
    responses = gold["responses"]
    paired = pair_gold(responses, read)
    t.c["responses"], t.c["read"] = len(responses), len(read)
    t.c["gold_links"] = sum(len(g["answers"]) for g in responses)
    t.c["docs"] = 1
    t.c["doc_ok"] = int(bool(read) and read[0].evaluation_file.startswith(gold["evaluation"]))
    links = {r.response.id: [lk.item_id for lk in r.links] for r in read}
    score_links(responses, paired, links, items, t, "", show)
    recs = [i for i in items.values() if i.document_id == evaluation_id]
    base: dict[str, list[str]] = {}
    for link in number_links([r.response for r in read], recs):
        base.setdefault(link.response_id, []).append(link.item_id)
    score_links(responses, paired, base, items, t, "b_", False)
    for g, r in zip(responses, paired, strict=True):
        t.c["b_verdicts"] += g["verdict"] == "accepted"
        if r is None:
            continue
        t.c["verdicts"] += r.response.verdict == g["verdict"]
        if show and r.response.verdict != g["verdict"]:
            print(f"    verdict #{g['number']}: {r.response.verdict} (gold {g['verdict']})")
        for n, ga in enumerate(g["actions"]):
            ra = r.response.actions[n] if n < len(r.response.actions) else None
            for f in FIELDS:
                ok = ra is not None and same(getattr(ra, f), ga[f])
                t.c[f] += ok
                if show and not ok:
                    got = getattr(ra, f) if ra else "<no action>"
                    print(f"    #{g['number']} action {n + 1} {f}: {got[:50]!r} / {ga[f][:50]!r}")
    t.c["actions"] = sum(len(g["actions"]) for g in responses)
    return t


def report(name: str, t: Tally) -> None:
    """Print one document's (or the total's) figures, product | baseline."""
    c = t.c
    print(
        f"{name[:36]:<37}{c['doc_ok']}/{c['docs']}  {c['read']:>3}/{c['responses']:<3}"
        f"{ratio(c['found'], c['gold_links']):>7}{ratio(c['right'], c['pred']):>7}"
        f"{ratio(c['verdicts'], c['responses']):>7}"
        + "".join(f"{ratio(c[f], c['actions']):>7}" for f in FIELDS)
        + f"  |{ratio(c['b_found'], c['gold_links']):>7}{ratio(c['b_right'], c['b_pred']):>7}"
        f"{ratio(c['b_verdicts'], c['responses']):>7}"
    )


def main() -> int:
    """Read, store, score and print."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--no-cache", action="store_true", help="read every file afresh")
    parser.add_argument("--show", action="store_true", help="print misses and wrong links")
    args = parser.parse_args()
    if not SHARED.is_dir():
        print(f"{SHARED} is absent: nothing to score")
        return 0
    golds = [json.loads(p.read_text(encoding="utf-8")) for p in sorted(GOLD.glob("*.json"))]
    stems = [g["document"] for g in golds] + [g["evaluation"] for g in golds]
    home = scratch_dir("evalkb-bench-responses-")
    kb = KnowledgeBase(Settings(home=home / "data", ocr=False), embedder=HashingEmbedder())
    t0 = time.perf_counter()
    for stem in stems:  # response documents first: they link when their evaluation arrives
        path = SHARED / f"{stem}.pdf"
        parsed: Parsed = analyse(read_document(path, not args.no_cache))
        outcome = kb.store_parsed(path, parsed)
        print(
            f"stored {stem}: {len(parsed.responses)} responses, {len(parsed.items)} items"
            f" ({outcome.status})"
        )
    print(f"read and stored in {time.perf_counter() - t0:.1f}s\n")
    items = {i.id: i for i in kb.read.items()}
    ids = {s.file_name.rsplit(".", 1)[0]: s.id for s in kb.read.documents()}
    head = "links R    P   verdict" + "".join(f"{f[:7]:>7}" for f in FIELDS)
    print(f"{'document':<37}eval resp   {head}  | baseline R    P  verdict")
    total = Tally()
    for gold in golds:
        read = kb.read.responses.linked(ids[gold["document"]])
        read = [r for r in read if r.response.document_id == ids[gold["document"]]]
        t = score_document(gold, read, items, ids[gold["evaluation"]], args.show)
        report(gold["document"], t)
        total.add(t)
    report("TOTAL", total)
    kb.close()
    shutil.rmtree(home, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
