"""Response schemas of the HTTP API, with examples for the OpenAPI page (`/docs`).

Each model declares every field that `api/views.py` produces for it, so the schema documents
the whole response and a field added there must be added here too (a test checks both agree).
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from . import examples as ex


class Problem(BaseModel):
    """An error (RFC 9457 problem+json)."""

    model_config = ConfigDict(json_schema_extra={"examples": [ex.PROBLEM]})

    type: str = "about:blank"
    title: str
    status: int
    detail: str
    instance: str = ""


class Occurrence(BaseModel):
    """Another place the same item appears."""

    pages: list[int]
    section: str
    text: str = ""


class Tag(BaseModel):
    """A criterion or theme attached to an item, with the words that set it."""

    kind: str = Field(description="criterion | theme")
    value: str
    evidence: str


class Citation(BaseModel):
    """Where to read an item: its document, page and a link that opens the file there."""

    document: str
    document_id: str
    page: int | None
    pages: list[int]
    section: str
    url: str


class Item(BaseModel):
    """A lesson, good practice or recommendation with its provenance."""

    model_config = ConfigDict(json_schema_extra={"examples": [ex.ITEM]})

    id: str
    kind: str = Field(description="lesson | good_practice | recommendation")
    label: str = ""
    text: str
    document: str = Field(description="file name of the document")
    document_id: str
    pages: list[int]
    section: str = Field(description="heading path, ' > '-separated")
    section_path: list[str] = []
    addressee: str = ""
    priority: str = ""
    resources: str = ""
    timing: str = ""
    condition: str = ""
    parent_id: str = ""
    fields: dict[str, str] = {}
    occurrences: list[Occurrence] = []
    tags: list[Tag] = []
    evidence: str = Field("", description="the heading, label or table that made it an item")
    confidence: float = Field(0.0, description="0-1: how sure the extractor is; sort=confidence")
    url: str = Field("", description="the original file, opened at the item's first page")


class ResponseAction(BaseModel):
    """One key action a management response commits to, as the matrix states it."""

    id: str = Field(description="stable across re-reading the matrix")
    text: str
    deadline: str = ""
    responsible: str = ""
    status: str = Field("", description="as written in the matrix")
    comments: str = ""
    pages: list[int] = []


class ResponseLink(BaseModel):
    """A recommendation item a response answers."""

    item_id: str
    score: float = Field(description="0-1: how sure the link is")
    method: str = Field(description="text | text+number | number")


class ResponseBlock(BaseModel):
    """A management response to one recommendation block, with its actions and links."""

    model_config = ConfigDict(json_schema_extra={"examples": [ex.RESPONSE]})

    id: str
    document: str = Field(description="file name of the response document")
    evaluation_document: str = Field(description="file name of the evaluation it answers")
    number: str = Field(description="the recommendation number as printed (A1, B1–B3, 2, 3)")
    recommendation_text: str = Field(description="the recommendation as the matrix quotes it")
    recommendation_ids: list[str] = Field(description="ids of the recommendation items answered")
    verdict: str = Field(description="accepted | partially_accepted | rejected | not_stated")
    response_text: str = ""
    addressee: str = ""
    priority: str = ""
    actions: list[ResponseAction] = []
    pages: list[int] = []
    document_id: str
    evaluation_document_id: str = ""
    evaluation_score: float = Field(0.0, description="0-1: how sure the evaluation match is")
    verdict_evidence: str = Field("", description="the words the verdict was read from")
    links: list[ResponseLink] = []
    url: str = Field("", description="the response document, opened at the block's page")


class ResponsesPage(BaseModel):
    """One page of management responses."""

    responses: list[ResponseBlock]
    count: int = Field(description="responses on this page")
    offset: int
    limit: int
    next_offset: int | None = Field(None, description="offset of the next page, if any")


class UnmatchedResponses(BaseModel):
    """What responses and evaluations leave unpaired."""

    responses: list[ResponseBlock] = Field(description="responses answering no recommendation")
    recommendations: list[Item] = Field(description="recommendations no response answers")


class ItemDetail(Item):
    """An item with every place it is cited (first occurrence first), and for a
    recommendation the management responses that answer it."""

    citations: list[Citation] = []
    responses: list[ResponseBlock] = []


class ItemsPage(BaseModel):
    """One page of items."""

    items: list[Item]
    count: int = Field(description="items on this page")
    offset: int
    limit: int
    next_offset: int | None = Field(None, description="offset of the next page, if any")


class HitPlace(BaseModel):
    """Another place the same passage is printed (e.g. the summary and the body)."""

    pages: list[int]
    section: str
    url: str


class Hit(BaseModel):
    """A search result: an item, a passage or a table, always with its citation."""

    model_config = ConfigDict(json_schema_extra={"examples": [ex.HIT]})

    id: str
    scope: str = Field(description="item | passage | table")
    kind: str
    text: str
    snippet: str = Field(description="the matched words wrapped in ** **")
    document: str
    document_id: str
    pages: list[int]
    section: str
    section_path: list[str] = []
    score: float
    label: str = ""
    url: str
    item_id: str = Field("", description="item hits: the id to open with /items/{id}")
    table_id: str = Field("", description="table hits: the id for /tables/{id}")
    addressee: str = Field("", description="item hits: the recommendation's addressee")
    priority: str = ""
    resources: str = ""
    timing: str = ""
    also_at: list[HitPlace] = Field(
        [], description="near-duplicates collapsed into this hit: where else it is printed"
    )
    all_pages: list[int] = Field([], description="pages of this hit and of its near-duplicates")


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


class Theme(BaseModel):
    """A recurring theme across documents."""

    model_config = ConfigDict(json_schema_extra={"examples": [ex.THEME]})

    label: str
    members: list[str] = Field(description="ids of the member items")
    documents: list[str] = Field(description="file names of the documents")
    years: list[int] = []
    kinds: list[str] = []
    cohesion: float = Field(description="mean cosine of the members to their centre")


class Document(BaseModel):
    """A stored document's summary."""

    model_config = ConfigDict(json_schema_extra={"examples": [ex.DOCUMENT]})

    id: str
    file_name: str
    title: str
    language: str
    pages: int
    media_type: str
    size: int
    ingested_at: str
    items: int
    tables: int
    warnings: list[str]
    metadata: dict[str, str]
    versions: dict[str, str]
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


class Table(BaseModel):
    """A table as rows of cells."""

    model_config = ConfigDict(json_schema_extra={"examples": [ex.TABLE]})

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
    status: str = Field(description="queued | running | done | failed | interrupted")
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
