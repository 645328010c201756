"""Item routes: list with filters, one item with its citations, similar items from other reports."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Path, Query

from ingest.records import Item

from . import models
from .routes_deps import read_kb
from .schemas import item_dict
from .service import KnowledgeBase

router = APIRouter(tags=["items"])
KB = Annotated[KnowledgeBase, Depends(read_kb)]
KindParam = Literal["lesson", "good_practice", "recommendation"]
SortParam = Literal["document", "kind", "addressee"]


def file_url(document_id: str, pages: Any = ()) -> str:
    """Link to the original file, opened at the first page when there is one."""
    first = next(iter(pages), None) if pages else None
    return f"/documents/{document_id}/file" + (f"#page={first}" if first else "")


def hit_dict(hit: Mapping[str, Any], names: Mapping[str, str]) -> dict[str, Any]:
    """A search or similarity hit with the fields every hit must carry, and its page link."""
    out = dict(hit)
    doc_id = str(out.get("document_id", ""))
    out.setdefault("document", out.get("file_name") or names.get(doc_id, ""))
    if out.get("scope", "item") == "item":
        # the page opens items by item id; a chunk hit names its item in `ref`
        out.setdefault("item_id", out.get("ref") or out.get("id", ""))
    out["pages"] = [int(p) for p in out.get("pages") or ()]
    section = out.get("section", "")
    if isinstance(section, list | tuple):
        section = " > ".join(map(str, section))
    out["section"] = section or " > ".join(out.get("section_path") or ())
    out.setdefault("url", file_url(doc_id, out["pages"]) if doc_id else "")
    return out


def item_out(item: Item, names: Mapping[str, str]) -> dict[str, Any]:
    """An item as returned by the API: item_dict plus a page link."""
    data = item_dict(item, names.get(item.document_id, ""))
    data["url"] = file_url(item.document_id, item.pages)
    return data


def citations(data: Mapping[str, Any]) -> list[dict[str, Any]]:
    """Every place an item is cited: its main location, then its other occurrences."""
    places = [(data["pages"], data["section"])]
    places += [(o["pages"], o["section"]) for o in data["occurrences"]]
    seen, out = set(), []
    for pages, section in places:
        key = (tuple(pages), section)
        if key in seen:
            continue
        seen.add(key)
        out.append(
            {
                "document": data["document"],
                "document_id": data["document_id"],
                "page": pages[0] if pages else None,
                "pages": list(pages),
                "section": section,
                "url": file_url(data["document_id"], pages),
            }
        )
    return out


@dataclass(frozen=True)
class ItemFilters:
    """The item filters shared by /items and /export/items."""

    kind: str = ""
    document: str = ""
    addressee: str = ""
    theme: str = ""

    def select(self, kb: KnowledgeBase, **page: Any) -> list[Item]:
        """The matching items (`page`: limit, offset, sort)."""
        return kb.items(
            kind=self.kind,
            document=self.document,
            addressee=self.addressee,
            theme=self.theme,
            **page,
        )


def item_filters(
    kind: Annotated[KindParam | None, Query(description="item kind")] = None,
    document: Annotated[str, Query(description="document id, id prefix or file name")] = "",
    addressee: Annotated[str, Query(description="substring of the addressee")] = "",
    theme: Annotated[str, Query(description="theme tag value")] = "",
) -> ItemFilters:
    """Dependency: the item filters from the query string."""
    return ItemFilters(kind or "", document, addressee, theme)


Filters = Annotated[ItemFilters, Depends(item_filters)]


@router.get("/items", response_model=models.ItemsPage, responses=models.problems(404, 422))
def list_items(
    kb: KB,
    filters: Filters,
    limit: Annotated[int, Query(ge=1, le=1000)] = 50,
    offset: Annotated[int, Query(ge=0)] = 0,
    sort: SortParam = "document",
) -> dict[str, Any]:
    """Lessons, good practices and recommendations, filtered and paginated."""
    rows = filters.select(kb, limit=limit + 1, offset=offset, sort=sort)
    names = kb.file_names()
    page = [item_out(it, names) for it in rows[:limit]]
    return {
        "items": page,
        "count": len(page),
        "offset": offset,
        "limit": limit,
        "next_offset": offset + limit if len(rows) > limit else None,
    }


@router.get("/items/{item_id}", response_model=models.ItemDetail, responses=models.problems(404))
def get_item(kb: KB, item_id: Annotated[str, Path(min_length=1, max_length=100)]) -> dict[str, Any]:
    """One item (id or unique id prefix) with its occurrences and page citations."""
    data = item_out(kb.item(item_id), kb.file_names())
    data["citations"] = citations(data)
    return data


@router.get(
    "/items/{item_id}/similar",
    response_model=models.SimilarResponse,
    responses=models.problems(404, 422, 501),
)
def similar_items(
    kb: KB,
    item_id: Annotated[str, Path(min_length=1, max_length=100)],
    k: Annotated[int, Query(ge=1, le=50)] = 10,
) -> dict[str, Any]:
    """Items from other documents most similar to this one."""
    item = kb.item(item_id)  # 404 before asking the index
    names = kb.file_names()
    return {"item_id": item.id, "hits": [hit_dict(h, names) for h in kb.similar(item.id, k)]}
