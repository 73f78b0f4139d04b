"""Property-based fuzzing of every importer and of the schema loader (tests/reliability, tests/stress).

Each importer gets inputs that start from a valid file of its format and are then mutated: a
value replaced by one of the wrong type, an offset out of range, a huge number, a string with
NULs, lone surrogates, bidi overrides or markup, a key dropped or added, deep nesting, and the
hostile classes of tests/helpers/fuzz_hostile.py (NaN, Infinity, 1e400, integers of 401 and 5,000
digits, digits other than 0-9, ids that become one after a conversion); then the bytes: a BOM,
CRLF line ends, a cut, a stray NUL, UTF-16 or UTF-32; and around the file, symlinks (to nothing,
to themselves, to the database) and foreign SQLite files. Every input goes through the same entry
as `marginalia import FILE --db DB [--format F]`, into a database that already holds documents.

The property: the command returns 0 or 1, never raises; a refusal is an InputError whose message
names the file; a refused import changes nothing (the document count is the same); an accepted
import leaves a database that verifies, lists and exports, whose exports import again
(tests/helpers/fuzz_aftermath.py).
"""
from __future__ import annotations

import contextlib
import io
import json
import re
import shutil
import sqlite3
import tempfile
from collections import Counter
from pathlib import Path
from typing import Any

from hypothesis import strategies as st

from tests.helpers import fuzz_hostile
from tests.helpers.fuzz_aftermath import check_after_import
from tests.helpers.fuzz_hostile import Link

TEXT = ("Turkey is against Haftar, whom the United Arab Emirates back. Kalın said a truce is possible.\n"
        "Çavuşoğlu met Lavrov in Moscow on Monday.")

NASTY_STRINGS = ["", " ", "\x00", "a\x00b", "\ud800", "\udfff", "x\ud83dy", "\u202eevil\u202c", "\u2066\u2069",
                 "<script>alert(1)</script>", "<b>GPE</b>", "file:///etc/passwd", "http://example.com/x.png",
                 "\r\n", "\ufeff", "\x1b[31m", "\x7f", "../../x", "/etc/passwd", "CON", "T1", "e1", "GPE",
                 "PERSON", "OPPOSES", "accept", "reject", "suggested", "done", "B-GPE", "I-PER", "O", "_",
                 "\u2028", "👍🏽", "İ", "a" * 300, "9" * 40, "-1", "1e309", "NaN"]
NASTY_NUMBERS = [0, 1, -1, 5, 6, 7, 10**6, 2**31, 2**63, -(2**63), 10**40, -(10**40), 0.5, 1e308, -0.0,
                 float("inf"), float("-inf"), float("nan")]


def nasty_values() -> st.SearchStrategy:
    leaf = st.one_of(st.sampled_from(NASTY_STRINGS), st.sampled_from(NASTY_NUMBERS), st.booleans(), st.none(),
                     st.integers(), st.text(max_size=20), st.floats(), fuzz_hostile.hostile_leaf())
    nested = st.recursive(leaf, lambda inner: st.one_of(st.lists(inner, max_size=3),
                                                        st.dictionaries(st.sampled_from(NASTY_STRINGS), inner,
                                                                        max_size=3)), max_leaves=6)
    # Deep nesting: up to a few hundred levels as values, deeper as a marker that encode_json
    # turns into text (the json module cannot write it).
    deep = st.one_of(st.integers(min_value=20, max_value=300).map(_deep),
                     st.integers(min_value=500, max_value=100_000).map(lambda n: f"__DEEP_{n}__"))
    return st.one_of(leaf, leaf, nested, deep)


def _deep(n: int) -> Any:
    value: Any = "bottom"
    for _ in range(n):
        value = [value] if n % 2 else {"k": value}
    return value


def _paths(value: Any, path: tuple = ()) -> list[tuple]:
    out = [path]
    if len(path) >= 6:
        return out
    if isinstance(value, dict):
        for key, item in value.items():
            out.extend(_paths(item, path + (key,)))
    elif isinstance(value, list):
        for i, item in enumerate(value):
            out.extend(_paths(item, path + (i,)))
    return out


def _replace(value: Any, path: tuple, new: Any) -> Any:
    if not path:
        return new
    head, rest = path[0], path[1:]
    if isinstance(value, dict):
        return {**value, head: _replace(value[head], rest, new)}
    copy = list(value)
    copy[head] = _replace(value[head], rest, new)
    return copy


_DELETE = object()


