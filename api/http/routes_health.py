"""Health and statistics routes."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter

from . import models
from .deps import Read

router = APIRouter(tags=["health"])


@router.get("/health", response_model=models.Health)
async def health(read: Read) -> dict[str, Any]:
    """Liveness: answers as soon as the store can be read.

    Async: one indexed count on the event loop, never queued behind the thread pool's work."""
    return {"status": "ok", "documents": read.library.document_count()}


@router.get("/stats")
def stats(read: Read) -> dict[str, Any]:
    """Counts (documents, pages, tables, items by kind), versions and index state."""
    return read.status()
