"""Export options (--split/--seed, --only-done, --annotator, CSV), format detection, and refusals
that name file and line, for every format. No ../shared files needed."""
from __future__ import annotations

import csv
import json

import pytest

import main


def _native(tmp_path, n=10):
    lines = []
    for i in range(n):
        text = f"Ahmed met Putin in Ankara on day {i}. 🇹🇷 He said: “we will win”."
        a, p, k = text.index("Ahmed"), text.index("Putin"), text.index("Ankara")
        c = text.index("“")
        lines.append(json.dumps({
            "id": f"d{i}", "text": text,
            "entities": [{"id": "e1", "start": a, "end": a + 5, "label": "PERSON"},
                         {"id": "e2", "start": p, "end": p + 5, "label": "PERSON"},
                         {"id": "e3", "start": k, "end": k + 6, "label": "GPE", "score": 0.1 + i / 3,
                          "decision": "suggested", "origin": "model:x@1"}],
            "claims": [{"id": "c1", "start": c, "end": len(text) - 1, "claimant": "e1", "type": "prediction",
                        "checkworthy": i % 2 == 0, "attrs": {"note": None, "n": [1, 2]}}],
            "stances": [{"id": "s1", "holder": "e2", "target": "c1", "polarity": "AGAINST", "evidence": "c1"}],
            "relations": [{"id": "r1", "head": "e1", "tail": "e2", "label": "BACKED_BY"}],
            "labels": [], "status": "done" if i % 3 == 0 else "new"}, ensure_ascii=False))
    source = tmp_path / "in.jsonl"
    source.write_text("\n".join(lines) + "\n", encoding="utf-8")
    db = tmp_path / "x.db"
    assert main.main(["import", str(source), "--db", str(db)]) == 0
    return db


def test_native_fast_path_writes_the_same_records_as_the_domain_objects(tmp_path):
    from annotate.formats import native_jsonl
    from store import Store
    from store.export import native_lines
    db = _native(tmp_path)
    with Store.open(str(db), "tester", create=False) as store:
        store.set_status("d1", "skipped", "dup")
        slow = [native_jsonl.to_record(item) for item in store.iter_annotated()]
        fast = [json.loads(line) for _, line in native_lines(store, page=3)]
        assert fast == json.loads(json.dumps(slow))
        assert [json.loads(l) for _, l in native_lines(store, only_done=True)] == \
            json.loads(json.dumps([r for r in slow if r["status"] == "done"]))


def test_native_fast_path_entities_with_every_optional_field_and_awkward_scores(tmp_path):
    """The fast path's entities with attrs, replaces, a group and scores needing 15, 16 and 17
    digits read back as the domain objects write them; a score no JSON can hold is refused."""
    from annotate.formats import native_jsonl
    from store import Store
    from store.export import native_lines
    db = _native(tmp_path, 4)
    with Store.open(str(db), "tester", create=False) as store:
        conn = store.conn
        conn.execute("UPDATE spans SET attrs = '{\"k\":[1,\"é\"]}', replaces = 'e9' WHERE id = 'e1'")
        conn.execute("UPDATE spans SET score = ? WHERE id = 'e2' AND doc_id = 'd0'", [0.1 + 0.2])
        conn.execute("UPDATE spans SET score = ? WHERE id = 'e2' AND doc_id = 'd1'", [1e-7])
        conn.execute("UPDATE spans SET score = ? WHERE id = 'e2' AND doc_id = 'd2'", [0.8734567165374756])
        conn.execute("INSERT INTO clusters (doc_id, id, origin, decision, annotator, score, created_at, updated_at) "
                     "VALUES ('d3', 'g1', 'tester', 'manual', 'tester', NULL, 't', 't')")
        conn.execute("UPDATE spans SET cluster = 'g1' WHERE doc_id = 'd3' AND id IN ('e1', 'e2')")
        slow = [native_jsonl.to_record(item) for item in store.iter_annotated()]
        fast = [json.loads(line) for _, line in native_lines(store)]
        assert fast == json.loads(json.dumps(slow))
        assert fast[0]["entities"][0]["attrs"] == {"k": [1, "é"]} and fast[3]["entities"][0]["cluster"] == "g1"
        assert [r["entities"][1]["score"] for r in fast[:3]] == [0.1 + 0.2, 1e-7, 0.8734567165374756]
        conn.execute("UPDATE spans SET score = 9e999 WHERE id = 'e3' AND doc_id = 'd2'")
        with pytest.raises(Exception, match="cannot be written as JSON"):
            list(native_lines(store))


