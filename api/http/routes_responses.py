"""Management-response routes: response blocks with their verdicts, actions and linked
recommendation items, and what is left unmatched on either side."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query

from ingest.records import VERDICTS

from .. import response_views as rv
from .. import views
from . import models
from .deps import Read

router = APIRouter(tags=["responses"])
Document = Annotated[
    str,
    Query(
        max_length=300,
        description="a response document or the evaluation it answers (id or file name)",
    ),
]


@router.get("/responses", response_model=models.ResponsesPage, responses=models.problems(404, 422))
def list_responses(
    read: Read,
    document: Document = "",
    verdict: Literal[("", *VERDICTS)] = "",  # type: ignore[valid-type]
    limit: Annotated[int, Query(ge=1, le=1000)] = 50,
    offset: Annotated[int, Query(ge=0, le=1_000_000)] = 0,
) -> dict[str, Any]:
    """Management responses, one per recommendation block, with verdict, actions and the
    ids of the recommendation items they answer; filtered by document and verdict."""
    rows = read.responses.linked(document, verdict, limit + 1, offset)
    page = [rv.response_detail(r) for r in rows[:limit]]
    return {
        "responses": page,
        "count": len(page),
        "offset": offset,
        "limit": limit,
        "next_offset": offset + limit if len(rows) > limit else None,
    }


@router.get(
    "/responses/unmatched",
    response_model=models.UnmatchedResponses,
    responses=models.problems(404, 422),
)
def unmatched_responses(read: Read, document: Document = "") -> dict[str, Any]:
    """Responses that answer no stored recommendation, and recommendations of the answered
    evaluations that no response answers (for every response document, or one)."""
    unmatched = read.responses.unmatched(document)
    names = read.file_names()
    return {
        "responses": [rv.response_detail(r) for r in unmatched.responses],
        "recommendations": [
            views.item_dict(i, names.get(i.document_id, "")) for i in unmatched.items
        ],
    }
