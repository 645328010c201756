"""A file that runs out of time is stored with the pages read, flagged, and completed later."""

from __future__ import annotations

import itertools
import time
from pathlib import Path
from types import SimpleNamespace

import pytest
from garbled_pdf import SAMPLE, garbled_pdf

from api import views
from api.cli import output
from api.resume import resume_incomplete
from ingest.options import Limits, ReadOptions
from ingest.partial import incomplete_warning, is_incomplete, missing_pages, page_ranges
from ingest.pdf import ocr, pages
from ingest.pipeline import analyse
from ingest.readers import read_bytes

LIMITS = Limits(seconds=10, seconds_per_page=0)  # the reader stops taking pages after 8 s


def slow_clock(monkeypatch: pytest.MonkeyPatch, seconds_per_page: float) -> None:
    """Each page seems to take `seconds_per_page` to the page loop."""
    start, ticks = time.monotonic(), itertools.count()
    fake = SimpleNamespace(monotonic=lambda: start + seconds_per_page * next(ticks))
    monkeypatch.setattr(pages, "time", fake)


def plain_pdf(count: int) -> bytes:
    return garbled_pdf([("plain", [f"Page {n}. {SAMPLE[n % len(SAMPLE)]}"]) for n in range(count)])


def test_warning_round_trip() -> None:
    assert page_ranges([7, 1, 2, 3, 9, 10]) == "1-3, 7, 9-10"
    warning = incomplete_warning([4, 5, 6, 9], 9, 912)
    assert warning == (
        "incomplete: pages 4-6, 9 of 9 were not read within the time limit (912 s); "
        "run `evalkb resume` to read them"
    )
    assert missing_pages(["other", warning]) == (4, 5, 6, 9) and is_incomplete([warning])
    assert missing_pages(["page 3 has no text layer"]) == ()


def test_reader_keeps_the_pages_read_in_time(monkeypatch: pytest.MonkeyPatch) -> None:
    slow_clock(monkeypatch, 3.0)
    doc = read_bytes(plain_pdf(6), "report.pdf", ReadOptions(limits=LIMITS))
    assert doc.page_count == 6
    assert doc.warnings[0].startswith("incomplete: pages 4-6 of 6 were not read")
    assert {p for b in doc.blocks for p in b.pages} == {1, 2, 3}


def test_incomplete_document_is_flagged_and_resumed(  # type: ignore[no-untyped-def]
    kb, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "report.pdf"
    path.write_bytes(plain_pdf(6))
    with monkeypatch.context() as patch:
        slow_clock(patch, 3.0)
        parsed = analyse(read_bytes(path.read_bytes(), path.name, ReadOptions(limits=LIMITS)))
    stored = kb.store_parsed(path, parsed)
    summary = kb.read.summary(stored.document_id)
    assert missing_pages(summary.warnings) == (4, 5, 6)
    assert views.document_dict(summary)["warnings"][0].startswith("incomplete: pages 4-6")
    output.print_document(summary, kb.read.document(summary.id))
    assert "INCOMPLETE:      pages 4-6 not read" in capsys.readouterr().out

    (outcome,) = resume_incomplete(kb)
    assert outcome.status == "ingested" and outcome.document_id == summary.id
    summary = kb.read.summary(summary.id)
    assert not is_incomplete(summary.warnings) and summary.file_name == "report.pdf"
    doc = kb.read.document(summary.id)
    assert {p for b in doc.blocks for p in b.pages} == set(range(1, 7))
    assert (kb.home / "files" / f"{summary.id}.pdf").read_bytes() == path.read_bytes()
    assert resume_incomplete(kb) == []  # nothing left to complete


@pytest.mark.skipif(not ocr.available(), reason="tesseract-ocr (fra+eng) not installed")
def test_a_rerun_only_ocrs_the_missing_pages(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    data = garbled_pdf([[SAMPLE[0]], [SAMPLE[1]], [SAMPLE[2]]])
    cache = tmp_path / "cache"
    options = ReadOptions(limits=LIMITS, cache_dir=str(cache))
    with monkeypatch.context() as patch:
        slow_clock(patch, 5.0)
        first = read_bytes(data, "garbled.pdf", options)
    assert missing_pages(first.warnings) == (3,)
    assert len(list(cache.rglob("p*.json"))) == 2

    calls: list[int] = []
    real = ocr.read_image
    monkeypatch.setattr(ocr, "read_image", lambda image: calls.append(1) or real(image))
    second = read_bytes(data, "garbled.pdf", options)
    assert not is_incomplete(second.warnings) and len(calls) == 1
    assert "organisation internationale" in " ".join(b.text for b in second.blocks).lower()
    assert not cache.exists() or not any(cache.iterdir())  # dropped once read whole
