"""Search filters → one SQL WHERE clause over `chunks`, applied before any ranking."""

from __future__ import annotations

from collections.abc import Sequence

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
) -> tuple[str, list[object]]:
    """(SQL condition over `chunks AS alias`, parameters); the filters were checked when made.

    `f.document` is not matched here: the caller resolves it to `document_ids` with
    `store.find_documents`, the same rule as every other place that takes a document.
    `rejections=False` (no item was ever rejected) leaves out the default review condition,
    so an unfiltered search keeps its fast path.
    """
    conds: list[str] = []
    args: list[object] = []
    a = alias
    if f.scope != "all":
        conds.append(f"{a}.scope = ?")
        args.append(f.scope)
    if f.kind:
        conds.append(f"{a}.kind = ?")
        args.append(f.kind)
    if document_ids:
        conds.append(f"{a}.document_id IN ({','.join('?' * len(document_ids))})")
        args += list(document_ids)
    if f.doc_type.strip():
        conds.append(f"{a}.doc_type = ?")
        args.append(fold(f.doc_type.strip()))
    if f.language.strip():
        conds.append(f"{a}.language = ?")
        args.append(f.language.strip().lower())
    for column, value in (
        ("countries", f.country),
        ("organisations", f.organisation),
        ("themes", f.theme),
    ):
        if value.strip():
            conds.append(f"{a}.{column} LIKE ? ESCAPE '\\'")
            args.append("%|" + like_escape(fold(" ".join(value.split()))) + "|%")
    if f.addressee.strip():
        conds.append(f"{a}.addressee LIKE ? ESCAPE '\\'")
        args.append("%" + like_escape(fold(f.addressee.strip())) + "%")
    if f.review != "all" and (f.review or rejections):
        # items only: a passage's or table's ref is never an item id
        conds.append(review_condition(f.review, f"{a}.ref"))
    if f.year_from is not None:
        conds.append(f"{a}.year >= ?")
        args.append(int(f.year_from))
    if f.year_to is not None:
        conds.append(f"{a}.year <= ?")
        args.append(int(f.year_to))
    return (" AND ".join(conds) or "1"), args
