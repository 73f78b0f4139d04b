"""Two writers on one database: nothing lost, no "database is locked", conflicts detected.

Two Store instances on two threads (each with its own connection, as the window and its
background pre-annotation) and two processes (two windows, or a window and a batch command)
hammer the same file. Every action either returns (and is then in the file) or is refused with a
clear error; none is overwritten silently, and SQLite's "database is locked" never reaches the
caller (busy timeout + BEGIN IMMEDIATE).
"""
from __future__ import annotations

import sqlite3
import subprocess
import sys
import threading

import pytest

from annotate.errors import ConflictError, MarginaliaError
from annotate.model import AnnotatedDocument, Annotations, Document, Span
from store import Store
from tests.helpers import crash_check

TEXT = ("Turkey is against Haftar, whom the United Arab Emirates back. Kalın said a truce is possible "
        "if everybody went back to their positions in 2015. Çavuşoğlu met Lavrov in Moscow on Monday.")


@pytest.fixture
def shared(db_path):
    with Store.open(str(db_path), "setup") as store:
        store.import_documents([AnnotatedDocument(Document("d1", TEXT, {"title": "d1"}),
                                                  Annotations([Span("s1", 0, 6, "GPE", decision="suggested",
                                                                     origin="model:x@1"),
                                                               Span("e1", 18, 24, "PERSON")]))])
    return db_path


def test_two_threads_lose_no_update(shared):
    per_thread = 60
    errors: list[BaseException] = []
    returned: dict[str, list[str]] = {}
    barrier = threading.Barrier(2)

    def work(name: str) -> None:
        ids = returned.setdefault(name, [])
        try:
            with Store.open(str(shared), name) as store:
                barrier.wait()
                for i in range(per_thread):
                    start = (i * 7) % 150
                    changes = store.add_entity("d1", start, start + 5, "ORG")
                    ids.extend(changes.created)
                    if i % 5 == 4:
                        store.undo()
                        store.redo()  # the entity comes back under its own id
        except BaseException as exc:  # reported to the main thread
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(name,)) for name in ("ana", "ben")]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert not errors, errors
    with Store.open(str(shared), "checker") as store:
        spans = {s.id: s for s in store.annotations("d1").spans}
        assert store.verify().ok
    for name, ids in returned.items():
        assert len(ids) == per_thread
        for span_id in ids:
            assert span_id in spans and spans[span_id].annotator == name
    assert sum(1 for s in spans.values() if s.annotator in ("ana", "ben")) == 2 * per_thread


def test_two_processes_lose_no_update_and_never_see_locked(shared, tmp_path):
    """Two crash drivers (every kind of action) on one file at once, to the end."""
    outs = [tmp_path / "a.out", tmp_path / "b.out"]
    procs = [subprocess.Popen([sys.executable, str(crash_check.CRASH_DRIVER), str(shared), str(seed), "300"],
                              stdout=open(out, "wb"), stderr=subprocess.PIPE)
             for seed, out in zip((101, 202), outs)]
    for proc in procs:
        _, err = proc.communicate(timeout=180)
        # A "database is locked" (or any error) would end the driver with a traceback.
        assert proc.returncode == 0, err.decode(errors="replace")[-3000:]
        assert b"locked" not in err
    conn = crash_check.check_sound(shared, "two drivers")
    events = {seq: digest for seq, digest in conn.execute("SELECT seq, hash FROM audit")}
    conn.close()
    total = 0
    for out in outs:
        _, actions, ended = crash_check.returned_lines(out)
        assert ended
        for done in actions:
            assert events.get(done["seq"]) == done["hash"], f"action {done} was lost or overwritten"
        total += len(actions)
    crash_check.verify_with_cli(shared, "two drivers")
    assert total >= 300