def _delete(value: Any, path: tuple) -> Any:
    if len(path) == 1:
        if isinstance(value, dict):
            return {k: v for k, v in value.items() if k != path[0]}
        return [v for i, v in enumerate(value) if i != path[0]]
    head = path[0]
    if isinstance(value, dict):
        return {**value, head: _delete(value[head], path[1:])}
    copy = list(value)
    copy[head] = _delete(value[head], path[1:])
    return copy


@st.composite
def mutated_json(draw, base: Any, max_mutations: int = 4) -> Any:
    """``base`` with a few random mutations at random places."""
    value = base
    for _ in range(draw(st.integers(min_value=0, max_value=max_mutations))):
        paths = _paths(value)
        path = draw(st.sampled_from(paths))
        op = draw(st.sampled_from(["replace", "replace", "delete", "add", "offset", "duplicate", "twin"]))
        if op == "twin":  # ids that become one after a conversion (1 and "1", e01 and e1)
            value = draw(fuzz_hostile.id_twins(value))
            continue
        target = value
        for step in path:
            target = target[step]
        if op == "replace":
            value = _replace(value, path, draw(nasty_values()))
        elif op == "delete" and path:
            value = _delete(value, path)
        elif op == "add" and isinstance(target, dict):
            key = draw(st.one_of(st.sampled_from(NASTY_STRINGS), st.sampled_from(
                ["id", "start", "end", "label", "labels", "meta", "text", "answer", "spans", "entities",
                 "relations", "head", "tail", "from_id", "to_id", "value", "result", "data"])))
            value = _replace(value, path, {**target, key: draw(nasty_values())})
        elif op == "add" and isinstance(target, list):
            value = _replace(value, path, target + [draw(nasty_values())])
        elif op == "offset" and isinstance(target, int) and not isinstance(target, bool):
            value = _replace(value, path, target + draw(st.sampled_from([-1, 1, 1000, -1000, 2**40, len(TEXT)])))
        elif op == "duplicate" and isinstance(target, list) and target:
            value = _replace(value, path, target + [draw(st.sampled_from(target))])
    return value


def encode_json(draw, value: Any, *, lines: bool) -> bytes:
    ascii_only = draw(st.booleans())
    try:
        if lines:
            records = value if isinstance(value, list) else [value]
            text = "".join(json.dumps(r, ensure_ascii=ascii_only) + "\n" for r in records)
        else:
            text = json.dumps(value, ensure_ascii=ascii_only, indent=draw(st.sampled_from([None, 1])))
    except (RecursionError, ValueError):
        text = "[" * 3000
    text = re.sub(r'"__DEEP_(\d+)__"', lambda m: "[" * int(m.group(1)) + "]" * int(m.group(1)), text)
    text = fuzz_hostile.write_raw_numbers(text)
    return text.encode("utf-8", "surrogatepass")


@st.composite
def mangled_bytes(draw, data: bytes) -> bytes:
    """Byte-level damage: a BOM, CRLF line ends, a cut, a stray NUL or invalid UTF-8, junk at the end."""
    for op in draw(st.lists(st.sampled_from(["bom", "crlf", "cut", "nul", "latin", "junk", "blank",
                                             *fuzz_hostile.ENCODINGS]), max_size=2)):
        if op in fuzz_hostile.ENCODINGS:
            data = fuzz_hostile.reencode(data, op)
        elif op == "bom":
            data = b"\xef\xbb\xbf" + data
        elif op == "crlf":
            data = data.replace(b"\n", b"\r\n")
        elif op == "cut" and data:
            data = data[:draw(st.integers(min_value=0, max_value=len(data)))]
        elif op == "nul" and data:
            i = draw(st.integers(min_value=0, max_value=len(data)))
            data = data[:i] + b"\x00" + data[i:]
        elif op == "latin" and data:
            i = draw(st.integers(min_value=0, max_value=len(data)))
            data = data[:i] + b"\xe9\xff" + data[i:]
        elif op == "junk":
            data = data + draw(st.binary(max_size=40))
        elif op == "blank":
            data = data + b"\n\n  \n"
    return data


# ---- valid bases of each format -----------------------------------------------------------------

def native_base(n: int = 2) -> list[dict]:
    return [{"id": f"fz{i}", "text": TEXT, "meta": {"title": f"<b>t{i}</b>"},
             "entities": [{"id": "e1", "start": 0, "end": 6, "label": "GPE"},
                          {"id": "e2", "start": 18, "end": 24, "label": "PERSON", "decision": "suggested",
                           "origin": "model:x@1", "score": 0.5}],
             "claims": [{"id": "c1", "start": 95, "end": 120, "claimant": "e2", "type": "statement",
                         "checkworthy": True}],
             "stances": [{"id": "s1", "holder": "e1", "target": "e2", "polarity": "AGAINST", "evidence": None}],
             "relations": [{"id": "r1", "head": "e1", "tail": "e2", "label": "OPPOSES"}],
             "labels": ["politics"], "status": "done"} for i in range(n)]


