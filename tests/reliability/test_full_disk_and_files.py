"""A full disk, and files the other tests do not cover (tests/test_database_files.py has the rest).

A full disk is simulated with SQLite's ``PRAGMA max_page_count`` on the store's own connection:
the next write that needs a page more fails with SQLITE_FULL, exactly as when the disk is full.
Whatever hits it is refused with a clear message and leaves the database as it was: no half
import, no half action, no half pre-annotation batch, and the audit log still verifies.
"""
from __future__ import annotations

import json
import os
import shutil
import sqlite3

import pytest

import main
from annotate.errors import MarginaliaError, StoreError
from annotate.model import AnnotatedDocument, Annotations, Document, Span
from store import Store
from store.database import open_database
from tests.helpers import bulk


def dump(path) -> list[str]:
    conn = sqlite3.connect(path)
    try:
        return list(conn.iterdump())
    finally:
        conn.close()


def fill_up(store: Store, spare_pages: int = 2) -> None:
    pages = store.conn.execute("PRAGMA page_count").fetchone()[0]
    store.conn.execute(f"PRAGMA max_page_count = {pages + spare_pages}")


@pytest.fixture
def populated(db_path):
    with Store.open(str(db_path), "ana") as store:
        store.import_documents([AnnotatedDocument(Document(f"d{i}", bulk.TEXT, {"title": f"d{i}"}),
                                                  Annotations([Span("s1", 0, 6, "GPE", decision="suggested",
                                                                    origin="model:x@1")]))
                                for i in range(3)], as_suggestions=True)
    return db_path


def test_an_import_that_fills_the_disk_leaves_no_document(populated):
    before = dump(populated)
    store = Store.open(str(populated), "ana")
    try:
        fill_up(store)
        items = [AnnotatedDocument(Document(f"n{i}", bulk.TEXT * 20, {"title": f"n{i}"}),
                                   Annotations([Span("e1", 0, 6, "GPE")])) for i in range(300)]
        with pytest.raises(StoreError) as info:
            store.import_documents(items)
        assert "full" in str(info.value) and "nothing was changed" in str(info.value)
        assert store.document_count() == 3
    finally:
        store.close()
    assert dump(populated) == before
    assert main.main(["audit", "--verify", "--db", str(populated)]) == 0


def test_the_import_command_on_a_full_disk(populated, tmp_path, monkeypatch, capsys):
    """`marginalia import` through the real entry: exit 1, a clear message, nothing imported."""
    import store.store as store_module
    real = store_module.open_database

    def full_after_open(*args, **kwargs):
        db = real(*args, **kwargs)
        pages = db.conn.execute("PRAGMA page_count").fetchone()[0]
        db.conn.execute(f"PRAGMA max_page_count = {pages + 2}")
        return db

    monkeypatch.setattr(store_module, "open_database", full_after_open)
    source = bulk.write_big_jsonl(tmp_path / "big.jsonl", 400, prefix="full")
    before = dump(populated)
    capsys.readouterr()
    assert main.main(["import", str(source), "--db", str(populated)]) == 1
    err = capsys.readouterr().err
    assert "full" in err and "nothing was changed" in err and "Traceback" not in err
    monkeypatch.undo()
    assert dump(populated) == before


