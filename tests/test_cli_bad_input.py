"""`marginalia import` on bad input: exit 1, a message naming the file and line, nothing imported.

Every case runs twice: into a database that already holds documents (its rows must be exactly
the same afterwards) and into a new database (which must end up with no documents).
"""
from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

import main

ROOT = Path(__file__).resolve().parent.parent
TEXT = "Turkey is against Haftar, whom the United Arab Emirates back. Kalın said a truce is possible."


def run(argv: list[str]) -> int:
    """main.main's exit code, also for argparse's usage errors (which raise SystemExit)."""
    try:
        return main.main(argv)
    except SystemExit as exc:
        return exc.code


def dump(db: Path) -> list[str]:
    conn = sqlite3.connect(db)
    try:
        return list(conn.iterdump())
    finally:
        conn.close()


def document_count(db: Path) -> int:
    if not db.exists():
        return 0
    conn = sqlite3.connect(db)
    try:
        return conn.execute("SELECT count(*) FROM documents").fetchone()[0]
    finally:
        conn.close()


def record(doc_id: str, **extra) -> dict:
    rec = {"id": doc_id, "text": TEXT, "meta": {"title": doc_id},
           "entities": [{"id": "e1", "start": 0, "end": 6, "label": "GPE"},
                        {"id": "e2", "start": 18, "end": 24, "label": "PERSON"},
                        {"id": "e3", "start": 35, "end": 55, "label": "GPE"}]}
    rec.update(extra)
    return rec


def write_jsonl(path: Path, lines: list) -> Path:
    path.write_text("".join((line if isinstance(line, str) else json.dumps(line, ensure_ascii=False)) + "\n"
                            for line in lines), encoding="utf-8")
    return path


@pytest.fixture
def populated_db(tmp_path) -> Path:
    """A database that already holds two documents with annotations."""
    db = tmp_path / "populated.db"
    source = write_jsonl(tmp_path / "existing.jsonl", [record("old1"), record("old2", status="done")])
    assert run(["import", str(source), "--db", str(db)]) == 0
    assert document_count(db) == 2
    return db


def _bad_jsonl_cases(tmp: Path) -> dict[str, tuple[Path, list[str]]]:
    """name -> (file, strings the error message must contain)."""
    cases: dict[str, tuple[list, list[str]]] = {
        "malformed JSON on line 3 of 3": (
            [record("n1"), record("n2"), '{"id": "n3", "text": "cut short'],
            ["line 3", "not valid JSON"]),
        "offsets past the text": (
            [record("n1"), record("n2", entities=[{"id": "far", "start": 80, "end": 500, "label": "GPE"}])],
            ["line 2", "'far'", "[80, 500)", f"length {len(TEXT)}"]),
        "start >= end": (
            [record("n1"), record("n2"), record("n3", entities=[{"id": "empty", "start": 6, "end": 6, "label": "GPE"}])],
            ["line 3", "'empty'", "[6, 6)"]),
        "start after end": (
            [record("n1", entities=[{"id": "backwards", "start": 9, "end": 3, "label": "GPE"}])],
            ["line 1", "'backwards'", "[9, 3)"]),
        "unknown label": (
            [record("n1"), record("n2", entities=[{"id": "odd", "start": 0, "end": 6, "label": "SPACESHIP"}])],
            ["line 2", "'odd'", "'SPACESHIP'"]),
        "stance holder that is not there": (
            [record("n1", stances=[{"id": "s1", "holder": "ghost", "target": "e2", "polarity": "AGAINST"}])],
            ["line 1", "'s1'", "'ghost'", "holder"]),
        "relation head that is not there": (
            [record("n1"), record("n2", relations=[{"id": "r1", "head": "ghost", "tail": "e3", "label": "BACKED_BY"}])],
            ["line 2", "'r1'", "'ghost'", "head"]),
        "claim claimant that is not there": (
            [record("n1", claims=[{"id": "c1", "start": 62, "end": 92, "claimant": "ghost"}])],
            ["line 1", "'c1'", "'ghost'", "claimant"]),
    }
    out = {}
    for i, (name, (lines, expected)) in enumerate(cases.items()):
        path = write_jsonl(tmp / f"bad{i}.jsonl", lines)
        out[name] = (path, [path.name, *expected])
    return out


CASE_NAMES = ["malformed JSON on line 3 of 3", "offsets past the text", "start >= end", "start after end",
              "unknown label", "stance holder that is not there", "relation head that is not there",
              "claim claimant that is not there"]


@pytest.mark.parametrize("name", CASE_NAMES)
def test_bad_jsonl_is_refused_whole(name, tmp_path, populated_db, capsys):
    path, expected = _bad_jsonl_cases(tmp_path)[name]
    before = dump(populated_db)
    capsys.readouterr()
    assert run(["import", str(path), "--db", str(populated_db)]) == 1
    err = capsys.readouterr().err
    for part in expected:
        assert part in err, f"{part!r} missing from the message: {err!r}"
    assert "Traceback" not in err
    assert dump(populated_db) == before, "a refused import changed the database"

    fresh = tmp_path / "fresh.db"
    assert run(["import", str(path), "--db", str(fresh)]) == 1
    assert document_count(fresh) == 0, "the valid lines before the bad one were imported"


def test_valid_lines_before_a_bad_one_are_not_imported(tmp_path, capsys):
    # The same file without its bad third line imports two documents: the refusal above is
    # about the bad line, not the good ones.
    good = write_jsonl(tmp_path / "good.jsonl", [record("n1"), record("n2")])
    db = tmp_path / "x.db"
    assert run(["import", str(good), "--db", str(db)]) == 0
    assert document_count(db) == 2


