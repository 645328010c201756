// evalkb web page: search with filters, grouped results, an item view with similar items.
// Plain JS, no build step. Every text from the API goes through textContent (never innerHTML).
// followup.js (loaded after this file) adds the follow-up register and the item's management
// responses and history; it uses the helpers defined here ($, el, getJSON, sendJSON…).
"use strict";

const $ = (id) => document.getElementById(id);
const GROUPS = [
  ["lesson", "Lessons"], ["good_practice", "Good practices"],
  ["recommendation", "Recommendations"], ["passage", "Passages"], ["table", "Tables"],
];
const KIND_LABEL = {
  lesson: "Lesson", good_practice: "Good practice", recommendation: "Recommendation",
  passage: "Passage", table: "Table",
};
let openedFromPage = false; // true once an item was opened from a list on this page
const FILTERS = ["kind", "document", "country", "year_from", "year_to", "addressee", "theme"];

function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (key === "class") node.className = value;
    else if (key.startsWith("on")) node.addEventListener(key.slice(2), value);
    else node.setAttribute(key, value);
  }
  for (const child of children) {
    if (child !== null && child !== undefined && child !== "") {
      node.append(child instanceof Node ? child : String(child));
    }
  }
  return node;
}

// Errors come back as problem+json: their `detail` is the sentence the user sees.
async function requestJSON(url, options = {}) {
  const headers = { Accept: "application/json", ...(options.headers || {}) };
  const response = await fetch(url, { ...options, headers });
  let body = null;
  try { body = await response.json(); } catch (e) { body = null; }
  if (!response.ok) {
    const error = new Error((body && body.detail) || `${response.status} ${response.statusText}`);
    error.status = response.status;
    throw error;
  }
  return body;
}

function getJSON(url) {
  return requestJSON(url);
}

// A write. Without a key the server accepts it only from this machine (loopback, same
// origin); a key is sent only when the user typed one, never stored by the page.
function sendJSON(method, url, body, key = "") {
  const headers = { "Content-Type": "application/json" };
  if (key) headers["X-API-Key"] = key;
  return requestJSON(url, { method, headers, body: JSON.stringify(body) });
}

// The document list feeds two filters (search and follow-up): fetched once, shared.
let documentList = null;
function documents() {
  if (!documentList) documentList = getJSON("/documents");
  return documentList;
}

function say(text, isError = false) {
  $("message").textContent = text;
  $("message").className = isError ? "error" : "";
}

function pageLink(hit) {
  const pages = hit.pages || [];
  if (!hit.document_id) return null;
  const label = pages.length ? `p. ${pages.join(", ")}` : "open file";
  return el("a", { href: hit.url || `/documents/${hit.document_id}/file`, target: "_blank",
                   rel: "noopener", class: "page-link" }, label);
}

function openItem(id) {
  openedFromPage = true; // "back" then returns to the list the item was opened from
  location.hash = `item=${encodeURIComponent(id)}`;
}

function itemIdOf(hit) {
  if (hit.item_id) return hit.item_id; // search hits
  return hit.scope ? null : hit.id; // items from /items have no scope
}

function groupOf(hit) {
  if (hit.scope === "passage" || hit.scope === "table") return hit.scope;
  return hit.kind || "passage";
}

// Snippets mark matched words as **word**; show them as <mark> without parsing any HTML.
function highlighted(text) {
  const span = el("span");
  String(text).split("**").forEach((part, i) => span.append(i % 2 ? el("mark", {}, part) : part));
  return span;
}

