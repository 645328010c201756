"""Follow-up owned by the users and human review of items (issue 10, items 3 and 4): status
changes with history, concurrent edits, keyed writes, survival of `reextract` and
`reingest`, the overdue view, rejected items hidden by default, the register's export."""

from __future__ import annotations

import csv
import io
import json
import threading
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from test_responses import EVALUATION_EN, MATRIX_EN, store

from index.query import ItemQuery, SearchFilters, SearchRequest
from index.register import due_date, normal_status
from ingest.errors import InvalidQuery, NotFound


@pytest.fixture
def pair(kb, tmp_path: Path) -> dict[str, Any]:  # type: ignore[no-untyped-def]
    """The synthetic evaluation and its matrix, stored; ids by recommendation number."""
    evaluation = store(kb, tmp_path, "coastal-evaluation.md", EVALUATION_EN)
    matrix = store(kb, tmp_path, "coastal-management-response.md", MATRIX_EN)
    linked = {r.response.number: r for r in kb.read.responses.linked()}
    [unanswered] = kb.read.responses.unmatched().items  # recommendation 4
    return {
        "evaluation": evaluation,
        "matrix": matrix,
        "item": {**{n: r.links[0].item_id for n, r in linked.items()}, "4": unanswered.id},
        "action": {n: r.response.actions[0].id for n, r in linked.items()},
    }


def rows_by_target(kb: Any, **filters: Any) -> dict[str, Any]:
    return {r.target_id: r for r in kb.read.followup.rows(**filters)}


def test_deadlines_and_statuses_are_read() -> None:
    assert due_date("June 2025") == "2025-06-30"
    assert due_date("Mars 2025") == "2025-03-31"
    assert due_date("Q4 2024") == "2024-12-31"
    assert due_date("31/01/2025") == "2025-01-31"
    assert due_date("ongoing") == ""
    assert [normal_status(s) for s in ("Not started", "Ongoing", "Completed", "")] == [
        "open",
        "in_progress",
        "completed",
        "",
    ]


def test_register_rows_initial_state_and_status_change_with_history(kb, pair) -> None:  # type: ignore[no-untyped-def]
    rows = kb.read.followup.rows()
    assert len(rows) == 4  # three recommendations × one action, one without a response
    got = rows_by_target(kb)
    first = got[pair["action"]["1"]]
    assert (first.status, first.due, first.responsible) == ("open", "2025-06-30", "WASH unit")
    assert got[pair["action"]["2"]].status == "in_progress"
    assert got[pair["action"]["3"]].status == "completed"
    lonely = [r for r in rows if not r.action_id]
    assert len(lonely) == 1 and lonely[0].recommendation.startswith("Secure")

    state = kb.followup.set(
        pair["action"]["1"][:12], status="in_progress", note="training planned", who="ana"
    )
    assert (state.status, state.due, state.updated_by) == ("in_progress", "2025-06-30", "ana")
    kb.followup.set(pair["action"]["1"], due="2026-01-31", notes="budget found", who="ben")
    item_id, changes = kb.read.followup.history(pair["item"]["1"])
    assert item_id == pair["item"]["1"]
    assert [(c.field, c.old, c.new, c.who) for c in changes] == [
        ("status", "open", "in_progress", "ana"),
        ("due", "2025-06-30", "2026-01-31", "ben"),
        ("notes", "", "budget found", "ben"),
    ]
    assert changes[0].note == "training planned"
    with pytest.raises(InvalidQuery):
        kb.followup.set(pair["action"]["1"], status="finished")
    with pytest.raises(InvalidQuery):
        kb.followup.set(pair["action"]["1"], due="31/12/2025")
    with pytest.raises(NotFound):
        kb.followup.set("ffffffffffff", status="open")


