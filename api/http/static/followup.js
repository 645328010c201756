// evalkb web page, follow-up part: the register (one row per recommendation × key action)
// with filters and inline status edits, and in the item view the management responses
// answering a recommendation and the item's change history.
// Loaded after app.js and uses its helpers ($, el, getJSON, sendJSON, documents, openItem,
// say); like app.js, every text from the API goes through textContent (never innerHTML).
"use strict";

const STATUS_LABEL = {
  open: "Open", in_progress: "In progress", completed: "Completed",
  not_applicable: "Not applicable",
};
const CLOSED = ["completed", "not_applicable"]; // never overdue (the server's rule too)
const VERDICT_LABEL = {
  accepted: "Accepted", partially_accepted: "Partially accepted", rejected: "Rejected",
  not_stated: "No verdict stated",
};
const FOLLOWUP_PAGE = 50; // rows per request; "Show more" asks for the next ones
let followupLoaded = false; // the table is loaded on the first visit, then on "Show"
let followupNext = null; // offset of the next page, null when every row is shown
let followupRequest = 0; // answers to an older request (filters changed since) are dropped

function statusLabel(status) {
  return STATUS_LABEL[status] || status;
}

// ISO time as "2026-12-02 06:13 UTC": short, and the same for every reader.
function when(iso) {
  return iso ? `${iso.slice(0, 16).replace("T", " ")} UTC` : "";
}

// -- the register ------------------------------------------------------------------------
function followupParams() {
  const params = new URLSearchParams();
  if ($("fu-status").value) params.set("status", $("fu-status").value);
  if ($("fu-overdue").checked) params.set("overdue", "true");
  const addressee = $("fu-addressee").value.trim();
  if (addressee) params.set("addressee", addressee);
  if ($("fu-document").value) params.set("document", $("fu-document").value);
  return params;
}

function followupExportLinks(params) {
  for (const format of ["csv", "xlsx"]) {
    const withFormat = new URLSearchParams(params);
    withFormat.set("format", format);
    $(`fu-export-${format}`).href = `/export/followup?${withFormat}`;
  }
}

function followupSummary(text, isError = false) {
  $("fu-summary").textContent = text;
  $("fu-summary").className = isError ? "error" : "muted";
}

// Load the first page (offset 0: the table is replaced) or the next one (appended).
async function loadFollowup(offset = 0) {
  const request = ++followupRequest;
  const params = followupParams();
  followupExportLinks(params);
  params.set("limit", String(FOLLOWUP_PAGE));
  params.set("offset", String(offset));
  $("fu-more").hidden = true;
  if (offset === 0) $("fu-rows").replaceChildren();
  followupSummary("Loading…");
  let page;
  try {
    page = await getJSON(`/followup?${params}`);
  } catch (error) {
    if (request === followupRequest) followupSummary(error.message, true);
    return;
  }
  if (request !== followupRequest) return;
  $("fu-rows").append(...page.rows.map(followupRow));
  const shown = $("fu-rows").children.length;
  followupSummary(page.total
    ? `${shown} of ${page.total} row(s)`
    : "No recommendation matches these filters.");
  followupNext = page.next_offset;
  $("fu-more").hidden = followupNext === null || followupNext === undefined;
}

// "Recommendation 3" rather than a bare "3" (labels are what the report printed).
function recommendationLabel(row) {
  const label = row.label || "";
  return label.startsWith("Recommendation") ? label : `Recommendation ${label}`.trim();
}

function recommendationCell(row) {
  const verdict = row.verdict
    ? el("span", { class: `badge verdict ${row.verdict}` }, VERDICT_LABEL[row.verdict] || row.verdict)
    : el("span", { class: "muted" }, "no management response");
  return el("td", {},
    el("button", { type: "button", class: "open-item", onclick: () => openItem(row.item_id) },
       recommendationLabel(row)),
    el("div", { class: "recommendation" }, row.recommendation),
    el("div", { class: "meta" }, row.document, row.addressee ? ` → ${row.addressee}` : "", " ",
       verdict));
}

function actionCell(row) {
  if (!row.action_id) return el("td", { class: "muted" }, "—");
  return el("td", {},
    el("div", {}, row.action),
    row.responsible ? el("div", { class: "meta" }, row.responsible) : null,
    row.notes ? el("div", { class: "meta notes" }, `Notes: ${row.notes}`) : null);
}

