"""Numbers and names the store, the audit log and the exports cannot carry exactly are refused at the border.

NaN and Infinity (which Python's JSON reader accepts), numbers that overflow (1e400, a 401-digit
score), integers past Python's 4,300-digit limit or past 64 bits, names given as numbers or
objects, digits that are not 0-9: each import is refused with the file and line and changes
nothing; what is accepted is audited, exported as strict JSON and read back the same.
"""
from __future__ import annotations

import json
import sqlite3

import pytest

from tests.helpers.cli import refused, run, strict_json, strict_json_lines, succeeded

TEXT = "Angela Merkel met Emmanuel Macron in Paris on Monday."


def native(**entity) -> dict:
    return {"id": "d1", "text": TEXT, "meta": {"title": "t"},
            "entities": [{"id": "e1", "start": 0, "end": 13, "label": "PERSON", **entity}]}


def lines(*records, raw: str | None = None) -> str:
    body = "".join(json.dumps(r) + "\n" for r in records)
    return body if raw is None else body + raw + "\n"


BIG = "9" * 5000
CASES = {
    # name: (file name, content, the line the message names, words it must contain)
    "native score NaN": ("a.jsonl", lines(native(), raw=json.dumps(native(score=0.5)).replace("0.5", "NaN")
                                          .replace('"d1"', '"d2"')), 2, "NaN"),
    "native score Infinity": ("a.jsonl", lines(raw=json.dumps(native(score=0.5)).replace("0.5", "Infinity")), 1,
                              "Infinity"),
    "native score -Infinity": ("a.jsonl", lines(raw=json.dumps(native(score=0.5)).replace("0.5", "-Infinity")), 1,
                               "Infinity"),
    "native score 1e400": ("a.jsonl", lines(raw=json.dumps(native(score=0.5)).replace("0.5", "1e400")), 1,
                           "too large"),
    "native score of 401 digits": ("a.jsonl", lines(raw=json.dumps(native(score=0.5)).replace("0.5", "9" * 401)), 1,
                                   "too large"),
    "native meta NaN": ("a.jsonl", lines(raw=json.dumps({"id": "d1", "text": TEXT, "meta": {"x": [1, 0.5]}})
                                         .replace("0.5", "NaN")), 1, "NaN"),
    "native attrs Infinity": ("a.jsonl", lines(raw=json.dumps(native(attrs={"p": 0.5})).replace("0.5", "Infinity")),
                              1, "Infinity"),
    "native id of 5000 digits": ("a.jsonl", lines(raw=json.dumps({"id": 1, "text": TEXT}).replace("1,", BIG + ",")),
                                 1, "4,300 digits"),
    "native meta integer past 64 bits": ("a.jsonl", lines({"id": "d1", "text": TEXT, "meta": {"n": 2 ** 64}}), 1,
                                         "64-bit"),
    "native annotator 5": ("a.jsonl", lines(native(annotator=5)), 1, "annotator"),
    "native annotator 1.5": ("a.jsonl", lines(native(annotator=1.5)), 1, "annotator"),
    "native annotator object": ("a.jsonl", lines(native(annotator={"name": "ana"})), 1, "annotator"),
    "native annotator list": ("a.jsonl", lines(native(annotator=["ana"])), 1, "annotator"),
    "native origin number": ("a.jsonl", lines(native(origin=7)), 1, "origin"),
    "native id null": ("a.jsonl", lines({"id": None, "text": TEXT}), 1, "null"),
    "native entity id 1.5": ("a.jsonl", lines(native(id=1.5)), 1, "decimal number"),
    "prodigy meta NaN": ("p.jsonl", lines(raw=json.dumps({"text": TEXT, "meta": {"score": 0.5}, "answer": "accept",
                                                          "spans": []}).replace("0.5", "NaN")), 1, "NaN"),
    "prodigy span score Infinity": ("p.jsonl", lines(raw=json.dumps(
        {"text": TEXT, "answer": "accept", "spans": [{"start": 0, "end": 13, "label": "PERSON", "score": 0.5}]})
        .replace("0.5", "Infinity")), 1, "Infinity"),
    "doccano meta -Infinity": ("d.jsonl", lines(raw=json.dumps({"id": 1, "text": TEXT, "label": [],
                                                                 "meta": {"w": 0.5}}).replace("0.5", "-Infinity")),
                               1, "Infinity"),
    "doccano id of 5000 digits": ("d.jsonl", lines(raw=json.dumps({"id": 1, "text": TEXT, "label": []})
                                                   .replace("1,", BIG + ",")), 1, "4,300 digits"),
}


def label_studio(score: str = "0.5", task_id: str = "1", region_id: str = '"r1"') -> str:
    """Pretty-printed like Label Studio's export, so the bad value is on a line of its own."""
    task = [{"id": 1, "data": {"text": TEXT}, "predictions": [
        {"model_version": "m", "score": 0.5,
         "result": [{"id": "r1", "from_name": "label", "to_name": "text", "type": "labels",
                     "value": {"start": 0, "end": 13, "text": "Angela Merkel", "labels": ["PERSON"]}}]}]}]
    text = json.dumps(task, indent=2)
    return (text.replace('"score": 0.5', f'"score": {score}').replace('"id": 1,', f'"id": {task_id},')
            .replace('"id": "r1"', f'"id": {region_id}'))


