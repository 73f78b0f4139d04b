"""The second hostile pass of issue 19: new inputs of the same classes, refused at the border.

Names at the border (blank, control and bidi characters, far too long) wherever a name comes in:
a file's ids and annotators, --user, --annotators, a model's meta.json. Numbers on the command
line read as strictly as in files (digits 0-9, finite). CoNLL-U word ids that do not count
1, 2, 3. doccano relation ids given twice. Paths that are pipes, devices or longer than the
system takes. Each is refused with a message naming the file, line or option, and changes nothing.
"""
from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from tests.helpers.cli import refused, run, succeeded

TEXT = "Angela Merkel met Emmanuel Macron in Paris on Monday."
ROOT = Path(__file__).resolve().parents[2]


def native(doc_id="n1", **entity) -> dict:
    return {"id": doc_id, "text": TEXT,
            "entities": [{"id": "e1", "start": 0, "end": 13, "label": "PERSON", **entity}]}


def write(path: Path, *records) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    return path


# ---- names at the border, in files ----------------------------------------------------------------

NAMES_IN_FILES = {
    "document id of blanks": (native(doc_id="  "), "only blank"),
    "document id with a tab": (native(doc_id="\t"), "only blank"),
    "document id with NUL": (native(doc_id="a\x00b"), "U+0000"),
    "document id with a newline": (native(doc_id="a\nb"), "U+000A"),
    "document id with a right-to-left override": (native(doc_id="a\u202eb"), "U+202E"),
    "document id of 1,001 characters": (native(doc_id="x" * 1001), "at most 1,000"),
    "annotator empty": (native(annotator=""), "annotator is empty"),
    "annotator with NUL": (native(annotator="ana\x00"), "U+0000"),
    "annotator with a newline": (native(annotator="ana\nben"), "U+000A"),
    "annotator with a bidi isolate": (native(annotator="ana\u2066"), "U+2066"),
    "annotator of 101 characters": (native(annotator="a" * 101), "at most 100"),
    "entity id with a zero-width space": ({**native(), "entities": [{"id": "e\u200b1", "start": 0, "end": 13,
                                                                      "label": "PERSON"}]}, "U+200B"),
    "origin with a control character": (native(origin="model:x\x07"), "U+0007"),
}


@pytest.mark.parametrize("case", list(NAMES_IN_FILES))
def test_names_that_cannot_name_anything_are_refused_with_file_and_line(case, db_path, tmp_path):
    record, words = NAMES_IN_FILES[case]
    source = write(tmp_path / "in.jsonl", native(doc_id="ok"), record)
    refused(["import", source, "--db", db_path], db_path, source, "line 2", words)


def test_a_label_longer_than_64_characters_is_not_added_to_the_schema(db_path, tmp_path):
    source = write(tmp_path / "in.jsonl", native(label="L" * 65))
    refused(["import", source, "--db", db_path, "--add-labels"], db_path, source, "line 1", "64 at most")
    succeeded(["import", write(tmp_path / "ok.jsonl", native(label="L" * 64)), "--db", db_path, "--add-labels"])


def test_names_people_really_have_are_accepted(db_path, tmp_path):
    names = ["Anaïs", "Ana María", "محمد", "دانش\u200cجو", "李小龙", "a" * 100]  # a ZWNJ is part of Persian names
    records = [native(doc_id=f"d{i}", annotator=name) for i, name in enumerate(names)]
    succeeded(["import", write(tmp_path / "in.jsonl", *records), "--db", db_path])


# ---- names at the border, on the command line -----------------------------------------------------

@pytest.mark.parametrize("name,words", [("", "is empty"), (" ", "only blank"), ("ana\tben", "U+0009"),
                                        ("ana\nben", "U+000A"), ("ana\u202e", "U+202E"),
                                        ("x" * 101, "at most 100")])
def test_user_names_that_cannot_name_anyone_are_refused(name, words, db_path, tmp_path):
    source = write(tmp_path / "in.jsonl", native())
    refused(["import", source, "--db", db_path, "--user", name], db_path, "--user", words)
    refused(["stats", "--db", db_path, "--user", name], db_path, "--user", words)


