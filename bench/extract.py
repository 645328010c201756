"""Score item extraction against the gold annotations in tests/gold/items, beside a baseline.

Reads every gold document (corpus/*.pdf, ../shared/reports/*.pdf, ../shared/reports-iom/*.pdf)
with the product reader (ingest.readers.read_path), extracts items, and scores them with
ingest.extract.scoring (same-kind one-to-one matching, token-set ratio >= 0.8; optional gold
rows count neither way). For each document and kind it prints precision, recall and F1 of the
extractor and, side by side, of a naive baseline: every paragraph or list item under a heading
that names recommendations, lessons or good practices is an item of that kind. Then
duplicates, field accuracy (addressee of matched recommendations; page; priority, timing,
parent and label where gold has them) and the extraction time (reading excluded).

Totals follow for the development and held-out groups (tests/gold/README.md), per document
type (evaluation, brief, audit, other; items/TYPES.tsv), and the older CORPUS / REPORTS sets.
Documents that must give no items (management responses) are checked last.

    .venv/bin/python bench/extract.py [--source pdf|docx|text] [--show] [--no-cache]

Parsed documents are cached under /tmp/evalkb-bench-cache, keyed by the file's sha256 and a
hash of the reader's code (every ingest module outside ingest/extract), so re-runs only
re-extract; --no-cache reads every file afresh (use it for figures you report). --show prints
misses and false positives of development documents only: held-out documents show totals,
never their items (--show-held-out overrides, for annotators).
--source docx / text reads the five corpus documents from ../shared/docx or ../shared/seeds.
"""

from __future__ import annotations

import argparse
import hashlib
import pickle
import re
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from goldsets import DOC_TYPES, doc_types, held_out, legacy_group  # noqa: E402

from ingest.extract import EXTRACTOR_VERSION, extract_items, extract_metadata  # noqa: E402
from ingest.extract.scoring import FIELDS, Score, as_rows, load_gold, score  # noqa: E402
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
CACHE = Path("/tmp/evalkb-bench-cache")
EXPECT_NONE = ("iom-hoa-eu-ji-management-response", "oim-cs1137-plan-reponse-direction")
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
    elif not legacy_group(stem):
        path = SHARED / "reports-iom" / f"{stem}.pdf"
    elif source == "docx":
        path = SHARED / "docx" / f"{stem}.docx"
    elif source == "text":
        key = SEED_KEYS.get(stem, "\0")
        seeds = sorted((SHARED / "seeds").glob("*.txt")) if (SHARED / "seeds").is_dir() else []
        path = next((p for p in seeds if key in p.read_text(encoding="utf-8")[:3000]), Path("-"))
    else:
        path = ROOT / "corpus" / f"{stem}.pdf"
    return path if path.exists() else None


def reader_version() -> str:
    """Hash of the reader's code: every ingest module outside the extract package."""
    h = hashlib.sha256(sys.version.encode())
    for p in sorted((ROOT / "ingest").rglob("*.py")):
        rel = p.relative_to(ROOT / "ingest").as_posix()
        if not rel.startswith("extract/") and rel != "pipeline.py":
            h.update(rel.encode() + p.read_bytes())
    return h.hexdigest()[:12]


def read_cached(path: Path, use_cache: bool) -> tuple[Document, float]:
    """The parsed Document and the seconds spent reading (0 when it came from the cache)."""
    data = path.read_bytes()
    key = CACHE / f"{hashlib.sha256(data).hexdigest()[:20]}-{reader_version()}.pickle"
    if use_cache and key.exists():
        return pickle.loads(key.read_bytes()), 0.0
    t0 = time.perf_counter()
    doc = read_path(path)
    seconds = time.perf_counter() - t0
    CACHE.mkdir(exist_ok=True)
    key.write_bytes(pickle.dumps(doc))
    return doc, seconds


def _ratio(pair: list[int]) -> str:
    return f"{pair[0]}/{pair[1]}={pair[0] / pair[1]:.3f}" if pair[1] else "-"


def row(name: str, kind: str, ours: Score, base: Score, tag: str = "") -> str:
    """One printed line: counts, P/R/F1 of the extractor, then of the baseline."""
    k = "" if kind == "all kinds" else kind
    g = sum(ours.gold[x] for x in ([k] if k else ITEM_KINDS))
    p = sum(ours.pred[x] for x in ([k] if k else ITEM_KINDS))
    bp = sum(base.pred[x] for x in ([k] if k else ITEM_KINDS))
    a, b = ours.prf(k), base.prf(k)
    return (
        f"{name[:38]:<39}{tag:<10}{kind:<15}{g:>5}{p:>5}{a[0]:>7.3f}{a[1]:>7.3f}{a[2]:>7.3f}   |"
        f"{bp:>5}{b[0]:>7.3f}{b[1]:>7.3f}{b[2]:>7.3f}"
    )


