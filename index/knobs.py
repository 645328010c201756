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
    post_filter: int = Field(
        12,
        ge=0,
        le=100,
        description="a filter whose chunk set is not cached yet is first tested on the "
        "unfiltered ranking, read 2 / (its share of the chunks) times deeper when that is at "
        "most this many times (enough allowed rows: no set is computed); 0 = always the set",
    )
    flat_limit: int = Field(
        50_000,
        ge=1,
        description="vectors below this count use an exact FAISS index, above it IVF",
    )
    pg_hnsw_above: int = Field(
        10_000,
        ge=0,
        description="PostgreSQL: above this many vectors (unfiltered, or filtered sets above "
        "exact_limit) dense search walks the HNSW index; below, an exact scan (as FAISS flat)",
    )
    pg_lexical_pool: int = Field(
        2_000,
        ge=100,
        le=1_000_000,
        description="PostgreSQL: a query word in more chunks than this stops bringing "
        "candidates by itself (BM25 still scores it on the others'); below, BM25 is exact",
    )
    result_cache: int = Field(
        512,
        ge=0,
        le=100_000,
        description="identical searches answered from memory until the store changes "
        "(entries per process; 0 = off)",
    )
    collapse: bool = Field(
        True,
        description="near-duplicate passages (summary and body) collapse into one hit",
    )
    collapse_overlap: float = Field(
        0.6,
        ge=0.1,
        le=1.0,
        description="share of the shorter text's word shingles two hits must share to collapse",
    )
    rerank_depth: int = Field(
        40,
        ge=0,
        le=1000,
        description="fused candidates rescored answer-first (0 = off; see index.answers)",
    )
    proximity_weight: float = Field(
        0.25, ge=0.0, le=5.0, description="bonus for the query's terms close together"
    )
    answer_weight: float = Field(
        1.0,
        ge=0.0,
        le=5.0,
        description="bonus for a number, date or name beside the query's terms when the "
        "question asks for one",
    )
    label_weight: float = Field(
        0.5,
        ge=0.0,
        le=5.0,
        description="bonus for a 'Label: value' pair whose label holds a query word and whose "
        "value the asked-for number, date or name ('Budget : USD 3 000 000')",
    )
    contents_penalty: float = Field(
        1.0,
        ge=0.0,
        le=5.0,
        description="taken off a passage that reads as a table of contents or list of figures "
        "(titles with dot leaders and page numbers) or as a reference list (citations): it "
        "names the topics, never the answer",
    )
    exact_boost: float = Field(
        0.6,
        ge=0.0,
        le=2.0,
        description="fused-score bonus for hits holding the query's numbers, years, names and "
        "acronyms verbatim (scaled by the share of them held)",
    )


class ChunkKnobs(BaseModel):
    """How documents are cut into passages and table row groups for search."""

    model_config = ConfigDict(frozen=True)

    min_words: int = Field(150, ge=10, le=5000, description="a passage closes past this size")
    max_words: int = Field(300, ge=20, le=5000, description="no passage is longer than this")
    table_max_words: int = Field(220, ge=10, le=5000, description="words of one table row group")
    table_max_rows: int = Field(12, ge=1, le=1000, description="rows of one table row group")
    table_row_headers: bool = Field(
        True,
        description="table rows are indexed as 'Header: cell; Header: cell' under their columns",
    )