@pytest.mark.parametrize("action", ["add", "accept", "accept_all", "delete", "status", "undo"])
def test_a_user_action_on_a_full_disk_changes_nothing(populated, action):
    store = Store.open(str(populated), "ana")
    try:
        store.import_documents([AnnotatedDocument(Document(f"f{i}", bulk.TEXT, {"title": f"f{i}"}),
                                                  Annotations([Span("s1", 0, 6, "GPE", decision="suggested",
                                                                    origin="model:x@1")]))
                                for i in range(200)], as_suggestions=True)
        store.add_entity("d0", 18, 24, "PERSON")
        # No free page: fill the last ones, so that even a small write needs a new page.
        store.conn.execute("PRAGMA max_page_count = %d" % store.conn.execute("PRAGMA page_count").fetchone()[0])
        with pytest.raises(MarginaliaError):
            for i in range(10_000):  # new rows each time (over d1's suggestion "s1" it would accept it)
                store.add_entity("d1", 18, 24, "PERSON")
        # The span pages may fill before the history's (and its index's pages, one per range of
        # documents): fill those too, with actions on every document that write little but an
        # audit event, until none goes through (never "done", which the action below sets).
        for _ in range(100):
            went_through = 0
            for doc_id in ("d0", "d1", "d2"):
                for status in ("skipped", "in_progress"):
                    try:
                        store.set_status(doc_id, status, "filling")
                        went_through += 1
                    except MarginaliaError:
                        pass
            if not went_through:
                break
        store.conn.execute("PRAGMA max_page_count = %d" % store.conn.execute("PRAGMA page_count").fetchone()[0])
        # The room left in half-full pages may still hold a smaller action: repeat this one (on
        # fresh rows each time) until it is the disk that refuses it.
        run = {"add": lambda n: store.add_entity("d2", 35, 55, "GPE"),
               "accept": lambda n: store.accept(f"f{n}", "s1"),
               "accept_all": lambda n: store.accept_all(f"f{n}"),
               "delete": lambda n: store.delete(f"f{n}", "s1"),
               "status": lambda n: store.set_status(f"f{n}", "done"),
               "undo": lambda n: store.undo()}[action]
        for attempt in range(200):
            before = dump(populated)
            events = store.conn.execute("SELECT count(*) FROM audit").fetchone()[0]
            undo_before = store.undo_status()
            try:
                run(attempt)
            except StoreError as exc:
                assert "full" in str(exc), exc
                break
        else:
            raise AssertionError("the disk never filled up")
        assert dump(populated) == before
        assert store.conn.execute("SELECT count(*) FROM audit").fetchone()[0] == events
        assert store.undo_status() == undo_before, "a failed action changed the undo stack"
        # Space again: the same action goes through.
        store.conn.execute("PRAGMA max_page_count = 1073741823")
        assert run(attempt).event is not None
        assert store.verify().ok
    finally:
        store.close()


def test_a_write_the_system_refuses_is_a_clear_error_and_changes_nothing(populated):
    """A file-size limit (RLIMIT_FSIZE, as on a FAT32 stick at 4 GB): the commit cannot append to
    the -wal; SQLite says "disk I/O error", which must reach the window as a message."""
    import resource
    store = Store.open(str(populated), "ana")
    try:
        store.add_entity("d0", 18, 24, "PERSON")
        before = dump(populated)
        soft, hard = resource.getrlimit(resource.RLIMIT_FSIZE)
        resource.setrlimit(resource.RLIMIT_FSIZE, (os.path.getsize(str(populated) + "-wal"), hard))
        try:
            with pytest.raises(StoreError, match="could not be written.*nothing was changed"):
                store.add_entity("d2", 35, 55, "GPE")
        finally:
            resource.setrlimit(resource.RLIMIT_FSIZE, (soft, hard))
        assert dump(populated) == before
        assert store.add_entity("d2", 35, 55, "GPE").event is not None
        assert store.verify().ok
    finally:
        store.close()


def test_a_preannotation_batch_on_a_full_disk_is_all_or_nothing(populated):
    from annotate.preannotate import DocSuggestions
    from store.suggestions import write_suggestions
    store = Store.open(str(populated), "ana")
    try:
        before = dump(populated)
        fill_up(store, 0)
        items = [DocSuggestions(f"d{i}", bulk.TEXT, [Span(f"m{j}", j, j + 3, "GPE", decision="suggested",
                                                         origin="model:full@1") for j in range(0, 150, 4)])
                 for i in range(3)] if _doc_suggestions_takes_text() else None
        if items is None:
            pytest.skip("DocSuggestions has another shape")
        with pytest.raises(StoreError, match="full"):
            write_suggestions(store, "model:full@1", items)
        assert dump(populated) == before
    finally:
        store.close()


def _doc_suggestions_takes_text() -> bool:
    import dataclasses

    from annotate.preannotate import DocSuggestions
    names = [f.name for f in dataclasses.fields(DocSuggestions)]
    return names[:3] == ["doc_id", "text", "spans"]


def test_the_window_reports_a_full_disk(populated, qtbot):
    from ui.main_window import MainWindow
    store = Store.open(str(populated), "ana")  # open until qtbot closes the window after the test
    window = MainWindow(store)
    qtbot.addWidget(window)
    window.open_document("d0")
    fill_up(store, 0)
    with pytest.raises(MarginaliaError):
        for _ in range(10_000):
            store.add_entity("d1", 0, 6, "GPE")
    assert window.run(lambda: store.add_entity("d0", 18, 24, "PERSON")) is None
    assert "full" in window.last_error and "nothing was changed" in window.last_error


