"""Files the program will not touch, files it migrates, and files it creates.

A refused file must stay byte-for-byte as it was: same bytes, same modification time, and no
-wal / -shm companions left beside it.
"""
from __future__ import annotations

import json
import os
import shutil
import sqlite3
import stat
from pathlib import Path

import pytest

import main
from annotate.errors import StoreError
from annotate.model import AnnotatedDocument, Annotations, Document, Span
from annotate.schema import default_schema
from store import Store, open_database
from store.migrations import KNOWN_MIGRATIONS, MIGRATION_SET, migrations

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"
TEXT = "Turkey is against Haftar, whom the United Arab Emirates back. Kalın said a truce is possible."


def snapshot(path: Path) -> tuple[bytes, int, list[str]]:
    st = os.stat(path)
    return path.read_bytes(), st.st_mtime_ns, sorted(os.listdir(path.parent))


def run(argv: list[str]) -> int:
    try:
        return main.main(argv)
    except SystemExit as exc:
        return exc.code


@pytest.fixture(scope="module")
def real_db(tmp_path_factory) -> Path:
    """A genuine Marginalia database with some documents and annotations, closed cleanly."""
    path = tmp_path_factory.mktemp("real") / "real.db"
    with Store.open(str(path), "ana") as store:
        store.import_documents([AnnotatedDocument(Document(f"d{i}", TEXT * 20, {"title": f"doc {i}"}),
                                                  Annotations([Span("e1", 0, 6, "GPE"),
                                                               Span("e2", 18, 24, "PERSON")]))
                                for i in range(40)])
        for i in range(10):
            store.add_entity(f"d{i}", 35, 55, "GPE")
    assert sorted(os.listdir(path.parent)) == ["real.db"]
    return path


