"""Score item extraction against the gold annotations in tests/gold/items, beside a baseline.

Reads corpus/*.pdf and ../shared/reports/*.pdf with the product reader
(ingest.readers.read_path), extracts items, and scores them with ingest.extract.scoring
(same-kind one-to-one matching, token-set ratio >= 0.8). For each document and kind it prints
precision, recall and F1 of the extractor and, side by side, of a naive baseline: every
paragraph or list item under a heading that names recommendations, lessons or good practices
is an item of that kind. Then duplicates, addressee accuracy (matched recommendations), page
accuracy (matched items whose pages include a page the gold item is printed on) and the
extraction time per document (reading excluded).

    .venv/bin/python bench/extract.py [--source pdf|docx|text] [--show]

--source docx / text reads the five corpus documents from ../shared/docx or ../shared/seeds
instead of the PDFs (the three audit reports exist only as PDF and are always read as PDF).
"""

from __future__ import annotations

import argparse
import re
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from ingest.extract import extract_items  # noqa: E402
from ingest.extract.scoring import Score, as_rows, load_gold, score  # noqa: E402
from ingest.readers import read_path  # noqa: E402
from ingest.records import (  # noqa: E402
    GOOD_PRACTICE,
    HEADING,
    ITEM_KINDS,
    LESSON,
    LIST_ITEM,
    PARAGRAPH,
    RECOMMENDATION,
    Document,
)

GOLD = ROOT / "tests" / "gold" / "items"
SHARED = ROOT.parent / "shared"
# seeds are named by hash: recognise each corpus document by a phrase from its first page
SEED_KEYS = {
    "cisp-kafamuya-final-evaluation-2024": "KAFAMUYA",
    "eutf-tpml-mali-final-report-2021": "TIERCE PARTIE (TPML)",
    "ilo-mali-slavery-final-evaluation-2023": "l'OIT/EVAL",
    "mali-pan-tp-2023-2027-action-plan": "PAN-TP 2023-2027",
    "pbf-mali-justice-progress-report-2020": "RAPPORT DE PROGRES DE PROJET PBF",
}
_BASE_KINDS = (
    (LESSON, re.compile(r"le[çc]ons?|lessons?", re.I)),
    (GOOD_PRACTICE, re.compile(r"bonnes?\s+pratiques?|good\s+practices?", re.I)),
    (RECOMMENDATION, re.compile(r"recomm[ae]ndations?", re.I)),
)


def baseline(doc: Document) -> list[dict]:
    """Naive extractor: paragraphs and list items under a heading naming an item kind."""
    out: list[dict] = []
    kind = ""
    for block in doc.blocks:
        if block.kind == HEADING:
            kind = next((k for k, rx in _BASE_KINDS if rx.search(block.text)), "")
        elif kind and block.kind in (PARAGRAPH, LIST_ITEM) and len(block.text) > 20:
            out.append({"kind": kind, "text": block.text, "addressee": "", "pages": block.pages})
    return out


def source_path(stem: str, source: str) -> Path | None:
    """The file to read for one gold document, or None when it is not on this machine."""
    if stem.startswith("sn_"):
        path = SHARED / "reports" / f"{stem}.pdf"
    elif source == "docx":
        path = SHARED / "docx" / f"{stem}.docx"
    elif source == "text":
        key = SEED_KEYS.get(stem, "\0")
        seeds = sorted((SHARED / "seeds").glob("*.txt")) if (SHARED / "seeds").is_dir() else []
        path = next((p for p in seeds if key in p.read_text(encoding="utf-8")[:3000]), Path("-"))
    else:
        path = ROOT / "corpus" / f"{stem}.pdf"
    return path if path.exists() else None


def _ratio(pair: list[int]) -> str:
    return f"{pair[0]}/{pair[1]}" if pair[1] else "-"