# ---- a read-only file -------------------------------------------------------------------------

def _beside(path):
    return sorted(p.name for p in path.parent.iterdir())


def test_a_read_only_database_is_refused_by_writing_commands_and_read_by_the_reading_ones(populated, tmp_path,
                                                                                        capsys):
    path = tmp_path / "ro" / "shared.db"
    path.parent.mkdir()
    shutil.copyfile(populated, path)
    os.chmod(path, 0o444)
    before = (path.read_bytes(), os.stat(path).st_mtime_ns)
    try:
        for argv in (["preannotate"], ["import", str(bulk.write_news_jsonl(tmp_path / "n.jsonl", 2))]):
            capsys.readouterr()
            assert main.main([*argv, "--db", str(path)]) == 1, argv
            err = capsys.readouterr().err
            assert "read-only" in err and str(path) in err and "Traceback" not in err
            # The message points at what can be done with the file.
            assert "export" in err and "write permission" in err
        # Commands that only read open it read-only.
        capsys.readouterr()
        assert main.main(["stats", "--json", "--db", str(path)]) == 0
        assert json.loads(capsys.readouterr().out)["documents"] == 3
        assert main.main(["audit", "--verify", "--db", str(path)]) == 0
        assert "verified" in capsys.readouterr().out
        assert main.main(["export", "--out", str(tmp_path / "o.jsonl"), "--db", str(path)]) == 0
        assert len((tmp_path / "o.jsonl").read_text(encoding="utf-8").splitlines()) == 3
        assert main.main(["merge", str(path), "--into", str(tmp_path / "team.db")]) == 0
        assert main.main(["agree", "--db", str(path)]) == 0
        # The file is untouched, and no -wal or -shm is left beside it.
        assert (path.read_bytes(), os.stat(path).st_mtime_ns) == before
        assert _beside(path) == ["shared.db"]
    finally:
        os.chmod(path, 0o600)


def test_reading_a_writable_database_leaves_nothing_beside_it(populated, tmp_path, capsys):
    """merge and agree read their sources read-only; SQLite makes -wal and -shm for that, and
    they are removed again, unless another connection still uses the database."""
    path = tmp_path / "src" / "annotator.db"
    path.parent.mkdir()
    shutil.copyfile(populated, path)
    before = path.read_bytes()
    assert main.main(["merge", str(path), "--into", str(tmp_path / "team.db")]) == 0
    assert main.main(["agree", "--db", str(path)]) == 0
    assert path.read_bytes() == before and _beside(path) == ["annotator.db"]
    # With a writer holding the database open, its -wal and -shm stay: they are in use.
    with Store.open(str(path), "ana") as writer:
        assert main.main(["agree", "--db", str(path)]) == 0
        assert _beside(path) == ["annotator.db", "annotator.db-shm", "annotator.db-wal"]
        writer.add_entity("d0", 0, 6, "GPE")
    assert _beside(path) == ["annotator.db"]


def test_an_older_database_opened_read_only_is_refused_with_the_way_out(populated, tmp_path):
    path = tmp_path / "old.db"
    shutil.copyfile(populated, path)
    with sqlite3.connect(path) as conn:
        conn.execute("DELETE FROM _sqlite_migrations WHERE name = (SELECT max(name) FROM _sqlite_migrations)")
    conn.close()
    before = path.read_bytes()
    with pytest.raises(StoreError, match="older version.*write permission") as info:
        open_database(path, read_only=True)
    assert str(path) in str(info.value) and path.read_bytes() == before


def test_a_database_that_fails_later_is_a_clear_error(populated, tmp_path):
    """A file damaged while open (another program truncates it): the next action fails with a message,
    no traceback, and nothing is reported as saved."""
    path = tmp_path / "victim.db"
    shutil.copyfile(populated, path)
    store = Store.open(str(path), "ana")
    try:
        store.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        with open(path, "r+b") as fh:
            fh.truncate(4096)
        with pytest.raises((MarginaliaError, sqlite3.DatabaseError)) as info:
            store.add_entity("d0", 18, 24, "PERSON")
        assert "malformed" in str(info.value) or "damaged" in str(info.value) or "disk" in str(info.value)
    finally:
        store.close()