def _bad_file(kind: str, folder: Path, real_db: Path) -> Path:
    target = folder / f"{kind}.db"
    data = real_db.read_bytes()
    if kind == "not-sqlite":
        target.write_bytes(b"%PDF-1.7\n" + os.urandom(5000))
    elif kind == "text-file":
        target.write_text("id,text\n1,hello\n", encoding="utf-8")
    elif kind == "truncated":
        target.write_bytes(data[:len(data) // 2])
    elif kind == "truncated-odd":
        target.write_bytes(data[:len(data) // 2 + 123])
    elif kind == "corrupt":
        page = 4096
        assert len(data) // page > 8
        damaged = bytearray(data)
        middle = len(data) // page // 2
        for n in (middle - 1, middle, middle + 1):
            damaged[n * page:(n + 1) * page] = bytes((n * 37 + i * 11) % 256 for i in range(page))
        target.write_bytes(bytes(damaged))
    elif kind == "foreign":
        conn = sqlite3.connect(target)
        conn.executescript("CREATE TABLE moz_places (id INTEGER PRIMARY KEY, url TEXT);"
                           "INSERT INTO moz_places (url) VALUES ('https://example.org');")
        conn.commit()
        conn.close()
    elif kind == "foreign-with-documents":
        # Another program's database that happens to have a table called "documents".
        conn = sqlite3.connect(target)
        conn.executescript("PRAGMA journal_mode = WAL;"
                           "CREATE TABLE documents (id TEXT PRIMARY KEY, text TEXT);"
                           "INSERT INTO documents VALUES ('x', 'y');")
        conn.commit()
        conn.close()
    elif kind == "newer":
        shutil.copyfile(real_db, target)
        conn = sqlite3.connect(target)
        conn.execute("INSERT INTO _sqlite_migrations (migration_set, name, applied_at) VALUES (?, ?, ?)",
                     [MIGRATION_SET, "m099_from_the_future", "2031-01-01 00:00:00+00:00"])
        conn.commit()
        conn.close()
    else:
        raise AssertionError(kind)
    assert sorted(p.name for p in folder.iterdir()) == [target.name]
    return target


EXPECTED = {
    "not-sqlite": "not a SQLite database",
    "text-file": "not a SQLite database",
    "truncated": "truncated",
    "truncated-odd": "truncated",
    "corrupt": "damaged",
    "foreign": "not a Marginalia database",
    "foreign-with-documents": "not a Marginalia database",
    "newer": "newer version of Marginalia",
}


@pytest.mark.parametrize("kind", sorted(EXPECTED))
def test_refused_files_are_left_untouched(kind, tmp_path, real_db, capsys):
    folder = tmp_path / "files"
    folder.mkdir()
    path = _bad_file(kind, folder, real_db)
    os.utime(path, ns=(1_600_000_000_000_000_000, 1_600_000_000_000_000_000))
    before = snapshot(path)

    for opener in (lambda: open_database(path), lambda: Store.open(str(path), "ana"),
                   lambda: Store.open(str(path), "ana", create=False), lambda: open_database(path, read_only=True)):
        with pytest.raises(StoreError) as info:
            opener()
        message = str(info.value)
        assert EXPECTED[kind] in message, message
        assert str(path) in message and "untouched" in message
        assert snapshot(path) == before

    for argv in (["import", str(SEEDS), "--db", str(path)], ["stats", "--db", str(path)],
                 ["audit", "--verify", "--db", str(path)], ["export", "--db", str(path), "--out", str(tmp_path / "o.jsonl")]):
        capsys.readouterr()
        assert run(argv) == 1, argv
        err = capsys.readouterr().err
        assert EXPECTED[kind] in err and str(path) in err and "Traceback" not in err
        assert snapshot(path) == before, f"{argv[0]} touched the file"
    assert not (tmp_path / "o.jsonl").exists()


def test_newer_database_message_names_the_step(tmp_path, real_db):
    folder = tmp_path / "files"
    folder.mkdir()
    path = _bad_file("newer", folder, real_db)
    with pytest.raises(StoreError, match="m099_from_the_future"):
        Store.open(str(path), "ana")


def test_corrupt_message_is_plain(tmp_path, real_db):
    folder = tmp_path / "files"
    folder.mkdir()
    path = _bad_file("corrupt", folder, real_db)
    with pytest.raises(StoreError) as info:
        Store.open(str(path), "ana")
    message = str(info.value)
    assert message.startswith(f"{path}: the database is damaged")
    assert message.endswith("left untouched")
    assert "\n" not in message.strip() or len(message) < 400


def test_an_unchanged_real_database_opens(tmp_path, real_db):
    path = tmp_path / "copy.db"
    shutil.copyfile(real_db, path)
    with Store.open(str(path), "ana") as store:
        assert store.document_count() == 40
        assert store.verify().ok


# ---- migration of an older database ----------------------------------------------------------


def _first_step_only(path: Path) -> None:
    from sqlite_utils import Database
    db = Database(path)
    migrations.apply(db, stop_before="m002_lookup_indexes")
    conn = db.conn
    at = "2025-01-02T03:04:05.000000+00:00"
    conn.execute("INSERT INTO marginalia (key, value) VALUES ('application', 'marginalia')")
    conn.execute("INSERT INTO schemas (version, name, body, created_at) VALUES (1, 'news', ?, ?)",
                 [default_schema().to_json(), at])
    conn.execute("INSERT INTO documents (id, text, sha256, meta, created_at) VALUES (?, ?, ?, ?, ?)",
                 ["old", TEXT, Document("old", TEXT).sha256, json.dumps({"title": "From an old version"}), at])
    for span_id, start, end, label, decision in (("e1", 0, 6, "GPE", "manual"), ("e2", 18, 24, "PERSON", "suggested")):
        conn.execute('INSERT INTO spans (doc_id, id, layer, start, "end", label, origin, decision, annotator, attrs, '
                     "created_at, updated_at) VALUES ('old', ?, 'entity', ?, ?, ?, 'ana', ?, ?, '{}', ?, ?)",
                     [span_id, start, end, label, decision, "ana" if decision == "manual" else None, at, at])
    conn.execute("INSERT INTO relations (doc_id, id, head, tail, label, origin, decision, annotator, created_at, "
                 "updated_at) VALUES ('old', 'r1', 'e1', 'e2', 'OPPOSES', 'ana', 'manual', 'ana', ?, ?)", [at, at])
    conn.execute("INSERT INTO doc_status (doc_id, annotator, status, updated_at) VALUES ('old', 'ana', 'in_progress', ?)",
                 [at])
    conn.commit()
    conn.close()


def _rows(path: Path) -> dict[str, list]:
    conn = sqlite3.connect(path)
    try:
        return {t: sorted(conn.execute(f"SELECT * FROM {t}").fetchall(), key=repr)
                for t in ("marginalia", "schemas", "documents", "spans", "relations", "stances", "doc_status")}
    finally:
        conn.close()


def test_a_database_of_the_first_schema_step_is_migrated_with_its_data(tmp_path):
    path = tmp_path / "old.db"
    _first_step_only(path)
    conn = sqlite3.connect(path)
    applied = [r[0] for r in conn.execute("SELECT name FROM _sqlite_migrations ORDER BY rowid")]
    indexes_before = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL")}
    conn.close()
    assert applied == ["m001_core"] and "spans_by_decision" not in indexes_before
    before = _rows(path)

    with Store.open(str(path), "ana") as store:
        assert store.document_count() == 1
        ann = store.annotations("old")
        assert [(s.id, s.label, s.decision) for s in ann.spans] == [("e1", "GPE", "manual"), ("e2", "PERSON", "suggested")]
        assert [(r.head, r.tail, r.label) for r in ann.relations] == [("e1", "e2", "OPPOSES")]
        assert store.status("old") == ("in_progress", None)
        assert store.schema.name == "news"
        # The migrated database takes new work.
        store.accept("old", "e2")

    conn = sqlite3.connect(path)
    applied = [r[0] for r in conn.execute("SELECT name FROM _sqlite_migrations WHERE migration_set = ? ORDER BY rowid",
                                          [MIGRATION_SET])]
    indexes = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'index'")}
    journal = conn.execute("PRAGMA journal_mode").fetchone()[0]
    conn.close()
    assert applied == KNOWN_MIGRATIONS
    assert {"spans_by_decision", "spans_by_position", "audit_by_doc", "documents_by_sha"} <= indexes
    assert journal == "wal"
    after = _rows(path)
    for table in ("marginalia", "schemas", "documents", "relations", "doc_status"):
        assert after[table] == before[table], table
    # Only the accepted suggestion changed, and only its decision, annotator and time.
    # (Columns added by later migrations, such as spans.cluster, hold their default.)
    assert all(a[len(b):] == (None,) * (len(a) - len(b)) for b, a in zip(before["spans"], after["spans"]))
    changed = [(b, a[:len(b)]) for b, a in zip(before["spans"], after["spans"]) if a[:len(b)] != b]
    assert len(changed) == 1
    b, a = changed[0]
    assert b[1] == "e2" and a[7] == "accepted" and a[8] == "ana"


# ---- files the program creates ---------------------------------------------------------------


def test_a_new_database_is_readable_by_its_owner_only(tmp_path):
    path = tmp_path / "sub" / "new.db"
    store = Store.open(str(path), "ana")
    try:
        assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
        store.import_documents([AnnotatedDocument(Document("d", TEXT))])
        for companion in (Path(str(path) + "-wal"), Path(str(path) + "-shm")):
            if companion.exists():
                assert stat.S_IMODE(os.stat(companion).st_mode) & 0o077 == 0, companion
    finally:
        store.close()
    cli_path = tmp_path / "cli.db"
    assert run(["import", str(SEEDS), "--db", str(cli_path)]) == 0
    assert stat.S_IMODE(os.stat(cli_path).st_mode) == 0o600


def test_a_read_only_database_is_refused_for_writing(tmp_path, real_db, capsys):
    path = tmp_path / "ro" / "locked.db"
    path.parent.mkdir()
    shutil.copyfile(real_db, path)
    os.chmod(path, 0o444)
    before = snapshot(path)
    try:
        with pytest.raises(StoreError) as info:
            Store.open(str(path), "ana")
        assert "read-only" in str(info.value) and str(path) in str(info.value)
        with pytest.raises(StoreError, match="read-only"):
            open_database(path)
        assert snapshot(path) == before
        capsys.readouterr()
        assert run(["import", str(SEEDS), "--db", str(path)]) == 1
        assert "read-only" in capsys.readouterr().err
        assert snapshot(path) == before
    finally:
        os.chmod(path, 0o600)