function hitNode(hit) {
  const id = itemIdOf(hit);
  const group = groupOf(hit);
  const kindName = KIND_LABEL[group] || group;
  const badge = el("span", { class: `badge ${group}` },
    hit.label && !hit.label.startsWith(kindName) ? `${kindName} ${hit.label}` : hit.label || kindName);
  const text = hit.snippet ? highlighted(hit.snippet) : hit.text || hit.caption || "";
  const meta = el("div", { class: "meta" },
    el("span", { class: "doc" }, hit.document || hit.document_id.slice(0, 12)),
    hit.section ? el("span", { class: "section" }, hit.section) : null,
    hit.addressee ? el("span", { class: "addressee" }, `→ ${hit.addressee}`) : null,
    pageLink(hit),
    group === "table" && hit.ref
      ? el("a", { href: `/tables/${encodeURIComponent(hit.ref)}?format=csv`, class: "table-csv" }, "table as CSV")
      : null);
  const body = id
    ? el("button", { type: "button", class: "open-item", "data-id": id,
                     onclick: () => openItem(id) }, text)
    : el("div", {}, text);
  return el("li", { class: `hit ${group}` }, badge, el("div", { class: "text" }, body), meta);
}

function renderGroups(hits) {
  const results = $("results");
  results.replaceChildren();
  for (const [key, title] of GROUPS) {
    const members = hits.filter((h) => groupOf(h) === key);
    if (!members.length) continue;
    results.append(el("section", { class: "group", id: `group-${key}` },
      el("h2", {}, `${title} (${members.length})`),
      el("ul", { class: "hits" }, ...members.map(hitNode))));
  }
}

function formState() {
  const state = { q: $("q").value.trim() };
  for (const name of FILTERS) state[name] = $(name).value.trim();
  return state;
}

function exportLinks(state) {
  const params = new URLSearchParams();
  if (["lesson", "good_practice", "recommendation"].includes(state.kind)) params.set("kind", state.kind);
  for (const name of ["document", "addressee", "theme"]) if (state[name]) params.set(name, state[name]);
  for (const format of ["csv", "xlsx", "jsonl"]) {
    params.set("format", format);
    $(`export-${format}`).href = `/export/items?${params}`;
  }
  $("export").hidden = false;
}

async function runSearch(state) {
  showResults();
  exportLinks(state);
  const params = new URLSearchParams();
  const itemKinds = ["lesson", "good_practice", "recommendation"];
  if (!state.q) {
    // no words: list items with the filters that apply to items
    if (state.kind === "passage" || state.kind === "table") {
      $("results").replaceChildren();
      say("Type a few words to search passages and tables.");
      return;
    }
    for (const name of ["kind", "document", "addressee", "theme"]) if (state[name]) params.set(name, state[name]);
    params.set("limit", "200");
    say("Loading items…");
    const page = await getJSON(`/items?${params}`);
    renderGroups(page.items);
    say(page.items.length ? `${page.items.length}${page.next_offset ? "+" : ""} item(s)` : "No items match these filters.");
    return;
  }
  params.set("q", state.q);
  if (itemKinds.includes(state.kind)) { params.set("scope", "item"); params.set("kind", state.kind); }
  else if (state.kind) params.set("scope", state.kind);
  for (const name of ["document", "country", "year_from", "year_to", "addressee", "theme"]) {
    if (state[name]) params.set(name, state[name]);
  }
  params.set("limit", "50");
  say("Searching…");
  const result = await getJSON(`/search?${params}`);
  renderGroups(result.hits);
  say(result.hits.length ? `${result.hits.length} result(s) for “${state.q}”` : `No results for “${state.q}”.`);
}

// One view at a time: "search" (form and results), "item" (under the search form) or
// "followup" (the register, from followup.js).
function showView(name) {
  $("search").hidden = name === "followup";
  $("results").hidden = name !== "search";
  if (name !== "search") $("export").hidden = true; // shown again by the next search
  $("item").hidden = name !== "item";
  $("followup").hidden = name !== "followup";
  for (const tab of ["search", "followup"]) {
    if (tab === name) $(`tab-${tab}`).setAttribute("aria-current", "page");
    else $(`tab-${tab}`).removeAttribute("aria-current");
  }
}

function showResults() {
  showView("search");
}

