"""Follow-up and review routes: the register, keyed status and review edits with history,
and the register's export (one row per recommendation × key action)."""

from __future__ import annotations

import hashlib
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Path, Query, Request, Response

from index.followup import STATUSES
from index.query import REVIEW_FILTERS

from .. import followup as fu
from . import models
from . import models_followup as mf
from .deps import Read, Write, settings_of
from .security import presented_key

router = APIRouter(tags=["follow-up"])
TargetId = Annotated[str, Path(min_length=1, max_length=100)]
EXPORTS = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
Status = Literal[("", *STATUSES)]  # type: ignore[valid-type]
ReviewFilter = Literal[("", *REVIEW_FILTERS)]  # type: ignore[valid-type]
Addressee = Annotated[str, Query(max_length=200, description="addressee or responsible unit")]
Document = Annotated[
    str, Query(max_length=300, description="an evaluation or its response document")
]


def who(request: Request, user: str) -> str:
    """The name a change is recorded under: the given user name, else the key's name (a
    short hash of the key, never the key itself), else `local` for a keyless loopback write."""
    if user.strip():
        return user.strip()
    key = presented_key(request) if settings_of(request).keys else ""
    return f"key:{hashlib.sha256(key.encode()).hexdigest()[:8]}" if key else "local"


@router.get("/followup", response_model=mf.FollowupPage, responses=models.problems(404, 422))
def list_followup(
    read: Read,
    status: Status = "",
    overdue: bool = False,
    addressee: Addressee = "",
    document: Document = "",
    review: ReviewFilter = "",
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
    offset: Annotated[int, Query(ge=0, le=1_000_000)] = 0,
) -> dict[str, Any]:
    """The follow-up register: one row per recommendation × key action, with status, due
    date (set by a user or read from the deadline), notes and whether it is overdue."""
    rows = read.followup.rows(
        status=status, overdue=overdue, addressee=addressee, document=document, review=review
    )
    page = [fu.row_dict(r) for r in rows[offset : offset + limit]]
    return {
        "rows": page,
        "count": len(page),
        "total": len(rows),
        "offset": offset,
        "limit": limit,
        "next_offset": offset + limit if len(rows) > offset + limit else None,
    }


@router.patch(
    "/followup/{target_id}",
    response_model=mf.FollowupState,
    responses=models.problems(401, 403, 404, 422),
)
def patch_followup(
    kb: Write, request: Request, target_id: TargetId, body: mf.FollowupPatch
) -> dict[str, Any]:
    """Set a recommendation's or action's status, due date or notes (keyed write); every
    change is kept in the history with who made it and the note given."""
    state = kb.followup.set(
        target_id,
        status=body.status,
        due=body.due,
        notes=body.notes,
        note=body.note,
        who=who(request, body.user),
    )
    return fu.state_dict(state)


@router.patch(
    "/items/{target_id}/review",
    response_model=mf.Review,
    responses=models.problems(401, 403, 404, 422),
)
def patch_review(kb: Write, request: Request, target_id: TargetId, body: mf.ReviewPatch) -> Any:
    """Mark an item verified, rejected or corrected (with corrected fields), keyed; rejected
    items are then hidden from /items, /search and exports unless asked for."""
    fixes = body.model_dump(include=set(mf.CORRECTABLE), exclude_none=True)
    review = kb.followup.review(
        target_id, body.verdict, fixes, note=body.note, who=who(request, body.user)
    )
    return fu.review_dict(review)


@router.get("/items/{target_id}/history", response_model=mf.History, responses=models.problems(404))
def item_history(read: Read, target_id: TargetId) -> dict[str, Any]:
    """Every change of an item's review and follow-up, and of the actions answering it."""
    item_id, changes = read.followup.history(target_id)
    return {"item_id": item_id, "changes": [fu.change_dict(c) for c in changes]}


@router.get(
    "/export/followup",
    response_class=Response,
    responses={200: {"content": {m: {} for m in EXPORTS.values()}}, **models.problems(404, 422)},
)
def export_followup(
    read: Read,
    format: Literal["csv", "xlsx"] = "csv",
    status: Status = "",
    overdue: bool = False,
    addressee: Addressee = "",
    document: Document = "",
    review: ReviewFilter = "",
) -> Response:
    """The register as CSV or XLSX, one row per recommendation × key action (same filters
    as `GET /followup`); cells that look like formulas are neutralised."""
    rows = read.followup.rows(
        status=status, overdue=overdue, addressee=addressee, document=document, review=review
    )
    return Response(
        fu.export([fu.row_dict(r) for r in rows], format),
        media_type=EXPORTS[format],
        headers={"Content-Disposition": f'attachment; filename="evalkb-followup.{format}"'},
    )
