"""The web page in a real headless Chromium: type a query, see grouped results, open an item."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from test_api import populate

from api.reads import Reader
from index.query import SearchRequest
from index.search import Hit
from index.themes import Theme

CHROMIUM = Path("/usr/bin/chromium")
pytestmark = pytest.mark.browser


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def fake_search_side(kb: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    """Deterministic search, similar and themes over the stored items (the page is under test,
    not the ranking)."""

    def hits(words: str, exclude_doc: str = "") -> list[Hit]:
        names = kb.read.file_names()
        out = []
        for item in kb.read.items():
            if item.document_id == exclude_doc:
                continue
            if not words or any(w in item.text.lower() for w in words.lower().split()):
                out.append(
                    Hit(
                        id=f"chunk-{item.id}",
                        scope="item",
                        kind=item.kind,
                        text=item.text,
                        snippet=item.text,
                        document_id=item.document_id,
                        file_name=names[item.document_id],
                        pages=item.pages,
                        section=item.section_path,
                        score=1.0,
                        ref=item.id,
                        label=item.label,
                        addressee=item.addressee,
                        priority=item.priority,
                    )
                )
        return out

    def search(self: Reader, request: SearchRequest) -> list[Hit]:
        kind = request.filters.kind
        found = [h for h in hits(request.query) if not kind or h.kind == kind]
        if request.filters.scope in ("all", "passage") and found:
            found.append(
                Hit(
                    id="p1",
                    scope="passage",
                    kind="passage",
                    text="La coordination des acteurs reste faible.",
                    snippet="La coordination des acteurs reste faible.",
                    document_id=found[0].document_id,
                    file_name=found[0].file_name,
                    pages=(2,),
                    section=("Résumé exécutif",),
                    score=0.4,
                )
            )
        return found[: request.k]

    def similar(self: Reader, item_id: str, k: int = 10) -> list[Hit]:
        return hits("", exclude_doc=kb.read.item(item_id).document_id)[:k]

    monkeypatch.setattr(Reader, "search", search)
    monkeypatch.setattr(Reader, "similar", similar)
    theme = Theme("coordination", (), (), (), (), 1.0)
    monkeypatch.setattr(Reader, "themes", lambda self: [theme])


@pytest.fixture
def server(kb, tmp_path: Path, monkeypatch) -> Iterator[str]:
    import uvicorn

    from api.http.app import create_app

    populate(kb, tmp_path)
    fake_search_side(kb, monkeypatch)
    port = free_port()
    srv = uvicorn.Server(
        uvicorn.Config(create_app(kb), host="127.0.0.1", port=port, log_level="warning")
    )
    thread = threading.Thread(target=srv.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not srv.started and time.monotonic() < deadline:
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    srv.should_exit = True
    thread.join(timeout=10)


@pytest.fixture
def page(server: str) -> Iterator[Any]:
    if not CHROMIUM.exists():
        pytest.skip("Debian chromium is not installed (/usr/bin/chromium)")
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=str(CHROMIUM),
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
            ],
        )
        tab = browser.new_page()
        tab.errors = []
        tab.on("pageerror", lambda exc: tab.errors.append(str(exc)))
        tab.set_default_timeout(15000)
        yield tab
        browser.close()


def test_search_results_and_item_view(page: Any, server: str) -> None:
    from playwright.sync_api import expect

    page.goto(server + "/")
    # locator waits, not wait_for_function: the page's CSP forbids evaluating strings
    expect(page.locator("#document option")).to_have_count(3)
    assert "2 document(s)" in page.text_content("#stats")

    page.fill("#q", "coordination juges")
    page.press("#q", "Enter")
    page.wait_for_selector("#group-recommendation .hit")
    groups = page.eval_on_selector_all(".group h2", "els => els.map(e => e.textContent)")
    assert groups == ["Recommendations (2)", "Passages (1)"]
    first = page.locator("#group-recommendation .hit").first
    assert "Former les juges" in first.text_content() or "coordination" in first.text_content()
    meta = page.locator("#group-recommendation .hit .meta").all_text_contents()
    assert any("ilo-mali-2023.pdf" in m and "Ministère de la Justice" in m for m in meta)
    assert any("5. Leçons apprises" in m for m in meta)
    link = page.locator("#group-recommendation .page-link").first.get_attribute("href")
    assert link and "/file#page=" in link
    pdf = page.request.get(server + link.split("#")[0])
    assert pdf.status == 200 and pdf.headers["content-type"] == "application/pdf"
    assert "kind" not in page.get_attribute("#export-csv", "href")

    # filter by kind: the export link follows the filter
    page.select_option("#kind", "recommendation")
    page.press("#q", "Enter")
    expect(page.locator("#group-passage")).to_have_count(0)
    assert "kind=recommendation" in page.get_attribute("#export-csv", "href")

    # open an item: its text, citations with page links, similar items from other reports
    page.click("#group-recommendation .open-item >> text=Former les juges")
    page.wait_for_selector("#item-text")
    assert page.text_content("#item-text") == "Former les juges au droit du travail."
    citations = page.locator("#item-citations a").evaluate_all("els => els.map(e => e.href)")
    assert [c.split("#")[1] for c in citations] == ["page=32", "page=2"]
    page.wait_for_selector("#item-similar .hit")
    assert "cisp-kafamuya-2024.pdf" in page.text_content("#item-similar")
    assert "ilo-mali-2023.pdf" not in page.text_content("#item-similar")

    page.click("#back")
    page.wait_for_selector("#results .hit")
    assert page.is_hidden("#item")
    assert page.errors == []


def test_filters_without_words_list_items_and_errors_show(page: Any, server: str) -> None:
    page.goto(server + "/")
    page.select_option("#kind", "lesson")
    page.click("#go")
    page.wait_for_selector("#group-lesson .hit")
    assert page.locator(".hit").count() == 1
    page.fill("#q", "x")
    page.fill("#year_from", "2024")
    page.fill("#year_to", "2020")
    page.click("#go")
    page.wait_for_selector("#message.error")
    assert "year_from" in page.text_content("#message")
    assert page.errors == []
