"""File menu, driven through the real widgets: Import (dialog, dropped files, a bad file, cancel),
Export (the same bytes as the command line, choices remembered), New and Open database."""
from __future__ import annotations

import json
from pathlib import Path

from PySide6.QtCore import QMimeData, QPointF, Qt, QUrl
from PySide6.QtGui import QDropEvent
from PySide6.QtWidgets import QDialogButtonBox, QFileDialog

import main
from annotate.model import Span

TEXT = "Turkey and Russia have continued dialogue to broker a ceasefire in Libya."


def _jsonl(path: Path, docs: list[dict]) -> Path:
    path.write_text("".join(json.dumps(d, ensure_ascii=False) + "\n" for d in docs), encoding="utf-8")
    return path


def _good_and_bad(tmp_path: Path) -> tuple[Path, Path]:
    good = _jsonl(tmp_path / "good.jsonl", [{"id": f"g{i}", "text": f"Ankara said {i} things."} for i in range(3)])
    bad = tmp_path / "bad.jsonl"
    bad.write_text(json.dumps({"id": "b1", "text": "Fine."}) + "\n"
                   + json.dumps({"id": "b2", "text": "Short.", "entities": [{"start": 0, "end": 99, "label": "GPE"}]})
                   + "\n", encoding="utf-8")
    return good, bad


def _counts(store) -> tuple[int, int]:
    return (store.document_count(), store.conn.execute("SELECT count(*) FROM audit").fetchone()[0])


def _finish(qtbot, window) -> None:
    qtbot.waitUntil(lambda: not window.tasks, timeout=60_000)


def _button(dialog, text: str):
    from PySide6.QtWidgets import QPushButton
    return next(b for b in dialog.findChildren(QPushButton) if b.text() == text)


def _ok(dialog) -> None:
    from PySide6.QtWidgets import QPushButton
    button: QPushButton = dialog.buttons.button(QDialogButtonBox.StandardButton.Ok)
    assert button.isEnabled()
    button.click()


def test_import_of_a_bad_file_changes_nothing_and_names_file_and_line(qtbot, make_window, store, tmp_path,
                                                                        monkeypatch):
    window = make_window([("d1", TEXT, [])])
    good, bad = _good_and_bad(tmp_path)
    before = _counts(store)
    window.actions_by_id["file.import"].trigger()
    dialog = window.import_dialog
    assert dialog.isVisible()
    monkeypatch.setattr(QFileDialog, "getOpenFileNames", lambda *a, **k: ([str(good), str(bad)], ""))
    qtbot.mouseClick(_button(dialog, "Add &files…"), Qt.MouseButton.LeftButton)
    assert dialog.paths() == [good, bad]
    _ok(dialog)
    _finish(qtbot, window)
    text = window.report_box.text()
    assert f"{bad}, line 2" in text and "Nothing was imported" in text, text
    assert window.report_box.isVisible()
    assert _counts(store) == before
    assert f"{bad}, line 2" in window.last_error


def test_import_through_the_dialog_and_by_dropping_files(qtbot, make_window, store, tmp_path):
    window = make_window([("d1", TEXT, [])])
    good, _ = _good_and_bad(tmp_path)
    folder = tmp_path / "texts"
    folder.mkdir()
    (folder / "one.txt").write_text("Cairo is large.\n", encoding="utf-8")
    (folder / "two.txt").write_text("Oslo is cold.\n", encoding="utf-8")
    dialog = window.import_files()
    dialog.add_paths([good, folder])  # as the file and folder choosers give them
    _ok(dialog)
    _finish(qtbot, window)
    assert store.document_count() == 6
    assert "imported 5 documents" in window.message_label.text()
    assert window.corpus.model.rowCount() == 6

    dropped = _jsonl(tmp_path / "dropped.jsonl", [{"id": "x1", "text": "Tripoli was quiet."}])
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(dropped))])
    event = QDropEvent(QPointF(300, 300), Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton,
                       Qt.KeyboardModifier.NoModifier)
    window.dropEvent(event)
    _finish(qtbot, window)
    assert store.document_count() == 7


def test_a_cancelled_import_imports_nothing(qtbot, make_window, store, tmp_path):
    window = make_window([("d1", TEXT, [])])
    big = _jsonl(tmp_path / "big.jsonl", [{"id": f"n{i}", "text": f"Doc {i} from Cairo."} for i in range(500)])
    before = _counts(store)
    task = window.run_import([big])
    task.cancel()  # whenever it lands, between the reading and the last document
    _finish(qtbot, window)
    assert "import cancelled: nothing was imported" in window.message_label.text()
    assert _counts(store) == before


