"""The read contracts: what a search or an item listing asks for, in one place each.

`SearchRequest` (query, filters, mode, k, offset) and `ItemQuery` are built by the command
line from its arguments and by the HTTP API from its query string (both bind the fields
declared here, with the help text, bounds and choices in each field's metadata), passed
through the service unchanged, and read by the searcher and the library.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ingest.errors import InvalidQuery
from ingest.records import ITEM_KINDS

SCOPE_CHOICES = ("all", "item", "passage", "table", "items", "passages", "tables")
# plural spellings, as a user types them ("--scope items"); folded once, here
SCOPE_SYNONYMS = {"items": "item", "passages": "passage", "tables": "table", "": "all"}
MODES = ("hybrid", "lexical", "dense")
SORTS = ("document", "kind", "addressee", "confidence")
FILTER_MAX = 200  # characters of one filter value: longer ones are refused, never run
# items by human review ('' = every item but the rejected ones; see filters.review_condition)
REVIEW_FILTERS = ("verified", "unreviewed", "rejected", "all")


def _meta(help: str, **extra: Any) -> dict[str, Any]:
    """Field metadata read by the CLI and HTTP binders (help, bounds, choices, names)."""
    return {"help": help, **extra}


def normal_scope(scope: str) -> str:
    """'items' → 'item', '' → 'all'; unknown values are kept for the validator to name."""
    cleaned = scope.strip().lower()
    return SCOPE_SYNONYMS.get(cleaned, cleaned)


def normal_kind(kind: str) -> str:
    """'Good practice' / 'good-practice' → 'good_practice'."""
    return kind.strip().lower().replace("-", "_").replace(" ", "_")


@dataclass(frozen=True)
class SearchFilters:
    """Restrict a search. Empty fields do not filter; a filter matching nothing gives no hits.

    scope: item | passage | table ("" or "all" = any); kind: lesson | good_practice |
    recommendation; document: id, id prefix or file name (resolved as everywhere else);
    country, organisation, theme: one value, matched case- and accent-insensitively;
    addressee: a substring; year_from/year_to: inclusive bounds on the document year.
    """

    scope: str = field(
        default="all",
        metadata=_meta("what to search", choices=SCOPE_CHOICES),
    )
    kind: str = field(
        default="",
        metadata=_meta("item kind (implies items)", choices=ITEM_KINDS, optional=True),
    )
    document: str = field(
        default="", metadata=_meta("document id, id prefix or file name", max_length=300)
    )
    doc_type: str = field(
        default="",
        metadata=_meta("document type, e.g. evaluation, audit", cli="--type", max_length=100),
    )
    country: str = field(
        default="", metadata=_meta("country named in the document", max_length=FILTER_MAX)
    )
    year_from: int | None = field(
        default=None, metadata=_meta("first document year", ge=1900, le=2100)
    )
    year_to: int | None = field(
        default=None, metadata=_meta("last document year", ge=1900, le=2100)
    )
    organisation: str = field(
        default="", metadata=_meta("commissioning organisation", max_length=FILTER_MAX)
    )
    addressee: str = field(
        default="", metadata=_meta("addressee of a recommendation", max_length=FILTER_MAX)
    )
    theme: str = field(default="", metadata=_meta("theme tag", max_length=FILTER_MAX))
    language: str = field(
        default="", metadata=_meta("document language", choices=("fr", "en"), optional=True)
    )
    review: str = field(
        default="",
        metadata=_meta(
            "items by review: verified (or corrected), unreviewed, rejected, all"
            " (default: all but rejected)",
            choices=REVIEW_FILTERS,
            optional=True,
        ),
    )
    verified: bool = field(
        default=False, metadata=_meta("only items a reviewer verified or corrected")
    )

    def __post_init__(self) -> None:
        # frozen: normalise through object.__setattr__, once, for every caller
        object.__setattr__(self, "scope", normal_scope(self.scope))
        object.__setattr__(self, "kind", normal_kind(self.kind))
        _review(self)
        if self.scope not in SCOPE_CHOICES:
            raise InvalidQuery(
                f"unknown scope {self.scope!r}; use one of all, item, passage, table"
            )
        if self.kind and self.kind not in (*ITEM_KINDS, "passage", "table"):
            raise InvalidQuery(f"unknown kind {self.kind!r}; use one of {', '.join(ITEM_KINDS)}")
        if (
            self.year_from is not None
            and self.year_to is not None
            and self.year_from > self.year_to
        ):
            raise InvalidQuery(f"year_from ({self.year_from}) is after year_to ({self.year_to})")

    def is_empty(self) -> bool:
        """True when nothing is filtered."""
        return self == SearchFilters()


@dataclass(frozen=True)
class SearchRequest:
    """One search: the words, the filters, the ranking mode and the page of hits wanted."""

    query: str = field(
        metadata=_meta("the question or words", http="q", min_length=1, max_length=1000)
    )
    filters: SearchFilters = field(default_factory=SearchFilters)
    mode: str = field(default="hybrid", metadata=_meta("ranking", choices=MODES))
    k: int = field(default=10, metadata=_meta("hits per page", http="limit", ge=1, le=100))
    offset: int = field(default=0, metadata=_meta("hits to skip", ge=0, le=10_000))
    expand: bool = field(
        default=True,
        metadata=_meta("add synonyms and FR/EN equivalents", cli="--no-glossary", negate=True),
    )

    def __post_init__(self) -> None:
        if not self.query or not self.query.strip():
            raise InvalidQuery("the query is empty")
        if self.mode not in MODES:
            raise InvalidQuery(f"unknown mode {self.mode!r}; use one of {', '.join(MODES)}")
        if self.k < 1 or self.offset < 0:
            raise InvalidQuery("k must be at least 1 and offset at least 0")


@dataclass(frozen=True)
class ItemQuery:
    """Which items to list or export: every field is a filter; empty fields do not filter."""

    kind: str = field(default="", metadata=_meta("item kind", choices=ITEM_KINDS, optional=True))
    document: str = field(
        default="", metadata=_meta("document id, id prefix or file name", max_length=300)
    )
    addressee: str = field(
        default="", metadata=_meta("substring of the addressee", max_length=FILTER_MAX)
    )
    theme: str = field(default="", metadata=_meta("theme tag value", max_length=FILTER_MAX))
    review: str = field(
        default="",
        metadata=_meta(
            "items by review: verified (or corrected), unreviewed, rejected, all"
            " (default: all but rejected)",
            choices=REVIEW_FILTERS,
            optional=True,
        ),
    )
    verified: bool = field(
        default=False, metadata=_meta("only items a reviewer verified or corrected")
    )

    def __post_init__(self) -> None:
        object.__setattr__(self, "kind", normal_kind(self.kind))
        _review(self)


def _review(query: SearchFilters | ItemQuery) -> None:
    """`verified` is `review="verified"`; a review filter must be one of REVIEW_FILTERS."""
    review = (query.review or "").strip().lower()
    if query.verified:
        review = "verified"
    if review and review not in REVIEW_FILTERS:
        raise InvalidQuery(f"unknown review filter {review!r}; use one of {REVIEW_FILTERS}")
    object.__setattr__(query, "review", review)
    object.__setattr__(query, "verified", review == "verified")
