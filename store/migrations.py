"""The database schema as a sequence of migrations (sqlite-utils ``Migrations``).

A database records which migrations it has; opening one applies the missing ones in order, each
in its own transaction. Never edit a migration that has shipped: add a new one.
"""
from __future__ import annotations

from sqlite_utils import Database
from sqlite_utils.migrations import Migrations

MIGRATION_SET = "marginalia"
migrations = Migrations(MIGRATION_SET)


@migrations()
def m001_core(db: Database) -> None:
    db.executescript("""
    CREATE TABLE marginalia (key TEXT PRIMARY KEY, value TEXT NOT NULL);
    CREATE TABLE schemas (
        version INTEGER PRIMARY KEY,
        name TEXT NOT NULL,
        body TEXT NOT NULL,
        created_at TEXT NOT NULL
    );
    CREATE TABLE documents (
        id TEXT PRIMARY KEY,
        text TEXT NOT NULL,
        sha256 TEXT NOT NULL,
        meta TEXT NOT NULL DEFAULT '{}',
        created_at TEXT NOT NULL
    );
    CREATE TABLE spans (
        doc_id TEXT NOT NULL REFERENCES documents(id),
        id TEXT NOT NULL,
        layer TEXT NOT NULL CHECK (layer IN ('entity', 'claim')),
        start INTEGER NOT NULL,
        "end" INTEGER NOT NULL,
        label TEXT NOT NULL,
        origin TEXT NOT NULL,
        decision TEXT NOT NULL CHECK (decision IN ('suggested', 'accepted', 'rejected', 'manual')),
        annotator TEXT,
        score REAL,
        claimant TEXT,
        claimant_text TEXT,
        claim_type TEXT,
        checkworthy INTEGER,
        replaces TEXT,
        attrs TEXT NOT NULL DEFAULT '{}',
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL,
        PRIMARY KEY (doc_id, id),
        CHECK (start >= 0 AND start < "end"),
        FOREIGN KEY (doc_id, claimant) REFERENCES spans(doc_id, id)
    );
    CREATE TABLE stances (
        doc_id TEXT NOT NULL REFERENCES documents(id),
        id TEXT NOT NULL,
        holder TEXT NOT NULL,
        target TEXT NOT NULL,
        polarity TEXT NOT NULL,
        evidence TEXT,
        origin TEXT NOT NULL,
        decision TEXT NOT NULL CHECK (decision IN ('suggested', 'accepted', 'rejected', 'manual')),
        annotator TEXT,
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL,
        PRIMARY KEY (doc_id, id),
        FOREIGN KEY (doc_id, holder) REFERENCES spans(doc_id, id),
        FOREIGN KEY (doc_id, target) REFERENCES spans(doc_id, id),
        FOREIGN KEY (doc_id, evidence) REFERENCES spans(doc_id, id)
    );
    CREATE TABLE relations (
        doc_id TEXT NOT NULL REFERENCES documents(id),
        id TEXT NOT NULL,
        head TEXT NOT NULL,
        tail TEXT NOT NULL,
        label TEXT NOT NULL,
        origin TEXT NOT NULL,
        decision TEXT NOT NULL CHECK (decision IN ('suggested', 'accepted', 'rejected', 'manual')),
        annotator TEXT,
        score REAL,
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL,
        PRIMARY KEY (doc_id, id),
        FOREIGN KEY (doc_id, head) REFERENCES spans(doc_id, id),
        FOREIGN KEY (doc_id, tail) REFERENCES spans(doc_id, id)
    );
    CREATE TABLE doc_labels (
        doc_id TEXT NOT NULL REFERENCES documents(id),
        label TEXT NOT NULL,
        annotator TEXT NOT NULL,
        created_at TEXT NOT NULL,
        PRIMARY KEY (doc_id, label, annotator)
    );
    CREATE TABLE doc_status (
        doc_id TEXT NOT NULL REFERENCES documents(id),
        annotator TEXT NOT NULL,
        status TEXT NOT NULL CHECK (status IN ('new', 'in_progress', 'done', 'skipped')),
        reason TEXT,
        updated_at TEXT NOT NULL,
        PRIMARY KEY (doc_id, annotator)
    );
    CREATE TABLE audit (
        seq INTEGER PRIMARY KEY,
        at TEXT NOT NULL,
        actor TEXT NOT NULL,
        action TEXT NOT NULL,
        doc_id TEXT,
        changes TEXT NOT NULL,
        prev_hash TEXT NOT NULL,
        hash TEXT NOT NULL
    );
    """)


@migrations()
def m002_lookup_indexes(db: Database) -> None:
    # The window asks "next unreviewed suggestion" and "documents with suggestions left" on
    # every keypress and filter; these indexes keep both independent of corpus size.
    db.executescript("""
    CREATE INDEX spans_by_decision ON spans(decision, doc_id);
    CREATE INDEX spans_by_position ON spans(doc_id, start);
    CREATE INDEX stances_by_doc ON stances(doc_id);
    CREATE INDEX relations_by_doc ON relations(doc_id);
    CREATE INDEX status_by_annotator ON doc_status(annotator, status);
    CREATE INDEX audit_by_doc ON audit(doc_id, seq);
    CREATE INDEX documents_by_sha ON documents(sha256);
    """)


