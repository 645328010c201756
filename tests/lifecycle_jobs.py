"""Job functions for the pool life-cycle tests, and a pool owner to kill.

Run as a script (`python tests/lifecycle_jobs.py HOME FILE...`), it opens a WorkerPool on
HOME, parses the files with `tell_and_hang` and prints "ready" — then waits to be killed.
"""

from __future__ import annotations

import os
import stat
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from ingest.options import ReadOptions
from ingest.progress import current


def tell_and_hang(path: Path, options: ReadOptions) -> str:
    """Start a child the way OCR starts Tesseract, leave a temp file, write the pids, hang."""
    from ingest.pdf.ocr import _launcher

    child = subprocess.Popen([*_launcher(), "sleep", "300"])
    fd, temp = tempfile.mkstemp(prefix="evalkb-test-")
    os.close(fd)
    path.with_suffix(".pids").write_text(f"{os.getpid()} {child.pid} {temp}")
    time.sleep(3600)
    return "never"


def temp_facts(path: Path, options: ReadOptions) -> dict[str, object]:
    """Where this worker's temporary files go, and with which modes."""
    with tempfile.NamedTemporaryFile(delete=False) as handle:
        name = handle.name
    folder = tempfile.gettempdir()
    return {
        "tempdir": folder,
        "TMPDIR": os.environ.get("TMPDIR", ""),
        "file": name,
        "file_mode": stat.S_IMODE(os.stat(name).st_mode),
        "dir_mode": stat.S_IMODE(os.stat(folder).st_mode),
        "cache_dir": options.cache_dir,
    }


def paged(path: Path, options: ReadOptions) -> str:
    """A 'file' of N pages (N from its name, `pages-N`), 0.25 s a page, reporting progress."""
    total = int(path.stem.split("-")[1])
    progress = current()
    progress.pages(total)
    for _ in range(total):
        time.sleep(0.25)
        progress.page_done()
    return f"read {total} pages"


def sleeper(path: Path, options: ReadOptions) -> str:
    """Sleep as many seconds as the name says (`sleep-2.5`), or not at all."""
    _, _, seconds = path.stem.partition("-")
    time.sleep(float(seconds or 0))
    return path.stem


def tmp_then_hang(path: Path, options: ReadOptions) -> str:
    """Leave a temp file in the worker's folder, then hang past any limit."""
    fd, _ = tempfile.mkstemp(prefix="evalkb-test-")
    os.close(fd)
    time.sleep(3600)
    return "never"


if __name__ == "__main__":
    import lifecycle_jobs

    from ingest.pool import WorkerPool

    home, files = Path(sys.argv[1]), [Path(p) for p in sys.argv[2:]]
    pool = WorkerPool(lifecycle_jobs.tell_and_hang, jobs=len(files), home=home)
    futures = [pool.submit(f) for f in files]
    print("ready", flush=True)
    for future in futures:
        future.result()
