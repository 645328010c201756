"""HTTP API on a temp store: reads, filters, citations, errors as problem+json, exports."""

from __future__ import annotations

import csv
import io
import json
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from ingest.assemble import build_document
from ingest.pipeline import Parsed
from ingest.records import HEADING, PARAGRAPH, TABLE, Block, Item, Occurrence, Table, Tag

LOOPBACK = ("127.0.0.1", 50000)


def _parsed(
    data: bytes, name: str, items: list[dict[str, Any]], warnings: tuple[str, ...] = ()
) -> Parsed:
    blocks = [
        Block(HEADING, "Résumé exécutif", (2,), (), level=1),
        Block(PARAGRAPH, "La coordination des acteurs reste faible.", (2,), ()),
        Block(HEADING, "5. Leçons apprises et recommandations", (30,), (), level=1),
        Block(PARAGRAPH, "Le dialogue social renforce la durabilité.", (31,), ()),
        Block(TABLE, "", (32,), (), table_index=0),
    ]
    tables = [
        Table(
            0,
            (
                ("Recommandation", "Destinataire", "Priorité"),
                ("Former les juges", "Ministère de la Justice", "Haute"),
            ),
            (32,),
            caption="Tableau 4 : recommandations",
        )
    ]
    doc = build_document(
        data=data,
        file_name=name,
        media_type="pdf",
        blocks=blocks,
        tables=tables,
        page_count=40,
        warnings=warnings,
    )
    doc = replace(doc, metadata=(("year", "2023"), ("country", "Mali")))
    section = ("5. Leçons apprises et recommandations",)
    records = tuple(
        Item(
            id=f"{doc.id[:10]}-{n}",
            document_id=doc.id,
            section_path=section,
            occurrences=(Occurrence((2,), ("Résumé exécutif",), "résumé"),),
            **spec,
        )
        for n, spec in enumerate(items)
    )
    return Parsed(doc, records, "test-1")


def populate(kb: Any, tmp_path: Path) -> dict[str, str]:
    """Store two small reports with items of every kind; return their ids."""
    ids: dict[str, str] = {}
    specs: dict[str, list[dict[str, Any]]] = {
        "ilo-mali-2023.pdf": [
            {
                "kind": "lesson",
                "text": "Le dialogue social renforce la durabilité des actions.",
                "pages": (31,),
                "label": "LA.1",
                "tags": (Tag("theme", "dialogue social", "dialogue"),),
            },
            {
                "kind": "recommendation",
                "text": "Former les juges au droit du travail.",
                "pages": (32, 33),
                "label": "R1",
                "addressee": "Ministère de la Justice",
                "priority": "Haute",
                "tags": (Tag("theme", "justice", "juges"),),
            },
            {
                "kind": "good_practice",
                "text": "Des comités locaux de vigilance.",
                "pages": (34,),
                "label": "BP.1",
            },
        ],
        "cisp-kafamuya-2024.pdf": [
            {
                "kind": "recommendation",
                "text": "Renforcer la coordination entre les ONG.",
                "pages": (12,),
                "label": "3",
                "addressee": "CISP",
                "tags": (Tag("theme", "coordination", "coordination"),),
            },
        ],
    }
    for name, items in specs.items():
        data = f"%PDF-1.4\n% fake pdf for {name}\n".encode()
        path = tmp_path / "src" / name
        path.parent.mkdir(exist_ok=True)
        path.write_bytes(data)
        warnings = ("page 7 has no text layer",) if name.startswith("cisp") else ()
        outcome = kb.store_parsed(path, _parsed(data, name, items, warnings))
        assert outcome.status == "ingested", outcome.reason
        ids[name] = outcome.document_id
    return ids


def make_client(kb: Any, peer: tuple[str, int] = LOOPBACK, **settings: Any) -> TestClient:
    """A TestClient from `peer` on a fresh app; settings overrides apply to this KnowledgeBase."""
    from api.http.app import create_app

    if settings:
        kb.settings = kb.settings.model_copy(update=settings)
    # the server's own address, as a browser on this machine names it (the Host check)
    return TestClient(create_app(kb), client=peer, base_url="http://127.0.0.1:8000")