def ls_line(text: str, token: str) -> int:
    return text[:text.index(token)].count("\n") + 1


LS_CASES = {
    "Label Studio score NaN": (label_studio(score="NaN"), "NaN"),
    "Label Studio score 1e400": (label_studio(score="1e400"), "1e400"),
    "Label Studio task id of 5000 digits": (label_studio(task_id=BIG), BIG),
}


@pytest.fixture
def existing(db_path, tmp_path):
    """A database holding one document, so that 'nothing changed' is checked against something."""
    source = tmp_path / "existing.jsonl"
    source.write_text(lines({"id": "old", "text": "An older document about Paris."}), encoding="utf-8")
    succeeded(["import", source, "--db", db_path])
    return db_path


@pytest.mark.parametrize("case", sorted(CASES))
@pytest.mark.parametrize("give_format", [False, True])
def test_json_numbers_and_names_that_cannot_be_stored_are_refused_with_file_and_line(case, give_format, existing,
                                                                                    tmp_path):
    name, content, line, words = CASES[case]
    path = tmp_path / name
    path.write_text(content, encoding="utf-8")
    fmt = {"a.jsonl": "jsonl", "p.jsonl": "prodigy", "d.jsonl": "doccano"}[name]
    message = refused(["import", path, "--db", existing] + (["--format", fmt] if give_format else []), existing,
                      path, f"line {line}", words)
    assert len(message) < 600, "the message repeats the huge value"


@pytest.mark.parametrize("case", sorted(LS_CASES))
def test_label_studio_numbers_that_cannot_be_stored_are_refused_on_their_line(case, existing, tmp_path):
    content, token = LS_CASES[case]
    path = tmp_path / "tasks.json"
    path.write_text(content, encoding="utf-8")
    refused(["import", path, "--db", existing], existing, path, f"line {ls_line(content, token)}")


@pytest.mark.parametrize("bad,where", [(bad, where) for bad in ("1.5", "[1, 2]", "true", '""', "{}")
                                       for where in ("task_id", "region_id")] + [("null", "task_id")])
def test_label_studio_ids_that_are_not_a_string_or_an_integer_are_refused(bad, where, existing, tmp_path):
    """Not turned into "None", "1.5" or "[1, 2]" (a region without an id gets one: null is fine there)."""
    path = tmp_path / "tasks.json"
    path.write_text(label_studio(**{where: bad}), encoding="utf-8")
    message = refused(["import", path, "--db", existing], existing, path)
    assert "must be a string or an integer" in message


def test_a_spacy_file_whose_user_data_holds_nan_is_refused(existing, tmp_path):
    """msgpack (spaCy's user_data) carries NaN and 2**64 where JSON cannot: refused like JSON's."""
    from spacy.tokens import Doc, DocBin

    from annotate.formats.docbin import _vocab
    for meta in ({"w": float("nan")}, {"w": [float("inf")]}, {"n": 2 ** 64 - 1}, {1: "integer key"}):
        doc = Doc(_vocab(), words=["Angela", "Merkel", "spoke"])
        doc.user_data["marginalia"] = {"id": "sp1", "meta": meta}
        path = tmp_path / "data.spacy"
        DocBin(docs=[doc], store_user_data=True).to_disk(path)
        refused(["import", path, "--db", existing], existing, path, "meta")


@pytest.mark.parametrize("offsets,words", [("1 ²", "0-9"), ("٣ 5", "0-9"), (f"1 {BIG}", "0-9"),
                                           ("0 13;14 ¹⁷", "0-9")])
def test_brat_offsets_in_other_digits_or_huge_are_refused(offsets, words, existing, tmp_path):
    (tmp_path / "doc.txt").write_text(TEXT, encoding="utf-8")
    (tmp_path / "doc.ann").write_text(f"T1\tPERSON 0 13\tAngela Merkel\nT2\tPERSON {offsets}\tx\n", encoding="utf-8")
    message = refused(["import", tmp_path / "doc.ann", "--db", existing], existing, "doc.ann", "line 2", words)
    assert len(message) < 600


@pytest.mark.parametrize("word_id", ["²", "1-²", "¹-2", BIG, f"1-{BIG}", "٣"])
def test_conllu_word_ids_in_other_digits_or_huge_are_refused(word_id, existing, tmp_path):
    path = tmp_path / "data.conllu"
    path.write_text("# text = Merkel spoke\n1\tMerkel\t_\t_\t_\t_\t0\troot\t_\t_\n"
                    f"{word_id}\tspoke\t_\t_\t_\t_\t1\tdep\t_\t_\n\n", encoding="utf-8")
    message = refused(["import", path, "--db", existing], existing, path, "line 3")
    assert len(message) < 600


