"""Across-reports routes: recommendations that recur across documents and years, and the
later documents that take a recommendation up."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Path, Query, Request

from ingest.records import ITEM_KINDS

from .. import recurring_views as rv
from . import models
from .deps import Read, run_heavy
from .models_recurring import RecurringResponse, UptakeResponse

router = APIRouter(tags=["across reports"])
ItemId = Annotated[str, Path(min_length=1, max_length=100)]


@router.get(
    "/recurring", response_model=RecurringResponse, responses=models.problems(404, 422, 501)
)
async def recurring(
    read: Read,
    http: Request,
    kind: Literal[ITEM_KINDS] = "recommendation",  # type: ignore[valid-type]
    min_documents: Annotated[
        int, Query(ge=2, le=50, description="documents a cluster must span")
    ] = 2,
    limit: Annotated[int, Query(ge=1, le=200, description="clusters returned")] = 50,
    document: Annotated[
        str, Query(max_length=300, description="only clusters with an item of this document")
    ] = "",
) -> dict[str, Any]:
    """Clusters of similar recommendations (or lessons, good practices) given in several
    documents, the most widespread first: "recommended in 4 evaluations since 2019"."""

    def work() -> list[dict[str, Any]]:
        found = read.recurring(kind, min_documents=min_documents, limit=limit, document=document)
        return [rv.recurring_dict(r) for r in found]

    clusters = await run_heavy(http, work)
    return {
        "kind": kind,
        "min_documents": min_documents,
        "clusters": clusters,
        "count": len(clusters),
    }


@router.get(
    "/items/{item_id}/uptake",
    response_model=UptakeResponse,
    responses=models.problems(404, 422, 501),
)
async def uptake(
    read: Read,
    http: Request,
    item_id: ItemId,
    k: Annotated[int, Query(ge=1, le=50, description="documents returned")] = 10,
    passages: Annotated[int, Query(ge=1, le=10, description="passages per document")] = 3,
) -> dict[str, Any]:
    """Later documents (same year or after; undated ones last) whose passages address this
    recommendation, best first, each with its passages, pages and sections."""
    return await run_heavy(
        http, lambda: rv.uptake_dict(read.uptake(item_id, k=k, passages=passages))
    )
