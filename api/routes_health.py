"""Health and statistics routes."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends

from . import models
from .routes_deps import read_kb
from .service import KnowledgeBase

router = APIRouter(tags=["health"])
KB = Annotated[KnowledgeBase, Depends(read_kb)]


@router.get("/health", response_model=models.Health)
def health(kb: KB) -> dict[str, Any]:
    """Liveness: answers as soon as the store can be read."""
    count = kb.conn.execute("SELECT COUNT(*) FROM documents").fetchone()[0]
    return {"status": "ok", "documents": count}


@router.get("/stats")
def stats(kb: KB) -> dict[str, Any]:
    """Counts (documents, pages, tables, items by kind), versions and index state."""
    return kb.status()