def test_export_from_the_window_writes_the_same_bytes_as_the_command_line(qtbot, make_window, store, db_path,
                                                                            tmp_path):
    spans = [Span("turkey", 0, 6, "GPE"), Span("russia", 11, 17, "GPE")]
    window = make_window([("d1", TEXT, spans), ("d2", "Egypt and Libya met.", []), ("d3", "Oslo.", [])])
    store.accept("d1", "turkey")
    store.set_status("d1", "done")
    store.set_status("d2", "done")
    for fmt, only_done, split in (("jsonl", False, None), ("doccano", True, None), ("jsonl", True, "a=0.5,b=0.5")):
        out = tmp_path / f"window-{fmt}-{only_done}.jsonl"
        dialog = window.export_dataset()
        dialog.format.setCurrentIndex(dialog.format.findData(fmt))
        dialog.target.setText(str(out))
        dialog.only_done.setChecked(only_done)
        dialog.split.setChecked(bool(split))
        if split:
            dialog.fractions.setText(split)
            dialog.seed.setValue(7)
        _ok(dialog)
        _finish(qtbot, window)
        cli = tmp_path / f"cli-{fmt}-{only_done}.jsonl"
        argv = ["export", "--db", str(db_path), "--format", fmt, "--out", str(cli)] + (["--only-done"] if only_done else [])
        argv += ["--split", split, "--seed", "7"] if split else []
        assert main.main(argv) == 0
        pairs = [(out, cli)] if not split else [(out.with_name(f"{out.stem}.{n}.jsonl"), cli.with_name(f"{cli.stem}.{n}.jsonl"))
                                                for n in ("a", "b")]
        for mine, theirs in pairs:
            assert mine.read_bytes() == theirs.read_bytes(), (fmt, only_done, split)
            assert mine.stat().st_size > 0
        # The audit anchor goes beside it, as the command line's: the same state, the same files' hashes.
        mine, theirs = (json.loads(Path(f"{p}.manifest.json").read_text()) for p in (out, cli))
        assert mine["audit"] == theirs["audit"] and mine["format"] == fmt
        assert sorted(mine["files"].values(), key=str) == sorted(theirs["files"].values(), key=str)
        assert main.main(["audit", "--db", str(db_path), "--verify", "--expect", f"{out}.manifest.json"]) == 0
    again = window.export_dataset()  # the last choices come back
    assert again.format.currentData() == "jsonl" and again.only_done.isChecked() and again.split.isChecked()
    assert again.fractions.text() == "a=0.5,b=0.5" and again.seed.value() == 7
    again.reject()


def test_new_and_open_database_replace_the_window_and_remember_recent_files(qtbot, make_window, store, tmp_path,
                                                                               monkeypatch):
    from ui import settings
    window = make_window([("d1", TEXT, [])])
    fresh = tmp_path / "fresh"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(fresh), ""))
    window.actions_by_id["file.new"].trigger()
    session = window.session
    new_window = session.window
    qtbot.addWidget(new_window)
    assert new_window is not window and Path(new_window.store.path) == tmp_path / "fresh.db"
    assert new_window.store.document_count() == 0
    assert "no documents yet" in new_window.message_label.text()
    assert settings.recent_databases()[0] == str(tmp_path / "fresh.db")

    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(store.path), ""))
    new_window.actions_by_id["file.open"].trigger()
    third = session.window
    qtbot.addWidget(third)
    assert Path(third.store.path) == Path(store.path) and third.state.id == "d1"
    third.recent_menu.aboutToShow.emit()
    assert [a.text() for a in third.recent_menu.actions()] == [str(tmp_path / "fresh.db")]
    third.recent_menu.actions()[0].trigger()  # chosen from File → Open recent
    fourth = session.window
    qtbot.addWidget(fourth)
    assert fourth is not third and Path(fourth.store.path) == tmp_path / "fresh.db"
    assert settings.recent_databases()[:2] == [str(tmp_path / "fresh.db"), str(store.path)]
    session.close()