@pytest.fixture
def stocked(kb, tmp_path: Path) -> dict[str, str]:
    return populate(kb, tmp_path)


@pytest.fixture
def client(kb, stocked):
    with make_client(kb) as c:
        yield c


def assert_problem(response: Any, status: int, words: str = "") -> dict[str, Any]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    body = response.json()
    assert body["status"] == status and body["title"] and body["detail"]
    assert words.lower() in body["detail"].lower(), body["detail"]
    return body


def test_health_stats_and_page(client: TestClient) -> None:
    assert client.get("/health").json() == {"status": "ok", "documents": 2}
    stats = client.get("/stats").json()
    assert stats["documents"] == 2 and stats["items"]["recommendation"] == 2
    page = client.get("/")
    assert page.status_code == 200 and 'id="q"' in page.text
    assert client.get("/static/app.js").status_code == 200


def test_documents_list_detail_and_file(client: TestClient, stocked: dict[str, str]) -> None:
    docs = client.get("/documents").json()
    assert [d["file_name"] for d in docs] == ["cisp-kafamuya-2024.pdf", "ilo-mali-2023.pdf"]
    doc_id = stocked["cisp-kafamuya-2024.pdf"]
    detail = client.get(f"/documents/{doc_id[:8]}").json()
    assert detail["id"] == doc_id and detail["warnings"] == ["page 7 has no text layer"]
    assert detail["metadata"]["country"] == "Mali"
    assert [s["title"] for s in detail["outline"]][0] == "Résumé exécutif"
    assert detail["outline"][1]["page_start"] == 30
    by_name = client.get("/documents/ilo-mali-2023.pdf").json()
    assert by_name["id"] == stocked["ilo-mali-2023.pdf"]
    original = client.get(detail["file_url"])
    assert original.status_code == 200 and original.content.startswith(b"%PDF-1.4")
    assert original.headers["content-type"] == "application/pdf"
    assert "cisp-kafamuya-2024.pdf" in original.headers["content-disposition"]