def prodigy_base(n: int = 2) -> list[dict]:
    return [{"text": TEXT, "meta": {"source": f"p{i}"}, "_input_hash": i, "answer": "accept",
             "spans": [{"start": 0, "end": 6, "label": "GPE", "token_start": 0, "token_end": 0},
                       {"start": 18, "end": 24, "label": "PERSON", "source": "en_core", "score": 0.9}],
             "relations": [{"head": 0, "child": 3, "label": "OPPOSES",
                            "head_span": {"start": 0, "end": 6, "label": "GPE"},
                            "child_span": {"start": 18, "end": 24, "label": "PERSON"}}]} for i in range(n)]


def doccano_base(n: int = 2) -> list[dict]:
    out = []
    for i in range(n):
        if i % 2:
            out.append({"id": i, "text": TEXT, "label": [[0, 6, "GPE"], [18, 24, "PERSON"]]})
        else:
            out.append({"id": i, "text": TEXT,
                        "entities": [{"id": 1, "start_offset": 0, "end_offset": 6, "label": "GPE"},
                                     {"id": 2, "start_offset": 18, "end_offset": 24, "label": "PERSON"}],
                        "relations": [{"id": 1, "from_id": 1, "to_id": 2, "type": "OPPOSES"}]})
    return out


def labelstudio_base(n: int = 2) -> list[dict]:
    def region(rid, start, end, label):
        return {"id": rid, "from_name": "label", "to_name": "text", "type": "labels",
                "value": {"start": start, "end": end, "text": TEXT[start:end], "labels": [label]}}
    return [{"id": i, "data": {"text": TEXT, "title": f"<i>t{i}</i>"},
             "annotations": [{"id": 1, "completed_by": 1,
                              "result": [region("a", 0, 6, "GPE"), region("b", 18, 24, "PERSON"),
                                         {"from_id": "a", "to_id": "b", "type": "relation", "direction": "right",
                                          "labels": ["OPPOSES"]}]}],
             "predictions": [{"model_version": "m1", "result": [region("p", 35, 55, "GPE")]}]} for i in range(n)]


BRAT_ANN = ["T1\tGPE 0 6\tTurkey", "T2\tPERSON 18 24\tHaftar", "T3\tGPE 35 55\tUnited Arab Emirates",
            "R1\tOPPOSES Arg1:T1 Arg2:T2\t", "A1\tNegated T2", "#1\tAnnotatorNotes T1\ta note",
            "E1\tMeet:T3 Agent:T1", "N1\tReference T1 Wikidata:Q43\tTurkey"]
CONLL = ["-DOCSTART- -X- -X- O", "", "Turkey NNP B-NP B-GPE", "is VBZ B-VP O", "against IN B-PP O",
         "Haftar NNP B-NP B-PERSON", ". . O O", "", "United NNP B-NP B-GPE", "Arab NNP I-NP I-GPE",
         "Emirates NNPS I-NP I-GPE", "back RB B-ADVP O", "", "-DOCSTART- -X- -X- O", "", "Kalın NNP B-NP B-PERSON",
         "said VBD B-VP O"]
CONLLU = ["# newdoc id = d1", "# sent_id = 1", "# text = Turkey is against Haftar.",
          "1\tTurkey\tTurkey\tPROPN\tNNP\t_\t3\tnsubj\t_\t_", "2\tis\tbe\tAUX\tVBZ\t_\t3\tcop\t_\t_",
          "3\tagainst\tagainst\tADP\tIN\t_\t0\troot\t_\t_",
          "4\tHaftar\tHaftar\tPROPN\tNNP\t_\t3\tobj\t_\tSpaceAfter=No", "5\t.\t.\tPUNCT\t.\t_\t3\tpunct\t_\t_", "",
          "# sent_id = 2", "# text = Kalın's so.", "1-2\tKalın's\t_\t_\t_\t_\t_\t_\t_\t_",
          "1\tKalın\tKalın\tPROPN\tNNP\t_\t2\tnsubj\t_\t_", "2\tsaid\tsay\tVERB\tVBD\t_\t0\troot\t_\t_",
          "3\tso\tso\tADV\tRB\t_\t2\tadvmod\t_\tSpaceAfter=No", "4\t.\t.\tPUNCT\t.\t_\t2\tpunct\t_\t_", ""]


