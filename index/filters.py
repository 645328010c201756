"""Search filters → one SQL WHERE clause over `chunks`, applied before any ranking."""

from __future__ import annotations

from collections.abc import Sequence

from ingest.records import ITEM_KINDS

from .query import SearchFilters
from .textnorm import fold


def like_escape(value: str) -> str:
    """Escape LIKE wildcards (the pattern is used with ESCAPE '\\')."""
    return value.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def review_condition(review: str, column: str) -> str:
    """SQL over an item-id column for a review filter: '' hides rejected items, `verified`
    keeps verified and corrected ones, `unreviewed` and `rejected` what they say, `all`
    everything."""
    rejected = "SELECT item_id FROM item_reviews WHERE verdict = 'rejected'"
    if review == "verified":
        return f"{column} IN (SELECT item_id FROM item_reviews WHERE verdict != 'rejected')"
    if review == "unreviewed":
        return f"{column} NOT IN (SELECT item_id FROM item_reviews)"
    if review == "rejected":
        return f"{column} IN ({rejected})"
    if review == "all":
        return "1"
    return f"{column} NOT IN ({rejected})"


def hidden_items_sql(review: str) -> str:
    """SELECT of the chunk nums a review filter hides ('' the rejected items, `unreviewed`
    every reviewed one), found by the `ref` index, which holds the num; a passage's or
    table's ref is never an item id."""
    verdicts = "1" if review == "unreviewed" else "verdict = 'rejected'"
    return (
        "SELECT r.num FROM chunks r"
        f" WHERE r.ref IN (SELECT item_id FROM item_reviews WHERE {verdicts})"
    )


def chunk_review_condition(review: str, alias: str) -> str:
    """A review filter over `chunks AS alias`. The kept items (verified, rejected) are found
    by their `ref` index. The hidden ones (rejected by default, any reviewed for
    `unreviewed`) are tested on the chunk's num: every index of `chunks` carries the num
    (the rowid), so the filter's other conditions keep their covering index. On `ref`,
    which those indexes lack, each candidate row was read from the table: at 200,000 chunks
    one rejected item made the country filter's set 2x slower to find, the language
    filter's 3.4x (`bench/filtered.py`)."""
    if review in ("verified", "rejected", "all"):
        return review_condition(review, f"{alias}.ref")
    return f"{alias}.num NOT IN ({hidden_items_sql(review)})"


def split_hidden(where: str) -> tuple[str, str]:
    """(`where` without its closing hidden-items condition, that condition's SELECT of chunk
    nums), or (`where`, "") when it has none. The condition comes last and has no
    parameters, so the arguments of `where` serve the rest unchanged."""
    for review in ("", "unreviewed"):
        condition = chunk_review_condition(review, "c")
        if where == condition:
            return "1", hidden_items_sql(review)
        if where.endswith(" AND " + condition):
            return where[: -len(" AND " + condition)], hidden_items_sql(review)
    return where, ""


def where_clause(
    f: SearchFilters,
    alias: str = "c",
    document_ids: Sequence[str] = (),
    rejections: bool = True,
    documents: str = "",
) -> tuple[str, list[object]]:
    """(SQL condition over `chunks AS alias`, parameters); the filters were checked when made.

    `f.document` is not matched here: the caller resolves it to `document_ids` with
    `store.find_documents`, the same rule as every other place that takes a document.
    `rejections=False` (no item was ever rejected) leaves out the default review condition,
    so an unfiltered search keeps its fast path. `documents` names a table with one row per
    document and the document-level columns (SQLite's `chunk_documents`): the conditions on
    them then select documents, and the chunks come by their document index, instead of a
    test on every chunk row.
    """
    doc_conds, doc_args = _document_conditions(f, "d" if documents else alias)
    conds: list[str] = []
    args: list[object] = []
    a = alias
    if doc_conds and documents:
        inner = " AND ".join(doc_conds)
        conds.append(f"{a}.document_id IN (SELECT d.document_id FROM {documents} d WHERE {inner})")
    else:
        conds += doc_conds
    args += doc_args
    if f.scope != "all":
        conds.append(f"{a}.scope = ?")
        args.append(f.scope)
    elif f.kind:
        # a kind implies its scope (items carry their kind, passages and tables their own
        # name): with both, the (scope, kind) index finds the rows instead of a full scan
        conds.append(f"{a}.scope = ?")
        args.append("item" if f.kind in ITEM_KINDS else f.kind)
    if f.kind:
        conds.append(f"{a}.kind = ?")
        args.append(f.kind)
    if document_ids:
        conds.append(f"{a}.document_id IN ({','.join('?' * len(document_ids))})")
        args += list(document_ids)
    if f.theme.strip():
        conds.append(f"{a}.themes LIKE ? ESCAPE '\\'")
        args.append(_packed_pattern(f.theme))
    if f.addressee.strip():
        # only items have an addressee: the scope lets the index skip every other chunk
        conds.append(f"{a}.scope = 'item' AND {a}.addressee LIKE ? ESCAPE '\\'")
        args.append("%" + like_escape(fold(f.addressee.strip())) + "%")
    if f.review != "all" and (f.review or rejections):
        # verified and rejected keep items only (a passage's or table's ref is never an item
        # id); unreviewed must say so, or every passage and table would pass with the items
        if f.review == "unreviewed":
            conds.append(f"{a}.scope = 'item'")
        conds.append(chunk_review_condition(f.review, a))
    return (" AND ".join(conds) or "1"), args


def _document_conditions(f: SearchFilters, a: str) -> tuple[list[str], list[object]]:
    """Conditions on the columns every chunk of a document shares (its metadata)."""
    conds: list[str] = []
    args: list[object] = []
    if f.doc_type.strip():
        conds.append(f"{a}.doc_type = ?")
        args.append(fold(f.doc_type.strip()))
    if f.language.strip():
        conds.append(f"{a}.language = ?")
        args.append(f.language.strip().lower())
    for column, value in (("countries", f.country), ("organisations", f.organisation)):
        if value.strip():
            conds.append(f"{a}.{column} LIKE ? ESCAPE '\\'")
            args.append(_packed_pattern(value))
    if f.year_from is not None:
        conds.append(f"{a}.year >= ?")
        args.append(int(f.year_from))
    if f.year_to is not None:
        conds.append(f"{a}.year <= ?")
        args.append(int(f.year_to))
    return conds, args


def _packed_pattern(value: str) -> str:
    """LIKE pattern of one value in a packed `|a|b|` column."""
    return "%|" + like_escape(fold(" ".join(value.split()))) + "|%"