def test_tables_as_json_and_csv(client: TestClient, stocked: dict[str, str]) -> None:
    doc_id = stocked["ilo-mali-2023.pdf"]
    [table] = client.get(f"/documents/{doc_id}/tables").json()
    assert table["rows"][1] == ["Former les juges", "Ministère de la Justice", "Haute"]
    assert table["pages"] == [32] and table["caption"].startswith("Tableau 4")
    one = client.get(f"/tables/{table['id']}").json()
    assert one == table
    text = client.get(f"/tables/{table['id']}?format=csv")
    assert text.headers["content-type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(text.content.decode("utf-8-sig"))))
    assert rows[0] == ["Recommandation", "Destinataire", "Priorité"]
    assert client.get(f"/documents/{doc_id}/tables?format=csv").status_code == 200
    assert_problem(client.get("/tables/nope-t9"), 404, "no table")
    assert_problem(client.get(f"/tables/{table['id']}?format=pdf"), 422, "format")


def test_items_filters_pagination_and_sort(client: TestClient, stocked: dict[str, str]) -> None:
    every = client.get("/items").json()
    assert every["count"] == 4 and every["next_offset"] is None
    for item in every["items"]:
        assert item["document_id"] and item["document"].endswith(".pdf")
        assert item["pages"] and item["section"].startswith("5.")
        assert item["url"] == f"/documents/{item['document_id']}/file#page={item['pages'][0]}"
    recs = client.get("/items", params={"kind": "recommendation"}).json()["items"]
    assert {r["label"] for r in recs} == {"R1", "3"}
    only = client.get("/items", params={"document": "cisp-kafamuya-2024.pdf"}).json()["items"]
    assert [i["label"] for i in only] == ["3"]
    assert [i["label"] for i in client.get("/items?addressee=justice").json()["items"]] == ["R1"]
    assert [i["label"] for i in client.get("/items?theme=coordination").json()["items"]] == ["3"]
    first = client.get("/items", params={"limit": 3, "sort": "kind"}).json()
    assert first["count"] == 3 and first["next_offset"] == 3
    assert [i["kind"] for i in first["items"]] == ["good_practice", "lesson", "recommendation"]
    rest = client.get("/items", params={"limit": 3, "offset": 3, "sort": "kind"}).json()
    assert rest["count"] == 1 and rest["next_offset"] is None
    assert_problem(client.get("/items?kind=opinion"), 422, "kind")
    assert_problem(client.get("/items?limit=0"), 422, "limit")
    assert_problem(client.get("/items?document=nothing-like-this"), 404, "no document")


def test_item_detail_with_citations(client: TestClient) -> None:
    rec = client.get("/items?kind=recommendation&addressee=justice").json()["items"][0]
    item = client.get(f"/items/{rec['id']}").json()
    assert item["text"] == "Former les juges au droit du travail."
    assert item["addressee"] == "Ministère de la Justice" and item["priority"] == "Haute"
    pages = [(c["page"], c["section"]) for c in item["citations"]]
    assert pages == [(32, "5. Leçons apprises et recommandations"), (2, "Résumé exécutif")]
    assert item["citations"][1]["url"].endswith("/file#page=2")
    assert item["occurrences"][0]["pages"] == [2]
    assert_problem(client.get("/items/zzzz-unknown"), 404, "no item")


def test_exports_use_item_filters(client: TestClient) -> None:
    response = client.get("/export/items?format=csv&kind=recommendation")
    assert response.headers["content-type"].startswith("text/csv")
    assert "attachment" in response.headers["content-disposition"]
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert {r["label"] for r in rows} == {"R1", "3"} and rows[0]["document"].endswith(".pdf")
    lines = client.get("/export/items?format=jsonl&document=ilo-mali-2023.pdf").text.splitlines()
    assert len(lines) == 3 and all(json.loads(line)["pages"] for line in lines)
    xlsx = client.get("/export/items?format=xlsx")
    assert xlsx.content[:2] == b"PK"
    from openpyxl import load_workbook

    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    assert sheet.max_row == 5  # header + 4 items
    assert_problem(client.get("/export/items?format=docx"), 422, "format")


def test_unknown_ids_and_routes_are_problems(client: TestClient) -> None:
    assert_problem(client.get("/documents/ffffffffff"), 404, "no document")
    assert_problem(client.get("/documents/ffffffffff/file"), 404)
    assert_problem(client.get("/documents/ffffffffff/tables"), 404)
    assert_problem(client.get("/jobs/123"), 404, "no job")
    assert_problem(client.get("/no/such/route"), 404, "no such endpoint")


def test_openapi_lists_every_endpoint_with_examples(client: TestClient) -> None:
    spec = client.get("/openapi.json").json()
    paths = spec["paths"]
    for path, method in [
        ("/search", "get"),
        ("/items", "get"),
        ("/items/{item_id}", "get"),
        ("/items/{item_id}/similar", "get"),
        ("/themes", "get"),
        ("/documents", "get"),
        ("/documents", "post"),
        ("/documents/{doc}", "get"),
        ("/documents/{doc}", "delete"),
        ("/documents/{doc}/file", "get"),
        ("/documents/{doc}/tables", "get"),
        ("/tables/{table_id}", "get"),
        ("/jobs/{job_id}", "get"),
        ("/export/items", "get"),
        ("/health", "get"),
        ("/stats", "get"),
    ]:
        assert method in paths[path], (path, method)
    schemas = spec["components"]["schemas"]
    assert schemas["Hit"]["examples"] and schemas["Item"]["examples"]
    upload = paths["/documents"]["post"]["requestBody"]["content"]
    assert "multipart/form-data" in upload


def test_stored_html_is_never_served_as_html(kb, tmp_path: Path) -> None:
    data = b"<html><script>alert(1)</script><h1>Rapport</h1></html>"
    path = tmp_path / "page.html"
    path.write_bytes(data)
    doc = build_document(
        data=data,
        file_name="page.html",
        media_type="html",
        blocks=[Block(HEADING, "Rapport", (1,), (), level=1)],
        tables=[],
        page_count=1,
    )
    assert kb.store_parsed(path, Parsed(doc, (), "test-1")).status == "ingested"
    with make_client(kb) as client:
        response = client.get(f"/documents/{doc.id}/file")
    assert response.content == data
    assert response.headers["content-type"].startswith("text/plain")
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["content-security-policy"] == "sandbox"
