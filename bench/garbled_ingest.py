"""Ingest a long report whose text layer is garbled: time, per-page rate, text recovered.

Makes a PDF of N pages (default 187, as the real report of issue 11) whose every page is
set in a font without a Unicode map (`tests/garbled_pdf.py`), then:

1. OCR strategies side by side on the first `--compare` pages: today's path before this
   change (pytesseract, one page at a time, Tesseract's own OpenMP threads) against one
   single-threaded Tesseract per core (`OMP_THREAD_LIMIT=1`, `ingest.pdf.ocr.PageReader`);
2. the full `evalkb ingest` path (`KnowledgeBase.ingest`: parser worker, OCR, extraction,
   embeddings, store) on the whole file, with per-page progress, under the page-scaled
   time limit.

    .venv/bin/python bench/garbled_ingest.py [--pages 187] [--compare 6] [--fake-embedder]
"""

from __future__ import annotations

import argparse
import re
import resource
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

from garbled_pdf import SAMPLE, garbled_pdf, report_pages  # noqa: E402
from tempdirs import scratch_dir  # noqa: E402  (bench/, the script's folder)

from ingest.pdf import ocr  # noqa: E402
from ingest.vocab import ascii_fold  # noqa: E402

SEEDS = ROOT.parent / "shared" / "seeds"


def paragraphs() -> list[str]:
    """Running French text from ../shared/seeds (prose lines only), else the test sample."""
    out: list[str] = []
    for path in sorted(SEEDS.glob("*.txt")) if SEEDS.exists() else []:
        for line in path.read_text(encoding="utf-8").splitlines():
            line = re.sub(r"<[^>]+>|\*\*|#+ ", "", line).strip()
            if len(line) >= 80 and "\t" not in line and "|" not in line:
                out.append(line)
    return out or list(SAMPLE)


def cpu_children() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def compare_ocr(data: bytes, count: int) -> None:
    """Seconds per page of today's OCR and of the parallel one, on the same pages."""
    import pypdfium2
    import pytesseract

    doc = pypdfium2.PdfDocument(data)
    images = [ocr.render(doc, i) for i in range(count)]
    pil = [doc[i].render(scale=ocr.RESOLUTION / 72).to_pil() for i in range(count)]
    doc.close()
    rows = []
    t0, c0 = time.perf_counter(), cpu_children()
    for image in pil:  # before: pytesseract, serial, OpenMP threads as Tesseract likes
        pytesseract.image_to_data(image, lang=ocr.LANGS, output_type=pytesseract.Output.DICT)
    rows.append(("before: serial, OpenMP threads", time.perf_counter() - t0, cpu_children() - c0))
    reader = ocr.PageReader()
    t0, c0 = time.perf_counter(), cpu_children()
    futures = [reader.submit(image) for image in images]
    words = sum(len(f.result()) for f in futures)
    reader.close()
    label = f"after: {reader.threads} processes, 1 thread each"
    rows.append((label, time.perf_counter() - t0, cpu_children() - c0))
    print(f"\nOCR of {count} pages ({words} words), side by side:")
    print(f"  {'path':<36} {'wall s/page':>11} {'CPU s/page':>10}")
    for label, wall, cpu in rows:
        print(f"  {label:<36} {wall / count:>11.2f} {cpu / count:>10.2f}")


def ingest(path: Path, pages: int, fake_embedder: bool) -> None:
    from api.service import KnowledgeBase
    from api.settings import Settings
    from index.embeddings import HashingEmbedder
    from ingest.partial import missing_pages

    home = scratch_dir("evalkb-bench-")
    settings = Settings(home=home, jobs=2, ocr=True)
    kb = KnowledgeBase(settings, embedder=HashingEmbedder() if fake_embedder else None)
    limit = settings.limits.budget(pages)
    marks: set[int] = set()
    started = time.perf_counter()

    def progress(_: Path, done: int, total: int) -> None:
        step = done * 10 // max(1, total)
        if step not in marks:
            marks.add(step)
            print(f"  {done:>4}/{total} pages  {time.perf_counter() - started:6.0f} s", flush=True)

    try:
        kb.parser_pool().listeners.append(progress)
        (outcome,) = kb.ingest([path])
        wall = time.perf_counter() - started
        summary = kb.read.summary(outcome.document_id) if outcome.document_id else None
        text = ascii_fold(" ".join(b.text for b in kb.read.document(outcome.document_id).blocks))
    finally:
        kb.close()
    print(f"\nevalkb ingest of {pages} garbled pages: {outcome.status} {outcome.reason}")
    print(
        f"  wall time {wall:.0f} s = {wall / pages:.2f} s/page (limit {limit:.0f} s; "
        f"target < 600 s)"
    )
    if summary is not None:
        ocred = sum("text read by OCR" in w for w in summary.warnings)
        print(f"  pages OCRed {ocred}/{pages}; missing {len(missing_pages(summary.warnings))}")
        probe = ascii_fold(" ".join(paragraphs()[0].split()[:4]))
        print(f"  first words of the text found: {probe in text!r} ({probe!r})")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pages", type=int, default=187)
    parser.add_argument("--compare", type=int, default=6, help="pages for the OCR comparison")
    parser.add_argument("--fake-embedder", action="store_true", help="hashing embedder")
    args = parser.parse_args()
    if not ocr.available():
        sys.exit("tesseract-ocr with fra+eng is needed")
    t0 = time.perf_counter()
    data = garbled_pdf(report_pages(paragraphs(), args.pages))
    path = scratch_dir("evalkb-bench-") / "garbled-report.pdf"
    path.write_bytes(data)
    print(
        f"made {path} ({args.pages} pages, {len(data) / 2**20:.1f} MB) "
        f"in {time.perf_counter() - t0:.1f} s"
    )
    if args.compare:
        compare_ocr(data, args.compare)
    ingest(path, args.pages, args.fake_embedder)


if __name__ == "__main__":
    main()
