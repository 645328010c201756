"""HTTP API search side: filters reach the service, hits carry citations, errors map to codes."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import asdict
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from test_api import assert_problem, make_client, populate

from api.reads import Reader
from index.query import SearchRequest
from index.search import Hit
from index.themes import Theme
from ingest.errors import InvalidQuery


@pytest.fixture
def stocked(kb, tmp_path: Path) -> dict[str, str]:
    return populate(kb, tmp_path)


@pytest.fixture
def client(kb, stocked: dict[str, str]) -> Iterator[TestClient]:
    with make_client(kb) as c:
        yield c


def test_search_passes_filters_and_completes_hits(
    client: TestClient, kb, monkeypatch, stocked: dict[str, str]
) -> None:
    seen: dict[str, Any] = {}
    doc_id = stocked["ilo-mali-2023.pdf"]

    def fake_search(self: Reader, request: SearchRequest) -> list[Hit]:
        seen.update(
            asdict(request.filters),
            query=request.query,
            k=request.k,
            offset=request.offset,
            mode=request.mode,
            expand=request.expand,
        )
        return [
            Hit(
                id="c1",
                scope="passage",
                kind="passage",
                text="dialogue social",
                snippet="…dialogue social…",
                document_id=doc_id,
                file_name="ilo-mali-2023.pdf",
                pages=(31,),
                section=("5. Leçons apprises et recommandations",),
                score=0.5,
            ),
            Hit(
                id="chunk-9",
                scope="item",
                kind="recommendation",
                text="Former les juges",
                snippet="Former les juges",
                ref="item-42",
                file_name="ilo-mali-2023.pdf",
                document_id=doc_id,
                pages=(32, 33),
                section=("5. Leçons", "5.2 Recommandations"),
                score=0.4,
            ),
        ]

    monkeypatch.setattr(Reader, "search", fake_search)
    body = client.get(
        "/search",
        params={
            "q": "dialogue social",
            "scope": "passage",
            "country": "Mali",
            "year_from": 2020,
            "year_to": 2024,
            "document": "ilo",
            "doc_type": "evaluation",
            "organisation": "OIT",
            "addressee": "x",
            "theme": "t",
            "language": "fr",
            "limit": 5,
            "offset": 5,
            "mode": "lexical",
            "expand": "false",
            "review": "verified",
            "verified": "true",
        },
    ).json()
    assert seen == {
        "query": "dialogue social",
        "scope": "passage",
        "kind": "",
        "document": "ilo",
        "doc_type": "evaluation",
        "country": "Mali",
        "year_from": 2020,
        "year_to": 2024,
        "organisation": "OIT",
        "addressee": "x",
        "theme": "t",
        "language": "fr",
        "k": 5,
        "offset": 5,
        "mode": "lexical",
        "expand": False,
        "review": "verified",
        "verified": True,
    }
    hit, item_hit = body["hits"]
    assert item_hit["item_id"] == "item-42" and item_hit["document"] == "ilo-mali-2023.pdf"
    assert item_hit["section"] == "5. Leçons > 5.2 Recommandations"
    assert item_hit["url"].endswith("/file#page=32") and hit["item_id"] == ""
    assert hit["document"] == "ilo-mali-2023.pdf" and hit["pages"] == [31]
    assert hit["section"] == "5. Leçons apprises et recommandations"
    assert hit["url"] == f"/documents/{doc_id}/file#page=31"
    assert body["next_offset"] is None and body["offset"] == 5 and body["count"] == 2


def test_search_errors(client: TestClient, kb, monkeypatch) -> None:
    assert_problem(client.get("/search"), 422, "q")
    assert_problem(client.get("/search?q=x&year_from=2024&year_to=2020"), 422, "year_from")
    assert_problem(client.get("/search?q=x&scope=everything"), 422, "scope")
    assert_problem(client.get("/search?q=x&limit=1000"), 422, "limit")
    assert_problem(client.get("/search?q=%20%20"), 422, "empty")

    def refuse(self: Reader, request: SearchRequest) -> list[Hit]:
        raise InvalidQuery("the query has no searchable words")

    monkeypatch.setattr(Reader, "search", refuse)
    assert_problem(client.get("/search?q=le"), 422, "no searchable words")

    def not_yet(*args: Any, **kwargs: Any) -> list[Hit]:
        raise NotImplementedError

    monkeypatch.setattr(Reader, "search", not_yet)
    assert_problem(client.get("/search?q=justice"), 501, "not available")


def test_similar_and_themes(client: TestClient, kb, monkeypatch, stocked: dict[str, str]) -> None:
    other = client.get("/items?document=cisp-kafamuya-2024.pdf").json()["items"][0]
    source = client.get("/items?kind=lesson").json()["items"][0]
    similar = Hit(
        id="chunk-1",
        scope="item",
        kind=other["kind"],
        text=other["text"],
        snippet=other["text"],
        document_id=other["document_id"],
        file_name=other["document"],
        pages=tuple(other["pages"]),
        section=tuple(other["section_path"]),
        score=0.7,
        ref=other["id"],
    )
    monkeypatch.setattr(Reader, "similar", lambda self, item_id, k=10: [similar][:k])
    theme = Theme("coordination", (other["id"],), (other["document"],), (2024,), ("lesson",), 0.9)
    monkeypatch.setattr(Reader, "themes", lambda self: [theme])
    body = client.get(f"/items/{source['id']}/similar?k=3").json()
    assert body["item_id"] == source["id"]
    assert body["hits"][0]["document"] == "cisp-kafamuya-2024.pdf"
    assert body["hits"][0]["document_id"] != source["document_id"]
    assert_problem(client.get("/items/nope/similar"), 404, "no item")
    assert client.get("/themes").json()[0]["label"] == "coordination"


def test_plural_scope_names_are_accepted(client) -> None:  # type: ignore[no-untyped-def]
    """`scope=items` (as on the command line) means the same as `scope=item`."""
    plural = client.get("/search", params={"q": "juges", "scope": "items"})
    singular = client.get("/search", params={"q": "juges", "scope": "item"})
    assert plural.status_code == 200, plural.text
    assert plural.json()["hits"] == singular.json()["hits"]
