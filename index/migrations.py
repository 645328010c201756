"""Numbered schema migrations for the SQLite store. Append, never edit a landed one."""

from __future__ import annotations

import sqlite3

MIGRATIONS: list[tuple[int, str]] = [
    (
        1,
        """
        CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
        CREATE TABLE documents (
            id TEXT PRIMARY KEY,
            file_name TEXT NOT NULL,
            source_path TEXT NOT NULL DEFAULT '',
            stored_file TEXT NOT NULL DEFAULT '',
            title TEXT NOT NULL DEFAULT '',
            language TEXT NOT NULL DEFAULT '',
            page_count INTEGER NOT NULL DEFAULT 0,
            media_type TEXT NOT NULL,
            size INTEGER NOT NULL DEFAULT 0,
            warnings TEXT NOT NULL DEFAULT '[]',
            versions TEXT NOT NULL DEFAULT '[]',
            metadata TEXT NOT NULL DEFAULT '[]',
            ingested_at TEXT NOT NULL
        );
        CREATE INDEX documents_source ON documents(source_path);
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
            bbox TEXT
        );
        CREATE INDEX doc_tables_document ON doc_tables(document_id);
        CREATE TABLE items (
            id TEXT PRIMARY KEY,
            document_id TEXT NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
            ord INTEGER NOT NULL,
            kind TEXT NOT NULL,
            label TEXT NOT NULL DEFAULT '',
            text TEXT NOT NULL,
            pages TEXT NOT NULL,
            section_path TEXT NOT NULL,
            addressee TEXT NOT NULL DEFAULT '',
            priority TEXT NOT NULL DEFAULT '',
            resources TEXT NOT NULL DEFAULT '',
            timing TEXT NOT NULL DEFAULT '',
            condition TEXT NOT NULL DEFAULT '',
            parent_id TEXT NOT NULL DEFAULT '',
            fields TEXT NOT NULL DEFAULT '[]',
            occurrences TEXT NOT NULL DEFAULT '[]',
            tags TEXT NOT NULL DEFAULT '[]'
        );
        CREATE INDEX items_document ON items(document_id);
        CREATE INDEX items_kind ON items(kind);
        """,
    ),
    (
        2,
        # Search units. Filter columns are denormalised (folded, '|'-delimited lists) so a
        # filter is one indexed WHERE clause. `vector` is the float32 embedding: SQLite is
        # the source of truth and the FAISS file beside it is a cache rebuilt from these.
        # chunks_fts holds the normalised text; its rowid is chunks.num (also the FAISS id).
        """
        CREATE TABLE chunks (
            num INTEGER PRIMARY KEY AUTOINCREMENT,  -- never reused: it is the FAISS id
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
            vector BLOB
        );
        CREATE INDEX chunks_document ON chunks(document_id);
        CREATE INDEX chunks_scope_kind ON chunks(scope, kind);
        CREATE INDEX chunks_ref ON chunks(ref);
        -- covering index: a filter scan reads this narrow index, not the text and vectors
        CREATE INDEX chunks_filters ON chunks(scope, kind, year, language, doc_type, countries,
            organisations, themes, addressee, document_id, file_name);
        CREATE VIRTUAL TABLE chunks_fts USING fts5(
            body, tokenize = "unicode61 remove_diacritics 2"
        );
        CREATE VIRTUAL TABLE chunks_vocab USING fts5vocab(chunks_fts, row);
        INSERT OR IGNORE INTO meta VALUES ('chunks_generation', '0');
        CREATE TRIGGER chunks_after_delete AFTER DELETE ON chunks BEGIN
            DELETE FROM chunks_fts WHERE rowid = old.num;
            UPDATE meta SET value = CAST(value AS INTEGER) + 1 WHERE key = 'chunks_generation';
        END;
        CREATE TRIGGER chunks_after_insert AFTER INSERT ON chunks BEGIN
            UPDATE meta SET value = CAST(value AS INTEGER) + 1 WHERE key = 'chunks_generation';
        END;
        CREATE TRIGGER chunks_after_vector AFTER UPDATE OF vector ON chunks BEGIN
            UPDATE meta SET value = CAST(value AS INTEGER) + 1 WHERE key = 'chunks_generation';
        END;
        """,
    ),
    (
        3,
        # Pages of each table row, so an item read from a table row cites its own page
        # rather than the whole table's span.
        """
        ALTER TABLE doc_tables ADD COLUMN row_pages TEXT NOT NULL DEFAULT '[]';
        """,
    ),
    (
        4,
        # Upload jobs, so that a server restart neither forgets a job nor leaves it "not
        # found": unfinished ones are marked interrupted at startup and can be retried.
        """
        CREATE TABLE jobs (
            id TEXT PRIMARY KEY,
            file_name TEXT NOT NULL,
            size INTEGER NOT NULL DEFAULT 0,
            status TEXT NOT NULL,
            created_at TEXT NOT NULL,
            started_at TEXT NOT NULL DEFAULT '',
            finished_at TEXT NOT NULL DEFAULT '',
            outcome TEXT NOT NULL DEFAULT '',
            document_id TEXT NOT NULL DEFAULT '',
            error TEXT NOT NULL DEFAULT '',
            replaced TEXT NOT NULL DEFAULT '[]',
            staged_path TEXT NOT NULL DEFAULT ''
        );
        CREATE INDEX jobs_status ON jobs(status);
        CREATE INDEX jobs_created ON jobs(created_at);
        """,
    ),
    (
        5,
        # How each item was found and how sure the extractor is, so a reviewer can sort the
        # doubtful ones first (issue 9).
        """
        ALTER TABLE items ADD COLUMN evidence TEXT NOT NULL DEFAULT '';
        ALTER TABLE items ADD COLUMN confidence REAL NOT NULL DEFAULT 0;
        CREATE INDEX items_confidence ON items(confidence);
        """,
    ),
    (
        6,
        # Management responses (issue 10): one row per recommendation block of a response
        # document, its key actions, the links response → recommendation item (score and
        # method) and response document → evaluation document. Ids are stable across
        # re-extraction (document id + normalised number or text), so user-owned follow-up
        # (status, due date, notes, history) can later key on them without a cascade.
        # Links are derived data: dropped with either end, rebuilt after every store.
        """
        CREATE TABLE responses (
            id TEXT PRIMARY KEY,
            document_id TEXT NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
            ord INTEGER NOT NULL,
            number TEXT NOT NULL DEFAULT '',
            numbers TEXT NOT NULL DEFAULT '[]',
            recommendation_text TEXT NOT NULL DEFAULT '',
            verdict TEXT NOT NULL DEFAULT 'not_stated',
            verdict_evidence TEXT NOT NULL DEFAULT '',
            response_text TEXT NOT NULL DEFAULT '',
            addressee TEXT NOT NULL DEFAULT '',
            priority TEXT NOT NULL DEFAULT '',
            pages TEXT NOT NULL DEFAULT '[]',
            evidence TEXT NOT NULL DEFAULT ''
        );
        CREATE INDEX responses_document ON responses(document_id, ord);
        CREATE TABLE response_actions (
            id TEXT PRIMARY KEY,
            response_id TEXT NOT NULL REFERENCES responses(id) ON DELETE CASCADE,
            ord INTEGER NOT NULL,
            text TEXT NOT NULL DEFAULT '',
            deadline TEXT NOT NULL DEFAULT '',
            responsible TEXT NOT NULL DEFAULT '',
            status TEXT NOT NULL DEFAULT '',
            comments TEXT NOT NULL DEFAULT '',
            pages TEXT NOT NULL DEFAULT '[]'
        );
        CREATE INDEX response_actions_response ON response_actions(response_id, ord);
        CREATE TABLE response_links (
            response_id TEXT NOT NULL REFERENCES responses(id) ON DELETE CASCADE,
            item_id TEXT NOT NULL REFERENCES items(id) ON DELETE CASCADE,
            score REAL NOT NULL,
            method TEXT NOT NULL DEFAULT '',
            PRIMARY KEY (response_id, item_id)
        );
        CREATE INDEX response_links_item ON response_links(item_id);
        CREATE TABLE response_documents (
            document_id TEXT PRIMARY KEY REFERENCES documents(id) ON DELETE CASCADE,
            evaluation_id TEXT REFERENCES documents(id) ON DELETE SET NULL,
            score REAL NOT NULL DEFAULT 0,
            evidence TEXT NOT NULL DEFAULT ''
        );
        CREATE INDEX response_documents_evaluation ON response_documents(evaluation_id);
        """,
    ),
    (
        7,
        # Follow-up and review owned by the users (issue 10). Keyed on the stable ids of
        # recommendation items and response actions, with no foreign key: re-extraction and
        # re-ingest delete and re-insert items and actions, and these rows must outlive them
        # (they join again on the same id). `followup` holds what a user set (an action's
        # extracted status is the initial state until then); `item_reviews` a reviewer's
        # verdict and corrected fields (JSON); `followup_history` every change of either.
        """
        CREATE TABLE followup (
            id TEXT PRIMARY KEY,
            target TEXT NOT NULL,
            status TEXT NOT NULL DEFAULT '',
            due TEXT NOT NULL DEFAULT '',
            notes TEXT NOT NULL DEFAULT '',
            updated_at TEXT NOT NULL,
            updated_by TEXT NOT NULL DEFAULT ''
        );
        CREATE TABLE item_reviews (
            item_id TEXT PRIMARY KEY,
            verdict TEXT NOT NULL,
            corrections TEXT NOT NULL DEFAULT '{}',
            note TEXT NOT NULL DEFAULT '',
            updated_at TEXT NOT NULL,
            updated_by TEXT NOT NULL DEFAULT ''
        );
        CREATE INDEX item_reviews_verdict ON item_reviews(verdict);
        CREATE TABLE followup_history (
            seq INTEGER PRIMARY KEY AUTOINCREMENT,
            target_id TEXT NOT NULL,
            at TEXT NOT NULL,
            who TEXT NOT NULL DEFAULT '',
            field TEXT NOT NULL,
            old TEXT NOT NULL DEFAULT '',
            new TEXT NOT NULL DEFAULT '',
            note TEXT NOT NULL DEFAULT ''
        );
        CREATE INDEX followup_history_target ON followup_history(target_id, seq);
        """,
    ),
    (
        8,
        # Filtered search at scale: one row per document with the document-level filter
        # columns, so a filter on country, year, type, language or organisation selects
        # documents and then their chunks by index (not a scan of every chunk); and a
        # generation counter of reviews, so cached filter results know when a rejection
        # changed what a search may return. Both are kept by triggers.
        """
        CREATE TABLE chunk_documents (
            document_id TEXT PRIMARY KEY,
            language TEXT NOT NULL DEFAULT '',
            doc_type TEXT NOT NULL DEFAULT '',
            year INTEGER,
            countries TEXT NOT NULL DEFAULT '',
            organisations TEXT NOT NULL DEFAULT ''
        );
        INSERT INTO chunk_documents
            SELECT document_id, MAX(language), MAX(doc_type), MAX(year), MAX(countries),
                MAX(organisations) FROM chunks GROUP BY document_id;
        CREATE TRIGGER chunk_documents_insert AFTER INSERT ON chunks BEGIN
            INSERT OR REPLACE INTO chunk_documents VALUES (new.document_id, new.language,
                new.doc_type, new.year, new.countries, new.organisations);
        END;
        CREATE TRIGGER chunk_documents_delete AFTER DELETE ON chunks
        WHEN NOT EXISTS (SELECT 1 FROM chunks WHERE document_id = old.document_id) BEGIN
            DELETE FROM chunk_documents WHERE document_id = old.document_id;
        END;
        INSERT OR IGNORE INTO meta VALUES ('reviews_generation', '0');
        CREATE TRIGGER reviews_after_insert AFTER INSERT ON item_reviews BEGIN
            UPDATE meta SET value = CAST(value AS INTEGER) + 1 WHERE key = 'reviews_generation';
        END;
        CREATE TRIGGER reviews_after_update AFTER UPDATE ON item_reviews BEGIN
            UPDATE meta SET value = CAST(value AS INTEGER) + 1 WHERE key = 'reviews_generation';
        END;
        CREATE TRIGGER reviews_after_delete AFTER DELETE ON item_reviews BEGIN
            UPDATE meta SET value = CAST(value AS INTEGER) + 1 WHERE key = 'reviews_generation';
        END;
        """,
    ),
]


def current_version(conn: sqlite3.Connection) -> int:
    """The schema version recorded in the database (0 for a new file)."""
    return int(conn.execute("PRAGMA user_version").fetchone()[0])


def migrate(conn: sqlite3.Connection) -> int:
    """Apply every migration above the recorded version, each in its own transaction."""
    version = current_version(conn)
    for number, script in MIGRATIONS:
        if number <= version:
            continue
        # executescript commits first; wrap explicitly so a failing migration rolls back
        conn.executescript(f"BEGIN;\n{script}\nPRAGMA user_version = {number};\nCOMMIT;")
        version = number
    return version