function dueCell(row) {
  const cell = el("td", { class: "due" }, row.due || row.deadline || "—");
  if (row.due && row.deadline && row.deadline !== row.due) {
    cell.append(el("div", { class: "meta" }, row.deadline));
  }
  cell.append(el("span", { class: "badge overdue", hidden: "" }, "overdue"));
  return cell;
}

// Overdue: past its due date and not closed. The server computes it for each row; after an
// edit the page recomputes it from the saved state rather than reloading the whole table.
function markOverdue(tr, overdue) {
  tr.classList.toggle("overdue", overdue);
  tr.querySelector(".badge.overdue").hidden = !overdue;
}

function isOverdue(due, status) {
  const today = new Date().toISOString().slice(0, 10);
  return Boolean(due) && due < today && !CLOSED.includes(status);
}

function statusForm(row) {
  const label = `Status of ${recommendationLabel(row)}`;
  const select = el("select", { class: "fu-row-status", "aria-label": label },
    ...Object.keys(STATUS_LABEL).map((s) => el("option", { value: s }, STATUS_LABEL[s])));
  select.value = row.status;
  const due = el("input", { type: "date", class: "fu-due", value: row.due || "",
                            "aria-label": "Due date" });
  const notes = el("input", { class: "fu-notes", maxlength: "2000", value: row.notes || "",
                              placeholder: "notes on this row", "aria-label": "Notes" });
  const note = el("input", { class: "fu-note", maxlength: "2000", placeholder: "note (optional)",
                             "aria-label": "Note kept in the history" });
  const form = el("form", { class: "fu-edit" }, select, due, notes, note,
    el("button", { type: "submit", class: "fu-save" }, "Save"),
    el("div", { class: "fu-state", role: "status" },
       row.extracted_status ? `Matrix: ${row.extracted_status}` : ""));
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    saveStatus(row, form);
  });
  return el("td", {}, form);
}

function followupRow(row) {
  const tr = el("tr", { "data-target": row.target_id, "data-item": row.item_id },
    recommendationCell(row), actionCell(row), dueCell(row), statusForm(row));
  markOverdue(tr, row.overdue);
  return tr;
}

function showSaveState(form, text, isError) {
  const state = form.querySelector(".fu-state");
  state.textContent = text;
  state.className = `fu-state ${isError ? "error" : "saved"}`;
}

// PATCH the row's target (its action, else the recommendation); the answer is the saved
// state, shown in the row. A refusal shows the server's reason (problem+json `detail`).
async function saveStatus(row, form) {
  const status = form.querySelector(".fu-row-status").value;
  const due = form.querySelector(".fu-due").value;
  const notes = form.querySelector(".fu-notes").value.trim();
  const note = form.querySelector(".fu-note");
  // only what changed is sent, so the history records real changes
  const body = { note: note.value.trim(), user: $("fu-user").value.trim() };
  if (status !== row.status) body.status = status;
  if (due !== (row.due || "")) body.due = due;
  if (notes !== (row.notes || "")) body.notes = notes;
  if (!("status" in body || "due" in body || "notes" in body || body.note)) {
    showSaveState(form, "Nothing to save: change the status, due date or notes, or write a note.",
                  true);
    return;
  }
  const button = form.querySelector(".fu-save");
  button.disabled = true;
  try {
    const saved = await sendJSON("PATCH", `/followup/${encodeURIComponent(row.target_id)}`, body,
                                 $("fu-key").value.trim());
    row.status = saved.status;
    row.due = saved.due || "";
    row.notes = saved.notes || "";
    note.value = "";
    const by = `${saved.updated_by} · ${when(saved.updated_at)}`;
    showSaveState(form, `Saved: ${statusLabel(saved.status)} · ${by}`);
    const tr = form.closest("tr");
    tr.replaceChild(dueCell(row), tr.querySelector("td.due"));
    markOverdue(tr, isOverdue(saved.due, saved.status));
  } catch (error) {
    showSaveState(form, `Not saved: ${error.message}`, true);
  } finally {
    button.disabled = false;
  }
}

async function fillFollowupDocuments() {
  try {
    const docs = await documents();
    $("fu-document").append(...docs.map((d) => el("option", { value: d.id }, d.file_name)));
  } catch (error) { /* the filter just stays empty */ }
}

function showFollowup() {
  showView("followup");
  say("");
  if (!followupLoaded) {
    followupLoaded = true;
    loadFollowup();
  }
}

