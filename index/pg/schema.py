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
    (
        2,
        # The shared ingest queue (`index.pg.jobs`): one row per file to ingest. A worker
        # claims a queued row with FOR UPDATE SKIP LOCKED and holds that row lock, in an
        # open transaction, while it reads and stores the file; it marks the row done or
        # failed in the same transaction. A worker that dies drops its connection, the lock
        # goes with it and the row, still queued, is claimed again. At most one queued row
        # per path (the partial unique index), any number of finished ones (the log).
        """
        CREATE TABLE ingest_jobs (
            id BIGSERIAL PRIMARY KEY,
            path TEXT NOT NULL,
            status TEXT NOT NULL DEFAULT 'queued',  -- queued | ingested | unchanged | failed
            ocr BOOLEAN,
            queued_at TIMESTAMPTZ NOT NULL DEFAULT now(),
            finished_at TIMESTAMPTZ,
            worker TEXT NOT NULL DEFAULT '',
            document_id TEXT NOT NULL DEFAULT '',
            reason TEXT NOT NULL DEFAULT '',
            replaced TEXT NOT NULL DEFAULT '[]'
        );
        CREATE UNIQUE INDEX ingest_jobs_queued_path ON ingest_jobs(path)
            WHERE status = 'queued';
        CREATE INDEX ingest_jobs_queued ON ingest_jobs(id) WHERE status = 'queued';
        CREATE INDEX ingest_jobs_path ON ingest_jobs(path, id);
        """,
    ),
    (
        3,
        # Management responses, follow-up and review (SQLite migrations 6 and 7, issue 10):
        # response blocks, their key actions, links response → recommendation item and
        # response document → evaluation; user-owned follow-up state and its history, keyed
        # on the stable ids of items and actions with no foreign key (they outlive
        # re-extraction). `item_reviews` came with migration 1. Scores are DOUBLE PRECISION
        # (SQLite's REAL), ids and ordered text "C", as SQLite compares them.
        """
        CREATE TABLE responses (
            id TEXT COLLATE "C" PRIMARY KEY,
            document_id TEXT COLLATE "C" NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
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
            id TEXT COLLATE "C" PRIMARY KEY,
            response_id TEXT COLLATE "C" NOT NULL REFERENCES responses(id) ON DELETE CASCADE,
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
            response_id TEXT COLLATE "C" NOT NULL REFERENCES responses(id) ON DELETE CASCADE,
            item_id TEXT COLLATE "C" NOT NULL REFERENCES items(id) ON DELETE CASCADE,
            score DOUBLE PRECISION NOT NULL,
            method TEXT NOT NULL DEFAULT '',
            PRIMARY KEY (response_id, item_id)
        );
        CREATE INDEX response_links_item ON response_links(item_id);
        CREATE TABLE response_documents (
            document_id TEXT COLLATE "C" PRIMARY KEY
                REFERENCES documents(id) ON DELETE CASCADE,
            evaluation_id TEXT COLLATE "C" REFERENCES documents(id) ON DELETE SET NULL,
            score DOUBLE PRECISION NOT NULL DEFAULT 0,
            evidence TEXT NOT NULL DEFAULT ''
        );
        CREATE INDEX response_documents_evaluation ON response_documents(evaluation_id);
        CREATE TABLE followup (
            id TEXT COLLATE "C" PRIMARY KEY,
            target TEXT NOT NULL,
            status TEXT NOT NULL DEFAULT '',
            due TEXT NOT NULL DEFAULT '',
            notes TEXT NOT NULL DEFAULT '',
            updated_at TEXT NOT NULL,
            updated_by TEXT NOT NULL DEFAULT ''
        );
        CREATE INDEX item_reviews_verdict ON item_reviews(verdict);
        CREATE TABLE followup_history (
            seq BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,  -- never reused, in order
            target_id TEXT COLLATE "C" NOT NULL,
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
        4,
        # Collection statistics for BM25, kept in step with `chunks` by statement triggers
        # (one run per INSERT / COPY / DELETE statement, over its transition table), so a
        # query reads the row count, the term total and each term's row count from two small
        # tables instead of counting a large `chunks` table every time.
        """
        CREATE TABLE chunk_totals (
            id INTEGER PRIMARY KEY DEFAULT 1 CHECK (id = 1),
            rows BIGINT NOT NULL,
            tokens BIGINT NOT NULL
        );
        INSERT INTO chunk_totals
            SELECT 1, COUNT(*), COALESCE(SUM(body_len), 0) FROM chunks;
        CREATE TABLE term_rows (lexeme TEXT PRIMARY KEY, n BIGINT NOT NULL);
        INSERT INTO term_rows
            SELECT u.lexeme, COUNT(*) FROM chunks c, unnest(c.tokens) u GROUP BY u.lexeme;
        CREATE FUNCTION chunk_stats_added() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            UPDATE chunk_totals SET
                rows = rows + (SELECT COUNT(*) FROM added),
                tokens = tokens + (SELECT COALESCE(SUM(body_len), 0) FROM added);
            INSERT INTO term_rows
                SELECT u.lexeme, COUNT(*) FROM added c, unnest(c.tokens) u GROUP BY u.lexeme
                ON CONFLICT (lexeme) DO UPDATE SET n = term_rows.n + EXCLUDED.n;
            RETURN NULL;
        END $$;
        CREATE FUNCTION chunk_stats_removed() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            UPDATE chunk_totals SET
                rows = rows - (SELECT COUNT(*) FROM removed),
                tokens = tokens - (SELECT COALESCE(SUM(body_len), 0) FROM removed);
            UPDATE term_rows t SET n = t.n - d.n
                FROM (SELECT u.lexeme, COUNT(*) AS n FROM removed c, unnest(c.tokens) u
                      GROUP BY u.lexeme) d
                WHERE t.lexeme = d.lexeme;
            RETURN NULL;
        END $$;
        CREATE FUNCTION chunk_stats_changed() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            IF EXISTS (SELECT 1 FROM removed r JOIN added a USING (num)
                       WHERE r.tokens IS DISTINCT FROM a.tokens
                          OR r.body_len IS DISTINCT FROM a.body_len) THEN
                RAISE EXCEPTION 'chunks.tokens and body_len are written once (delete and insert)';
            END IF;
            RETURN NULL;
        END $$;
        CREATE TRIGGER chunk_stats_insert AFTER INSERT ON chunks
            REFERENCING NEW TABLE AS added FOR EACH STATEMENT
            EXECUTE FUNCTION chunk_stats_added();
        CREATE TRIGGER chunk_stats_delete AFTER DELETE ON chunks
            REFERENCING OLD TABLE AS removed FOR EACH STATEMENT
            EXECUTE FUNCTION chunk_stats_removed();
        CREATE TRIGGER chunk_stats_update AFTER UPDATE ON chunks
            REFERENCING OLD TABLE AS removed NEW TABLE AS added FOR EACH STATEMENT
            EXECUTE FUNCTION chunk_stats_changed();
        """,
    ),
    (
        5,
        # Upload jobs (SQLite migration 4), here so that every API server answers for every
        # upload; `seq` orders jobs created in the same second, as SQLite's rowid does.
        """
        CREATE TABLE jobs (
            seq BIGSERIAL,
            id TEXT COLLATE "C" PRIMARY KEY,
            file_name TEXT NOT NULL,
            size BIGINT NOT NULL DEFAULT 0,
            status TEXT NOT NULL,
            created_at TEXT COLLATE "C" NOT NULL,
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
]
