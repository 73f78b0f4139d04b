"""Files and folders an import is given: nothing read wrongly, nothing left out without a word.

A byte-order mark (brat counts it as the text's first character), UTF-16 and UTF-32 files,
an attribute given twice on one brat annotation, a folder with a sub-folder that cannot be read,
files of other kinds, a symlink to nothing, the same file reached twice in one command, and two
files of one import that use the same document id.
"""
from __future__ import annotations

import json
import os
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from tests.helpers.cli import refused, run, succeeded

ROOT = Path(__file__).resolve().parents[2]
TEXT = "Angela Merkel met Emmanuel Macron in Paris on Monday."


def spans(db: Path) -> list[tuple[str, str, str]]:
    conn = sqlite3.connect(db)
    try:
        return [tuple(r) for r in conn.execute(
            "SELECT s.doc_id, s.label, substr(d.text, s.start + 1, s.\"end\" - s.start) FROM spans s "
            "JOIN documents d ON d.id = s.doc_id ORDER BY s.doc_id, s.start")]
    finally:
        conn.close()


def documents(db: Path) -> list[str]:
    conn = sqlite3.connect(db)
    try:
        return [r[0] for r in conn.execute("SELECT id FROM documents ORDER BY id")]
    finally:
        conn.close()


# ---- byte-order marks and UTF-16 --------------------------------------------------------------

ENCODINGS = {"utf-8 with BOM": ("utf-8-sig", None), "UTF-16 LE": ("utf-16-le", b"\xff\xfe"),
             "UTF-16 BE": ("utf-16-be", b"\xfe\xff"), "UTF-32 LE": ("utf-32-le", b"\xff\xfe\x00\x00")}


def encoded(text: str, encoding: str) -> bytes:
    codec, mark = ENCODINGS[encoding]
    return (mark or b"") + text.encode(codec)


@pytest.mark.parametrize("encoding", sorted(ENCODINGS))
@pytest.mark.parametrize("text_column", [True, False])
def test_brat_offsets_count_the_byte_order_mark_as_brat_does(encoding, text_column, db_path, tmp_path):
    """brat reads NAME.txt with Python's utf-8 codec, which keeps the mark as character 0: "T1 PERSON 1 14"
    is "Angela Merkel", not "ngela Merkel " (and a valid file is not refused)."""
    (tmp_path / "doc.txt").write_bytes(encoded(TEXT, encoding))
    column = lambda words: f"\t{words}" if text_column else ""  # noqa: E731
    (tmp_path / "doc.ann").write_text(f"T1\tPERSON 1 14{column('Angela Merkel')}\n"
                                      f"T2\tPERSON 19 34{column('Emmanuel Macron')}\n"
                                      f"T3\tGPE 38 43;47 53{column('Paris Monday')}\n", encoding="utf-8")
    succeeded(["import", tmp_path / "doc.ann", "--db", db_path])
    assert spans(db_path) == [("doc", "PERSON", "Angela Merkel"), ("doc", "PERSON", "Emmanuel Macron"),
                              ("doc", "GPE", "Paris on Monday")]
    out = tmp_path / "out"
    succeeded(["export", "--db", db_path, "--format", "brat", "--out", out])
    assert "T1\tPERSON 0 13\tAngela Merkel" in (out / "doc.ann").read_text(encoding="utf-8")
    assert (out / "doc.txt").read_text(encoding="utf-8") == TEXT


def test_a_brat_span_over_the_byte_order_mark_alone_is_refused(db_path, tmp_path):
    (tmp_path / "doc.txt").write_bytes(encoded(TEXT, "utf-8 with BOM"))
    (tmp_path / "doc.ann").write_text("T1\tPERSON 1 14\tAngela Merkel\nT2\tPERSON 0 1\t\ufeff\n", encoding="utf-8")
    refused(["import", tmp_path / "doc.ann", "--db", db_path], db_path, "doc.ann", "line 2", "byte-order mark")


