"""Search side of the KnowledgeBase: embedding, chunk indexing, search, similar, themes.

(Being wired to `index/`; the method signatures below are the contract for CLI and API.)
"""

from __future__ import annotations

from typing import Any


class SearchMixin:
    """Embedding, chunk indexing and search hooks used by KnowledgeBase."""

    def _init_search(self, embedder: object | None) -> None:
        self._embedder = embedder

    def _embed_document(self, parsed: Any) -> Any:
        return None

    def _index_rows(self, parsed: Any, vectors: Any) -> None:
        return None

    def _unindex_rows(self, doc_id: str) -> None:
        return None

    def _after_write(self) -> None:
        return None

    def _search_status(self) -> dict[str, object]:
        return {}

    def search(self, query: str, *, scope: str = "all", kind: str = "", document: str = "",
               doc_type: str = "", country: str = "", year_from: int | None = None,
               year_to: int | None = None, organisation: str = "", addressee: str = "",
               theme: str = "", language: str = "", k: int = 10, offset: int = 0,
               mode: str = "hybrid", expand: bool = True) -> list[dict[str, Any]]:
        """Hits as dicts: id, scope, kind, text, snippet, document, document_id, pages,
        section, score (and item fields for item hits). Raises InvalidQuery on bad input."""
        raise NotImplementedError

    def similar(self, item_id: str, k: int = 10) -> list[dict[str, Any]]:
        """Items from other documents most similar to this one, as hit dicts with scores."""
        raise NotImplementedError

    def themes(self) -> list[dict[str, Any]]:
        """Recurring themes: {label, members: [item ids], documents: [file names], years}."""
        raise NotImplementedError

    def reindex(self) -> int:
        """Rebuild chunks and vectors with the configured model; returns the chunk count."""
        raise NotImplementedError