def test_concurrent_status_edits_both_land_with_history(kb, pair) -> None:  # type: ignore[no-untyped-def]
    target = pair["action"]["2"]
    barrier = threading.Barrier(2)
    errors: list[BaseException] = []

    def edit(status: str, who: str) -> None:
        try:
            barrier.wait()
            for _ in range(5):
                kb.followup.set(target, status=status, note=who, who=who)
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [
        threading.Thread(target=edit, args=("completed", "ana")),
        threading.Thread(target=edit, args=("open", "ben")),
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    _, changes = kb.read.followup.history(pair["item"]["2"])
    assert {c.who for c in changes} == {"ana", "ben"}
    # the history is a chain: each change starts from where the previous one left off
    statuses = [c for c in changes if c.field == "status"]
    for before, after in zip(statuses, statuses[1:], strict=False):
        assert after.old == before.new
    final = rows_by_target(kb)[target].status
    assert final == (statuses[-1].new if statuses else "in_progress")


def test_status_and_review_survive_reextract_and_reingest(kb, pair) -> None:  # type: ignore[no-untyped-def]
    kb.followup.set(pair["action"]["1"], status="completed", note="done", who="ana")
    kb.followup.set(pair["item"]["4"], status="not_applicable", who="ana")
    kb.followup.review(pair["item"]["2"], "corrected", {"addressee": "Ministry"}, who="rev")
    kb.followup.review(pair["item"]["3"], "verified", who="rev")
    assert kb.reextract(force=True) == 2
    kb.reingest([pair["evaluation"], pair["matrix"]])
    got = rows_by_target(kb)
    assert got[pair["action"]["1"]].status == "completed"
    assert got[pair["item"]["4"]].status == "not_applicable"
    assert got[pair["action"]["2"]].addressee == "Ministry"
    assert kb.read.item(pair["item"]["2"]).addressee == "Ministry"
    verified = kb.read.items(ItemQuery(verified=True))
    assert {i.id for i in verified} == {pair["item"]["2"], pair["item"]["3"]}
    _, changes = kb.read.followup.history(pair["item"]["1"])
    assert [c.new for c in changes] == ["completed"]


def test_overdue_view(kb, pair) -> None:  # type: ignore[no-untyped-def]
    register = kb.read.followup.register
    later = date(2025, 7, 15)  # after June 2025 and March 2025, before December 2025
    overdue = register.rows(overdue=True, today=later)
    # action 1 (June 2025, not started) is overdue; action 3 is completed, 2 is not due yet
    assert [r.action_id for r in overdue] == [pair["action"]["1"]]
    kb.followup.set(pair["action"]["1"], status="not_applicable", who="ana")
    assert register.rows(overdue=True, today=later) == []
    assert len(kb.read.followup.rows(status="completed")) == 1
    assert len(kb.read.followup.rows(addressee="wash")) == 1


def test_rejected_items_hidden_by_default(kb, pair) -> None:  # type: ignore[no-untyped-def]
    rejected = pair["item"]["4"]
    kb.followup.review(rejected, "rejected", note="not a recommendation", who="rev")
    assert rejected not in {i.id for i in kb.read.items()}
    assert {i.id for i in kb.read.items(ItemQuery(review="rejected"))} == {rejected}
    assert rejected in {i.id for i in kb.read.items(ItemQuery(review="all"))}
    assert all(r.item_id != rejected for r in kb.read.followup.rows())
    words = "multi-year funding school feeding"
    hits = kb.read.search(SearchRequest(words, SearchFilters(scope="item")))
    assert rejected not in {h.ref for h in hits}
    hits = kb.read.search(SearchRequest(words, SearchFilters(scope="item", review="all")))
    assert rejected in {h.ref for h in hits}
    with pytest.raises(InvalidQuery):
        kb.followup.review(rejected, "corrected")  # a correction needs a field


def test_review_filters_in_search_keep_items_only(kb, pair) -> None:  # type: ignore[no-untyped-def]
    """Passages and tables have no verdict: `review=unreviewed` asks for items no reviewer
    judged, as `verified` and `rejected` ask for judged ones (a search once gave passages)."""
    kb.followup.review(pair["item"]["4"], "verified", who="rev")
    words = "multi-year funding school feeding"
    assert {h.scope for h in kb.read.search(SearchRequest(words))} > {"item"}  # passages too
    for review in ("unreviewed", "verified"):
        hits = kb.read.search(SearchRequest(words, SearchFilters(review=review)))
        assert hits and {h.scope for h in hits} == {"item"}, review
    unreviewed = kb.read.search(SearchRequest(words, SearchFilters(review="unreviewed")))
    assert pair["item"]["4"] not in {h.ref for h in unreviewed}


def test_cli_followup_set_and_review(kb, pair, monkeypatch, capsys) -> None:  # type: ignore[no-untyped-def]
    from api.cli import main
    from api.settings import get_settings

    monkeypatch.setenv("EVALKB_HOME", str(kb.home))
    get_settings.cache_clear()
    try:
        action = pair["action"]["2"][:12]
        assert main(["followup", "set", action, "--status", "completed", "--user", "zoe"]) == 0
        assert json.loads(capsys.readouterr().out)["status"] == "completed"
        assert main(["followup", "--status", "completed", "--format", "jsonl"]) == 0
        lines = [json.loads(x) for x in capsys.readouterr().out.splitlines()]
        assert len(lines) == 2 and all(x["status"] == "completed" for x in lines)
        item = pair["item"]["1"]
        assert main(["review", item, "corrected", "--priority", "High", "--note", "p. 4"]) == 0
        assert json.loads(capsys.readouterr().out)["corrections"] == {"priority": "High"}
        assert main(["followup", "--document", "coastal-evaluation.md"]) == 0
        assert len(capsys.readouterr().out.splitlines()) == 5  # header + 4
        assert main(["followup", "set", action, "--due", "tomorrow"]) == 2
    finally:
        get_settings.cache_clear()


def test_http_followup_history_keys_and_export(kb, pair) -> None:  # type: ignore[no-untyped-def]
    from test_api import make_client

    action, item = pair["action"]["1"], pair["item"]["1"]
    with make_client(kb) as client:  # keyless: loopback writes
        page = client.get("/followup", params={"limit": 2}).json()
        assert (page["count"], page["total"], page["next_offset"]) == (2, 4, 2)
        r = client.patch(f"/followup/{action}", json={"status": "completed", "note": "ok"})
        assert r.status_code == 200 and r.json()["updated_by"] == "local"
        assert client.patch(f"/followup/{action}", json={"status": "x"}).status_code == 422
        assert client.patch("/followup/nope", json={"status": "open"}).status_code == 404
        r = client.patch(f"/items/{item}/review", json={"verdict": "verified", "user": "ana"})
        assert r.status_code == 200
        history = client.get(f"/items/{item}/history").json()
        assert [(c["field"], c["who"]) for c in history["changes"]] == [
            ("status", "local"),
            ("review", "ana"),
        ]
        verified = client.get("/items", params={"verified": "true"}).json()["items"]
        assert [i["id"] for i in verified] == [item]
        assert client.get("/followup", params={"status": "done"}).status_code == 422
        export = client.get("/export/followup", params={"format": "csv"})
        lines = list(csv.reader(io.StringIO(export.content.decode("utf-8-sig"))))
        assert lines[0][:3] == ["item_id", "document", "label"] and len(lines) == 5
        xlsx = client.get("/export/followup", params={"format": "xlsx"})
        assert xlsx.status_code == 200 and xlsx.content[:2] == b"PK"
    with make_client(kb, peer=("198.51.100.7", 4000), api_keys="s3cret") as client:
        body = {"status": "open"}
        assert client.patch(f"/followup/{action}", json=body).status_code == 401
        bad = {"X-API-Key": "wrong"}
        assert client.patch(f"/followup/{action}", json=body, headers=bad).status_code == 401
        review = {"verdict": "rejected"}
        assert client.patch(f"/items/{item}/review", json=review).status_code == 401
        good = {"X-API-Key": "s3cret"}
        r = client.patch(f"/followup/{action}", json=body, headers=good)
        assert r.status_code == 200 and r.json()["updated_by"].startswith("key:")
        assert "s3cret" not in r.text
    # a key given read rights only: its edits are forbidden (403) and change nothing
    with make_client(
        kb, peer=("198.51.100.7", 4000), api_keys="s3cret", read_keys="look"
    ) as client:
        before = client.get(f"/items/{item}/history").json()["changes"]
        reader = {"X-API-Key": "look"}
        edit = client.patch(f"/followup/{action}", json={"status": "completed"}, headers=reader)
        assert edit.status_code == 403 and "read but not write" in edit.json()["detail"]
        refused = client.patch(f"/items/{item}/review", json=review, headers=reader)
        assert refused.status_code == 403
        assert client.get(f"/items/{item}/history").json()["changes"] == before
    with make_client(kb, peer=("198.51.100.7", 4000), api_keys="") as client:
        assert client.patch(f"/followup/{action}", json=body).status_code == 403


def test_export_cells_are_neutralised(kb, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from test_api import make_client

    store(kb, tmp_path, "coastal-evaluation.md", EVALUATION_EN)
    store(kb, tmp_path, "coastal-mr.md", MATRIX_EN.replace("Organise", "=1+1 Organise"))
    with make_client(kb) as client:
        text = client.get("/export/followup").content.decode("utf-8-sig")
    assert "\"'=1+1 Organise" in text and ',"=1+1' not in text