@pytest.mark.parametrize("encoding", ["UTF-16 LE", "UTF-16 BE", "UTF-32 LE"])
def test_utf16_and_utf32_files_with_their_mark_are_read(encoding, db_path, tmp_path):
    record = {"id": "u1", "text": TEXT + " 👍🏽", "entities": [{"id": "e1", "start": 0, "end": 13, "label": "PERSON"}]}
    (tmp_path / "a.jsonl").write_bytes(encoded(json.dumps(record, ensure_ascii=False) + "\n", encoding))
    (tmp_path / "plain.txt").write_bytes(encoded("Ünïcode\r\nplain text 👍🏽", encoding))
    succeeded(["import", tmp_path / "a.jsonl", tmp_path / "plain.txt", "--db", db_path])
    assert spans(db_path) == [("u1", "PERSON", "Angela Merkel")]
    conn = sqlite3.connect(db_path)
    assert conn.execute("SELECT text FROM documents WHERE id = 'plain'").fetchone()[0] == "Ünïcode\r\nplain text 👍🏽"
    conn.close()


def test_utf16_without_its_mark_is_named_not_called_binary(db_path, tmp_path):
    path = tmp_path / "a.jsonl"
    path.write_bytes(json.dumps({"id": "u1", "text": TEXT}).encode("utf-16-le"))
    message = refused(["import", path, "--db", db_path], db_path, path, "UTF-16")
    assert "binary" not in message


# ---- brat attributes --------------------------------------------------------------------------

def test_a_brat_attribute_given_twice_on_one_annotation_is_refused_naming_both_lines(db_path, tmp_path):
    (tmp_path / "doc.txt").write_text(TEXT, encoding="utf-8")
    (tmp_path / "doc.ann").write_text("T1\tPERSON 0 13\tAngela Merkel\nA1\tCertainty T1 High\nA2\tNegated T1\n"
                                      "A3\tCertainty T1 Low\n", encoding="utf-8")
    refused(["import", tmp_path / "doc.ann", "--db", db_path], db_path, "doc.ann", "line 4", "line 2", "Certainty")


def test_distinct_brat_attributes_all_arrive(db_path, tmp_path):
    (tmp_path / "doc.txt").write_text(TEXT, encoding="utf-8")
    (tmp_path / "doc.ann").write_text("T1\tPERSON 0 13\tAngela Merkel\nT2\tPERSON 18 33\tEmmanuel Macron\n"
                                      "A1\tCertainty T1 High\nA2\tCertainty T2 Low\nA3\tNegated T1\n", encoding="utf-8")
    succeeded(["import", tmp_path / "doc.ann", "--db", db_path])
    conn = sqlite3.connect(db_path)
    attrs = dict(conn.execute("SELECT id, attrs FROM spans ORDER BY id"))
    conn.close()
    assert json.loads(attrs["T1"])["attributes"] == {"Certainty": "High", "Negated": True}
    assert json.loads(attrs["T2"])["attributes"] == {"Certainty": "Low"}


# ---- folders ----------------------------------------------------------------------------------

def brat_folder(root: Path) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    for name, words in (("a", "Angela Merkel"), ("b", "Emmanuel Macron")):
        (root / f"{name}.txt").write_text(f"{words} spoke.", encoding="utf-8")
        (root / f"{name}.ann").write_text(f"T1\tPERSON 0 {len(words)}\t{words}\n", encoding="utf-8")
    return root


def without_read_permission(argv: list) -> subprocess.CompletedProcess:
    """Run marginalia as a process that folder permissions apply to (root's override capabilities dropped)."""
    command = [sys.executable, str(ROOT / "main.py"), *map(str, argv)]
    if os.geteuid() == 0:
        if not shutil.which("setpriv"):
            pytest.skip("running as root without setpriv: a folder cannot be made unreadable")
        command = ["setpriv", "--inh-caps=-all", "--bounding-set=-dac_override,-dac_read_search", *command]
    return subprocess.run(command, capture_output=True, text=True, cwd=ROOT, timeout=300,
                          env={**os.environ, "PYTHONPATH": str(ROOT)})


