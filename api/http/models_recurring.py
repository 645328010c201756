"""Response bodies of the across-reports routes: recurring recommendations and uptake.

Each model declares every field `api/recurring_views.py` produces for it.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from .models import Hit

RECURRING_EXAMPLE: dict[str, Any] = {
    "kind": "recommendation",
    "label": "coordination, ONG, services",
    "sentence": "recommended in 3 evaluations since 2019",
    "document_count": 3,
    "first_year": 2019,
    "last_year": 2023,
    "years": [2019, 2021, 2023],
    "cohesion": 0.81,
    "members": [
        {
            "item_id": "a41f0c2e9b",
            "label": "R3",
            "text": "Renforcer la coordination entre les ONG et les services de l'État.",
            "document": "ilo-mali-2019.pdf",
            "document_id": "3f2a…",
            "year": 2019,
            "pages": [41],
            "section": "6. Recommandations",
            "url": "/documents/3f2a…/file#page=41",
        }
    ],
}


class RecurringMember(BaseModel):
    """One item of a recurring cluster, with its citation."""

    item_id: str
    label: str = ""
    text: str
    document: str = Field(description="file name of the document")
    document_id: str
    year: int | None = Field(None, description="the document's year, if known")
    pages: list[int]
    section: str = Field(description="heading path, ' > '-separated")
    url: str = Field(description="the original file, opened at the item's first page")


class Recurring(BaseModel):
    """Similar items given in several documents: how often, since when, and which."""

    model_config = ConfigDict(json_schema_extra={"examples": [RECURRING_EXAMPLE]})

    kind: str = Field(description="lesson | good_practice | recommendation")
    label: str = Field(description="the cluster's most distinctive words")
    sentence: str = Field(description='e.g. "recommended in 4 evaluations since 2019"')
    document_count: int = Field(description="distinct documents giving it")
    first_year: int | None = None
    last_year: int | None = None
    years: list[int] = []
    cohesion: float = Field(description="mean cosine of the members to their centre")
    members: list[RecurringMember] = Field(description="oldest first; undated last")


class RecurringResponse(BaseModel):
    """Recurring clusters, the most widespread first."""

    kind: str
    min_documents: int
    clusters: list[Recurring]
    count: int


class UptakeDocument(BaseModel):
    """A later document and its passages addressing the recommendation, best first."""

    document: str = Field(description="file name of the document")
    document_id: str
    year: int | None = Field(None, description="None: undated (listed after dated documents)")
    doc_type: str = Field("", description="evaluation, monitoring report, … when known")
    score: float = Field(description="the best passage's score")
    passages: list[Hit]


class UptakeResponse(BaseModel):
    """Where a recommendation was taken up: the item, then the later documents."""

    item_id: str
    kind: str
    text: str
    document: str = Field(description="file name of the item's document")
    document_id: str
    year: int | None = Field(
        None, description="the item's document year; None: every other document is a candidate"
    )
    documents: list[UptakeDocument]