@st.composite
def mutated_lines(draw, lines: list[str], separators: str) -> str:
    """Lines of a text format with fields replaced, lines dropped, duplicated or inserted."""
    lines = list(lines)
    for _ in range(draw(st.integers(min_value=0, max_value=4))):
        op = draw(st.sampled_from(["field", "field", "drop", "dup", "insert", "swap"]))
        if not lines:
            lines.append("")
        i = draw(st.integers(min_value=0, max_value=len(lines) - 1))
        if op == "field":
            sep = draw(st.sampled_from(separators))
            parts = lines[i].split(sep)
            j = draw(st.integers(min_value=0, max_value=len(parts) - 1))
            parts[j] = draw(st.one_of(st.sampled_from(NASTY_STRINGS), st.integers().map(str),
                                      st.sampled_from([str(10**30), "-5", "0 999999", "3 2", "1;2 3", "Arg1:T9",
                                                       "Arg1:T1", "T2", "B-", "I-GPE", "L-GPE", "U-GPE",
                                                       "SpaceAfter=No", "1-9", "0", "1.1"]),
                                      st.sampled_from(fuzz_hostile.UNICODE_DIGITS),
                                      st.text(max_size=10)))
            lines[i] = sep.join(parts)
        elif op == "drop":
            del lines[i]
        elif op == "dup":
            lines.insert(i, lines[i])
        elif op == "insert":
            lines.insert(i, draw(st.one_of(st.sampled_from(NASTY_STRINGS), st.text(max_size=30))))
        elif op == "swap" and len(lines) > 1:
            j = draw(st.integers(min_value=0, max_value=len(lines) - 1))
            lines[i], lines[j] = lines[j], lines[i]
    return "\n".join(lines) + "\n"


@st.composite
def import_case(draw, fmt: str) -> tuple[dict[str, Any], str]:
    """({file name: bytes or a fuzz_hostile.Link}, the name to import) for one format; sometimes with
    symlinks and foreign SQLite files beside, or a link (to nothing, to the database) as the input."""
    files, name = draw(format_case(fmt))
    roll = draw(st.integers(min_value=0, max_value=9))
    if roll == 0:  # the input itself is a link: to the database, to nothing, to the real file
        link = draw(st.sampled_from(["../fuzz.db", "missing" + Path(name).suffix, name]))
        files = {**files, f"link-{name}" if name != "." else "link": Link(link if name != "." else ".")}
        name = f"link-{name}" if name != "." else "link"
    elif roll <= 2 and fmt in ("brat", "txt", "spacy"):  # a folder with things that are not what they seem
        files = {**files, **draw(fuzz_hostile.hostile_files([n for n in files]))}
        name = "."
    return files, name


@st.composite
def format_case(draw, fmt: str) -> tuple[dict[str, bytes], str]:
    """({file name: bytes}, the name to import) for one format."""
    if fmt in ("jsonl", "prodigy", "doccano"):
        base = {"jsonl": native_base, "prodigy": prodigy_base, "doccano": doccano_base}[fmt]()
        data = encode_json(draw, draw(mutated_json(base)), lines=True)
        return {"input.jsonl": draw(mangled_bytes(data))}, "input.jsonl"
    if fmt == "labelstudio":
        data = encode_json(draw, draw(mutated_json(labelstudio_base())), lines=False)
        return {"tasks.json": draw(mangled_bytes(data))}, "tasks.json"
    if fmt == "brat":
        text = draw(st.one_of(st.just(TEXT), st.just(TEXT.replace("\n", "\r\n")),
                              st.just(TEXT + "\u202e<script>\x00"), st.text(max_size=60)))
        ann = draw(mutated_lines(BRAT_ANN, "\t "))
        files = {"doc.txt": draw(mangled_bytes(text.encode("utf-8", "surrogatepass"))),
                 "doc.ann": draw(mangled_bytes(ann.encode("utf-8", "surrogatepass")))}
        return files, draw(st.sampled_from(["doc.ann", "doc.txt", "."]))
    if fmt == "conll":
        return {"data.conll": draw(mangled_bytes(draw(mutated_lines(CONLL, " \t")).encode("utf-8", "surrogatepass")))}, \
            "data.conll"
    if fmt == "conllu":
        return {"data.conllu": draw(mangled_bytes(draw(mutated_lines(CONLLU, "\t")).encode("utf-8",
                                                                                          "surrogatepass")))}, \
            "data.conllu"
    if fmt == "spacy":
        return {"data.spacy": draw(docbin_bytes())}, "data.spacy"
    if fmt == "txt":
        text = draw(st.one_of(st.text(), st.sampled_from(NASTY_STRINGS)))
        return {"article.txt": draw(mangled_bytes(text.encode("utf-8", "surrogatepass")))}, "article.txt"
    raise AssertionError(fmt)