@pytest.mark.parametrize("names,words", [
    ("ana," + "x" * 300, "at most 100"),         # was OSError: File name too long
    ("ana\tx,ben", "U+0009"), ("ana\u202e,ben", "U+202E"),
    ("ana,ANA", "one name"), ("ana,ana", "named twice"),
    ("con,ben", "cannot name a file"), ("ana,a:b", "cannot name a file"), ("ana,.hidden", "cannot name a file"),
])
def test_annotator_names_for_assign_are_checked_before_any_file_is_written(names, words, db_path, tmp_path):
    source = write(tmp_path / "in.jsonl", native(), native(doc_id="n2"))
    succeeded(["import", source, "--db", db_path])
    team = tmp_path / "team"
    refused(["assign", "--db", db_path, "--annotators", names, "--out", team], db_path, "--annotators", words)
    assert not team.exists() or not any(team.iterdir())


# ---- numbers on the command line --------------------------------------------------------------------

@pytest.mark.parametrize("argv", [
    ["export", "--out", "OUT/x.jsonl", "--seed", "１"], ["export", "--out", "OUT/x.jsonl", "--seed", "٣"],
    ["export", "--out", "OUT/x.jsonl", "--seed", "1_000"],
    ["train", "--out", "OUT/m", "--dev-fraction", "nan"], ["train", "--out", "OUT/m", "--dev-fraction", "inf"],
    ["train", "--out", "OUT/m", "--dev-fraction", "٠.٢"],
    ["assign", "--annotators", "ana,ben", "--out", "OUT/t", "--overlap", "nan"],
    ["assign", "--annotators", "ana,ben", "--out", "OUT/t", "--copies", "²"],
    ["preannotate", "--batch-size", "６４"],
])
def test_numbers_in_other_digits_or_not_finite_are_usage_errors(argv, db_path, tmp_path):
    argv = [a.replace("OUT", str(tmp_path)) for a in argv]
    code, _, err = run([*argv, "--db", db_path])
    assert code == 2 and "digits 0-9" in err and "Traceback" not in err


@pytest.mark.parametrize("spec", ["train=１", "train=nan,dev=0.5", "a/b=1", "..=1", "x\x01=1", "train=1e400"])
def test_split_names_and_fractions_are_refused_not_a_traceback(spec, db_path, tmp_path):
    out = tmp_path / "out.jsonl"
    refused(["export", "--db", db_path, "--out", out, "--split", spec], db_path, "--split")
    assert list(tmp_path.iterdir()) == [db_path] or not list(tmp_path.glob("out*"))


@pytest.mark.parametrize("size,words", [("0x0", "200 to 8192"), ("99999x99999", "200 to 8192"),
                                        ("１４００x860", "digits 0-9"), ("1400x", "1400x860")])
def test_a_screenshot_size_out_of_bounds_is_refused_before_any_window(size, words, db_path, tmp_path):
    # 99999x99999 crashed the process (SIGSEGV) and 0x0 wrote an empty picture, both with exit 0.
    out = tmp_path / "shot.png"
    refused(["screenshot", "--db", db_path, "--out", out, "--size", size], db_path, "--size", words)
    assert not out.exists()


def test_a_screenshot_of_a_document_or_annotation_that_is_not_there_is_refused(db_path, tmp_path):
    succeeded(["import", write(tmp_path / "in.jsonl", native()), "--db", db_path])
    out = tmp_path / "shot.png"
    refused(["screenshot", "--db", db_path, "--out", out, "--doc", "nope"], db_path, "nope")
    refused(["screenshot", "--db", db_path, "--out", out, "--doc", "n1", "--select", "e9"], db_path, "e9", "n1")
    assert not out.exists()
    succeeded(["screenshot", "--db", db_path, "--out", out, "--doc", "n1", "--select", "e1"])


# ---- paths that are not plain files ------------------------------------------------------------------

def test_a_path_longer_than_the_system_takes_is_a_message_naming_it(db_path, tmp_path):
    refused(["audit", "--db", db_path, "--verify", "--expect", "9" * 5000 + ":ab"], db_path, "File name too long")
    refused(["export", "--db", db_path, "--out", tmp_path / ("x" * 300 + ".jsonl")], db_path, "File name too long")
    assert list(tmp_path.iterdir()) == [db_path]


