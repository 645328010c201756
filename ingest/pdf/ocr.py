"""OCR of PDF pages without a usable text layer, with Tesseract (`fra+eng`).

A page is rendered with pypdfium2 to a grey-scale image and piped to the `tesseract` binary
(`stdin` → TSV on `stdout`): no image or `tess_*` file ever touches the disk. Several pages
are read at once, one single-threaded Tesseract process each (`OMP_THREAD_LIMIT=1`): on these
2 cores OpenMP threads inside one Tesseract cost 5-20× the CPU time under load for no gain,
while one process per core scales (`bench/garbled_ingest.py`). Each Tesseract is started
with a parent-death signal (`setpriv --pdeathsig KILL`) and a time limit, so it never
outlives the worker that asked for it. The words come back as pdfplumber-style word dicts in
PDF points, so the layout code handles them like any other page. `available()` says whether
OCR can run at all.
"""

from __future__ import annotations

import csv
import io
import os
import shutil
import subprocess
from concurrent.futures import Future, ThreadPoolExecutor
from functools import lru_cache
from threading import BoundedSemaphore
from typing import Any

RESOLUTION = 300  # dpi: Tesseract's accuracy drops quickly below ~250 dpi
LANGS = "fra+eng"
MIN_CONFIDENCE = 30.0
OCR_FONT = "ocr"  # fontname given to OCR words; they carry no size/bold information
PAGE_SECONDS = 180.0  # one page that takes longer than this is given up (Tesseract killed)


class OcrFailed(RuntimeError):
    """Tesseract failed on one page (the reason is the message)."""


@lru_cache(maxsize=1)
def available() -> bool:
    """True when the tesseract binary and its French and English data are installed."""
    if shutil.which("tesseract") is None:
        return False
    try:
        done = subprocess.run(
            ["tesseract", "--list-langs"], capture_output=True, text=True, timeout=30
        )
    except (OSError, subprocess.SubprocessError):
        return False
    return {"fra", "eng"} <= set(done.stdout.split())


@lru_cache(maxsize=1)
def version() -> str:
    """Tesseract's version string, or "" when it is not installed."""
    try:
        done = subprocess.run(["tesseract", "--version"], capture_output=True, text=True)
    except OSError:
        return ""
    first = (done.stdout or done.stderr).split("\n", 1)[0]
    return first.removeprefix("tesseract").strip()


@lru_cache(maxsize=1)
def _launcher() -> list[str]:
    """`setpriv --pdeathsig KILL` where util-linux has it: Tesseract dies with its parent."""
    setpriv = shutil.which("setpriv")
    if setpriv is None:
        return []
    try:
        ok = subprocess.run([setpriv, "--pdeathsig", "KILL", "true"], capture_output=True)
    except OSError:
        return []
    return [setpriv, "--pdeathsig", "KILL"] if ok.returncode == 0 else []


def render(pdf_doc: Any, page_index: int, resolution: int = RESOLUTION) -> bytes:
    """One page of an open `pypdfium2.PdfDocument` as a grey-scale PGM image (bytes)."""
    page = pdf_doc[page_index]
    try:
        image = page.render(scale=resolution / 72, grayscale=True).to_pil()
    finally:
        page.close()
    out = io.BytesIO()
    image.convert("L").save(out, format="PPM")
    return out.getvalue()


def read_image(image: bytes, resolution: int = RESOLUTION) -> list[dict[str, Any]]:
    """Words of a page image (PGM/PNG bytes) as pdfplumber-like dicts in PDF points."""
    command = [*_launcher(), "tesseract", "stdin", "stdout", "-l", LANGS]
    command += ["--dpi", str(resolution), "tsv"]
    env = {**os.environ, "OMP_THREAD_LIMIT": "1"}
    try:
        done = subprocess.run(
            command, input=image, capture_output=True, env=env, timeout=PAGE_SECONDS
        )
    except subprocess.TimeoutExpired as exc:
        raise OcrFailed(f"Tesseract took over {PAGE_SECONDS:.0f} s") from exc
    except OSError as exc:
        raise OcrFailed(f"Tesseract could not start ({exc.strerror or exc})") from exc
    if done.returncode != 0:
        reason = done.stderr.decode("utf-8", "replace").strip().splitlines()[-1:] or ["?"]
        raise OcrFailed(f"Tesseract failed (exit {done.returncode}: {reason[0][:200]})")
    return parse_tsv(done.stdout.decode("utf-8", "replace"), resolution)


def parse_tsv(tsv: str, resolution: int = RESOLUTION) -> list[dict[str, Any]]:
    """Tesseract's TSV output → word dicts (x0, x1, top, bottom in PDF points)."""
    scale = 72.0 / resolution
    words: list[dict[str, Any]] = []
    rows = csv.DictReader(io.StringIO(tsv), delimiter="\t", quoting=csv.QUOTE_NONE)
    for row in rows:
        text = (row.get("text") or "").strip()
        try:
            confident = float(row.get("conf") or -1) >= MIN_CONFIDENCE
            left, top = int(row["left"]) * scale, int(row["top"]) * scale
            width, height = int(row["width"]) * scale, int(row["height"]) * scale
        except (KeyError, TypeError, ValueError):
            continue
        if text and confident:
            words.append(
                {
                    "text": text,
                    "x0": left,
                    "x1": left + width,
                    "top": top,
                    "bottom": top + height,
                    "fontname": OCR_FONT,
                    "size": 0.0,
                }
            )
    return words


def cpu_count() -> int:
    """The cores this process may run on."""
    try:
        return len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        return os.cpu_count() or 1


class PageReader:
    """Reads page images on `threads` Tesseract processes at once.

    `submit` blocks while `threads + 1` images already wait, so rendering never runs far
    ahead of reading (a 300 dpi page is ~9 MB).
    """

    def __init__(self, threads: int = 0) -> None:
        self.threads = threads if threads > 0 else cpu_count()
        self._pool = ThreadPoolExecutor(self.threads, thread_name_prefix="evalkb-ocr")
        self._room = BoundedSemaphore(self.threads + 1)

    def submit(self, image: bytes) -> Future[list[dict[str, Any]]]:
        """Queue one page image; the future gives its words or raises OcrFailed."""
        self._room.acquire()
        future = self._pool.submit(read_image, image)
        future.add_done_callback(lambda _: self._room.release())
        return future

    def close(self) -> None:
        """Wait for the pages in flight, then stop the threads."""
        self._pool.shutdown(wait=True, cancel_futures=True)