def test_a_writer_waits_for_the_other_instead_of_failing(shared):
    """A long transaction in another connection: the store waits (busy timeout), then succeeds."""
    blocker = sqlite3.connect(shared, isolation_level=None)
    blocker.execute("BEGIN IMMEDIATE")
    result = {}

    def act():
        with Store.open(str(shared), "ana") as store:
            result["changes"] = store.add_entity("d1", 35, 55, "GPE")

    thread = threading.Thread(target=act)
    thread.start()
    thread.join(timeout=0.5)
    assert thread.is_alive(), "the store did not wait for the other writer"
    blocker.execute("COMMIT")
    blocker.close()
    thread.join(timeout=30)
    assert result["changes"].event is not None


def test_a_busy_database_is_a_clear_error_not_a_crash(shared, monkeypatch):
    """When the other writer never lets go, the user gets a StoreError that says so."""
    import store.database as database
    monkeypatch.setattr(database, "BUSY_TIMEOUT_MS", 200)
    store = Store.open(str(shared), "ana")
    store.conn.execute("PRAGMA busy_timeout = 200")
    blocker = sqlite3.connect(shared, isolation_level=None)
    blocker.execute("BEGIN IMMEDIATE")
    try:
        with pytest.raises(MarginaliaError) as info:
            store.add_entity("d1", 35, 55, "GPE")
        assert "busy" in str(info.value) and "nothing was changed" in str(info.value)
    finally:
        blocker.execute("ROLLBACK")
        blocker.close()
    # Once free, the same store works.
    assert store.add_entity("d1", 35, 55, "GPE").event is not None
    store.close()


EDITS = {
    "relabel": lambda s: s.relabel("d1", "e1", "ORG"),
    "relabel-other": lambda s: s.relabel("d1", "e1", "NORP"),
    "resize": lambda s: s.resize("d1", "e1", 18, 25),
    "delete": lambda s: s.delete("d1", "e1"),
    "accept": lambda s: s.accept("d1", "s1"),
    "reject": lambda s: s.reject("d1", "s1"),
    "correct": lambda s: s.correct("d1", "s1", label="LOC"),
}
PAIRS = [("relabel", "relabel-other"), ("relabel", "resize"), ("resize", "delete"), ("relabel", "delete"),
         ("accept", "reject"), ("accept", "correct"), ("reject", "accept")]


@pytest.mark.parametrize("first,second", PAIRS)
def test_conflicting_edits_from_the_same_prior_state_are_detected(shared, first, second):
    """Two windows show the same span; both edit it. The second is refused, not applied over the first."""
    a = Store.open(str(shared), "ana")
    b = Store.open(str(shared), "ben")
    try:
        a.annotations("d1")  # both windows have loaded the document
        b.annotations("d1")
        EDITS[first](a)
        after_first = a.annotations("d1")
        events = a.conn.execute("SELECT count(*) FROM audit").fetchone()[0]
        with pytest.raises(ConflictError) as info:
            EDITS[second](b)
        assert "elsewhere" in str(info.value) and "reload" in str(info.value), str(info.value)
        # Nothing of the second edit was written.
        now = b.annotations("d1")
        assert (now.spans, now.stances, now.relations) == (after_first.spans, after_first.stances,
                                                           after_first.relations)
        assert a.conn.execute("SELECT count(*) FROM audit").fetchone()[0] == events
        with Store.open(str(shared), "checker") as checker:
            assert checker.verify().ok
    finally:
        a.close()
        b.close()


def test_undo_after_another_window_edited_the_same_span_is_refused(shared):
    a = Store.open(str(shared), "ana")
    b = Store.open(str(shared), "ben")
    try:
        a.relabel("d1", "e1", "ORG")
        b.annotations("d1")
        b.relabel("d1", "e1", "NORP")
        with pytest.raises(ConflictError):
            a.undo()
        assert a.annotations("d1").spans[1].label == "NORP"
    finally:
        a.close()
        b.close()