def test_a_device_is_never_read(db_path):
    # /dev/zero never ends: the import read it until memory ran out. A real process with a cap on
    # its memory, so a regression fails here instead of taking the machine's memory.
    def capped():
        resource.setrlimit(resource.RLIMIT_AS, (3 << 30, 3 << 30))

    for extra in ([], ["--format", "jsonl"], ["--format", "spacy"]):
        done = subprocess.run([sys.executable, str(ROOT / "main.py"), "import", "/dev/zero", "--db", str(db_path),
                               *extra], capture_output=True, text=True, timeout=120, cwd=ROOT, preexec_fn=capped)
        assert done.returncode == 1, done.stderr
        assert "/dev/zero: is a device, not a file" in done.stderr


def test_a_pipe_is_read_once_with_its_format_given(db_path, tmp_path):
    pipe = tmp_path / "feed"
    os.mkfifo(pipe)
    body = json.dumps(native()) + "\n"

    def feed():
        with open(pipe, "w", encoding="utf-8") as out:
            out.write(body)

    writer = threading.Thread(target=feed, daemon=True)
    writer.start()
    # Without --format, recognising the format would read the pipe's only copy of its content.
    refused(["import", pipe, "--db", db_path], db_path, "named pipe", "--format")
    assert writer.is_alive()  # nothing was read: the writer still waits
    succeeded(["import", pipe, "--format", "jsonl", "--db", db_path])
    writer.join(timeout=30)
    out, _ = succeeded(["stats", "--db", db_path, "--json"])
    assert json.loads(out)["documents"] == 1


# ---- CoNLL-U word ids ----------------------------------------------------------------------------------

def conllu_word(token_id: str, form: str) -> str:
    return f"{token_id}\t{form}\t_\t_\t_\t_\t0\t_\t_\t_\n"


CONLLU = {
    "an id written 01": (conllu_word("1", "Angela") + conllu_word("01", "met"), 2, "where 2 comes next"),
    "an id given twice": (conllu_word("1", "Angela") + conllu_word("1", "met"), 2, "where 2 comes next"),
    "an id that skips": (conllu_word("1", "Angela") + conllu_word("3", "met"), 2, "where 2 comes next"),
    "a first id of 0": (conllu_word("0", "Angela"), 1, "where 1 comes next"),
    "a range whose words are missing": (conllu_word("1-3", "Angela") + conllu_word("1", "Ang"), 3,
                                        "ends inside a multiword token"),
    "a reversed range": (conllu_word("2-1", "Angela") + conllu_word("1", "Ang"), 1, "out of place"),
    "a range out of place": (conllu_word("1", "Angela") + conllu_word("1-2", "met"), 2, "out of place"),
    "an empty node in other digits": (conllu_word("1", "Angela") + conllu_word("1.²", "x"), 2, "empty node"),
    "an empty node after the wrong word": (conllu_word("1", "Angela") + conllu_word("5.1", "x"), 2, "empty node"),
}


@pytest.mark.parametrize("case", list(CONLLU))
def test_conllu_word_ids_that_do_not_count_one_two_three_are_refused(case, db_path, tmp_path):
    body, line, words = CONLLU[case]
    source = tmp_path / "a.conllu"
    source.write_text(body + "\n", encoding="utf-8")
    refused(["import", source, "--db", db_path], db_path, f"{source}, line {line}", words)


def test_conllu_ranges_and_empty_nodes_in_place_are_read(db_path, tmp_path):
    source = tmp_path / "a.conllu"
    source.write_text("# text = Angela's met\n" + conllu_word("1-2", "Angela's") + conllu_word("1", "Angela")
                      + conllu_word("2", "'s") + conllu_word("2.1", "x") + conllu_word("3", "met") + "\n",
                      encoding="utf-8")
    succeeded(["import", source, "--db", db_path])


def test_a_repeated_newdoc_id_is_imported_apart_and_said(db_path, tmp_path):
    source = tmp_path / "a.conllu"
    source.write_text("# newdoc id = n1\n" + conllu_word("1", "Angela") + "\n"
                      + "# newdoc id = n2\n" + conllu_word("1", "met") + "\n"
                      + "# newdoc id = n1\n" + conllu_word("1", "Macron") + "\n", encoding="utf-8")
    _, err = succeeded(["import", source, "--db", db_path])
    assert f"{source}, line 7" in err and "'n1' (# newdoc id) is given again" in err


