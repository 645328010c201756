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
        conds.append(review_condition(f.review, f"{a}.ref"))
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