def _drag_and_drop(target, paths: list[Path]) -> bool:
    """What the window system sends when files are dragged from a file manager onto a widget (Qt
    passes it up to the first one that takes drops); returns whether the drop was taken."""
    from PySide6.QtCore import QPoint
    from PySide6.QtGui import QDragEnterEvent
    from PySide6.QtWidgets import QApplication
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(p)) for p in paths])
    enter = QDragEnterEvent(QPoint(20, 20), Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton,
                            Qt.KeyboardModifier.NoModifier)
    QApplication.sendEvent(target, enter)
    if not enter.isAccepted():
        return False
    drop = QDropEvent(QPointF(20, 20), Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton,
                      Qt.KeyboardModifier.NoModifier)
    QApplication.sendEvent(target, drop)
    return drop.isAccepted()


def test_files_dropped_on_the_window_are_imported_and_a_dropped_database_is_opened(qtbot, make_window, store,
                                                                                    tmp_path):
    window = make_window([("d1", TEXT, [])])
    first = _jsonl(tmp_path / "first.jsonl", [{"id": "x1", "text": "Tripoli was quiet."}])
    second = tmp_path / "second.txt"
    second.write_text("Benghazi was not.\n", encoding="utf-8")
    assert _drag_and_drop(window.view.viewport(), [first, second])  # onto the article
    _finish(qtbot, window)
    assert store.document_count() == 3 and "imported 2 documents" in window.message_label.text()
    assert window.corpus.model.rowCount() == 3

    other = tmp_path / "other.db"
    main.main(["import", str(first), "--db", str(other)])
    assert _drag_and_drop(window.corpus, [other])  # onto the list of documents
    new_window = window.session.window
    qtbot.addWidget(new_window)
    assert Path(new_window.store.path) == other and new_window.state.id == "x1"
    window.session.close()


def test_an_export_or_import_onto_the_database_itself_is_refused(qtbot, make_window, store, db_path):
    window = make_window([("d1", TEXT, [])])
    before = _counts(store)  # never read the live file outside SQLite (its locks would be dropped)
    assert window.run_export({"format": "jsonl", "out": str(db_path), "only_done": False, "annotator": None,
                              "split": None, "seed": 0}) is None
    assert "Export refused" == window.report_box.windowTitle() and str(db_path) in window.report_box.text()
    window.run_import([db_path])
    _finish(qtbot, window)
    assert window.report_box.windowTitle() == "Import refused" and "cannot also be read" in window.report_box.text()
    assert _counts(store) == before and store.verify().ok and store.conn.execute("PRAGMA quick_check").fetchone() == ("ok",)


def test_opening_a_file_that_is_no_database_says_so_and_keeps_the_window(qtbot, make_window, store, tmp_path,
                                                                         monkeypatch):
    from PySide6.QtWidgets import QMessageBox
    window = make_window([("d1", TEXT, [])])
    notes = _jsonl(tmp_path / "notes.jsonl", [{"id": "x1", "text": "Not a database."}])
    before = notes.read_bytes()
    shown = []
    monkeypatch.setattr("ui.session.headless", lambda: False)  # as on a screen: the message is a dialog
    monkeypatch.setattr(QMessageBox, "critical", lambda parent, title, text, *a: shown.append((title, text)))
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(notes), ""))
    window.actions_by_id["file.open"].trigger()
    assert shown and shown[0][0] == "Cannot open the database"
    assert str(notes) in shown[0][1] and "not a SQLite database" in shown[0][1], shown
    assert window.session.window is window and window.isVisible() and window.state.id == "d1"
    assert notes.read_bytes() == before and not Path(f"{notes}-wal").exists()


def test_an_export_onto_a_folder_is_refused_naming_it_and_writes_nothing(qtbot, make_window, store, tmp_path,
                                                                         monkeypatch):
    from PySide6.QtWidgets import QMessageBox
    window = make_window([("d1", TEXT, [])])
    folder = tmp_path / "already-a-folder.jsonl"
    folder.mkdir()
    asked = []  # replacing a folder by a file is not a question to ask
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: asked.append(a) or QMessageBox.StandardButton.No)
    dialog = window.export_dataset()
    dialog.target.setText(str(folder))
    _ok(dialog)
    _finish(qtbot, window)
    assert not asked
    assert window.report_box.windowTitle() == "Export refused" and str(folder) in window.report_box.text()
    assert "is a folder" in window.report_box.text()
    assert "Nothing was written" in window.report_box.text()
    assert list(folder.iterdir()) == [] and [p.name for p in tmp_path.iterdir() if "already" in p.name] == [folder.name]
