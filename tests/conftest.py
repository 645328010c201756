"""Shared fixtures: a temp data dir, a KnowledgeBase on it, paths to ../shared."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
CORPUS = ROOT / "corpus"


def shared(*parts: str) -> Path:
    """A path under ../shared, skipping the test when it is absent."""
    path = SHARED.joinpath(*parts)
    if not path.exists():
        pytest.skip(f"../shared not available ({path})")
    return path


@pytest.fixture
def settings(tmp_path: Path):  # type: ignore[no-untyped-def]
    """Settings on a temp data dir, one parser worker, short limits."""
    from api.settings import Settings

    return Settings(home=tmp_path / "data", jobs=2, parse_timeout=60, ocr=False)


@pytest.fixture
def kb(settings) -> Iterator[object]:  # type: ignore[no-untyped-def]
    """A KnowledgeBase on a temp store with the deterministic fake embedder."""
    from api.service import KnowledgeBase
    from index.embeddings import HashingEmbedder

    base = KnowledgeBase(settings, embedder=HashingEmbedder())
    yield base
    base.close()