function fieldList(item) {
  const rows = [["Document", item.document], ["Section", item.section],
    ["Pages", (item.pages || []).join(", ")], ["Addressee", item.addressee],
    ["Priority", item.priority], ["Timing", item.timing], ["Resources", item.resources],
    ["Condition", item.condition]];
  for (const [name, value] of Object.entries(item.fields || {})) {
    const pretty = name.replace(/_/g, " ");
    rows.push([pretty.charAt(0).toUpperCase() + pretty.slice(1), value]);
  }
  const themes = (item.tags || []).map((t) => t.value).join(", ");
  if (themes) rows.push(["Tags", themes]);
  const list = el("dl");
  for (const [name, value] of rows) if (value) list.append(el("dt", {}, name), el("dd", {}, value));
  return list;
}

async function showItem(id) {
  showView("item");
  $("item").dataset.id = id;
  $("item-body").replaceChildren(el("p", {}, "Loading…"));
  $("item-citations").replaceChildren();
  $("item-similar").replaceChildren();
  $("item-responses").hidden = true; // until itemFollowup() has the item's own
  $("item-history").hidden = true;
  say("");
  let item;
  try {
    item = await getJSON(`/items/${encodeURIComponent(id)}`);
  } catch (error) {
    $("item-body").replaceChildren(el("p", { class: "error" }, error.message));
    return;
  }
  $("item-body").replaceChildren(
    el("h2", {}, el("span", { class: `badge ${item.kind}` }, KIND_LABEL[item.kind] || item.kind),
       item.label || ""),
    el("p", { class: "text", id: "item-text" }, item.text),
    fieldList(item));
  $("item-citations").replaceChildren(...item.citations.map((c) => el("li", {},
    el("a", { href: c.url, target: "_blank", rel: "noopener", class: "page-link" },
       c.pages.length ? `p. ${c.pages.join(", ")}` : "open file"),
    ` — ${c.document}${c.section ? " · " + c.section : ""}`)));
  itemFollowup(item); // responses and history (followup.js), loaded alongside similar items
  try {
    const similar = await getJSON(`/items/${encodeURIComponent(item.id)}/similar?k=8`);
    $("item-similar").replaceChildren(...similar.hits.map(hitNode));
    if (!similar.hits.length) $("item-similar").append(el("li", { class: "muted" }, "None found."));
  } catch (error) {
    $("item-similar").replaceChildren(el("li", { class: "muted" }, `Not available: ${error.message}`));
  }
}

async function route() {
  const match = location.hash.match(/^#item=(.+)$/);
  if (match) return showItem(decodeURIComponent(match[1]));
  if (location.hash === "#followup") return showFollowup();
  showResults();
  const state = formState();
  if (state.q || state.kind || state.document || state.addressee || state.theme) {
    try { await runSearch(state); } catch (error) { say(error.message, true); }
  }
}

async function loadFilters() {
  try {
    const stats = await getJSON("/stats");
    const items = Object.values(stats.items || {}).reduce((a, b) => a + b, 0);
    $("stats").textContent = `${stats.documents} document(s), ${stats.pages} pages, ${items} items, ${stats.tables} tables`;
  } catch (error) { $("stats").textContent = ""; }
  try {
    const docs = await documents();
    for (const doc of docs) $("document").append(el("option", { value: doc.id }, doc.file_name));
  } catch (error) { /* the filter just stays empty */ }
  try {
    const themes = await getJSON("/themes");
    $("themes").replaceChildren(...themes.map((t) => el("option", { value: t.label })));
  } catch (error) { /* themes are optional */ }
}

$("search").addEventListener("submit", async (event) => {
  event.preventDefault();
  if (location.hash) history.pushState(null, "", location.pathname + location.search);
  try { await runSearch(formState()); } catch (error) { say(error.message, true); }
});
$("back").addEventListener("click", (event) => {
  event.preventDefault();
  // back to the results when we came from them, else just drop the item from the URL
  if (openedFromPage) history.back();
  else location.hash = "";
});
window.addEventListener("hashchange", route);
// Start once every script has run: route() may show the follow-up view from followup.js.
document.addEventListener("DOMContentLoaded", () => {
  loadFilters();
  route();
});