def test_the_window_reports_a_conflict(shared, qtbot, monkeypatch):
    """The window says what happened (a message box and the status line) and reloads the document."""
    from PySide6.QtWidgets import QMessageBox

    from ui.main_window import MainWindow
    shown = []
    monkeypatch.setattr(QMessageBox, "warning", lambda *args, **kwargs: shown.append(args))
    store = Store.open(str(shared), "ana")
    other = Store.open(str(shared), "ben")
    try:
        window = MainWindow(store)
        qtbot.addWidget(window)
        window.open_document("d1")
        other.annotations("d1")
        other.relabel("d1", "e1", "NORP")
        assert window.run(lambda: store.relabel("d1", "e1", "ORG")) is None
        assert shown and "changed elsewhere" in shown[0][2]
        assert "changed elsewhere" in window.last_error
        # Reloaded: the window now shows the other window's edit, and the next edit goes through.
        assert window.state.spans["e1"].label == "NORP"
        assert window.run(lambda: store.relabel("d1", "e1", "ORG")) is not None
    finally:
        # The window's store stays open until the window goes (qtbot closes it after the test):
        # its panels may still read from it.
        other.close()


def test_a_busy_database_says_so_with_an_error_the_window_can_retry(shared, monkeypatch):
    from annotate.errors import BusyError
    store = Store.open(str(shared), "ana")
    store.conn.execute("PRAGMA busy_timeout = 100")
    blocker = sqlite3.connect(shared, isolation_level=None)
    blocker.execute("BEGIN IMMEDIATE")
    try:
        with pytest.raises(BusyError, match="another program is writing to it.*0.1 s; nothing was changed"):
            store.set_status("d1", "done")
    finally:
        blocker.execute("ROLLBACK")
        blocker.close()
    assert store.set_status("d1", "done").event is not None
    store.close()


def test_an_import_holds_no_write_lock_while_it_reads_and_checks_its_documents(shared):
    """SQLite has one writer at a time: an import that validated and serialised 100,000 documents
    inside its transaction kept every window waiting (29 s for 20,000), and their actions failed
    with "database is locked". Only the writing itself holds the lock now: while the import goes
    through its documents, another connection can write at once (timeout 0)."""
    other = sqlite3.connect(shared, isolation_level=None, timeout=0)
    written = []

    def progress(done: int) -> None:
        other.execute("BEGIN IMMEDIATE")
        other.execute("COMMIT")
        written.append(done)

    documents = [AnnotatedDocument(Document(f"big{i}", TEXT, {"title": f"big {i}"}),
                                   Annotations([Span("e1", 0, 6, "GPE"), Span("e2", 18, 24, "PERSON")]))
                 for i in range(300)]
    with Store.open(str(shared), "importer") as store:
        result = store.import_documents(documents, on_progress=progress)
        assert result.documents == 300 and store.verify().ok
    other.close()
    assert written == list(range(1, 301))


def test_a_document_imported_meanwhile_by_another_process_is_met_at_commit(shared):
    """Between reading and writing, another process imports one of the same documents: the same
    text is left as it is (counted as present), another text refuses the whole import."""
    from annotate.errors import ValidationError
    with Store.open(str(shared), "importer") as store, Store.open(str(shared), "other") as other:
        def sneak(same_text: bool):
            def progress(done: int) -> None:
                if done == 1:
                    other.import_documents([AnnotatedDocument(Document("late", TEXT if same_text else TEXT + "!"))])
            return progress
        documents = [AnnotatedDocument(Document(doc_id, TEXT)) for doc_id in ("early", "late")]
        with pytest.raises(ValidationError, match="'late' is already in the database with a different text"):
            store.import_documents(documents, on_progress=sneak(False))
        assert store.conn.execute("SELECT count(*) FROM documents WHERE id = 'early'").fetchone()[0] == 0
        documents = [AnnotatedDocument(Document(doc_id, TEXT)) for doc_id in ("early2", "late2")]
        other_doc = [AnnotatedDocument(Document("late2", TEXT))]

        def progress(done: int) -> None:
            if done == 1:
                other.import_documents(other_doc)
        result = store.import_documents(documents, on_progress=progress)
        assert (result.documents, result.skipped) == (1, 1)
        assert store.verify().ok
