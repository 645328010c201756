"""Numbered schema migrations for the PostgreSQL store. Append, never edit a landed one.

The tables mirror the SQLite store's (`index.migrations`), with JSON kept as text so rows
convert to records by the same code (`index.rows`). Sorted text columns use the "C"
collation, which orders as SQLite's BINARY does. Search units (`chunks`) carry:

- `tokens`: a tsvector of the normalised terms with their positions (`index.textnorm`, the
  very terms the SQLite FTS5 table holds), so BM25 is computed the same way on both;
- `tsv`: `to_tsvector('french' | 'english', text)` by the document's language, GIN-indexed;
- `embedding`: a pgvector column, typed `vector(dim)` with an HNSW index once the first
  embedding model is recorded (`index.pg.search_index.ensure_vector_column`).
"""

from __future__ import annotations

MIGRATIONS: list[tuple[int, str]] = [
    (
        1,
        """
        CREATE EXTENSION IF NOT EXISTS vector;
        CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
        CREATE TABLE documents (
            id TEXT COLLATE "C" PRIMARY KEY,
            file_name TEXT COLLATE "C" NOT NULL,
            source_path TEXT NOT NULL DEFAULT '',
            stored_file TEXT NOT NULL DEFAULT '',
            title TEXT NOT NULL DEFAULT '',
            language TEXT NOT NULL DEFAULT '',
            page_count INTEGER NOT NULL DEFAULT 0,
            media_type TEXT NOT NULL,
            size BIGINT NOT NULL DEFAULT 0,
            warnings TEXT NOT NULL DEFAULT '[]',
            versions TEXT NOT NULL DEFAULT '[]',
            metadata TEXT NOT NULL DEFAULT '[]',
            ingested_at TEXT NOT NULL
        );
        CREATE INDEX documents_source ON documents(source_path);
        CREATE INDEX documents_file_name ON documents(file_name);
        CREATE TABLE sections (
            document_id TEXT NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
            ord INTEGER NOT NULL,
            title TEXT NOT NULL,
            level INTEGER NOT NULL,
            page_start INTEGER NOT NULL,
            page_end INTEGER NOT NULL,
            path TEXT NOT NULL,
            number TEXT NOT NULL DEFAULT '',
            PRIMARY KEY (document_id, ord)
        );
        CREATE TABLE blocks (
            document_id TEXT NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
            ord INTEGER NOT NULL,
            kind TEXT NOT NULL,
            text TEXT NOT NULL,
            pages TEXT NOT NULL,
            section_path TEXT NOT NULL,
            bbox TEXT,
            level INTEGER NOT NULL DEFAULT 0,
            marker TEXT NOT NULL DEFAULT '',
            bold_prefix TEXT NOT NULL DEFAULT '',
            table_index INTEGER,
            PRIMARY KEY (document_id, ord)
        );
        CREATE TABLE doc_tables (
            id TEXT PRIMARY KEY,
            document_id TEXT NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
            idx INTEGER NOT NULL,
            rows TEXT NOT NULL,
            pages TEXT NOT NULL,
            section_path TEXT NOT NULL,
            header_rows INTEGER NOT NULL,
            caption TEXT NOT NULL DEFAULT '',
            bbox TEXT,
            row_pages TEXT NOT NULL DEFAULT '[]'
        );
        CREATE INDEX doc_tables_document ON doc_tables(document_id);
        CREATE TABLE items (
            id TEXT COLLATE "C" PRIMARY KEY,
            document_id TEXT COLLATE "C" NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
            ord INTEGER NOT NULL,
            kind TEXT COLLATE "C" NOT NULL,
            label TEXT NOT NULL DEFAULT '',
            text TEXT NOT NULL,
            pages TEXT NOT NULL,
            section_path TEXT NOT NULL,
            addressee TEXT COLLATE "C" NOT NULL DEFAULT '',
            priority TEXT NOT NULL DEFAULT '',
            resources TEXT NOT NULL DEFAULT '',
            timing TEXT NOT NULL DEFAULT '',
            condition TEXT NOT NULL DEFAULT '',
            parent_id TEXT NOT NULL DEFAULT '',
            fields TEXT NOT NULL DEFAULT '[]',
            occurrences TEXT NOT NULL DEFAULT '[]',
            tags TEXT NOT NULL DEFAULT '[]',
            evidence TEXT NOT NULL DEFAULT '',
            confidence DOUBLE PRECISION NOT NULL DEFAULT 0
        );
        CREATE INDEX items_document ON items(document_id, ord);
        CREATE INDEX items_kind ON items(kind);
        CREATE INDEX items_confidence ON items(confidence);
        -- reviewers' verdicts: read by the review filters (writes are not on Postgres yet)
        CREATE TABLE item_reviews (
            item_id TEXT PRIMARY KEY,
            verdict TEXT NOT NULL,
            corrections TEXT NOT NULL DEFAULT '{}',
            note TEXT NOT NULL DEFAULT '',
            updated_at TEXT NOT NULL,
            updated_by TEXT NOT NULL DEFAULT ''
        );
        CREATE TABLE chunks (
            num BIGSERIAL PRIMARY KEY,  -- never reused, like the SQLite AUTOINCREMENT num
            id TEXT NOT NULL UNIQUE,
            document_id TEXT NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
            file_name TEXT NOT NULL DEFAULT '',
            scope TEXT NOT NULL,
            kind TEXT NOT NULL DEFAULT '',
            ref TEXT NOT NULL DEFAULT '',
            label TEXT NOT NULL DEFAULT '',
            text TEXT NOT NULL,
            pages TEXT NOT NULL DEFAULT '[]',
            section_path TEXT NOT NULL DEFAULT '[]',
            language TEXT NOT NULL DEFAULT '',
            doc_type TEXT NOT NULL DEFAULT '',
            year INTEGER,
            countries TEXT NOT NULL DEFAULT '',
            organisations TEXT NOT NULL DEFAULT '',
            addressee TEXT NOT NULL DEFAULT '',
            themes TEXT NOT NULL DEFAULT '',
            tokens TSVECTOR NOT NULL,
            body_len INTEGER NOT NULL DEFAULT 0,
            tsv TSVECTOR GENERATED ALWAYS AS (
                to_tsvector(
                    CASE WHEN language = 'fr' THEN 'french'::regconfig
                         ELSE 'english'::regconfig END,
                    text
                )
            ) STORED,
            embedding vector
        );
        CREATE INDEX chunks_document ON chunks(document_id);
        CREATE INDEX chunks_scope_kind ON chunks(scope, kind);
        CREATE INDEX chunks_ref ON chunks(ref);
        CREATE INDEX chunks_year ON chunks(year);
        CREATE INDEX chunks_tokens ON chunks USING gin (tokens);
        CREATE INDEX chunks_tsv ON chunks USING gin (tsv);
        """,
    ),
]