@pytest.mark.parametrize("fmt", ["brat", "txt"])
def test_a_sub_folder_that_cannot_be_read_refuses_the_import(fmt, db_path, tmp_path):
    root = brat_folder(tmp_path / "corpus")
    hidden = brat_folder(root / "later")
    if fmt == "txt":
        for ann in root.rglob("*.ann"):
            ann.unlink()
    hidden.chmod(0)
    try:
        result = without_read_permission(["import", root, "--db", db_path, "--format", fmt])
    finally:
        hidden.chmod(0o755)
    assert result.returncode == 1, result.stderr
    assert "later" in result.stderr and "cannot read" in result.stderr and "Traceback" not in result.stderr
    assert documents(db_path) == []


def test_a_symlink_to_nothing_in_a_folder_refuses_the_import_by_name(db_path, tmp_path):
    root = brat_folder(tmp_path / "corpus")
    (root / "gone.txt").symlink_to(tmp_path / "deleted.txt")
    refused(["import", root, "--db", db_path], db_path, "gone.txt", "symlink")
    (root / "gone.txt").unlink()
    (root / "loop.txt").symlink_to(root / "loop.txt")
    refused(["import", root, "--db", db_path], db_path, "loop.txt", "symlink")
    (root / "loop.txt").unlink()
    (tmp_path / "alone.txt").symlink_to(tmp_path / "deleted.txt")
    refused(["import", tmp_path / "alone.txt", "--db", db_path], db_path, "alone.txt", "symlink")


def test_a_folder_symlink_loop_is_walked_once(db_path, tmp_path):
    root = brat_folder(tmp_path / "corpus")
    (root / "again").symlink_to(root)
    succeeded(["import", root, "--db", db_path])
    assert documents(db_path) == ["a", "b"]


@pytest.mark.parametrize("fmt", ["brat", "txt"])
def test_files_of_other_kinds_in_a_folder_are_reported_by_name(fmt, db_path, tmp_path):
    root = brat_folder(tmp_path / "corpus")
    if fmt == "txt":
        for ann in root.rglob("*.ann"):
            ann.unlink()
    (root / "annotation.conf").write_text("[entities]\nPERSON\n", encoding="utf-8")
    (root / "notes.md").write_text("read me", encoding="utf-8")
    (root / "sub").mkdir()
    (root / "sub" / "c.TXT.bak").write_text("old", encoding="utf-8")
    code, _, err = run(["import", root, "--db", db_path, "--format", fmt])
    assert code == 0, err
    assert "notes.md" in err and "c.TXT.bak" in err
    if fmt == "brat":
        assert "annotation.conf" in err and "configuration" in err
    assert documents(db_path) == ["a", "b"]


# ---- the same file twice; one id in two files -----------------------------------------------------

def test_the_same_file_reached_twice_in_one_import_is_refused(db_path, tmp_path):
    root = brat_folder(tmp_path / "corpus")
    (tmp_path / "link.txt").symlink_to(root / "a.txt")
    os.link(root / "b.txt", tmp_path / "hard.txt")
    cases = [[root / "a.txt", root / "a.txt"], [root, root / "b.ann"], [root / "a.ann", root / "a.txt"],
             [tmp_path / "link.txt", root / "a.txt"], [root / "b.txt", tmp_path / "hard.txt"]]
    for paths in cases:
        message = refused(["import", *paths, "--db", db_path], db_path, "twice")
        assert "same file" in message or "given twice" in message


def test_one_document_id_in_two_files_of_one_import_is_named_as_such(db_path, tmp_path):
    first = tmp_path / "one.jsonl"
    second = tmp_path / "two.jsonl"
    first.write_text(json.dumps({"id": "d1", "text": TEXT}) + "\n", encoding="utf-8")
    second.write_text(json.dumps({"id": "d2", "text": TEXT}) + "\n" + json.dumps({"id": "d1", "text": "Other."}) + "\n",
                      encoding="utf-8")
    message = refused(["import", first, second, "--db", db_path], db_path, "two.jsonl", "line 2", "one.jsonl",
                      "appears twice in this import")
    assert "already in the database" not in message
