"""Exports write only where the user said, and never over an existing file without --force.

Document ids are whatever the imported files said: "../../x", "/etc/passwd", "a/b", "..", "CON",
a NUL, a very long one. Formats that write one file per document (brat) must turn them into
safe file names inside the target folder; no format may write anything outside its target.
"""
from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

import main
from annotate.formats.registry import EXPORT_FORMATS, companions, writes_folder

HOSTILE_IDS = ["../../x", "../escape", "/etc/passwd", "a/b", "..", ".", "CON", "nul", "LPT1.txt",
               "x" * 1000, "~root", "$HOME", "C:\\Windows\\win.ini", "<b>id</b>", "-rf", " a ",
               "a:b", "ok"]
#: Ids no import accepts any more (tests/reliability/test_hostile_borders.py): a NUL, a right-to-left
#: override, only blanks, past 1,000 characters.
REFUSED_IDS = ["a\x00b", "\u202eexe.txt", " ", "x" * 5000]
TEXT = "Turkey is against Haftar, whom the United Arab Emirates back."


def tree(root: Path) -> set[str]:
    return {str(p.relative_to(root)) for p in root.rglob("*")}


@pytest.fixture
def hostile_db(tmp_path, db_path):
    source = tmp_path / "in" / "hostile.jsonl"
    source.parent.mkdir()
    with open(source, "w", encoding="utf-8") as out:
        for doc_id in HOSTILE_IDS:
            out.write(json.dumps({"id": doc_id, "text": TEXT, "status": "done",
                                  "entities": [{"id": "T1", "start": 0, "end": 6, "label": "GPE"},
                                               {"id": "T2", "start": 18, "end": 24, "label": "PERSON"}],
                                  "relations": [{"id": "R1", "head": "T1", "tail": "T2", "label": "OPPOSES"}]})
                      + "\n")
    assert main.main(["import", str(source), "--db", str(db_path)]) == 0
    return db_path


@pytest.mark.parametrize("doc_id", ["", *REFUSED_IDS])
def test_an_id_that_cannot_name_a_document_is_refused_at_import(doc_id, tmp_path, db_path, capsys):
    source = tmp_path / "empty.jsonl"
    source.write_text(json.dumps({"id": doc_id, "text": "x"}) + "\n", encoding="utf-8")
    assert main.main(["import", str(source), "--db", str(db_path)]) == 1
    assert str(source) in capsys.readouterr().err


@pytest.mark.parametrize("fmt", sorted(EXPORT_FORMATS) + ["spacy-folder"])
def test_export_writes_only_inside_its_target(fmt, hostile_db, tmp_path, monkeypatch):
    work = tmp_path / "work"
    (work / "deep" / "deeper").mkdir(parents=True)
    monkeypatch.chdir(work / "deep" / "deeper")
    name = {"spacy": "out.spacy", "spacy-folder": "shards", "brat": "brat-out"}.get(fmt, f"out.{fmt}")
    fmt_name = "spacy" if fmt == "spacy-folder" else fmt
    target = work / "deep" / "deeper" / name
    outside_before = tree(tmp_path)
    etc_before = set(os.listdir("/etc"))
    assert main.main(["export", "--db", str(hostile_db), "--format", fmt_name, "--out", str(target)]) == 0
    new = tree(tmp_path) - outside_before
    rel = str(target.relative_to(tmp_path))
    beside = {str(c.relative_to(tmp_path)) for c in companions(fmt_name, target)}  # e.g. Label Studio's config
    stray = [p for p in new if p != rel and not p.startswith(rel + os.sep) and p not in beside]
    assert not stray, f"{fmt} wrote outside its target: {stray}"
    assert set(os.listdir("/etc")) == etc_before
    if writes_folder(fmt_name, target):
        names = [p.name for p in target.iterdir()]
        assert all(p.parent == target for p in target.rglob("*")), "a file in a sub-folder of the target"
        for file_name in names:
            stem = file_name.rsplit(".", 1)[0]
            assert "/" not in file_name and "\x00" not in file_name and ".." not in file_name
            assert not file_name.startswith(".") and len(file_name.encode()) <= 255
            assert stem.split(".")[0].upper() not in {"CON", "PRN", "AUX", "NUL", "COM1", "LPT1"}, file_name
        if fmt_name == "brat":
            assert len([n for n in names if n.endswith(".txt")]) == len(HOSTILE_IDS)
    # A second export without --force leaves the first as it was...
    before = {p: p.read_bytes() for p in [target, *target.rglob("*")] if p.is_file()}
    assert main.main(["export", "--db", str(hostile_db), "--format", fmt_name, "--out", str(target)]) == 1
    assert {p: p.read_bytes() for p in [target, *target.rglob("*")] if p.is_file()} == before
    # ...and with --force replaces it.
    assert main.main(["export", "--db", str(hostile_db), "--format", fmt_name, "--out", str(target),
                      "--force"]) == 0


@pytest.mark.parametrize("fmt", sorted(EXPORT_FORMATS))
def test_an_existing_file_is_not_overwritten_without_force(fmt, hostile_db, tmp_path, capsys):
    target = tmp_path / ("precious" if writes_folder(fmt, tmp_path / "precious") else "precious.dat")
    if fmt == "spacy":
        target = tmp_path / "precious.spacy"
    if writes_folder(fmt, target):
        target.mkdir()
        (target / "notes.txt").write_text("my notes", encoding="utf-8")
        keep = {"notes.txt": b"my notes"}
    else:
        target.write_bytes(b"precious data")
        keep = None
    capsys.readouterr()
    assert main.main(["export", "--db", str(hostile_db), "--format", fmt, "--out", str(target)]) == 1
    err = capsys.readouterr().err
    assert "already exists" in err and "--force" in err and str(target) in err
    if keep is None:
        assert target.read_bytes() == b"precious data"
    else:
        assert {p.name: p.read_bytes() for p in target.iterdir()} == keep
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".")) == [], "a temporary file was left"


@pytest.mark.parametrize("fmt", ["jsonl", "brat", "conll"])
def test_split_exports_write_beside_the_target_only(fmt, hostile_db, tmp_path):
    out = tmp_path / "split" / ("ds" if fmt == "brat" else f"ds.{fmt}")
    out.parent.mkdir()
    assert main.main(["export", "--db", str(hostile_db), "--format", fmt, "--out", str(out),
                      "--split", "train=0.5,dev=0.25,test=0.25", "--seed", "3"]) == 0
    names = {p.name for p in out.parent.iterdir()}
    expected = {f"{out.stem}.{s}{out.suffix}" for s in ("train", "dev", "test")} | {f"{out.name}.manifest.json"}
    assert names == expected
    assert main.main(["export", "--db", str(hostile_db), "--format", fmt, "--out", str(out),
                      "--split", "train=0.5,dev=0.25,test=0.25", "--seed", "3"]) == 1
