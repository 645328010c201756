"""Search filters and the SQL WHERE clause they become (applied before any ranking)."""

from __future__ import annotations

from dataclasses import dataclass

from ingest.errors import InvalidQuery
from ingest.records import ITEM_KINDS

from .chunks import SCOPES
from .textnorm import fold


@dataclass(frozen=True)
class SearchFilters:
    """Restrict a search. Empty fields do not filter; a filter matching nothing gives no hits.

    scope: item | passage | table ("" or "all" = any); kind: lesson | good_practice |
    recommendation (or passage/table); document: id, id prefix or file name; country,
    organisation, theme: one value, matched case- and accent-insensitively; addressee: a
    substring; year_from/year_to: inclusive bounds on the document year.
    """

    scope: str = ""
    kind: str = ""
    document: str = ""
    doc_type: str = ""
    country: str = ""
    year_from: int | None = None
    year_to: int | None = None
    organisation: str = ""
    addressee: str = ""
    theme: str = ""
    language: str = ""

    def is_empty(self) -> bool:
        """True when nothing is filtered."""
        return self == SearchFilters() or self == SearchFilters(scope="all")


def _like_escape(value: str) -> str:
    return value.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def where_clause(f: SearchFilters, alias: str = "c") -> tuple[str, list[object]]:
    """(SQL condition over `chunks AS alias`, parameters); raises InvalidQuery on bad values."""
    conds: list[str] = []
    args: list[object] = []
    a = alias
    scope = f.scope.strip().lower()
    if scope and scope != "all":
        if scope not in SCOPES:
            raise InvalidQuery(f"unknown scope {f.scope!r}; use one of all, {', '.join(SCOPES)}")
        conds.append(f"{a}.scope = ?")
        args.append(scope)
    kind = f.kind.strip().lower().replace("-", "_").replace(" ", "_")
    if kind:
        if kind not in (*ITEM_KINDS, "passage", "table"):
            raise InvalidQuery(f"unknown kind {f.kind!r}; use one of {', '.join(ITEM_KINDS)}")
        conds.append(f"{a}.kind = ?")
        args.append(kind)
    if f.document.strip():
        ref = f.document.strip()
        conds.append(f"({a}.file_name = ? OR {a}.document_id LIKE ? ESCAPE '\\')")
        args += [ref, _like_escape(ref.lower()) + ("%" if len(ref) >= 4 else "")]
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
            args.append("%|" + _like_escape(fold(" ".join(value.split()))) + "|%")
    if f.addressee.strip():
        conds.append(f"{a}.addressee LIKE ? ESCAPE '\\'")
        args.append("%" + _like_escape(fold(f.addressee.strip())) + "%")
    if f.year_from is not None and f.year_to is not None and f.year_from > f.year_to:
        raise InvalidQuery(f"year_from {f.year_from} is after year_to {f.year_to}")
    if f.year_from is not None:
        conds.append(f"{a}.year >= ?")
        args.append(int(f.year_from))
    if f.year_to is not None:
        conds.append(f"{a}.year <= ?")
        args.append(int(f.year_to))
    return (" AND ".join(conds) or "1"), args