def header() -> str:
    """Column titles."""
    return (
        f"{'document':<39}{'group':<10}{'kind':<15}{'gold':>5}{'pred':>5}{'P':>7}{'R':>7}"
        f"{'F1':>7}   |{'base':>5}{'bP':>7}{'bR':>7}{'bF1':>7}   (extractor | baseline)"
    )


def fields_line(ours: Score, base: Score) -> str:
    """Duplicates, optional matches and field accuracy of the extractor."""
    acc = ", ".join(f"{n} {_ratio(ours.fields[n])}" for n in FIELDS if ours.fields[n][1])
    return (
        f"{'':<64}duplicates {ours.duplicates} (base {base.duplicates}), "
        f"optional hits {ours.optional}; {acc}"
    )


def total_block(name: str, ours: Score, base: Score, docs: int) -> None:
    """Print the totals of one group: all kinds, each kind, field accuracy."""
    print(row(f"{name} ({docs} docs)", "all kinds", ours, base))
    for kind in ITEM_KINDS:
        if ours.gold[kind] or ours.pred[kind]:
            print(row("", kind, ours, base))
    print(fields_line(ours, base))


def main() -> None:
    """Run the benchmark and print the tables."""
    ap = argparse.ArgumentParser()
    ap.add_argument("--source", choices=("pdf", "docx", "text"), default="pdf")
    ap.add_argument("--show", action="store_true", help="misses and false positives (dev)")
    ap.add_argument("--show-held-out", action="store_true", help="also for held-out documents")
    ap.add_argument("--no-cache", action="store_true", help="read every file afresh")
    ap.add_argument("--only", default="", help="regex on document stems")
    args = ap.parse_args()
    held = held_out(ROOT / "tests" / "gold" / "README.md")
    types = doc_types(GOLD / "TYPES.tsv")
    totals: dict[str, tuple[Score, Score, list[str]]] = {}
    print(f"source: {args.source} (reports and reports-iom always pdf); {EXTRACTOR_VERSION}")
    print(header())
    for gold_file in sorted(GOLD.glob("*.jsonl")):
        stem = gold_file.stem
        if args.only and not re.search(args.only, stem):
            continue
        path = source_path(stem, args.source)
        group = held.get(stem, "dev")
        if path is None:
            print(f"{stem[:38]:<39}(absent: skipped)")
            continue
        doc, read_s = read_cached(path, not args.no_cache)
        gold = load_gold(gold_file)
        t0 = time.perf_counter()
        items = extract_items(doc)
        seconds = time.perf_counter() - t0
        pred, base_pred = as_rows(items), baseline(doc)
        if path.suffix != ".pdf":  # DOCX and text have no printed pages: page accuracy n/a
            for r in pred + base_pred:
                r.pop("pages")
        ours, base = score(gold, pred), score(gold, base_pred)
        kind_of = types.get(stem, "other")
        names = ["ALL", group.upper(), f"TYPE {kind_of}"]
        names += [legacy_group(stem).upper()] if legacy_group(stem) else ["IOM"]
        for name in names:
            t = totals.setdefault(name, (Score(), Score(), []))
            t[0].add(ours)
            t[1].add(base)
            t[2].append(stem)
        kinds = [k for k in ITEM_KINDS if ours.gold[k] or ours.pred[k] or base.pred[k]]
        for n, kind in enumerate(kinds or ["all kinds"]):
            tag = f"{group.replace('held-out', 'held')[:6]}/{kind_of[:3]}" if n == 0 else ""
            print(row(stem, kind, ours, base, tag))
        if len(kinds) > 1:
            print(row("", "all kinds", ours, base))
        print(fields_line(ours, base) + f"; extract {seconds:.2f}s, read {read_s:.1f}s")
        if args.show and (group == "dev" or args.show_held_out):
            for line in ours.misses:
                print("     MISS", line)
            for line in ours.false_positives:
                print("     FP  ", line)
    print()
    held_groups = sorted({g.upper() for g in held.values()})
    order = ["DEV", *held_groups] + [f"TYPE {t}" for t in DOC_TYPES] + ["CORPUS", "REPORTS", "IOM"]
    for name in order + ["ALL"]:
        if name in totals:
            ours, base, stems = totals[name]
            total_block(name, ours, base, len(stems))
    print()
    print("documents that must give no items (management responses):")
    for stem in EXPECT_NONE:
        path = SHARED / "reports-iom" / f"{stem}.pdf"
        if not path.exists():
            continue
        doc, _ = read_cached(path, not args.no_cache)
        n = len(extract_items(doc))
        meta_type = extract_metadata(doc, use_ner=False).get("type", "")
        print(f"  {stem:<45} items {n}  metadata type {meta_type!r}")
    print("targets: F1 >= 0.90 held-out and per type; corpus/reports no drop (1.000), 0 dups")


if __name__ == "__main__":
    main()
