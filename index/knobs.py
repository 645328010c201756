"""Search and chunking knobs: nested settings groups (`EVALKB_SEARCH__DEPTH=200`).

They are pydantic models because they are settings: `api.settings.Settings` nests them and
reads them from the environment; the index reads them where the numbers are used.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field


class SearchKnobs(BaseModel):
    """How lexical and dense rankings are cut and fused."""

    model_config = ConfigDict(frozen=True)

    fusion: Literal["blend", "rrf"] = Field(
        "blend",
        description="fusion of lexical and dense lists: min-max score blend or reciprocal rank",
    )
    # 0.8: the default English model is much weaker than BM25 on French text; equal-weight
    # RRF lost 0.13 nDCG@10 on PIAF against lexical alone (bench/search.py)
    lexical_weight: float = Field(
        0.8, ge=0.0, le=1.0, description="weight of the lexical list in the fusion"
    )
    rrf_k: int = Field(60, ge=1, le=1000, description="rank constant of RRF fusion")
    depth: int = Field(
        100, ge=10, le=10_000, description="candidates taken from each list before fusion"
    )
    exact_limit: int = Field(
        4096,
        ge=0,
        le=1_000_000,
        description="filtered sets up to this size are scored exactly, without FAISS",
    )
    flat_limit: int = Field(
        50_000,
        ge=1,
        description="vectors below this count use an exact FAISS index, above it IVF",
    )


class ChunkKnobs(BaseModel):
    """How documents are cut into passages and table row groups for search."""

    model_config = ConfigDict(frozen=True)

    min_words: int = Field(150, ge=10, le=5000, description="a passage closes past this size")
    max_words: int = Field(300, ge=20, le=5000, description="no passage is longer than this")
    table_max_words: int = Field(220, ge=10, le=5000, description="words of one table row group")
    table_max_rows: int = Field(12, ge=1, le=1000, description="rows of one table row group")