@migrations()
def m003_merged_audit(db: Database) -> None:
    # `merge` keeps each source database's audit events here, as they were (hash chain and
    # all), so a merged file carries its annotators' histories and store.merge can re-verify
    # them; `source` is the source's identity (see store/merge.py).
    db.executescript("""
    CREATE TABLE merged_audit (
        source TEXT NOT NULL,
        seq INTEGER NOT NULL,
        at TEXT NOT NULL,
        actor TEXT NOT NULL,
        action TEXT NOT NULL,
        doc_id TEXT,
        changes TEXT NOT NULL,
        prev_hash TEXT NOT NULL,
        hash TEXT NOT NULL,
        PRIMARY KEY (source, seq)
    );
    """)


@migrations()
def m004_document_search(db: Database) -> None:
    # Search over text, title and id through an FTS5 trigram index (substring matches, as the
    # instr() scan it replaces, but case-insensitive and independent of corpus size).
    #
    # The index is contentless (the text is stored once, in `documents`). SQLite refuses an
    # FTS5 table inside a trigger while `trusted_schema` is OFF (which store.database sets, so
    # that a hostile file's triggers cannot reach virtual tables), so the triggers do not write
    # the index: they record, in the same transaction, which documents it no longer matches
    # (`documents_search_pending`, with the values the index holds for them, which a contentless
    # FTS5 table needs to delete a row); store.queries.sync_search folds them in before a search.
    db.executescript("""
    CREATE VIRTUAL TABLE documents_search USING fts5(id, title, text, content='', tokenize='trigram');
    INSERT INTO documents_search (rowid, id, title, text)
        SELECT rowid, id, coalesce(json_extract(meta, '$.title'), ''), text FROM documents;
    CREATE TABLE documents_search_pending (
        doc_rowid INTEGER PRIMARY KEY,
        id TEXT,
        meta TEXT,
        text TEXT
    );
    CREATE TRIGGER documents_search_insert AFTER INSERT ON documents BEGIN
        INSERT OR IGNORE INTO documents_search_pending (doc_rowid) VALUES (new.rowid);
    END;
    CREATE TRIGGER documents_search_delete AFTER DELETE ON documents BEGIN
        INSERT OR IGNORE INTO documents_search_pending (doc_rowid, id, meta, text)
            VALUES (old.rowid, old.id, old.meta, old.text);
    END;
    CREATE TRIGGER documents_search_update AFTER UPDATE OF id, text, meta ON documents BEGIN
        INSERT OR IGNORE INTO documents_search_pending (doc_rowid, id, meta, text)
            VALUES (old.rowid, old.id, old.meta, old.text);
    END;
    """)


@migrations()
def m005_teamwork(db: Database) -> None:
    # Comments on a document (target NULL) or on one of its annotations (target: a span, stance
    # or relation id; no foreign key, since it may be any of the three); the active time each
    # annotator spent on each document (idle time left out, see annotate/worktime.py); and which
    # documents a lead assigned to whom (store/assign.py). All three are audited like every table.
    db.executescript("""
    CREATE TABLE comments (
        doc_id TEXT NOT NULL REFERENCES documents(id),
        id TEXT NOT NULL,
        target TEXT,
        annotator TEXT NOT NULL,
        body TEXT NOT NULL,
        needs_discussion INTEGER NOT NULL DEFAULT 0 CHECK (needs_discussion IN (0, 1)),
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL,
        PRIMARY KEY (doc_id, id)
    );
    CREATE INDEX comments_by_target ON comments(doc_id, target);
    CREATE INDEX comments_needing_discussion ON comments(needs_discussion, doc_id);
    CREATE TABLE work_time (
        doc_id TEXT NOT NULL REFERENCES documents(id),
        annotator TEXT NOT NULL,
        seconds REAL NOT NULL CHECK (seconds >= 0),
        updated_at TEXT NOT NULL,
        PRIMARY KEY (doc_id, annotator)
    );
    CREATE TABLE assignments (
        doc_id TEXT NOT NULL REFERENCES documents(id),
        annotator TEXT NOT NULL,
        assigned_at TEXT NOT NULL,
        PRIMARY KEY (doc_id, annotator)
    );
    CREATE INDEX assignments_by_annotator ON assignments(annotator, doc_id);
    """)


@migrations()
def m006_child_key_indexes(db: Database) -> None:
    # Updating or deleting a span makes SQLite look for the rows whose foreign keys name it (a
    # claim's claimant, a stance's holder, target or evidence, a relation's head or tail); with
    # no index on those columns each look-up read every span of the document: accept-all on
    # 5,101 suggestions of one document took 26 s, its undo 34 s. SQLite's foreign-key page
    # asks for exactly these indexes. Claimant and evidence are mostly empty: partial indexes.
    db.executescript("""
    CREATE INDEX spans_by_claimant ON spans(doc_id, claimant) WHERE claimant IS NOT NULL;
    CREATE INDEX stances_by_holder ON stances(doc_id, holder);
    CREATE INDEX stances_by_target ON stances(doc_id, target);
    CREATE INDEX stances_by_evidence ON stances(doc_id, evidence) WHERE evidence IS NOT NULL;
    CREATE INDEX relations_by_head ON relations(doc_id, head);
    CREATE INDEX relations_by_tail ON relations(doc_id, tail);
    """)


#: Every migration this version knows, in order; a database that has applied others is newer.
KNOWN_MIGRATIONS = [m001_core.__name__, m002_lookup_indexes.__name__, m003_merged_audit.__name__,
                    m004_document_search.__name__, m005_teamwork.__name__, m006_child_key_indexes.__name__]
