"""Gold annotations: well-formed, and the extractor scores on the DOCX corpus (needs ../shared)."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
GOLD = ROOT / "tests" / "gold" / "items"
SHARED = ROOT.parent / "shared"


def test_gold_files_are_well_formed() -> None:
    files = sorted(GOLD.glob("*.jsonl"))
    assert len(files) >= 8
    from ingest.extract.scoring import load_gold

    for f in files:
        for row in load_gold(f):
            assert row["kind"] in ("lesson", "good_practice", "recommendation")
            assert row["text"] and "addressee" in row and "page" in row
            assert set(row.get("pages") or [row["page"]]) >= {row["page"]}, (f.name, row)


@pytest.mark.integration
def test_docx_corpus_matches_gold() -> None:
    if not (SHARED / "docx").is_dir():
        pytest.skip("../shared is absent")
    from ingest.extract import extract_items
    from ingest.extract.scoring import as_rows, load_gold, score
    from ingest.readers import read_path

    for f in sorted(GOLD.glob("*.jsonl")):
        path = SHARED / "docx" / f"{f.stem}.docx"
        if not path.exists():
            continue
        result = score(load_gold(f), as_rows(extract_items(read_path(path))))
        f1 = result.prf()[2]
        assert f1 >= 0.95, f.stem
