"""Management responses, follow-up and review on both storage backends (issues 10 and 12).

The same evaluations and response matrices stored on SQLite and on PostgreSQL give the same
responses, links and register; follow-up and reviews survive re-extraction on both; two API
servers (two KnowledgeBases) on one Postgres editing one recommendation at once both land,
with one consistent history. Runs on the server `test_backends` starts.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from pg_fixtures import database_url, new_database, pg_server
from test_responses import EVALUATION_EN, EVALUATION_FR, MATRIX_EN, MATRIX_FR, store

from index.embeddings import HashingEmbedder
from index.query import ItemQuery
from ingest.errors import NotFound

PAIRS = [
    ("coastal-evaluation.md", EVALUATION_EN),
    ("coastal-management-response.md", MATRIX_EN),
    ("cooperatives-reponse-direction.md", MATRIX_FR),  # before its evaluation: linked later
    ("cooperatives-evaluation.md", EVALUATION_FR),
]


def open_kb(home: Path, url: str) -> Any:
    """A KnowledgeBase on `url` ('' = SQLite under `home`) with the fake embedder."""
    from api.service import KnowledgeBase
    from api.settings import Settings

    settings = Settings(home=home, database_url=url, jobs=1, ocr=False)
    return KnowledgeBase(settings, embedder=HashingEmbedder())


@pytest.fixture
def kb(database_url: str, tmp_path: Path) -> Iterator[Any]:
    """A KnowledgeBase on SQLite or on a fresh Postgres database."""
    base = open_kb(tmp_path / "data", database_url)
    yield base
    base.close()


def stored_pair(kb: Any, tmp_path: Path) -> dict[str, Any]:
    """The English evaluation and its matrix stored; ids by recommendation number."""
    evaluation = store(kb, tmp_path, *PAIRS[0])
    matrix = store(kb, tmp_path, *PAIRS[1])
    linked = {r.response.number: r for r in kb.read.responses.linked()}
    [unanswered] = kb.read.responses.unmatched().items
    return {
        "evaluation": evaluation,
        "matrix": matrix,
        "item": {**{n: r.links[0].item_id for n, r in linked.items()}, "4": unanswered.id},
        "action": {n: r.response.actions[0].id for n, r in linked.items()},
    }


def responses_view(kb: Any) -> dict[str, Any]:
    """Everything the response reads give, for comparing two stores."""
    read = kb.read.responses
    linked = read.linked()
    items = [link.item_id for r in linked for link in r.links]
    return {
        "linked": linked,
        "unmatched": read.unmatched(),
        "page": read.linked(limit=2, offset=1),
        "rejected": read.linked(verdict="rejected"),
        "by_document": read.linked("coastal-management-response.md"),
        "for_item": [read.for_item(i) for i in items],
        "register": kb.read.followup.rows(review="all"),
    }


def test_responses_and_links_same_on_both_backends(pg_server: str, tmp_path: Path) -> None:
    bases = [open_kb(tmp_path / "s", ""), open_kb(tmp_path / "p", new_database(pg_server))]
    try:
        for kb in bases:
            for name, text in PAIRS:
                store(kb, tmp_path, name, text)
        sqlite, postgres = (responses_view(kb) for kb in bases)
        assert postgres == sqlite
        assert len(sqlite["linked"]) == 5 and sum(bool(r.links) for r in sqlite["linked"]) == 5
        assert len(sqlite["register"]) == 8 and sqlite["unmatched"].items  # not vacuous
        for kb in bases:  # an evaluation deleted: its responses lose their links, on both
            kb.delete("coastal-evaluation.md")
        sqlite, postgres = (responses_view(kb) for kb in bases)
        assert postgres == sqlite
        assert sum(not r.links and not r.evaluation_id for r in sqlite["linked"]) == 3
    finally:
        for kb in bases:
            kb.close()


def test_followup_and_review_survive_reextraction(kb: Any, tmp_path: Path) -> None:
    pair = stored_pair(kb, tmp_path)
    action, item = pair["action"]["1"], pair["item"]["1"]
    kb.followup.set(action[:12], status="in_progress", note="training planned", who="ana")
    kb.followup.set(action, due="2026-01-31", notes="budget found", who="ben")
    kb.followup.set(pair["item"]["4"], status="not_applicable", who="ana")
    kb.followup.review(pair["item"]["2"], "corrected", {"addressee": "Ministry"}, who="rev")
    kb.followup.review(pair["item"]["3"], "verified", who="rev")
    kb.followup.review(pair["item"]["4"], "rejected", note="not one", who="rev")
    with pytest.raises(NotFound):
        kb.followup.set("ffffffffffff", status="open")

    assert kb.reextract(force=True) == 2
    rows = {r.target_id: r for r in kb.read.followup.rows(review="all")}
    assert (rows[action].status, rows[action].due, rows[action].notes) == (
        "in_progress",
        "2026-01-31",
        "budget found",
    )
    assert rows[pair["item"]["4"]].status == "not_applicable"
    assert rows[pair["action"]["2"]].addressee == "Ministry"
    assert kb.read.item(pair["item"]["2"]).addressee == "Ministry"
    verified = kb.read.items(ItemQuery(verified=True))
    assert {i.id for i in verified} == {pair["item"]["2"], pair["item"]["3"]}
    assert pair["item"]["4"] not in {i.id for i in kb.read.items()}
    assert pair["item"]["4"] not in {r.item_id for r in kb.read.followup.rows()}
    item_id, changes = kb.read.followup.history(item[:12])
    assert item_id == item
    assert [(c.field, c.old, c.new, c.who, c.note) for c in changes] == [
        ("status", "open", "in_progress", "ana", "training planned"),
        ("due", "2025-06-30", "2026-01-31", "ben", ""),
        ("notes", "", "budget found", "ben", ""),
    ]
    _, changes = kb.read.followup.history(pair["item"]["2"])
    assert [(c.field, c.old, c.new) for c in changes] == [
        ("review", "", "corrected"),
        ("addressee", "", "Ministry"),
    ]


EDITS = 15  # per server


def test_two_servers_edit_one_recommendation_at_once(pg_server: str, tmp_path: Path) -> None:
    """Two KnowledgeBases on one Postgres (two API servers), one thread each, editing the
    same action: every change lands with its history, and the history is one chain."""
    url = new_database(pg_server)
    servers = [open_kb(tmp_path / "a", url), open_kb(tmp_path / "b", url)]
    try:
        pair = stored_pair(servers[0], tmp_path)
        action, item = pair["action"]["2"], pair["item"]["2"]
        barrier = threading.Barrier(2)
        errors: list[BaseException] = []

        def edit(kb: Any, who: str, status: str) -> None:
            try:
                barrier.wait()
                for n in range(EDITS):
                    kb.followup.set(action, status=status, notes=f"{who} {n}", who=who)
                    kb.followup.review(item, "corrected", {"priority": f"{who} {n}"}, who=who)
            except BaseException as exc:  # noqa: BLE001 - reported below
                errors.append(exc)

        threads = [
            threading.Thread(target=edit, args=(servers[0], "ana", "completed")),
            threading.Thread(target=edit, args=(servers[1], "ben", "open")),
        ]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert errors == []
        _, changes = servers[1].read.followup.history(item)
        every = {f"{who} {n}" for who in ("ana", "ben") for n in range(EDITS)}
        last: dict[str, str] = {}
        for field, first in (("notes", ""), ("status", "in_progress"), ("priority", "")):
            chain = [c for c in changes if c.field == field]
            if field != "status":  # a status set to what it already is changes nothing
                assert len(chain) == 2 * EDITS and {c.new for c in chain} == every, field
            assert chain[0].old == first
            for before, after in zip(chain, chain[1:], strict=False):
                assert after.old == before.new, field  # no lost update
            last[field] = chain[-1].new
        for kb in servers:
            row = {r.target_id: r for r in kb.read.followup.rows()}[action]
            assert (row.notes, row.status) == (last["notes"], last["status"])
            assert kb.read.item(item).priority == last["priority"]
    finally:
        for kb in servers:
            kb.close()


def test_http_responses_and_followup_routes(kb: Any, tmp_path: Path) -> None:
    from test_api import make_client

    pair = stored_pair(kb, tmp_path)
    action, item = pair["action"]["1"], pair["item"]["1"]
    with make_client(kb) as client:
        page = client.get("/responses", params={"limit": 2}).json()
        assert (page["count"], page["next_offset"]) == (2, 2)
        assert page["responses"][0]["recommendation_ids"] == [item]
        unmatched = client.get("/responses/unmatched").json()
        assert [i["id"] for i in unmatched["recommendations"]] == [pair["item"]["4"]]
        detail = client.get(f"/items/{item}").json()
        assert [r["id"] for r in detail["responses"]] == [page["responses"][0]["id"]]
        r = client.patch(f"/followup/{action}", json={"status": "completed", "note": "ok"})
        assert r.status_code == 200 and r.json()["updated_by"] == "local"
        assert client.patch("/followup/nope", json={"status": "open"}).status_code == 404
        r = client.patch(f"/items/{item}/review", json={"verdict": "verified", "user": "ana"})
        assert r.status_code == 200
        history = client.get(f"/items/{item}/history").json()
        assert [(c["field"], c["who"]) for c in history["changes"]] == [
            ("status", "local"),
            ("review", "ana"),
        ]
        rows = client.get("/followup", params={"status": "completed"}).json()
        assert len(rows["rows"]) == 2  # action 1 set, action 3 completed in the matrix
        verified = client.get("/items", params={"verified": "true"}).json()["items"]
        assert [i["id"] for i in verified] == [item]
        export = client.get("/export/followup", params={"format": "csv"})
        assert export.status_code == 200 and len(export.content.splitlines()) == 5


def test_sqlite_like_adapter(pg_server: str) -> None:
    """The adapter the shared modules use on Postgres: `?`, rows by position and name,
    SQLite's case-blind LIKE, literal `%`, executemany, transactions and row locks."""
    from index import dbapi
    from index.pg.db import connect

    pg = connect(new_database(pg_server))
    conn = dbapi.shared(pg)
    assert dbapi.shared(conn) is conn
    try:
        conn.execute("CREATE TABLE t (id TEXT PRIMARY KEY, n INTEGER)")
        conn.executemany("INSERT INTO t VALUES (?, ?)", [("Ab%", 1), ("cd", 2)])
        conn.executemany("INSERT INTO t VALUES (?, ?)", [])
        row = conn.execute("SELECT id, n, n + 1 AS m FROM t WHERE id LIKE ?", ("ab%",)).fetchone()
        assert (row[0], row["n"], row["m"]) == ("Ab%", 1, 2)
        assert dict(row) == {"id": "Ab%", "n": 1, "m": 2}
        assert conn.execute("SELECT COUNT(*) FROM t WHERE id LIKE '%B%'").fetchone()[0] == 1
        assert [r["id"] for r in conn.execute("SELECT id FROM t ORDER BY id")] == ["Ab%", "cd"]
        with pytest.raises(IndexError):
            row["nope"]
        with pytest.raises(RuntimeError), dbapi.transaction(conn):
            conn.execute("UPDATE t SET n = 9")
            dbapi.lock(conn, "Ab%")
            raise RuntimeError("rolled back")
        assert conn.execute("SELECT SUM(n) AS s FROM t").fetchone()["s"] == 3
    finally:
        pg.close()