def row(name: str, kind: str, ours: Score, base: Score) -> str:
    """One printed line: counts, P/R/F1 of the extractor, then of the baseline."""
    k = "" if kind == "all kinds" else kind
    g = sum(ours.gold[x] for x in ([k] if k else ITEM_KINDS))
    p = sum(ours.pred[x] for x in ([k] if k else ITEM_KINDS))
    bp = sum(base.pred[x] for x in ([k] if k else ITEM_KINDS))
    a, b = ours.prf(k), base.prf(k)
    return (
        f"{name[:38]:<39}{kind:<15}{g:>5}{p:>5}{a[0]:>7.3f}{a[1]:>7.3f}{a[2]:>7.3f}   |"
        f"{bp:>5}{b[0]:>7.3f}{b[1]:>7.3f}{b[2]:>7.3f}"
    )


def header() -> str:
    """Column titles."""
    return (
        f"{'document':<39}{'kind':<15}{'gold':>5}{'pred':>5}{'P':>7}{'R':>7}{'F1':>7}   |"
        f"{'base':>5}{'bP':>7}{'bR':>7}{'bF1':>7}   (extractor | baseline)"
    )


def main() -> None:
    """Run the benchmark and print the table."""
    ap = argparse.ArgumentParser()
    ap.add_argument("--source", choices=("pdf", "docx", "text"), default="pdf")
    ap.add_argument("--show", action="store_true", help="print misses and false positives")
    args = ap.parse_args()
    totals = {g: (Score(), Score()) for g in ("corpus", "reports")}
    print(f"source: {args.source} (reports always pdf)")
    print(header())
    for gold_file in sorted(GOLD.glob("*.jsonl")):
        stem = gold_file.stem
        group = "reports" if stem.startswith("sn_") else "corpus"
        path = source_path(stem, args.source)
        if path is None:
            print(f"{stem[:38]:<39}(absent: skipped)")
            continue
        doc = read_path(path)
        gold = load_gold(gold_file)
        t0 = time.perf_counter()
        items = extract_items(doc)
        seconds = time.perf_counter() - t0
        pred, base_pred = as_rows(items), baseline(doc)
        if path.suffix != ".pdf":  # DOCX and text have no printed pages: page accuracy n/a
            for r in pred + base_pred:
                r.pop("pages")
        ours, base = score(gold, pred), score(gold, base_pred)
        totals[group][0].add(ours)
        totals[group][1].add(base)
        kinds = [k for k in ITEM_KINDS if ours.gold[k] or ours.pred[k] or base.pred[k]]
        for kind in kinds or ["all kinds"]:
            print(row(stem, kind, ours, base))
        print(
            f"{'':<39}{'':<15}duplicates {ours.duplicates} (base {base.duplicates}), "
            f"addressee {_ratio(ours.addressee)}, page {_ratio(ours.page)} "
            f"(base {_ratio(base.page)}), extract {seconds:.2f}s"
        )
        if args.show:
            for line in ours.misses:
                print("     MISS", line)
            for line in ours.false_positives:
                print("     FP  ", line)
    print()
    for group, (ours, base) in totals.items():
        print(row(group.upper(), "all kinds", ours, base))
        for kind in ITEM_KINDS:
            if ours.gold[kind] or ours.pred[kind]:
                print(row("", kind, ours, base))
        a_ok, a_n = ours.addressee
        p_ok, p_n = ours.page
        print(
            f"{'':<39}{'':<15}duplicates {ours.duplicates} (base {base.duplicates}), "
            f"addressee accuracy {_ratio(ours.addressee)} = {a_ok / a_n if a_n else 1:.3f}, "
            f"page accuracy {_ratio(ours.page)} = {p_ok / p_n if p_n else 1:.3f} "
            f"(base {_ratio(base.page)})"
        )
    print("targets: F1 >= 0.95 corpus, >= 0.90 reports, 0 duplicates, 0 PBF items")


if __name__ == "__main__":
    main()