def test_split_is_deterministic_and_complete(tmp_path):
    db = _native(tmp_path, 20)
    outs = []
    for run in ("a", "b"):
        out = tmp_path / run / "data.jsonl"
        assert main.main(["export", "--db", str(db), "--out", str(out), "--split", "train=0.8,dev=0.1,test=0.1",
                          "--seed", "7"]) == 0
        outs.append({name: [json.loads(l)["id"] for l in (out.parent / f"data.{name}.jsonl").read_text().splitlines()]
                     for name in ("train", "dev", "test")})
    assert outs[0] == outs[1]
    assert [len(outs[0][k]) for k in ("train", "dev", "test")] == [16, 2, 2]
    assert sorted(sum(outs[0].values(), [])) == sorted(f"d{i}" for i in range(20))
    other = tmp_path / "c" / "data.jsonl"
    assert main.main(["export", "--db", str(db), "--out", str(other), "--split", "train=0.8,dev=0.1,test=0.1",
                      "--seed", "8"]) == 0
    assert [json.loads(l)["id"] for l in (other.parent / "data.train.jsonl").read_text().splitlines()] != outs[0]["train"]


@pytest.mark.parametrize("spec", ["train=0.8,dev=0.1", "train=0.5,train=0.5", "train", "train=x,dev=1"])
def test_bad_split_is_refused(spec, tmp_path, capsys):
    db = _native(tmp_path, 2)
    assert main.main(["export", "--db", str(db), "--out", str(tmp_path / "o.jsonl"), "--split", spec]) == 1
    assert "--split" in capsys.readouterr().err
    assert not list(tmp_path.glob("o.*"))


def test_only_done_and_one_annotators_version(tmp_path):
    from store import Store
    db = _native(tmp_path, 6)
    with Store.open(str(db), "ana") as ana:
        ana.add_entity("d1", 0, 5, "ORG")
        ana.set_status("d1", "done")
    out = tmp_path / "ana.jsonl"
    assert main.main(["export", "--db", str(db), "--out", str(out), "--annotator", "ana", "--only-done"]) == 0
    (record,) = [json.loads(l) for l in out.read_text(encoding="utf-8").splitlines()]
    assert record["id"] == "d1" and record["status"] == "done"
    assert [(e["label"], e["annotator"]) for e in record["entities"]] == [("ORG", "ana")]
    assert record["claims"] == record["stances"] == record["relations"] == []
    out2 = tmp_path / "done.jsonl"
    assert main.main(["export", "--db", str(db), "--out", str(out2), "--only-done"]) == 0
    assert [json.loads(l)["id"] for l in out2.read_text().splitlines()] == ["d0", "d3"]


