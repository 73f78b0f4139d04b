"""One rule for who is acting (annotate.people), held by the window, stats, export, agree and import.

Each test runs without $MARGINALIA_ANNOTATOR, as a person who never set it: the login name is then
whatever this machine's is, and must not be what the results depend on (the files' annotators have
names no login has).
"""
from __future__ import annotations

import json
from pathlib import Path

import pytest

import main
from annotate.people import login_name

TEXTS = ["Turkey and Russia met in Ankara.", "Egypt backed the talks in Cairo."]


@pytest.fixture(autouse=True)
def _no_name_in_the_environment(monkeypatch):
    monkeypatch.delenv("MARGINALIA_ANNOTATOR", raising=False)


def _file_by(path: Path, annotator: str, *, status: str = "done") -> Path:
    """A native JSONL file as another annotator's `marginalia export` writes it: decisions name them."""
    records = []
    for i, text in enumerate(TEXTS):
        end = text.index(" ")
        records.append({"id": f"d{i}", "text": text, "status": status, "labels": [],
                        "entities": [{"id": f"e{i}", "start": 0, "end": end, "label": "GPE", "decision": "manual",
                                      "origin": annotator, "annotator": annotator}]})
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    return path


def _run(capsys, argv: list[str]) -> tuple[int, str, str]:
    code = main.main(argv)
    out, err = capsys.readouterr()
    return code, out, err


def test_import_gives_the_status_to_the_annotator_the_file_names(tmp_path, capsys):
    db = tmp_path / "one.db"
    code, _, err = _run(capsys, ["import", str(_file_by(tmp_path / "anaïs.jsonl", "anaïs")), "--db", str(db)])
    assert code == 0, err
    from store import Store
    with Store.open(str(db), "reader", create=False) as store:
        assert store.conn.execute("SELECT DISTINCT annotator FROM doc_status").fetchall() == [("anaïs",)]
        assert store.annotators() == ["anaïs"]


def test_stats_and_export_act_for_the_only_annotator(tmp_path, capsys):
    db = tmp_path / "one.db"
    assert main.main(["import", str(_file_by(tmp_path / "anaïs.jsonl", "anaïs")), "--db", str(db)]) == 0
    capsys.readouterr()
    code, out, _ = _run(capsys, ["stats", "--db", str(db)])
    assert code == 0 and "done: 2" in out and "(annotator: anaïs)" in out, out
    code, out, _ = _run(capsys, ["stats", "--db", str(db), "--json"])
    assert json.loads(out)["status"]["done"] == 2
    target = tmp_path / "done.jsonl"
    code, _, err = _run(capsys, ["export", "--db", str(db), "--only-done", "--out", str(target)])
    assert code == 0, err
    assert [json.loads(line)["id"] for line in target.read_text().splitlines()] == ["d0", "d1"]


def test_with_several_annotators_a_command_that_needs_one_names_them(tmp_path, capsys):
    db = tmp_path / "team.db"
    assert main.main(["import", str(_file_by(tmp_path / "anaïs.jsonl", "anaïs")), "--db", str(db)]) == 0
    other = _file_by(tmp_path / "bénédicte.jsonl", "bénédicte")
    other.write_text(other.read_text().replace('"d0"', '"b0"').replace('"d1"', '"b1"'))
    assert main.main(["import", str(other), "--db", str(db)]) == 0
    capsys.readouterr()
    code, out, _ = _run(capsys, ["stats", "--db", str(db)])
    assert code == 0
    assert "anaïs: new: 2  in_progress: 0  done: 2" in out and "bénédicte: new: 2  in_progress: 0  done: 2" in out, out
    target = tmp_path / "x.jsonl"
    code, _, err = _run(capsys, ["export", "--db", str(db), "--only-done", "--out", str(target)])
    assert code == 1 and "several annotators (anaïs, bénédicte)" in err and "--annotator NAME" in err and not target.exists()
    code, _, err = _run(capsys, ["export", "--db", str(db), "--only-done", "--annotator", "bénédicte", "--out", str(target)])
    assert code == 0 and [json.loads(x)["id"] for x in target.read_text().splitlines()] == ["b0", "b1"]
    code, _, err = _run(capsys, ["train", "--db", str(db), "--out", str(tmp_path / "m")])
    assert code == 1 and "several annotators (anaïs, bénédicte)" in err and "--user NAME" in err
    code, _, err = _run(capsys, ["export", "--db", str(db), "--out", str(tmp_path / "all.jsonl")])
    assert code == 0  # everyone's annotations: no one is needed


def test_agree_on_two_imported_files_counts_the_documents_both_marked_done(tmp_path, capsys):
    a, b = tmp_path / "a.db", tmp_path / "b.db"
    assert main.main(["import", str(_file_by(tmp_path / "anaïs.jsonl", "anaïs")), "--db", str(a)]) == 0
    assert main.main(["import", str(_file_by(tmp_path / "bénédicte.jsonl", "bénédicte")), "--db", str(b)]) == 0
    capsys.readouterr()
    code, out, err = _run(capsys, ["agree", "--db", str(a), "--db", str(b)])
    assert code == 0, err
    assert "anaïs vs bénédicte: 2 documents both marked done" in out, out


def test_the_window_acts_for_the_only_annotator_and_agrees_with_stats(qtbot, tmp_path, capsys):
    db = tmp_path / "one.db"
    assert main.main(["import", str(_file_by(tmp_path / "anaïs.jsonl", "anaïs", status="in_progress")),
                      "--db", str(db)]) == 0
    from ui.session import Session
    session = Session()
    assert session.open(db)
    window = session.window
    qtbot.addWidget(window)
    assert window.store.annotator == "anaïs" and login_name() != "anaïs"
    window.open_document("d0")
    window.done_and_next()
    assert window.corpus.progress.text() == "1 / 2 done"
    session.close()
    capsys.readouterr()
    code, out, _ = _run(capsys, ["stats", "--db", str(db)])
    assert "done: 1" in out and "(annotator: anaïs)" in out, out


def test_an_import_whose_statuses_name_no_one_needs_a_name_when_there_are_several(tmp_path, capsys):
    db = tmp_path / "team.db"
    assert main.main(["import", str(_file_by(tmp_path / "anaïs.jsonl", "anaïs")), "--db", str(db)]) == 0
    other = _file_by(tmp_path / "bénédicte.jsonl", "bénédicte")
    other.write_text(other.read_text().replace('"d0"', '"b0"').replace('"d1"', '"b1"'))
    assert main.main(["import", str(other), "--db", str(db)]) == 0
    plain = tmp_path / "plain.jsonl"
    plain.write_text(json.dumps({"id": "p1", "text": "Oslo.", "status": "done"}) + "\n")
    capsys.readouterr()
    code, _, err = _run(capsys, ["import", str(plain), "--db", str(db)])
    assert code == 1 and "several annotators (anaïs, bénédicte)" in err
    code, _, err = _run(capsys, ["import", str(plain), "--db", str(db), "--user", "bénédicte"])
    assert code == 0, err
    from store import Store
    with Store.open(str(db), "reader", create=False) as store:
        assert store.conn.execute("SELECT annotator FROM doc_status WHERE doc_id = 'p1'").fetchall() == [("bénédicte",)]
