"""Search routes: hybrid search over items, passages and tables, and recurring themes."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Query

from ingest.errors import InvalidQuery

from . import models
from .routes_deps import read_kb
from .routes_items import hit_dict
from .service import KnowledgeBase

router = APIRouter(tags=["search"])
KB = Annotated[KnowledgeBase, Depends(read_kb)]


@router.get(
    "/search", response_model=models.SearchResponse, responses=models.problems(404, 409, 422, 501)
)
def search(
    kb: KB,
    q: Annotated[
        str,
        Query(
            min_length=1,
            max_length=1000,
            description="the question or words",
            examples=["coordination des acteurs"],
        ),
    ],
    scope: Annotated[
        Literal["all", "item", "passage", "table", "items", "passages", "tables"],
        Query(description="what to search"),
    ] = "all",
    kind: Annotated[
        Literal["", "lesson", "good_practice", "recommendation"],
        Query(description="item kind (implies items)"),
    ] = "",
    document: Annotated[str, Query(description="document id, id prefix or file name")] = "",
    doc_type: Annotated[str, Query(description="document type, e.g. evaluation, audit")] = "",
    country: Annotated[str, Query(description="country named in the document")] = "",
    year_from: Annotated[int | None, Query(ge=1900, le=2100)] = None,
    year_to: Annotated[int | None, Query(ge=1900, le=2100)] = None,
    organisation: Annotated[str, Query(description="commissioning organisation")] = "",
    addressee: Annotated[str, Query(description="addressee of a recommendation")] = "",
    theme: Annotated[str, Query(description="theme tag")] = "",
    language: Annotated[Literal["", "fr", "en"], Query()] = "",
    limit: Annotated[int, Query(ge=1, le=100, description="hits per page")] = 10,
    offset: Annotated[int, Query(ge=0, le=10000)] = 0,
    mode: Annotated[Literal["hybrid", "lexical", "dense"], Query()] = "hybrid",
    expand: Annotated[bool, Query(description="add synonyms and FR/EN equivalents")] = True,
) -> dict[str, Any]:
    """Search items, passages and tables; every hit carries document, pages and section."""
    if year_from is not None and year_to is not None and year_from > year_to:
        raise InvalidQuery(f"year_from ({year_from}) is after year_to ({year_to})")
    if not q.strip():
        raise InvalidQuery("the query is empty")
    hits = kb.search(
        q,
        scope=scope,
        kind=kind,
        document=document,
        doc_type=doc_type,
        country=country,
        year_from=year_from,
        year_to=year_to,
        organisation=organisation,
        addressee=addressee,
        theme=theme,
        language=language,
        k=limit,
        offset=offset,
        mode=mode,
        expand=expand,
    )
    names = kb.file_names()
    out = [hit_dict(h, names) for h in hits]
    return {
        "query": q,
        "hits": out,
        "count": len(out),
        "offset": offset,
        "limit": limit,
        "next_offset": offset + limit if len(out) == limit else None,
    }


@router.get("/themes", response_model=list[models.Theme], responses=models.problems(501))
def themes(kb: KB) -> list[dict[str, Any]]:
    """Recurring themes across documents, with their member items."""
    return kb.themes()
