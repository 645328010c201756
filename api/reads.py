"""Reader: every read the front ends offer, through one connection.

A `Reader` is a library and a searcher over the same connection, plus where original files
live. The command line uses the KnowledgeBase's own (`kb.read`); the HTTP API builds one per
request over a pooled read connection (`kb.reader(conn)`), so a request never sees an upload's
uncommitted rows nor waits behind it.
"""

from __future__ import annotations

from pathlib import Path

from index import dbapi
from index.library import Library
from index.query import ItemQuery, SearchRequest
from index.recurring import Recurring, find_recurring
from index.responses import ResponseStore
from index.search import Hit, Searcher
from index.store import DocumentSummary
from index.themes import Theme
from index.uptake import Uptake, find_uptake
from ingest.errors import NotFound
from ingest.records import Document, Item, Table

from .followup import Followup


class Reader:
    """Documents, items, tables and search, read through one connection."""

    def __init__(
        self, library: Library, searcher: Searcher, home: Path, files: Path | None = None
    ) -> None:
        self.library = library
        self.searcher = searcher
        self.home = home
        self.files = files or home / "files"  # where the kept originals are

    # -- documents ----------------------------------------------------------------------
    def documents(self) -> list[DocumentSummary]:
        """Every stored document."""
        return self.library.documents()

    def summary(self, ref: str) -> DocumentSummary:
        """One document's metadata by id, id prefix or file name."""
        return self.library.resolve(ref)

    def document(self, ref: str) -> Document:
        """One document with its outline, blocks and tables."""
        return self.library.document(ref)

    def original_file(self, ref: str) -> Path:
        """Path of the original file kept in the data dir."""
        doc_id = self.library.resolve(ref).id
        name = self.library.stored_file(doc_id)
        path = self.files / name
        if not name or not path.exists():
            raise NotFound(f"the original file of document {doc_id[:12]} is missing")
        return path

    def tables(self, ref: str) -> list[Table]:
        """A document's tables."""
        return self.library.tables(ref)

    def table(self, table_id: str) -> tuple[str, Table]:
        """One table by id, with its document id."""
        return self.library.table(table_id)

    def file_names(self) -> dict[str, str]:
        """Document id → file name, for labelling items."""
        return self.library.file_names()

    # -- items --------------------------------------------------------------------------
    def items(
        self,
        query: ItemQuery | None = None,
        *,
        limit: int | None = None,
        offset: int = 0,
        sort: str = "document",
    ) -> list[Item]:
        """Items filtered by kind, document, addressee and theme."""
        return self.library.items(query, limit=limit, offset=offset, sort=sort)

    def item(self, item_id: str) -> Item:
        """One item by id (or unique prefix)."""
        return self.library.item(item_id)

    @property
    def conn(self) -> dbapi.Conn:
        """This reader's connection as the store modules of both backends take it."""
        return dbapi.shared(self.library.conn)

    @property
    def responses(self) -> ResponseStore:
        """Management responses, their actions and links (`index.responses`)."""
        return ResponseStore(self.conn)

    @property
    def followup(self) -> Followup:
        """The follow-up register, reviews and history (`api.followup`), for reading."""
        return Followup(self.conn)

    # -- search -------------------------------------------------------------------------
    def search(self, request: SearchRequest) -> list[Hit]:
        """Hits for a search request, best first (InvalidQuery on bad input)."""
        return self.searcher.search(request)

    def similar(self, item_id: str, k: int = 10) -> list[Hit]:
        """Items from other documents most similar to this one (id or unique prefix)."""
        return self.searcher.similar(self.item(item_id).id, k)

    def themes(self) -> list[Theme]:
        """Recurring themes across documents."""
        return self.searcher.themes()

    def recurring(
        self,
        kind: str = "recommendation",
        *,
        min_documents: int = 2,
        limit: int | None = None,
        document: str = "",
    ) -> list[Recurring]:
        """Clusters of similar items (recommendations by default) given in several documents;
        `document` (id, prefix or file name) keeps the clusters it takes part in."""
        ids = [self.library.resolve(document).id] if document.strip() else []
        return find_recurring(
            self.searcher, kind=kind, min_documents=min_documents, document_ids=ids, limit=limit
        )

    def uptake(self, item_id: str, *, k: int = 10, passages: int = 3) -> Uptake:
        """Later documents whose passages address an item (id or unique prefix), best first."""
        item = self.item(item_id)  # NotFound before asking the index
        return find_uptake(self.searcher, item.id, k=k, passages=passages)

    def status(self) -> dict[str, object]:
        """Counts, versions and paths: what `evalkb status` and `/stats` show."""
        return {
            "home": str(self.home.resolve()),
            "files": str(self.files.resolve()),
            **self.library.counts(),
            **self.searcher.status(),
        }
