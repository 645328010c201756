"""PDF ingestion speed: evalkb's reader vs a naive pdfplumber loop, side by side.

Baseline: for every page `extract_text()` + `extract_tables()` (what a first script would
do). Measured: `ingest.readers.read_bytes` (layout, headings, lists, tables, captions).
Both run in this process over the same files (corpus/ and ../shared/reports when present),
each file read into memory first so disk time is excluded. `--jobs N` (default 2) adds a
run of the reader over N processes, and an end-to-end run of `KnowledgeBase.ingest` (isolated
parser workers, item extraction, embeddings, SQLite store) three times: with the hashing
fake (what the model costs), with sentence-transformers (torch, the path before issue 11) and
with the default ONNX encoder (exported into `<home>/models/` ahead of the timings).

    .venv/bin/python bench/ingest_speed.py [--jobs 2] [--repeat 1] [--encoders auto] [files...]
"""

from __future__ import annotations

import argparse
import io
import sys
import time
from multiprocessing import Pool
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from index.encoders import models_dir  # noqa: E402


def default_files() -> list[Path]:
    """Corpus PDFs plus the Cour des comptes reports when ../shared is present."""
    files = sorted((ROOT / "corpus").glob("*.pdf"))
    reports = ROOT.parent / "shared" / "reports"
    if reports.exists():
        files += sorted(reports.glob("*.pdf"))
    return files


def naive(data: bytes) -> int:
    """The baseline: plain text and tables per page. Returns the page count."""
    import pdfplumber

    with pdfplumber.open(io.BytesIO(data)) as pdf:
        for page in pdf.pages:
            page.extract_text()
            page.extract_tables()
            page.close()
        return len(pdf.pages)


def ours(item: tuple[bytes, str]) -> int:
    """evalkb's reader on one file. Returns the page count."""
    from ingest.readers import read_bytes

    return read_bytes(item[0], item[1]).page_count


def main() -> None:
    """Time both over the files and print pages/s side by side."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("files", nargs="*", type=Path)
    parser.add_argument("--jobs", type=int, default=2, help="also run the reader on N processes")
    parser.add_argument(
        "--no-end-to-end", action="store_true", help="skip the full `evalkb ingest` run"
    )
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument(
        "--encoders",
        default="hashing,torch,auto",
        help="end-to-end runs: hashing (the fake), torch, auto (ONNX), comma-separated",
    )
    parser.add_argument(
        "--home", type=Path, default=ROOT / "data", help="data dir whose models/ holds the export"
    )
    args = parser.parse_args()
    files = args.files or default_files()
    items = [(p.read_bytes(), p.name) for p in files]
    print(f"{len(files)} files; pages/s (higher is better), best of {args.repeat}")
    print(f"{'file':45s} {'pages':>5s} {'naive':>8s} {'evalkb':>8s} {'ratio':>6s}")
    tot_pages, tot_naive, tot_ours = 0, 0.0, 0.0
    for data, name in items:
        t_naive = t_ours = float("inf")
        pages = 0
        for _ in range(args.repeat):
            t0 = time.perf_counter()
            pages = naive(data)
            t1 = time.perf_counter()
            ours((data, name))
            t2 = time.perf_counter()
            t_naive, t_ours = min(t_naive, t1 - t0), min(t_ours, t2 - t1)
        tot_pages += pages
        tot_naive += t_naive
        tot_ours += t_ours
        print(
            f"{name[:45]:45s} {pages:5d} {pages / t_naive:8.2f} {pages / t_ours:8.2f} "
            f"{t_naive / t_ours:6.2f}"
        )
    print(
        f"{'TOTAL (1 process)':45s} {tot_pages:5d} {tot_pages / tot_naive:8.2f} "
        f"{tot_pages / tot_ours:8.2f} {tot_naive / tot_ours:6.2f}"
    )
    if args.jobs > 1:
        t0 = time.perf_counter()
        with Pool(args.jobs) as pool:
            pages = sum(pool.map(ours, sorted(items, key=lambda i: -len(i[0])), chunksize=1))
        wall = time.perf_counter() - t0
        print(
            f"{f'evalkb --jobs {args.jobs} (wall, incl. startup)':45s} {pages:5d} {'':8s} "
            f"{pages / wall:8.2f} {tot_naive / wall:6.2f}"
        )
    if not args.no_end_to_end:
        models = models_dir(args.home)
        export_ahead(models)
        labels = {
            "hashing": "no embeddings",
            "torch": "torch embeddings (before)",
            "auto": "ONNX embeddings (auto)",
        }
        for encoder in args.encoders.split(","):
            label = labels[encoder]
            wall = end_to_end(files, args.jobs, encoder, models)
            print(
                f"{f'evalkb ingest, {args.jobs} workers, {label}':45s} {tot_pages:5d} {'':8s} "
                f"{tot_pages / wall:8.2f} {tot_naive / wall:6.2f}"
            )
        print(
            "  evalkb ingest = parse in isolated workers + extract items and metadata + chunk +"
            " store (+ embed with the bundled all-MiniLM-L6-v2, load included), into an empty"
            " data dir; 'no embeddings' uses the hashing embedder to show what the model costs;"
            " ratio = naive 1-process wall / this wall (must show: >= 1.5 with embeddings)"
        )


def export_ahead(models: Path) -> None:
    """Export the ONNX encoder before any timing (a first `evalkb ingest` would do it once)."""
    from index.encoders import onnx_embedder

    embedder = onnx_embedder("", models)
    if embedder is not None:
        print(f"  ONNX encoder: {embedder.export_info()['runtime']} (models in {models})")


def end_to_end(files: list[Path], jobs: int, encoder: str, models: Path) -> float:
    """Wall time of KnowledgeBase.ingest (what `evalkb ingest` runs) into a fresh data dir,
    embedding with `encoder`: 'hashing' (the fake), 'torch' or 'auto' (ONNX)."""
    import tempfile

    from api.service import KnowledgeBase
    from api.settings import Settings
    from index.embeddings import HashingEmbedder

    with tempfile.TemporaryDirectory() as home:
        t0 = time.perf_counter()
        settings = Settings(
            home=Path(home),
            jobs=jobs,
            encoder=encoder if encoder != "hashing" else "auto",
            models_dir=str(models),
        )
        embedder = HashingEmbedder() if encoder == "hashing" else None
        kb = KnowledgeBase(settings, embedder=embedder)
        outcomes = kb.ingest(files)
        wall = time.perf_counter() - t0
        kb.close()
    failed = [o for o in outcomes if o.status != "ingested"]
    if failed:
        raise SystemExit(f"end-to-end ingest failed: {failed}")
    return wall


if __name__ == "__main__":
    main()
