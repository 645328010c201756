"""Search filters → one SQL WHERE clause over `chunks`, applied before any ranking."""

from __future__ import annotations

from collections.abc import Sequence

from .query import SearchFilters
from .textnorm import fold


def like_escape(value: str) -> str:
    """Escape LIKE wildcards (the pattern is used with ESCAPE '\\')."""
    return value.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def where_clause(
    f: SearchFilters, alias: str = "c", document_ids: Sequence[str] = ()
) -> tuple[str, list[object]]:
    """(SQL condition over `chunks AS alias`, parameters); the filters were checked when made.

    `f.document` is not matched here: the caller resolves it to `document_ids` with
    `store.find_documents`, the same rule as every other place that takes a document.
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
    if f.year_from is not None:
        conds.append(f"{a}.year >= ?")
        args.append(int(f.year_from))
    if f.year_to is not None:
        conds.append(f"{a}.year <= ?")
        args.append(int(f.year_to))
    return (" AND ".join(conds) or "1"), args
