"""Item routes: list with filters, one item with its citations, similar items from other
reports, and the export of the listed items."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Path, Query, Request, Response

from index.query import SORTS, ItemQuery

from .. import response_views as rv
from .. import views
from . import models
from .deps import Read, run_heavy
from .params import query_dependency

router = APIRouter(tags=["items"])
Items = Annotated[ItemQuery, Depends(query_dependency(ItemQuery))]
ItemId = Annotated[str, Path(min_length=1, max_length=100)]
EXPORTS = {
    "csv": "text/csv; charset=utf-8",
    "jsonl": "application/x-ndjson; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


@router.get("/items", response_model=models.ItemsPage, responses=models.problems(404, 422))
def list_items(
    read: Read,
    query: Items,
    limit: Annotated[int, Query(ge=1, le=1000)] = 50,
    offset: Annotated[int, Query(ge=0, le=1_000_000)] = 0,
    sort: Literal[SORTS] = "document",  # type: ignore[valid-type]
) -> dict[str, Any]:
    """Lessons, good practices and recommendations, filtered and paginated."""
    rows = read.items(query, limit=limit + 1, offset=offset, sort=sort)
    names = read.file_names()
    page = [views.item_dict(it, names.get(it.document_id, "")) for it in rows[:limit]]
    return {
        "items": page,
        "count": len(page),
        "offset": offset,
        "limit": limit,
        "next_offset": offset + limit if len(rows) > limit else None,
    }


@router.get("/items/{item_id}", response_model=models.ItemDetail, responses=models.problems(404))
def get_item(read: Read, item_id: ItemId) -> dict[str, Any]:
    """One item (id or unique id prefix) with its occurrences and page citations, and for a
    recommendation the management responses answering it, with their actions."""
    item = read.item(item_id)
    data = views.item_detail(item, read.file_names().get(item.document_id, ""))
    data["responses"] = [rv.response_detail(r) for r in read.responses.for_item(item.id)]
    return data


@router.get(
    "/items/{item_id}/similar",
    response_model=models.SimilarResponse,
    responses=models.problems(404, 422, 501),
)
async def similar_items(
    read: Read, http: Request, item_id: ItemId, k: Annotated[int, Query(ge=1, le=50)] = 10
) -> dict[str, Any]:
    """Items from other documents most similar to this one."""

    def work() -> dict[str, Any]:
        item = read.item(item_id)  # 404 before asking the index
        return {"item_id": item.id, "hits": [views.hit_dict(h) for h in read.similar(item.id, k)]}

    return await run_heavy(http, work)


@router.get(
    "/export/items",
    response_class=Response,
    responses={200: {"content": {m: {} for m in EXPORTS.values()}}, **models.problems(404, 422)},
)
def export_items(
    read: Read, query: Items, format: Literal["csv", "xlsx", "jsonl"] = "csv"
) -> Response:
    """Download every item matching the filters (same filters as `GET /items`)."""
    names = read.file_names()
    records = [views.item_dict(it, names.get(it.document_id, "")) for it in read.items(query)]
    return Response(
        views.items_export(records, format),
        media_type=EXPORTS[format],
        headers={"Content-Disposition": f'attachment; filename="evalkb-items.{format}"'},
    )
