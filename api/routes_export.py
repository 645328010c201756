"""Export route: the items matching the /items filters as CSV, XLSX or JSON lines."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Response

from . import models
from .export import to_csv, to_jsonl, to_xlsx
from .routes_deps import read_kb
from .routes_items import Filters, item_out
from .service import KnowledgeBase

router = APIRouter(tags=["items"])
KB = Annotated[KnowledgeBase, Depends(read_kb)]

FORMATS = {
    "csv": (to_csv, "text/csv; charset=utf-8"),
    "jsonl": (to_jsonl, "application/x-ndjson; charset=utf-8"),
    "xlsx": (to_xlsx, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
}


@router.get(
    "/export/items",
    response_class=Response,
    responses={
        200: {"content": {"text/csv": {}, "application/x-ndjson": {}, FORMATS["xlsx"][1]: {}}},
        **models.problems(404, 422),
    },
)
def export_items(
    kb: KB, filters: Filters, format: Literal["csv", "xlsx", "jsonl"] = "csv"
) -> Response:
    """Download every item matching the filters (same filters as `GET /items`)."""
    names = kb.file_names()
    records = [item_out(it, names) for it in filters.select(kb)]
    encode, media_type = FORMATS[format]
    return Response(
        encode(records),
        media_type=media_type,
        headers={"Content-Disposition": f'attachment; filename="evalkb-items.{format}"'},
    )
