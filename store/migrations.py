"""The database schema as a sequence of migrations (sqlite-utils ``Migrations``).

A database records which migrations it has; opening one applies the missing ones in order, each
in its own transaction. Never edit a migration that has shipped: add a new one.

sqlite-utils (and with it numpy, which it imports for its type adapters: a third of the
window's start-up) is imported only when a migration is to be applied: ``pending`` reads the
applied names with plain sqlite3, and ``migrations`` (sqlite-utils' ``Migrations``) is built on
first use.
"""
from __future__ import annotations

import sqlite3
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from sqlite_utils import Database

MIGRATION_SET = "marginalia"


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


def m007_entity_groups(db: Database) -> None:
    # Entities as actors: the mentions of one person, place or organisation share a `cluster`
    # (coreference); the cluster's own row says who proposed the grouping and who decided it.
    # The column has no foreign key (SQLite adds none to an existing table without rebuilding
    # it): store/clusters.py keeps members and clusters consistent within each action.
    db.executescript("""
    ALTER TABLE spans ADD COLUMN cluster TEXT;
    CREATE INDEX spans_by_cluster ON spans(doc_id, cluster) WHERE cluster IS NOT NULL;
    CREATE TABLE clusters (
        doc_id TEXT NOT NULL REFERENCES documents(id),
        id TEXT NOT NULL,
        origin TEXT NOT NULL,
        decision TEXT NOT NULL CHECK (decision IN ('suggested', 'accepted', 'rejected', 'manual')),
        annotator TEXT,
        score REAL,
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL,
        PRIMARY KEY (doc_id, id)
    );
    """)


def m008_folded_search(db: Database) -> None:
    # The search index holds folded text, id and title (store.queries: lower case, accents and
    # marks removed, "Çavuşoğlu" as "cavusoglu"; SQLite's trigram tokenizer folds only case before
    # 3.45), and a search is folded the same way. The index is emptied and every document queued
    # for store.queries.sync_search, which the window runs in slices while idle; meanwhile the
    # queued documents are matched directly (folded too), so searches stay right. The values of
    # rows queued before hold what the old index had: nothing to delete from an empty index.
    db.executescript("""
    INSERT INTO documents_search (documents_search) VALUES ('delete-all');
    UPDATE documents_search_pending SET id = NULL, meta = NULL, text = NULL;
    INSERT OR IGNORE INTO documents_search_pending (doc_rowid) SELECT rowid FROM documents;
    """)


#: The migrations, in order.
STEPS = (m001_core, m002_lookup_indexes, m003_merged_audit, m004_document_search, m005_teamwork,
         m006_child_key_indexes, m007_entity_groups, m008_folded_search)
#: Every migration this version knows, in order; a database that has applied others is newer.
KNOWN_MIGRATIONS = [step.__name__ for step in STEPS]


def applied(conn: sqlite3.Connection) -> list[str]:
    """The names of the migrations a database has applied, in order (none for a new file)."""
    try:
        return [r[0] for r in conn.execute(
            "SELECT name FROM _sqlite_migrations WHERE migration_set = ? ORDER BY rowid", [MIGRATION_SET])]
    except sqlite3.OperationalError:  # no such table: nothing applied yet
        return []


def pending(conn: sqlite3.Connection) -> bool:
    return not set(KNOWN_MIGRATIONS) <= set(applied(conn))


class _Script:
    """What the steps use of sqlite-utils' Database (``executescript``), on a plain connection."""

    def __init__(self, conn: sqlite3.Connection):
        self.conn = conn

    def executescript(self, sql: str) -> None:
        self.conn.executescript(sql)


def create_schema(conn: sqlite3.Connection) -> None:
    """Every step's tables, indexes and triggers, on a plain (new, in-memory) connection, with no
    migration bookkeeping and no sqlite-utils: the reference a file's schema is compared with
    (store.integrity)."""
    script = _Script(conn)
    for step in STEPS:
        step(script)


def apply_pending(conn: sqlite3.Connection) -> None:
    from sqlite_utils import Database
    _migrations().apply(Database(conn))


def _migrations():
    """sqlite-utils' Migrations for these steps, made on first use."""
    built = globals().get("migrations")
    if built is None:
        from sqlite_utils.migrations import Migrations
        built = Migrations(MIGRATION_SET)
        for step in STEPS:
            built()(step)
        globals()["migrations"] = built
    return built


def __getattr__(name: str):
    if name == "migrations":  # ``from store.migrations import migrations`` still works
        return _migrations()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
