"""Model menu, driven through the real widgets: train from the gold in the background, pre-annotate
with the pipeline just trained, and evaluate it with the documents it was trained on held out."""
from __future__ import annotations

import json

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialogButtonBox, QFileDialog, QLabel, QPushButton

import main
from annotate.model import AnnotatedDocument, Document
from tests.test_training import _make_gold, _text


def _finish(qtbot, window) -> None:
    qtbot.waitUntil(lambda: not window.tasks, timeout=300_000)


def _pick(chooser, value: str) -> None:
    for row in range(chooser.list.count()):
        if chooser.list.item(row).data(Qt.ItemDataRole.UserRole) == value:
            chooser.list.setCurrentRow(row)
            return
    raise AssertionError(f"{value} is not offered: {[chooser.list.item(r).text() for r in range(chooser.list.count())]}")


def test_train_then_preannotate_with_it_then_evaluate_held_out(qtbot, make_window, store, db_path, tmp_path, capsys,
                                                              monkeypatch):
    _make_gold(store, 8, done=6)
    window = make_window([("fresh", _text(9)[0] + " Anna Berg flew to Cairo.", [])])
    assert store.document_count() == 9

    window.actions_by_id["model.train"].trigger()
    dialog = window.train_dialog
    out = tmp_path / "models" / "first"
    dialog.out.setText(str(out))
    dialog.max_steps.setValue(30)
    dialog.seed.setValue(1)
    dialog.dev_fraction.setValue(0.34)
    dialog.buttons.button(QDialogButtonBox.StandardButton.Ok).click()
    _finish(qtbot, window)
    assert "trained model:" in window.message_label.text(), window.last_error
    record = json.loads((out / "training" / "documents.json").read_text())
    trained_ids = sorted(d["id"] for d in record["train"])
    assert len(trained_ids) == 4 and len(record["dev"]) == 2  # six done: 2 dev, 4 trained on

    window.actions_by_id["model.preannotate"].trigger()
    chooser = window.model_chooser
    assert chooser.list.currentItem().data(Qt.ItemDataRole.UserRole) == str(out.resolve())  # offered first
    chooser.buttons.button(QDialogButtonBox.StandardButton.Ok).click()
    qtbot.waitUntil(lambda: window.preannotation is not None and not window.preannotation.thread.isRunning(),
                    timeout=120_000)
    qtbot.waitUntil(lambda: "pre-annotation done" in window.message_label.text(), timeout=10_000)
    origins = {s.origin for s in store.annotations("fresh").spans}
    meta = json.loads((out / "meta.json").read_text())
    assert origins == {f"model:{meta['name']}@{meta['version']}"}, origins

    # The reviewer accepts the trained model's first suggestion with the keys.
    with qtbot.waitActive(window):
        window.activateWindow()
    window.view.setFocus()
    qtbot.keyClick(window.view, Qt.Key.Key_J)
    qtbot.keyClick(window.view, Qt.Key.Key_A)
    assert [s.decision for s in store.annotations("fresh").spans].count("accepted") == 1

    # Evaluate, the pipeline given as a folder (Pipeline folder…), its training documents held out.
    window.actions_by_id["model.evaluate"].trigger()
    chooser = window.model_chooser
    monkeypatch.setattr(QFileDialog, "getExistingDirectory", lambda *a, **k: str(out))
    qtbot.mouseClick(next(b for b in chooser.findChildren(QPushButton) if b.text() == "Pipeline &folder…"),
                     Qt.MouseButton.LeftButton)
    assert chooser.choice() == str(out)
    assert chooser.held_out.isEnabled() and chooser.held_out.isChecked()
    chooser.buttons.button(QDialogButtonBox.StandardButton.Ok).click()
    _finish(qtbot, window)
    dialog = window.evaluation_dialog
    report = dialog.report
    assert report["documents"] == 2 and report["excluded_trained"] == 4
    table = dialog.scores
    assert [table.item(r, 0).text() for r in range(table.rowCount())][-1] == "ALL"
    assert "4 documents it was trained on held out" in dialog.findChild(QLabel).text()
    acceptance = {(dialog.acceptance.item(r, 0).text(), dialog.acceptance.item(r, 1).text()):
                  dialog.acceptance.item(r, 2).text() for r in range(dialog.acceptance.rowCount())}
    assert acceptance[(f"model:{meta['name']}@{meta['version']}", "ALL")] == "1"  # accepted, per model version
    chart = dialog.tabs.widget(2).widget()
    assert not chart.pixmap().isNull() and chart.pixmap().width() >= 900

    # The same numbers as the command line.
    assert main.main(["evaluate", "--db", str(db_path), "--model", str(out), "--held-out", "--json"]) == 0
    cli = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert cli["entities"] == report["entities"] and cli["documents"] == 2

    # Builtin records no training documents: holding out is not offered, and the command refuses it.
    window.evaluate_model()
    _pick(window.model_chooser, "builtin")
    assert not window.model_chooser.held_out.isEnabled()
    window.model_chooser.reject()
    assert main.main(["evaluate", "--db", str(db_path), "--model", "builtin", "--held-out"]) == 1
    assert "records no training documents" in capsys.readouterr().err

    # A spaCy pipeline installed as a package (as `spacy download` or `pip install` leave one: an
    # entry point of the spacy_models group) is offered and runs.
    _install_pipeline_package(tmp_path / "site", "xx_marginalia_test", out, monkeypatch)
    store.import_documents([AnnotatedDocument(Document("later", "Omar Haddad met Lena Vogt in Cairo."))])
    window.actions_by_id["model.preannotate"].trigger()
    _pick(window.model_chooser, "xx_marginalia_test")
    window.model_chooser.buttons.button(QDialogButtonBox.StandardButton.Ok).click()
    qtbot.waitUntil(lambda: window.preannotation is not None and not window.preannotation.thread.isRunning()
                    and "pre-annotation done" in window.message_label.text(), timeout=120_000)
    assert store.annotations("later").spans, window.last_error


def _install_pipeline_package(site, name: str, pipeline, monkeypatch) -> None:
    """A package whose load() loads ``pipeline``, registered the way spaCy's model packages are."""
    package = site / name
    package.mkdir(parents=True)
    (package / "__init__.py").write_text(
        f"import spacy\n\ndef load(**overrides):\n    return spacy.load({str(pipeline)!r}, **overrides)\n")
    info = site / f"{name}-1.0.0.dist-info"
    info.mkdir()
    (info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {name}\nVersion: 1.0.0\n")
    (info / "entry_points.txt").write_text(f"[spacy_models]\n{name} = {name}\n")
    monkeypatch.syspath_prepend(str(site))
    import catalogue
    from importlib import metadata
    # catalogue reads the entry points once, when first imported: what a program started after the install sees.
    monkeypatch.setattr(catalogue, "AVAILABLE_ENTRY_POINTS", metadata.entry_points())


def test_training_with_too_little_gold_reports_and_writes_nothing(qtbot, make_window, store, tmp_path):
    _make_gold(store, 3, done=1)
    window = make_window([("x", "Nothing here.", [])])
    out = tmp_path / "model"
    window.run_training({"out": str(out), "dev_fraction": 0.2, "seed": 0, "max_steps": 5})
    _finish(qtbot, window)
    assert "not enough gold to train" in window.report_box.text()
    assert not out.exists()