def test_csv_rows_for_claims_stances_relations(tmp_path):
    db = _native(tmp_path, 2)
    out = tmp_path / "rows.csv"
    assert main.main(["export", "--db", str(db), "--format", "csv", "--out", str(out)]) == 0
    with open(out, newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    assert [r["kind"] for r in rows] == ["entity"] * 3 + ["claim", "stance", "relation"] + \
        ["entity"] * 3 + ["claim", "stance", "relation"]
    assert all(int(r["start"]) < int(r["end"]) for r in rows)  # on every row: pandas loads them as integers
    assert [r["text"] for r in rows[:3]] == ["Ahmed", "Putin", "Ankara"]
    claim, stance, relation = rows[3:6]
    assert claim["text"] == "“we will win”" and claim["claimant_text"] == "Ahmed" and claim["claim_type"] == "prediction"
    assert (stance["holder_text"], stance["polarity"], stance["target_text"]) == ("Putin", "AGAINST", "“we will win”")
    assert (relation["head_text"], relation["label"], relation["tail_text"]) == ("Ahmed", "BACKED_BY", "Putin")
    assert (relation["head_id"], relation["tail_id"]) == ("e1", "e2") and "head" not in relation
    # `export --help` says what the rows are: it left the entity rows out.
    from annotate.formats.names import EXPORT_FORMATS
    plural = {"entity": "entities", "claim": "claims", "stance": "stances", "relation": "relations"}
    assert all(plural[r["kind"]] in EXPORT_FORMATS["csv"] for r in rows)


def test_export_never_overwrites_without_force_and_leaves_nothing_half_written(tmp_path, capsys):
    db = _native(tmp_path, 2)
    for fmt, name in (("prodigy", "p.jsonl"), ("brat", "b"), ("spacy", "s.spacy"), ("labelstudio", "l.json")):
        out = tmp_path / name
        assert main.main(["export", "--db", str(db), "--format", fmt, "--out", str(out)]) == 0
        before = sorted(p.name for p in tmp_path.iterdir())
        assert main.main(["export", "--db", str(db), "--format", fmt, "--out", str(out)]) == 1
        assert "already exists" in capsys.readouterr().err
        assert main.main(["export", "--db", str(db), "--format", fmt, "--out", str(out), "--force"]) == 0
        assert sorted(p.name for p in tmp_path.iterdir()) == before  # no .part left behind


def test_spacy_folder_target_writes_shards_spacy_can_read(tmp_path, monkeypatch):
    from annotate.formats import docbin
    monkeypatch.setattr(docbin, "SHARD_SIZE", 3)
    db = _native(tmp_path, 7)
    out = tmp_path / "corpus"
    assert main.main(["export", "--db", str(db), "--format", "spacy", "--out", str(out)]) == 0
    assert sorted(p.name for p in out.iterdir()) == ["part-00000.spacy", "part-00001.spacy", "part-00002.spacy"]
    second = tmp_path / "y.db"
    assert main.main(["import", str(out), "--db", str(second)]) == 0


# ---- detection and refusals ----------------------------------------------------------------

def _write(tmp_path, name, text):
    path = tmp_path / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8", newline="")
    return path


@pytest.mark.parametrize("name,text,fmt", [
    ("a.jsonl", '{"id": "x", "text": "Hi", "entities": [], "status": "new"}\n', "jsonl"),
    ("b.jsonl", '{"text": "Hi Bob", "spans": [{"start": 3, "end": 6, "label": "PERSON"}], "answer": "accept"}\n',
     "prodigy"),
    ("c.jsonl", '{"text": "Hi Bob", "label": [[3, 6, "PERSON"]]}\n', "doccano"),
    ("d.jsonl", '{"id": 1, "text": "Hi Bob", "entities": [{"id": 0, "start_offset": 3, "end_offset": 6, '
                '"label": "PERSON"}], "relations": []}\n', "doccano"),
    ("e.json", '[{"data": {"text": "Hi Bob"}, "annotations": []}]', "labelstudio"),
    ("f.conll", "Hi O\nBob B-PERSON\n", "conll"),
    ("g.txt", "Hi\tO\nBob\tB-PERSON\n", "conll"),
    ("h.txt", "Hi Bob.\nA story.\n", "txt"),
    ("i.conllu", "# text = Hi\n1\tHi\thi\tINTJ\t_\t_\t0\troot\t_\t_\n\n", "conllu"),
])
def test_detection(name, text, fmt, tmp_path):
    from annotate.formats.registry import detect
    assert detect(_write(tmp_path, name, text)) == fmt


def test_a_conll_txt_file_in_a_folder_is_read_as_conll_as_when_given_alone(tmp_path, capsys):
    # g.txt above is detected as CoNLL; in a folder read as plain text it was stored as a document
    # whose text was its tokens and tags ("Hi\tO\nBob\tB-PERSON"), without a word.
    folder = tmp_path / "mixed"
    _write(folder, "g.txt", "Hi\tO\nBob\tB-PERSON\n")
    _write(folder, "h.txt", "Hi Bob.\n")
    db = tmp_path / "x.db"
    assert main.main(["import", str(folder), "--db", str(db)]) == 0
    assert "g.txt: read as CoNLL/IOB" in capsys.readouterr().err
    out = tmp_path / "x.jsonl"
    assert main.main(["export", "--db", str(db), "--out", str(out)]) == 0
    records = {r["text"]: r for r in map(json.loads, out.read_text(encoding="utf-8").splitlines())}
    assert set(records) == {"Hi Bob", "Hi Bob.\n"}
    assert [(e["start"], e["end"], e["label"]) for e in records["Hi Bob"]["entities"]] == [(3, 6, "PERSON")]
    # --format txt still means plain text, every file of the folder.
    db2 = tmp_path / "y.db"
    assert main.main(["import", str(folder), "--db", str(db2), "--format", "txt"]) == 0
    assert main.main(["export", "--db", str(db2), "--out", str(tmp_path / "y.jsonl")]) == 0
    texts = {json.loads(l)["text"] for l in (tmp_path / "y.jsonl").read_text(encoding="utf-8").splitlines()}
    assert texts == {"Hi\tO\nBob\tB-PERSON\n", "Hi Bob.\n"}


@pytest.mark.parametrize("name,text,fmt,expected", [
    ("p.jsonl", '{"text": "Hi Bob", "spans": [{"start": 3, "end": 6, "label": "PERSON"}], "answer": "accept"}\n'
                '{"text": "Hi", "spans": [{"start": 0, "end": 9, "label": "PERSON"}], "answer": "accept"}\n',
     "prodigy", ["line 2", "span 0", "[0, 9)"]),
    ("p2.jsonl", '{"text": "Hi Bob", "spans": [{"start": 3, "end": 6, "label": "PERSON", "text": "Bo"}], '
                 '"answer": "accept"}\n', "prodigy", ["line 1", "'Bo'", "'Bob'"]),
    ("p3.jsonl", '{"text": "Hi", "answer": "maybe"}\n', "prodigy", ["line 1", "unknown answer 'maybe'"]),
    ("d.jsonl", '{"text": "🇹🇷 Bob", "label": [[5, 8, "PERSON"]]}\n{"text": "🇹🇷 Bob", "label": [[1, 8, "PERSON"]]}\n',
     "doccano", ["line 2", "UTF-16 offset 1 falls inside a character"]),
    ("c.conll", "Hi O\nBob L-PERSON\n", "conll", ["line 2", "L-PERSON ends an entity that no B-PERSON began"]),
    ("u.conllu", "# text = Hi there\n1\tHi\thi\tX\t_\t_\t0\troot\t_\tSpaceAfter=No\n2\tthere\tthere\tX\t_\t_\t1\tdep\t_\t_\n\n",
     "conllu", ["line 1", "'Hi there'", "'Hithere'"]),
    ("l.json", '[{"id": 7, "data": {"text": "Hi Bob"}, "annotations": [{"result": [{"id": "r9", "type": "labels", '
               '"value": {"start": 3, "end": 5, "text": "Bob", "labels": ["PERSON"]}}]}]}]',
     "labelstudio", ["task 1 (id 7)", "region 'r9'", "'Bob'", "'Bo'"]),
    ("b/x.txt", "Hi Bob", None, []),
])
def test_bad_input_names_file_and_line_and_writes_nothing(name, text, fmt, expected, tmp_path, capsys):
    path = _write(tmp_path, name, text)
    if fmt is None:  # brat: the .ann names a type with a space
        _write(tmp_path, "b/x.ann", "T1\tPERSON 3 6\tBob\nT2\tbad type 3 6\tBob\n")
        path, expected = tmp_path / "b", ["x.ann, line 2", "T2", "cannot contain spaces"]
    db = tmp_path / "x.db"
    assert main.main(["import", str(path), "--db", str(db), "--add-labels"]) == 1
    err = capsys.readouterr().err
    assert str(path if fmt else tmp_path / "b" / "x.ann") in err
    for part in expected:
        assert part in err, err
    assert not db.exists()


def test_docbin_garbage_is_refused(tmp_path, capsys):
    path = tmp_path / "x.spacy"
    path.write_bytes(b"not a docbin at all")
    assert main.main(["import", str(path), "--db", str(tmp_path / "x.db")]) == 1
    assert "not a spaCy DocBin file" in capsys.readouterr().err


def test_unknown_label_names_file_line_and_add_labels_adds_a_schema_version(tmp_path, capsys):
    from store import Store
    path = _write(tmp_path, "p.jsonl", '{"text": "Hi Bob", "answer": "accept"}\n'
                                      '{"text": "Hi Bob", "spans": [{"start": 3, "end": 6, "label": "Gene_or_gene"}],'
                                      ' "relations": [], "answer": "accept"}\n')
    db = tmp_path / "x.db"
    assert main.main(["import", str(path), "--db", str(db)]) == 1
    assert f"{path}, line 2: entity 'e1': unknown entity label 'Gene_or_gene'" in capsys.readouterr().err
    assert not db.exists(), "a refused import left a new database behind"
    assert main.main(["import", str(path), "--db", str(db), "--add-labels"]) == 0
    with Store.open(str(db), "tester", create=False) as store:
        assert store.schema_version() == 2  # the default schema, then the one with the file's labels
        assert store.schema.entity("Gene_or_gene") is not None and store.document_count() == 2


def test_add_labels_is_part_of_the_import_transaction(tmp_path, capsys):
    """A label added by an import that is then refused (a document already present) leaves the schema alone."""
    from store import Store
    first = _write(tmp_path, "a.jsonl", '{"id": "x", "text": "Hi Bob", "entities": [], "status": "new"}\n')
    db = tmp_path / "x.db"
    assert main.main(["import", str(first), "--db", str(db)]) == 0
    with Store.open(str(db), "tester", create=False) as store:
        version = store.schema_version()
    clash = _write(tmp_path, "b.jsonl", '{"id": "x", "text": "Other text", "entities": [{"id": "e1", "start": 0, '
                                        '"end": 5, "label": "Newlabel"}], "status": "new"}\n')
    assert main.main(["import", str(clash), "--db", str(db), "--add-labels"]) == 1
    assert "already in the database" in capsys.readouterr().err
    with Store.open(str(db), "tester", create=False) as store:
        assert store.schema_version() == version and store.schema.entity("Newlabel") is None


def test_an_export_that_matches_nothing_says_who_has_it_and_writes_nothing(tmp_path, capsys):
    """--only-done counts the exporting annotator's status: when they finished nothing and another
    annotator did, the export names them and exits 1 instead of writing an empty file."""
    from store import Store
    source = _write(tmp_path, "plain.jsonl", "".join(json.dumps({"id": f"d{i}", "text": f"Ankara on day {i}.",
                                                                 "status": "new"}) + "\n" for i in range(3)))
    db = tmp_path / "x.db"
    assert main.main(["import", str(source), "--db", str(db)]) == 0
    with Store.open(str(db), "ann") as ann:
        ann.add_entity("d1", 0, 5, "ORG")
        for doc_id in ("d0", "d1"):
            ann.set_status(doc_id, "done")
    out = tmp_path / "done.spacy"
    capsys.readouterr()
    assert main.main(["export", "--db", str(db), "--out", str(out), "--format", "spacy", "--only-done",
                      "--split", "train=0.5,dev=0.5"]) == 1
    err = capsys.readouterr().err
    assert "no document is marked done by 'tester'" in err and "'ann' (2 documents)" in err
    assert "--annotator ann" in err
    assert not list(tmp_path.glob("done*"))
    assert main.main(["export", "--db", str(db), "--out", str(out), "--format", "spacy", "--annotator", "bob"]) == 1
    assert "'bob' has no annotations in this database; annotations by 'ann' (1 document)" in capsys.readouterr().err
    assert main.main(["export", "--db", str(db), "--out", str(out), "--format", "spacy", "--only-done",
                      "--annotator", "ann"]) == 0


def test_the_manifest_lists_the_client_configs_written_beside_the_export(tmp_path):
    db = _native(tmp_path, 2)
    for fmt, name, config in (("labelstudio", "ls.json", "ls.label_config.xml"), ("spacy", "s.spacy", "s.config.cfg")):
        out = tmp_path / name
        assert main.main(["export", "--db", str(db), "--format", fmt, "--out", str(out)]) == 0
        manifest = json.loads((tmp_path / f"{name}.manifest.json").read_text(encoding="utf-8"))
        assert set(manifest["files"]) == {name, config}
        assert manifest["files"][config]["bytes"] == (tmp_path / config).stat().st_size