# ---- doccano relation ids -------------------------------------------------------------------------------

@pytest.mark.parametrize("second", [1, "1"])
def test_a_doccano_relation_id_given_twice_is_refused_not_renamed(second, db_path, tmp_path):
    # Before, the second became 'r1-2' with no word.
    record = {"id": 7, "text": TEXT,
              "entities": [{"id": 1, "label": "PERSON", "start_offset": 0, "end_offset": 13},
                           {"id": 2, "label": "PERSON", "start_offset": 18, "end_offset": 33}],
              "relations": [{"id": 1, "from_id": 1, "to_id": 2, "type": "ALLIED_WITH"},
                            {"id": second, "from_id": 2, "to_id": 1, "type": "ALLIED_WITH"}]}
    source = write(tmp_path / "d.jsonl", record)
    refused(["import", source, "--format", "doccano", "--db", db_path], db_path, source, "line 1", "used twice")


# ---- a model folder that is not a pipeline -------------------------------------------------------------

@pytest.mark.parametrize("meta", ["{NaN", '{"name": {"a": 1}}', '{"name": "x\\ny", "version": "1"}'])
def test_a_model_folder_with_a_broken_meta_is_refused_by_name(meta, db_path, tmp_path):
    succeeded(["import", write(tmp_path / "in.jsonl", native()), "--db", db_path])
    model = tmp_path / "model"
    model.mkdir()
    (model / "meta.json").write_text(meta, encoding="utf-8")
    (model / "config.cfg").write_text("[nlp]\nlang = \"en\"\npipeline = []\n", encoding="utf-8")
    refused(["preannotate", "--db", db_path, "--model", model], db_path, str(model))


def test_a_schema_file_in_utf16_is_read_and_without_its_mark_named(db_path, tmp_path):
    schema = tmp_path / "s.toml"
    schema.write_bytes("[schema]\nname = \"x\"\n".encode("utf-16"))
    err = refused(["schema", "--db", db_path, "--load", schema], db_path, schema)
    assert "UTF-8" not in err  # it was read: what it lacks is a label, not an encoding
    schema.write_bytes("[schema]\nname = \"x\"\n".encode("utf-16-le"))
    refused(["schema", "--db", db_path, "--load", schema], db_path, schema, "UTF-16")


@pytest.mark.parametrize("fmt", ["brat", "spacy"])
def test_a_folder_output_that_is_a_symlink_is_refused_and_the_linked_folder_kept(fmt, db_path, tmp_path):
    # Before: --force tried to put the new folder in the link's place, failed with an OSError traceback
    # ('Not a directory') and left a hidden .out.*.part folder behind.
    succeeded(["import", write(tmp_path / "in.jsonl", native()), "--db", db_path])
    mine = tmp_path / "thesis"
    mine.mkdir()
    (mine / "chapter.txt").write_text("precious", encoding="utf-8")
    link = tmp_path / "out"
    link.symlink_to(mine, target_is_directory=True)
    before = sorted(p.name for p in tmp_path.iterdir())
    for force in ([], ["--force"]):
        refused(["export", "--db", db_path, "--format", fmt, "--out", link, *force], db_path, str(link), "symlink")
    assert sorted(p.name for p in tmp_path.iterdir()) == before
    assert [p.name for p in mine.iterdir()] == ["chapter.txt"] and link.is_symlink()


@pytest.mark.parametrize("name,words", [(" ", "only blank"), ("ana\u202e", "U+202E"), ("a\nb", "U+000A")])
def test_an_annotator_from_the_environment_follows_the_same_rule(name, words, monkeypatch, tmp_path):
    # Before, a bidi control or a newline from $MARGINALIA_ANNOTATOR went onto every annotation.
    monkeypatch.setenv("MARGINALIA_ANNOTATOR", name)
    fresh = tmp_path / "new.db"
    refused(["import", write(tmp_path / "in.jsonl", native()), "--db", fresh], fresh, "$MARGINALIA_ANNOTATOR", words)
    assert not fresh.exists()
