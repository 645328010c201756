"""Request and response bodies of the follow-up and review routes (OpenAPI schema)."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from index.followup import CORRECTABLE, REVIEW_VERDICTS, STATUSES

__all__ = ["CORRECTABLE"]

Note = Field("", max_length=2000, description="why: kept in the history")
User = Field("", max_length=100, description="name recorded in the history (default: the key's)")
Corrected = Field(None, min_length=1, max_length=5000)


class FollowupPatch(BaseModel):
    """What to change on a recommendation or action; absent fields stay as they are."""

    model_config = ConfigDict(extra="forbid")

    status: Literal[STATUSES] | None = None  # type: ignore[valid-type]
    due: str | None = Field(
        None, pattern=r"^(\d{4}-\d{2}-\d{2})?$", description="YYYY-MM-DD, '' clears"
    )
    notes: str | None = Field(None, max_length=2000, description="replaces the notes")
    note: str = Note
    user: str = User


class ReviewPatch(BaseModel):
    """A reviewer's verdict on an item, with the fields they corrected."""

    model_config = ConfigDict(extra="forbid")

    verdict: Literal[REVIEW_VERDICTS]  # type: ignore[valid-type]
    text: str | None = Corrected
    label: str | None = Field(None, max_length=200)
    addressee: str | None = Field(None, max_length=500)
    priority: str | None = Field(None, max_length=200)
    resources: str | None = Field(None, max_length=2000)
    timing: str | None = Field(None, max_length=500)
    condition: str | None = Field(None, max_length=500)
    note: str = Note
    user: str = User


class FollowupState(BaseModel):
    """What users set on a recommendation or action."""

    id: str
    target: str = Field(description="item or action")
    status: str
    due: str
    notes: str
    updated_at: str
    updated_by: str


class Review(BaseModel):
    """A review of an item."""

    item_id: str
    verdict: str
    corrections: dict[str, str]
    note: str
    updated_at: str
    updated_by: str


class Change(BaseModel):
    """One history entry."""

    target_id: str = Field(description="the item's or one of its actions' id")
    at: str
    who: str
    field: str
    old: str
    new: str
    note: str


class History(BaseModel):
    """An item's history, oldest first."""

    item_id: str
    changes: list[Change]


class FollowupRow(BaseModel):
    """One register row: a recommendation and one key action (when it has one)."""

    item_id: str
    document_id: str
    document: str
    label: str
    recommendation: str
    addressee: str
    priority: str
    recommendation_status: str
    review: str
    response_id: str
    response_document_id: str
    verdict: str
    action_id: str
    action: str
    responsible: str
    deadline: str
    extracted_status: str
    status: str
    due: str
    notes: str
    overdue: bool
    target_id: str = Field(description="the id a status change on this row applies to")


class FollowupPage(BaseModel):
    """One page of the register."""

    rows: list[FollowupRow]
    count: int
    total: int = Field(description="rows matching the filters")
    offset: int
    limit: int
    next_offset: int | None = None