def _text_cases(tmp: Path) -> dict[str, tuple[Path, list[str]]]:
    folder = tmp / "latin"
    folder.mkdir()
    (folder / "a-good.txt").write_text("Ankara said the talks went well.\n", encoding="utf-8")
    (folder / "b-latin.txt").write_bytes("First line is fine.\nCaf\u00e9 in Istanbul.\n".encode("latin-1"))
    binary = tmp / "image.txt"
    binary.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00")
    empty_txt = tmp / "empty.txt"
    empty_txt.write_bytes(b"")
    empty_jsonl = tmp / "empty.jsonl"
    empty_jsonl.write_bytes(b"")
    blank_jsonl = tmp / "blank.jsonl"
    blank_jsonl.write_text("\n  \n\n", encoding="utf-8")
    no_text = tmp / "no-text"
    (no_text / "sub").mkdir(parents=True)
    (no_text / "notes.md").write_text("# not a .txt\n", encoding="utf-8")
    (no_text / "sub" / "data.csv").write_text("a,b\n", encoding="utf-8")
    # A folder is read as plain text (or brat, or .spacy files): a folder of Prodigy files was
    # refused only with "the folder has no .txt files", as if it were empty.
    prodigy = tmp / "prodigy"
    prodigy.mkdir()
    for name in ("a.jsonl", "b.jsonl"):
        (prodigy / name).write_text(json.dumps({"text": "Ankara.", "spans": [], "answer": "accept"}) + "\n",
                                    encoding="utf-8")
    latin_jsonl = tmp / "latin.jsonl"
    latin_jsonl.write_bytes((json.dumps(record("n1")) + "\n").encode() + '{"id": "n2", "text": "Caf\u00e9"}\n'.encode("latin-1"))
    return {
        "a folder with a file that is not UTF-8": (folder, ["b-latin.txt", "line 2", "not UTF-8"]),
        "a JSONL file that is not UTF-8": (latin_jsonl, ["latin.jsonl", "line 2", "not UTF-8"]),
        "a binary file": (binary, ["image.txt", "line 3", "binary"]),
        "an empty .txt file": (empty_txt, ["empty.txt", "empty"]),
        "an empty .jsonl file": (empty_jsonl, ["empty.jsonl", "empty"]),
        "a .jsonl file with only blank lines": (blank_jsonl, ["blank.jsonl", "no documents"]),
        "a folder with no text files": (no_text, ["no-text", "no .txt files"]),
        "a folder of JSONL files": (prodigy, ["prodigy", "no .txt files", "2 file(s) of .jsonl",
                                              str(prodigy / "*.jsonl")]),
    }


TEXT_CASES = ["a folder with a file that is not UTF-8", "a JSONL file that is not UTF-8", "a binary file",
              "an empty .txt file", "an empty .jsonl file", "a .jsonl file with only blank lines",
              "a folder with no text files", "a folder of JSONL files"]


@pytest.mark.parametrize("name", TEXT_CASES)
def test_unreadable_input_is_refused(name, tmp_path, populated_db, capsys):
    path, expected = _text_cases(tmp_path)[name]
    before = dump(populated_db)
    capsys.readouterr()
    assert run(["import", str(path), "--db", str(populated_db)]) == 1
    err = capsys.readouterr().err
    for part in expected:
        assert part in err, f"{part!r} missing from the message: {err!r}"
    assert "Traceback" not in err
    assert dump(populated_db) == before

    fresh = tmp_path / "fresh.db"
    assert run(["import", str(path), "--db", str(fresh)]) == 1
    assert document_count(fresh) == 0


def test_one_bad_file_among_good_ones_imports_nothing(tmp_path, populated_db, capsys):
    good = write_jsonl(tmp_path / "good.jsonl", [record("n1"), record("n2")])
    bad = write_jsonl(tmp_path / "bad.jsonl", [record("n3", entities=[{"id": "x", "start": 0, "end": 6,
                                                                      "label": "NOPE"}])])
    before = dump(populated_db)
    assert run(["import", str(good), str(bad), "--db", str(populated_db)]) == 1
    err = capsys.readouterr().err
    assert "bad.jsonl" in err and "line 1" in err and "'NOPE'" in err
    assert dump(populated_db) == before


@pytest.mark.parametrize("argv", [
    ["frobnicate"],
    ["import"],
    ["import", "--db"],
    ["export", "--db", "x.db"],
    ["import", "some.txt", "--format", "docx"],
    ["stats", "--no-such-option"],
])
def test_wrong_usage_exits_2(argv, tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    assert run(argv) == 2
    assert "usage:" in capsys.readouterr().err
    assert not (tmp_path / "x.db").exists()


def test_wrong_usage_exit_code_of_the_process(tmp_path):
    proc = subprocess.run([sys.executable, str(ROOT / "main.py"), "frobnicate"], cwd=tmp_path,
                          capture_output=True, text=True, timeout=60)
    assert proc.returncode == 2
    assert "usage:" in proc.stderr


def test_importing_a_folder_twice_skips_the_second_time(tmp_path, capsys):
    folder = tmp_path / "articles"
    folder.mkdir()
    (folder / "one.txt").write_text("Ankara said the talks went well.\r\nMore text.\n", encoding="utf-8")
    (folder / "two.txt").write_text("Tripoli was quiet on Sunday.\n", encoding="utf-8")
    db = tmp_path / "twice.db"
    assert run(["import", str(folder), "--db", str(db)]) == 0
    assert "imported 2 documents" in capsys.readouterr().out
    before = dump(db)
    assert run(["import", str(folder), "--db", str(db)]) == 0
    out = capsys.readouterr().out
    assert "imported 0 documents" in out and "2 already present" in out
    assert dump(db) == before, "a second import of the same folder wrote something"
    assert document_count(db) == 2
