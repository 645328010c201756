"""extract_metadata on the 8 PDFs against tests/gold/metadata.json (integration: real reader).

Audit reports come from ../shared/reports and are skipped when it is absent.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from ingest.extract import extract_metadata
from ingest.readers import read_path

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
GOLD = json.loads((ROOT / "tests" / "gold" / "metadata.json").read_text(encoding="utf-8"))
STEMS = sorted(k for k in GOLD if not k.startswith("_"))


def _path(stem: str) -> Path:
    return (
        SHARED / "reports" / f"{stem}.pdf"
        if stem.startswith("sn_")
        else ROOT / "corpus" / f"{stem}.pdf"
    )


def check(meta: dict[str, object], expected: dict[str, object]) -> list[str]:
    """Differences between extracted metadata and one gold entry (empty when it agrees)."""
    problems = []
    for key, want in expected.items():
        got = meta.get(key)
        if key == "title_contains":
            if str(want).lower() not in str(meta.get("title", "")).lower():
                problems.append(f"title {meta.get('title')!r} lacks {want!r}")
        elif isinstance(want, list):
            missing = [w for w in want if w not in (got or [])]  # type: ignore[operator]
            if missing:
                problems.append(f"{key} {got!r} lacks {missing!r}")
        elif got != want:
            problems.append(f"{key}: {got!r} != {want!r}")
    return problems


def test_check_reports_differences() -> None:
    meta = {"title": "Rapport final", "year": 2021, "countries": ["Mali"]}
    assert check(meta, {"title_contains": "final", "year": 2021, "countries": ["Mali"]}) == []
    assert len(check(meta, {"year": 2020, "countries": ["Niger"], "budget": None})) == 2


@pytest.mark.integration
@pytest.mark.parametrize("stem", STEMS)
def test_metadata_matches_gold(stem: str) -> None:
    path = _path(stem)
    if not path.exists():
        pytest.skip(f"{path} is absent")
    meta = extract_metadata(read_path(path))
    assert check(meta, GOLD[stem]) == []
