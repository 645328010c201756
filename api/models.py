"""Response schemas of the HTTP API, with examples for the OpenAPI page (`/docs`).

Fields mirror the plain-data views of `api/schemas.py` and `api/cli_output.py`; models allow
extra keys so a field added there reaches clients without a schema change here.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from . import models_examples as ex


class _Open(BaseModel):
    model_config = ConfigDict(extra="allow")


class Problem(BaseModel):
    """An error (RFC 9457 problem+json)."""

    model_config = ConfigDict(json_schema_extra={"examples": [ex.PROBLEM]})

    type: str = "about:blank"
    title: str
    status: int
    detail: str
    instance: str = ""


class Occurrence(_Open):
    """Another place the same item appears."""

    pages: list[int]
    section: str
    text: str = ""


class Citation(BaseModel):
    """Where to read an item: its document, page and a link that opens the file there."""

    document: str
    document_id: str
    page: int | None
    pages: list[int]
    section: str
    url: str


class Item(_Open):
    """A lesson, good practice or recommendation with its provenance."""

    model_config = ConfigDict(extra="allow", json_schema_extra={"examples": [ex.ITEM]})

    id: str
    kind: str
    label: str = ""
    text: str
    document: str
    document_id: str
    pages: list[int]
    section: str
    addressee: str = ""
    occurrences: list[Occurrence] = []
    url: str = ""


class ItemDetail(Item):
    """An item with every place it is cited (first occurrence first)."""

    citations: list[Citation] = []


class ItemsPage(BaseModel):
    """One page of items."""

    items: list[Item]
    count: int = Field(description="items on this page")
    offset: int
    limit: int
    next_offset: int | None = Field(None, description="offset of the next page, if any")


class Hit(_Open):
    """A search result: an item, a passage or a table, always with its citation."""

    model_config = ConfigDict(extra="allow", json_schema_extra={"examples": [ex.HIT]})

    id: str = ""
    scope: str = Field("", description="item | passage | table")
    kind: str = ""
    text: str = ""
    snippet: str = ""
    document: str
    document_id: str
    pages: list[int]
    section: str
    score: float = 0.0
    url: str = ""
    item_id: str = Field("", description="for item hits: the id to open with /items/{id}")


class SearchResponse(BaseModel):
    """Search results, best first."""

    query: str
    hits: list[Hit]
    count: int
    offset: int
    limit: int
    next_offset: int | None = None


class SimilarResponse(BaseModel):
    """Items from other documents close to one item."""

    item_id: str
    hits: list[Hit]


class Theme(_Open):
    """A recurring theme across documents."""

    model_config = ConfigDict(extra="allow", json_schema_extra={"examples": [ex.THEME]})

    label: str
    members: list[str] = []
    documents: list[str] = []


class Document(_Open):
    """A stored document's summary."""

    model_config = ConfigDict(extra="allow", json_schema_extra={"examples": [ex.DOCUMENT]})

    id: str
    file_name: str
    title: str
    language: str
    pages: int
    media_type: str
    items: int
    tables: int
    warnings: list[str]
    metadata: dict[str, str]
    file_url: str


class OutlineEntry(BaseModel):
    """One heading of a document's outline."""

    title: str
    level: int
    page_start: int
    page_end: int
    number: str = ""
    path: list[str]


class DocumentDetail(Document):
    """A document with its outline and warnings."""

    outline: list[OutlineEntry]


class Table(_Open):
    """A table as rows of cells."""

    model_config = ConfigDict(extra="allow", json_schema_extra={"examples": [ex.TABLE]})

    id: str
    document_id: str
    index: int
    pages: list[int]
    section: str
    caption: str
    header_rows: int
    rows: list[list[str]]


class Job(BaseModel):
    """An upload being ingested in the background."""

    model_config = ConfigDict(json_schema_extra={"examples": [ex.JOB]})

    id: str
    file_name: str
    size: int
    status: str = Field(description="queued | running | done | failed")
    created_at: str
    started_at: str
    finished_at: str
    outcome: str = Field(description="ingested | unchanged | failed (empty until finished)")
    document_id: str
    error: str = Field(description="why the upload failed, in plain words")
    replaced: list[str]
    url: str
    document_url: str


class Health(BaseModel):
    """Liveness and a cheap readiness figure."""

    status: str = "ok"
    documents: int


class Deleted(BaseModel):
    """What a delete removed."""

    deleted: str
    file_name: str


def problems(*codes: int) -> dict[int | str, dict[str, Any]]:
    """OpenAPI `responses=` entries for the given error codes."""
    return {code: {"model": Problem, "content": {"application/problem+json": {}}} for code in codes}
