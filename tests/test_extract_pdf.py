"""Item extraction on the PDFs scores at target against the gold (integration: real reader).

Corpus PDFs (corpus/): F1 >= 0.95 overall and per kind, no duplicates, no item from the PBF
progress report's template instructions. Audit reports (../shared/reports, skipped when
absent): F1 >= 0.9. Scored with ingest.extract.scoring, as bench/extract.py does.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from ingest.extract import extract_items
from ingest.extract.scoring import Score, as_rows, load_gold, score
from ingest.readers import read_path
from ingest.records import ITEM_KINDS

ROOT = Path(__file__).resolve().parents[1]
GOLD = ROOT / "tests" / "gold" / "items"
SHARED = ROOT.parent / "shared"
REPORTS = ("sn_CC_2021_Eau_Assainissement", "sn_CC_2022_DAGE_Ministere_Sante", "sn_CC_2022_GOREE")


def _score(paths: list[Path]) -> Score:
    total = Score()
    for path in paths:
        total.add(
            score(load_gold(GOLD / f"{path.stem}.jsonl"), as_rows(extract_items(read_path(path))))
        )
    return total


@pytest.mark.integration
def test_corpus_pdfs_reach_targets() -> None:
    paths = sorted((ROOT / "corpus").glob("*.pdf"))
    assert paths, "corpus/ holds the five corpus PDFs"
    total = _score(paths)
    assert total.prf()[2] >= 0.95
    for kind in ITEM_KINDS:
        assert total.prf(kind)[2] >= 0.95, kind
    assert total.duplicates == 0
    assert total.page[0] == total.page[1]


@pytest.mark.integration
def test_pbf_template_instructions_give_no_items() -> None:
    items = extract_items(read_path(ROOT / "corpus" / "pbf-mali-justice-progress-report-2020.pdf"))
    assert items == []


@pytest.mark.integration
def test_audit_reports_reach_targets() -> None:
    paths = [SHARED / "reports" / f"{stem}.pdf" for stem in REPORTS]
    if not all(p.exists() for p in paths):
        pytest.skip("../shared/reports is absent")
    total = _score(paths)
    assert total.prf()[2] >= 0.9
    assert total.duplicates == 0
    ok, n = total.addressee
    assert ok >= 0.9 * n
