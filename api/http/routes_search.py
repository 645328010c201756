"""Search routes: hybrid search over items, passages and tables, and recurring themes."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request

from index.query import SearchRequest

from .. import views
from . import models
from .deps import Read, run_heavy
from .params import query_dependency

router = APIRouter(tags=["search"])
Search = Annotated[SearchRequest, Depends(query_dependency(SearchRequest))]


@router.get(
    "/search", response_model=models.SearchResponse, responses=models.problems(404, 409, 422, 501)
)
async def search(read: Read, request: Search, http: Request) -> dict[str, Any]:
    """Search items, passages and tables; every hit carries document, pages and section."""
    hits = await run_heavy(http, lambda: [views.hit_dict(h) for h in read.search(request)])
    return {
        "query": request.query,
        "hits": hits,
        "count": len(hits),
        "offset": request.offset,
        "limit": request.k,
        "next_offset": request.offset + request.k if len(hits) == request.k else None,
    }


@router.get("/themes", response_model=list[models.Theme], responses=models.problems(501))
async def themes(read: Read, http: Request) -> list[dict[str, Any]]:
    """Recurring themes across documents, with their member items."""
    return await run_heavy(http, lambda: [views.theme_dict(t) for t in read.themes()])
