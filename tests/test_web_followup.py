"""The web page's follow-up view and the item view's responses and history, in a real headless
Chromium (issue 10, interfaces): filter the register, change a status inline with a note, see
the change land through the API and in the item's history; a refused edit shows the reason."""

from __future__ import annotations

import re
from typing import Any

import pytest
import test_followup
import test_web

pytestmark = pytest.mark.browser

# Shared fixtures: `pair` stores the synthetic coastal evaluation and its management response
# matrix (test_followup), `server` serves the store over HTTP once test_api's two reports are
# added, `page` is a Chromium tab on it (test_web). `pair` is listed first in each test so the
# coastal pair is stored before the server starts.
pair = test_followup.pair
server = test_web.server
page = test_web.page


def api(page: Any, server: str, path: str, **params: str) -> Any:
    """GET a JSON answer from the running server."""
    response = page.request.get(server + path, params=params)
    assert response.ok, response.text()
    return response.json()


def patch_headers(page: Any) -> list[dict[str, str]]:
    """The headers of every PATCH the page sends from now on."""
    sent: list[dict[str, str]] = []
    page.on("request", lambda r: sent.append(r.headers) if r.method == "PATCH" else None)
    return sent


def test_followup_table_filters_edit_and_item_view(pair: Any, page: Any, server: str) -> None:
    from playwright.sync_api import expect

    evaluation, action, item = pair["evaluation"], pair["action"]["1"], pair["item"]["1"]
    total = api(page, server, "/followup")["total"]
    assert total == 6  # the coastal pair's 4 rows and test_api's 2 recommendations
    # pages of 4 rows instead of 50, so that "Show more" has something to show
    page.route(
        re.compile(r"/followup\?"),
        lambda route: route.continue_(url=route.request.url.replace("limit=50", "limit=4")),
    )
    patches = patch_headers(page)

    page.goto(server + "/")
    page.click("#tab-followup")
    expect(page.locator("#fu-rows tr")).to_have_count(4)
    expect(page.locator("#fu-summary")).to_have_text(f"4 of {total} row(s)")
    assert page.is_hidden("#search") and page.is_hidden("#results")
    page.click("#fu-more")
    expect(page.locator("#fu-rows tr")).to_have_count(total)
    expect(page.locator("#fu-more")).to_be_hidden()

    # filters: the evaluation, open rows, overdue ones, an addressee or responsible unit
    expect(page.locator("#fu-document option")).to_have_count(5)
    page.select_option("#fu-document", evaluation)
    expect(page.locator("#fu-rows tr")).to_have_count(4)
    page.select_option("#fu-status", "open")
    expect(page.locator("#fu-rows tr")).to_have_count(2)  # action 1 and recommendation 4
    # overdue depends on today's date (action 1 is due 2025-06-30): the page shows what the
    # API says, and recommendation 4, with no due date, is never overdue
    filters = {"document": evaluation, "status": "open", "overdue": "true"}
    overdue = api(page, server, "/followup", **filters)["rows"]
    assert [r["target_id"] for r in overdue] in ([], [action])
    page.check("#fu-overdue")
    expect(page.locator("#fu-rows tr")).to_have_count(len(overdue))
    expect(page.locator("#fu-rows tr.overdue")).to_have_count(len(overdue))
    page.uncheck("#fu-overdue")
    expect(page.locator("#fu-rows tr")).to_have_count(2)
    page.fill("#fu-addressee", "wash")
    page.press("#fu-addressee", "Enter")
    expect(page.locator("#fu-rows tr")).to_have_count(1)
    row = page.locator(f'#fu-rows tr[data-target="{action}"]')
    expect(row).to_contain_text("Organise quarterly maintenance training")
    expect(row).to_contain_text("WASH unit")
    export = page.get_attribute("#fu-export-csv", "href") or ""
    assert "status=open" in export and "addressee=wash" in export

    # two inline edits: the select alone, then with a note (Enter in the note saves)
    page.fill("#fu-user", "ana")
    row.locator(".fu-row-status").select_option("in_progress")
    row.locator(".fu-save").click()
    expect(row.locator(".fu-state")).to_contain_text("Saved: In progress · ana")
    row.locator(".fu-row-status").select_option("completed")
    row.locator(".fu-note").fill("training done in May")
    row.locator(".fu-note").press("Enter")
    expect(row.locator(".fu-state")).to_contain_text("Saved: Completed · ana")
    expect(row.locator(".badge.overdue")).to_be_hidden()  # a completed action is never overdue
    assert row.locator(".fu-note").input_value() == ""
    assert len(patches) == 2 and all("x-api-key" not in h for h in patches)

    # the change landed, with its note
    rows = api(page, server, "/followup", document=evaluation)["rows"]
    saved = next(r for r in rows if r["target_id"] == action)
    assert (saved["status"], saved["overdue"]) == ("completed", False)
    history = api(page, server, f"/items/{item}/history")["changes"]
    assert [(c["field"], c["old"], c["new"], c["who"], c["note"]) for c in history] == [
        ("status", "open", "in_progress", "ana", ""),
        ("status", "in_progress", "completed", "ana", "training done in May"),
    ]

    # the item view: the response with its action, and the history newest first
    row.locator(".open-item").click()
    expect(page.locator("#item-text")).to_have_text(
        "Strengthen the district water committees with regular training on maintenance of "
        "boreholes."
    )
    responses = page.locator("#item-response-list .response")
    expect(responses).to_have_count(1)
    expect(responses).to_contain_text("Accepted")
    expect(responses).to_contain_text("coastal-management-response.md")
    action_row = responses.locator(f'tr[data-action="{action}"]')
    expect(action_row).to_contain_text("Organise quarterly maintenance training")
    expect(action_row).to_contain_text("WASH unit")
    expect(action_row).to_contain_text("June 2025")
    expect(action_row).to_contain_text("Completed (matrix: Not started)")
    entries = page.locator("#item-history-list li")
    expect(entries).to_have_count(2)
    expect(entries.first).to_contain_text("status: In progress → Completed")
    expect(entries.first).to_contain_text("training done in May")
    expect(entries.first).to_contain_text("ana")
    expect(entries.first).to_contain_text("Organise quarterly maintenance training")
    expect(entries.nth(1)).to_contain_text("status: Open → In progress")

    # back to the register as it was left, then to search, which still works
    page.click("#back")
    expect(page.locator("#followup")).to_be_visible()
    expect(row.locator(".fu-state")).to_contain_text("Saved: Completed")

    # a due date and notes set inline; only what changed is sent and kept in the history
    row.locator(".fu-due").fill("2030-01-31")
    row.locator(".fu-notes").fill("budget found")
    row.locator(".fu-save").click()
    expect(row.locator("td.due")).to_contain_text("2030-01-31")
    rows = api(page, server, "/followup", document=evaluation)["rows"]
    saved = next(r for r in rows if r["target_id"] == action)
    assert (saved["status"], saved["due"], saved["notes"]) == (
        "completed",
        "2030-01-31",
        "budget found",
    )
    history = api(page, server, f"/items/{item}/history")["changes"]
    assert sorted((c["field"], c["new"]) for c in history[2:]) == [
        ("due", "2030-01-31"),
        ("notes", "budget found"),
    ]
    page.click("#tab-search")
    expect(page.locator("#search")).to_be_visible()
    assert page.is_hidden("#followup")
    page.fill("#q", "juges")
    page.press("#q", "Enter")
    page.wait_for_selector("#group-recommendation .hit")
    assert page.errors == []


def test_refused_edit_shows_the_reason(pair: Any, page: Any, server: str, kb: Any) -> None:
    from playwright.sync_api import expect

    kb.settings = kb.settings.model_copy(update={"api_keys": "s3cret"})  # writes need a key
    action = pair["action"]["2"]
    patches = patch_headers(page)
    page.goto(server + "/#followup")
    row = page.locator(f'#fu-rows tr[data-target="{action}"]')
    row.locator(".fu-row-status").select_option("completed")
    row.locator(".fu-save").click()
    state = row.locator(".fu-state")
    expect(state).to_contain_text("Not saved: this operation needs an API key")
    expect(state).to_have_class(re.compile(r"\berror\b"))
    rows = api(page, server, "/followup", document=pair["evaluation"])["rows"]
    assert next(r for r in rows if r["target_id"] == action)["status"] == "in_progress"

    # with the key typed in, the same edit is saved under the key's name
    page.fill("#fu-key", "s3cret")
    row.locator(".fu-save").click()
    expect(state).to_contain_text("Saved: Completed · key:")
    assert [h.get("x-api-key") for h in patches] == [None, "s3cret"]
    assert page.errors == []