@st.composite
def docbin_bytes(draw) -> bytes:
    """A .spacy file whose Doc carries mutated ``user_data['marginalia']``, or damaged bytes."""
    from spacy.tokens import Doc, DocBin, Span as SpacySpan

    from annotate.formats.docbin import _vocab
    words = ["Turkey", "is", "against", "Haftar", "."]
    doc = Doc(_vocab(), words=words, spaces=[True, True, True, False, False])
    doc.ents = [SpacySpan(doc, 0, 1, label="GPE"), SpacySpan(doc, 3, 4, label="PERSON")]
    doc.spans["claims"] = [SpacySpan(doc, 0, 4, label="CLAIM")]
    own = {"id": "sp1", "meta": {"title": "t"}, "span_ids": [["entity", 0, 6, "GPE", "e1"],
                                                             ["entity", 18, 24, "PERSON", "e2"],
                                                             ["claim", 0, 24, "CLAIM", "c1"]],
           "claims": [["c1", {"type": "statement", "checkworthy": True, "claimant": "e2"}]],
           "relations": [["r1", "e1", "e2", "OPPOSES"]], "stances": [["s1", "e1", "e2", "AGAINST", None]]}
    doc.user_data["marginalia"] = draw(mutated_json(own))
    try:
        bin_ = DocBin(store_user_data=True)
        bin_.add(doc)
        data = bin_.to_bytes()
    except Exception:  # a value msgpack cannot write: damaged bytes instead
        data = b"\x00" * 10
    if draw(st.integers(min_value=0, max_value=4)) == 0:
        i = draw(st.integers(min_value=0, max_value=len(data)))
        data = data[:i] + draw(st.binary(max_size=8)) + data[i + 1:]
    return data


# ---- running one case ---------------------------------------------------------------------------

def document_count(db: Path) -> int:
    conn = sqlite3.connect(db)
    try:
        return conn.execute("SELECT count(*) FROM documents").fetchone()[0]
    finally:
        conn.close()


class ImportHarness:
    """Runs `marginalia import` on generated files, keeping counts of what happened."""

    def __init__(self, base_db: Path, *, aftermath_every: int = 1):
        self.base_db = base_db
        self.aftermath_every = aftermath_every
        self.base_count = document_count(base_db)
        self.outcomes: Counter = Counter()

    def run(self, files: dict[str, bytes], name: str, fmt: str | None) -> None:
        import main
        from annotate.errors import InputError
        folder = Path(tempfile.mkdtemp(prefix="fuzz-"))
        try:
            data_dir = folder / "in"
            data_dir.mkdir()
            for file_name, data in files.items():
                if isinstance(data, Link):
                    (data_dir / file_name).symlink_to(data.to)
                else:
                    (data_dir / file_name).write_bytes(data)
            target = data_dir if name == "." else data_dir / name
            db = folder / "fuzz.db"
            shutil.copyfile(self.base_db, db)
            raised: list[BaseException] = []
            original = main.cmd_import

            def recording(args):
                try:
                    return original(args)
                except BaseException as exc:
                    raised.append(exc)
                    raise

            guard = main._refuse_database_paths

            def recording_guard(args):
                try:
                    return guard(args)
                except BaseException as exc:
                    raised.append(exc)
                    raise

            main.cmd_import, main._refuse_database_paths = recording, recording_guard
            err = io.StringIO()
            try:
                with contextlib.redirect_stderr(err), contextlib.redirect_stdout(io.StringIO()):
                    argv = ["import", str(target), "--db", str(db)] + (["--format", fmt] if fmt else [])
                    code = main.main(argv)
            finally:
                main.cmd_import, main._refuse_database_paths = original, guard
            message = err.getvalue()
            assert code in (0, 1), (code, message)
            if code == 1:
                assert raised and isinstance(raised[0], InputError), (
                    f"refused with {type(raised[0]).__name__ if raised else None}, not an InputError: {message}")
                assert str(data_dir) in message, f"the message does not name the file: {message!r}"
                assert "Traceback" not in message
                assert document_count(db) == self.base_count, "a refused import wrote documents"
                self.outcomes["refused"] += 1
            else:
                assert document_count(db) >= self.base_count
                self.outcomes["imported"] += 1
                if self.outcomes["imported"] % self.aftermath_every == 0:
                    checked = check_after_import(db, folder, f"{fmt or 'detected'} {name}")
                    self.outcomes[f"then exported as {checked}"] += 1
        finally:
            shutil.rmtree(folder, ignore_errors=True)