// -- the item view: responses and history ------------------------------------------------
function actionsTable(actions, current) {
  const head = el("tr", {}, ...["Key action", "Responsible", "Deadline", "Status"]
    .map((name) => el("th", { scope: "col" }, name)));
  const rows = actions.map((a) => {
    const now = current[a.id]; // the register's state, when the action has one
    const status = now ? statusLabel(now.status) : a.status;
    const matrix = now && a.status ? ` (matrix: ${a.status})` : "";
    return el("tr", { "data-action": a.id },
      el("td", {}, a.text, a.comments ? el("div", { class: "meta" }, a.comments) : null),
      el("td", {}, a.responsible), el("td", {}, a.deadline), el("td", {}, status, matrix));
  });
  return el("table", { class: "actions" }, el("thead", {}, head), el("tbody", {}, ...rows));
}

function responseNode(response, current) {
  const pages = response.pages.length ? ` (p. ${response.pages.join(", ")})` : "";
  const source = response.url
    ? el("a", { href: response.url, target: "_blank", rel: "noopener", class: "page-link" },
         `${response.document}${pages}`)
    : response.document;
  return el("li", { class: "response" },
    el("p", {}, el("span", { class: `badge verdict ${response.verdict}` },
                   VERDICT_LABEL[response.verdict] || response.verdict), " ", source),
    response.response_text ? el("p", { class: "text" }, response.response_text) : null,
    response.actions.length
      ? actionsTable(response.actions, current)
      : el("p", { class: "muted" }, "No key action stated."));
}

// The register's current state of the item's actions (statuses users set), by action id.
async function currentStates(item) {
  try {
    const params = new URLSearchParams({ document: item.document_id, limit: "1000" });
    const page = await getJSON(`/followup?${params}`);
    return Object.fromEntries(page.rows.filter((r) => r.item_id === item.id)
      .map((r) => [r.target_id, r]));
  } catch (error) {
    return {}; // the matrix's own statuses are shown instead
  }
}

function historyEntry(change, actionText) {
  const value = (v) => (change.field === "status" ? statusLabel(v) : v) || "—";
  const what = change.field === "note"
    ? "note"
    : `${change.field.replace(/_/g, " ")}: ${value(change.old)} → ${value(change.new)}`;
  const target = actionText[change.target_id];
  return el("li", {},
    el("time", { datetime: change.at }, when(change.at)), ` · ${change.who} · `,
    target ? el("span", { class: "meta" }, `action “${target}”: `) : null,
    el("strong", {}, what),
    change.note ? el("div", { class: "note" }, `“${change.note}”`) : null);
}

async function showResponses(item) {
  const responses = item.responses || [];
  if (item.kind !== "recommendation" && !responses.length) return;
  const current = responses.length ? await currentStates(item) : {};
  if ($("item").dataset.id !== item.id) return; // another item was opened meanwhile
  $("item-response-list").replaceChildren(...responses.map((r) => responseNode(r, current)));
  if (!responses.length) {
    $("item-response-list").append(el("li", { class: "muted" }, "No management response is linked."));
  }
  $("item-responses").hidden = false;
}

async function showHistory(item) {
  const actionText = {};
  for (const response of item.responses || []) {
    for (const action of response.actions) actionText[action.id] = action.text;
  }
  let entries;
  try {
    const history = await getJSON(`/items/${encodeURIComponent(item.id)}/history`);
    // the API lists changes oldest first; people read the latest first
    entries = history.changes.slice().reverse().map((c) => historyEntry(c, actionText));
    if (!entries.length) entries = [el("li", { class: "muted" }, "No changes recorded yet.")];
  } catch (error) {
    entries = [el("li", { class: "muted" }, `Not available: ${error.message}`)];
  }
  if ($("item").dataset.id !== item.id) return;
  $("item-history-list").replaceChildren(...entries);
  $("item-history").hidden = false;
}

// Called by app.js's showItem once the item is shown; `item` is GET /items/{id}.
function itemFollowup(item) {
  $("item").dataset.id = item.id; // the full id (the URL may hold a prefix)
  showResponses(item);
  showHistory(item);
}

// -- wiring ----------------------------------------------------------------------------
$("fu-status").append(
  ...Object.keys(STATUS_LABEL).map((s) => el("option", { value: s }, STATUS_LABEL[s])));
$("fu-filters").addEventListener("submit", (event) => {
  event.preventDefault();
  loadFollowup();
});
for (const id of ["fu-status", "fu-overdue", "fu-document"]) {
  $(id).addEventListener("change", () => loadFollowup());
}
$("fu-more").addEventListener("click", () => loadFollowup(followupNext));
$("fu-editing").addEventListener("submit", (event) => event.preventDefault());
fillFollowupDocuments();
