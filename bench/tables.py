"""ICDAR 2013 (EU set) table benchmark: pdfplumber's default find_tables() vs extract_page_tables.

Ground truth in ../shared/tables/icdar2013-eu: `eu-NNN-reg.xml` (table regions) and
`eu-NNN-str.xml` (cells with content and spans). Coordinates are PDF points with the origin at
the bottom-left of the page and pages numbered from 1; they are converted here to pdfplumber's
top-left coordinates (top = page height - y2, measured from the page's mediabox). A table
spanning pages has one region per page; each region is scored on its own. `eu-009b` is an
alternative annotation of `eu-009a` without a PDF of its own and is skipped.

Scores, summed over all pages of all PDFs:
- regions: one-to-one greedy matching of predicted to ground-truth boxes on the same page at
  IoU >= 0.5; recall, precision and F1.
- cells: the fraction of non-empty ground-truth cells whose normalised text (lower case, all
  whitespace removed) equals the text of some cell of the predicted table matched to that
  region (cells of unmatched regions count as misses). This is a cell-content recall, not the
  competition's adjacency-relation F1.
- time: wall time per page, including cell-text extraction for both methods.

    .venv/bin/python bench/tables.py [--verbose]
"""

from __future__ import annotations

import argparse
import sys
import time
import xml.etree.ElementTree as ET
from collections.abc import Callable
from pathlib import Path

import pdfplumber

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from ingest.pdf.tables import extract_page_tables  # noqa: E402

DATA = ROOT.parent / "shared" / "tables" / "icdar2013-eu"
Box = tuple[float, float, float, float]
Pred = list[tuple[Box, list[list[str]]]]


def norm(text: str | None) -> str:
    """Cell text for comparison: lower case, no whitespace at all."""
    return "".join((text or "").split()).lower()


def to_top_left(el: ET.Element, page: pdfplumber.page.Page) -> Box:
    """A ground-truth bounding-box element in pdfplumber coordinates."""
    x1, y1, x2, y2 = (float(el.get(k, "0")) for k in ("x1", "y1", "x2", "y2"))
    mb = page.mediabox
    height = float(mb[3]) - float(mb[1])
    return (
        x1 - float(mb[0]),
        height - (y2 - float(mb[1])),
        x2 - float(mb[0]),
        height - (y1 - float(mb[1])),
    )


def load_cells(stem: str) -> dict[int, list[list[str]]]:
    """Per 1-based page, each ground-truth region's non-empty normalised cell texts."""
    out: dict[int, list[list[str]]] = {}
    root = ET.parse(DATA / f"{stem}-str.xml").getroot()
    for region in root.iter("region"):
        cells = [norm(c.findtext("content")) for c in region.iter("cell")]
        out.setdefault(int(region.get("page", "1")), []).append([c for c in cells if c])
    return out


def iou(a: Box, b: Box) -> float:
    """Intersection over union of two boxes."""
    w = min(a[2], b[2]) - max(a[0], b[0])
    h = min(a[3], b[3]) - max(a[1], b[1])
    if w <= 0 or h <= 0:
        return 0.0
    inter = w * h
    area = (a[2] - a[0]) * (a[3] - a[1]) + (b[2] - b[0]) * (b[3] - b[1]) - inter
    return inter / area


def baseline(page: pdfplumber.page.Page) -> Pred:
    """pdfplumber's default table finder."""
    return [(tuple(t.bbox), t.extract()) for t in page.find_tables()]  # type: ignore[misc]


def ours(page: pdfplumber.page.Page) -> Pred:
    """evalkb's detector."""
    return [(t.bbox, t.rows) for t in extract_page_tables(page)]


def score(method: Callable[[pdfplumber.page.Page], Pred], verbose: bool) -> dict[str, float]:
    """Run one method on every page of every PDF and score it."""
    tp = n_truth = n_pred = cells_hit = cells_all = pages = 0
    elapsed = 0.0
    for pdf_path in sorted(DATA.glob("eu-*.pdf")):
        stem = pdf_path.stem
        with pdfplumber.open(pdf_path) as pdf:
            truth = load_cells(stem) if (DATA / f"{stem}-str.xml").exists() else {}
            regions = _reg_boxes(stem, pdf)
            for page in pdf.pages:
                t0 = time.perf_counter()
                pred = method(page)
                elapsed += time.perf_counter() - t0
                pages += 1
                gts = regions.get(page.page_number, [])
                cells = truth.get(page.page_number, [])
                n_truth += len(gts)
                n_pred += len(pred)
                pairs = sorted(
                    ((iou(g, p[0]), i, j) for i, g in enumerate(gts) for j, p in enumerate(pred)),
                    reverse=True,
                )
                used_g: set[int] = set()
                used_p: set[int] = set()
                for v, i, j in pairs:
                    if v < 0.5 or i in used_g or j in used_p:
                        continue
                    used_g.add(i)
                    used_p.add(j)
                    tp += 1
                    if i < len(cells):
                        found = {norm(c) for row in pred[j][1] for c in row}
                        cells_hit += sum(c in found for c in cells[i])
                for i in range(len(gts)):
                    cells_all += len(cells[i]) if i < len(cells) else 0
                if verbose and (len(used_g) < len(gts) or len(used_p) < len(pred)):
                    print(
                        f"  {stem} p{page.page_number}: truth {len(gts)} pred {len(pred)} "
                        f"matched {len(used_g)}",
                        [tuple(round(x) for x in g) for g in gts],
                        [tuple(round(x) for x in p[0]) for p in pred],
                    )
    rec = tp / n_truth if n_truth else 0.0
    prec = tp / n_pred if n_pred else 0.0
    f1 = 2 * rec * prec / (rec + prec) if rec + prec else 0.0
    return {
        "regions": n_truth,
        "predicted": n_pred,
        "recall": rec,
        "precision": prec,
        "f1": f1,
        "cells": cells_hit / cells_all if cells_all else 0.0,
        "ms/page": 1000 * elapsed / max(pages, 1),
        "pages": pages,
    }


def _reg_boxes(stem: str, pdf: pdfplumber.PDF) -> dict[int, list[Box]]:
    """Region boxes per page from -reg.xml, in document order (same order as -str.xml)."""
    out: dict[int, list[Box]] = {}
    path = DATA / f"{stem}-reg.xml"
    if not path.exists():
        return out
    for r in ET.parse(path).getroot().iter("region"):
        pno = int(r.get("page", "1"))
        bb = r.find("bounding-box")
        if bb is not None and pno <= len(pdf.pages):
            out.setdefault(pno, []).append(to_top_left(bb, pdf.pages[pno - 1]))
    return out


def main() -> None:
    """Print both methods' scores side by side."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--verbose", action="store_true", help="list pages with misses")
    args = ap.parse_args()
    if not DATA.is_dir():
        sys.exit(f"no data at {DATA}")
    results = {}
    for name, fn in (("pdfplumber find_tables()", baseline), ("extract_page_tables", ours)):
        if args.verbose:
            print(name)
        results[name] = score(fn, args.verbose)
    keys = ["regions", "predicted", "recall", "precision", "f1", "cells", "ms/page"]
    print(f"ICDAR 2013 EU, {results['extract_page_tables']['pages']:.0f} pages, IoU >= 0.5")
    print(f"{'method':28}" + "".join(f"{k:>11}" for k in keys))
    for name, r in results.items():
        vals = "".join(
            f"{r[k]:>11.0f}" if k in ("regions", "predicted") else f"{r[k]:>11.3f}" for k in keys
        )
        print(f"{name:28}{vals}")


if __name__ == "__main__":
    main()