def test_ids_in_other_digits_are_exported_as_text_and_read_back(db_path, tmp_path):
    """ "T²" looks like a brat id to str.isdigit and "²" like a number: the exports must neither crash on
    them nor merge them with "T2" / 2."""
    record = {"id": "²", "text": TEXT, "entities": [
        {"id": "T²", "start": 0, "end": 13, "label": "PERSON"}, {"id": "T2", "start": 18, "end": 33, "label": "PERSON"},
        {"id": "e٣", "start": 37, "end": 42, "label": "GPE"}],
        "relations": [{"id": "R²", "head": "T²", "tail": "T2", "label": "MET"}]}
    second = {"id": "2", "text": TEXT + " Again."}
    source = tmp_path / "in.jsonl"
    source.write_text(lines(record, second), encoding="utf-8")
    succeeded(["import", source, "--db", db_path, "--add-labels"])
    for fmt in ("brat", "doccano", "labelstudio", "prodigy", "conll", "spacy", "csv"):
        target = tmp_path / f"out-{fmt}"
        succeeded(["export", "--db", db_path, "--format", fmt, "--out", target])
    ann = "".join(p.read_text(encoding="utf-8") for p in (tmp_path / "out-brat").glob("*.ann"))
    assert "PERSON 0 13" in ann and "PERSON 18 33" in ann and "\tMET Arg1:" in ann
    assert all(line.split("\t")[0][1:].isascii() for line in ann.splitlines())
    for fmt in ("doccano", "labelstudio"):
        fresh = tmp_path / f"{fmt}.db"
        succeeded(["import", tmp_path / f"out-{fmt}", "--format", fmt, "--db", fresh, "--add-labels"])
        conn = sqlite3.connect(fresh)
        assert sorted(r[0] for r in conn.execute("SELECT id FROM documents")) == ["2", "²"]
        conn.close()


def test_what_is_accepted_is_audited_and_exported_as_strict_json(db_path, tmp_path):
    """The edges that are fine: the largest finite float, 64-bit integers, -0.0, a name for annotator."""
    record = {"id": "d1", "text": TEXT, "meta": {"big": 2 ** 63 - 1, "small": -(2 ** 63), "neg0": -0.0,
                                                 "max": 1.7976931348623157e308, "title": "edges"},
              "entities": [{"id": "e1", "start": 0, "end": 13, "label": "PERSON", "score": 1e308,
                            "decision": "suggested", "origin": "model:m@1"},
                           {"id": "e2", "start": 18, "end": 33, "label": "PERSON", "annotator": "ana",
                            "score": 3}]}
    source = tmp_path / "in.jsonl"
    source.write_text(lines(record), encoding="utf-8")
    succeeded(["import", source, "--db", db_path])
    out, _ = succeeded(["audit", "--verify", "--db", db_path])
    assert "verified" in out
    for fmt in ("jsonl", "prodigy", "doccano", "labelstudio"):
        target = tmp_path / f"out-{fmt}.json"
        succeeded(["export", "--db", db_path, "--format", fmt, "--out", target])
        text = target.read_text(encoding="utf-8")
        parsed = strict_json(text) if fmt == "labelstudio" else strict_json_lines(target)
        assert parsed
    exported = strict_json_lines(tmp_path / "out-jsonl.json")[0]
    assert exported["meta"]["big"] == 2 ** 63 - 1 and exported["entities"][0]["score"] == 1e308


def test_a_nan_an_earlier_version_stored_breaks_neither_the_window_nor_the_export_message(db_path, tmp_path, qapp):
    """Metadata with NaN (which SQLite's JSON functions call malformed) and an infinite score, written
    straight into the tables as an earlier version did: the corpus list and screenshot work, the export
    is refused with a message naming the document rather than writing a token no JSON reader accepts."""
    source = tmp_path / "in.jsonl"
    source.write_text(lines({"id": "d1", "text": TEXT, "meta": {"title": "first"}},
                            {"id": "d2", "text": TEXT + " Again.", "meta": {"title": 5}}), encoding="utf-8")
    succeeded(["import", source, "--db", db_path])
    conn = sqlite3.connect(db_path)
    conn.execute("""UPDATE documents SET meta = '{"title":"first","w":NaN}' WHERE id = 'd1'""")
    conn.commit()
    conn.close()
    for doc in ("d1", "d2"):
        succeeded(["screenshot", "--db", db_path, "--doc", doc, "--out", tmp_path / f"{doc}.png"])
    from store import Store
    with Store.open(str(db_path), "tester") as store:
        from store.queries import list_documents
        rows = list_documents(store.conn, "tester")
        assert [r.title for r in rows] == ["d1", "5"]
        assert [r.id for r in list_documents(store.conn, "tester", search="first")] == []
    code, _, err = run(["export", "--db", db_path, "--out", tmp_path / "out.jsonl"])
    assert code == 1 and "'d1'" in err and "NaN" in err
    assert not (tmp_path / "out.jsonl").exists()
