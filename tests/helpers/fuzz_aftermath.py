"""What must hold after a fuzzed import succeeded: what was stored can be audited, listed and exported.

Refusing bad files is half of it: a NaN score once imported fine and then failed `audit --verify`
forever, metadata with NaN stopped the window's corpus list, a score of 1e400 was exported as
`inf`, and ids "01" and "1" came back from doccano as one. After every accepted import:

- `audit --verify` passes and `stats` runs;
- the window's corpus query lists every document and searches;
- the native JSONL export is strict JSON (no NaN, Infinity or overflowing number) and imports into a
  new database with the same document ids;
- one more format (in turn) exports; doccano and Label Studio exports are strict JSON and import
  again with the same document ids.
"""
from __future__ import annotations

import contextlib
import io
import json
import sqlite3
from itertools import cycle
from pathlib import Path

OTHER_FORMATS = cycle(["doccano", "labelstudio", "prodigy", "brat", "conll", "csv", "spacy"])
SUFFIX = {"doccano": ".jsonl", "labelstudio": ".json", "prodigy": ".jsonl", "brat": "", "conll": ".conll",
          "csv": ".csv", "spacy": ".spacy"}


def _run(argv: list) -> tuple[int, str]:
    import main
    err = io.StringIO()
    with contextlib.redirect_stderr(err), contextlib.redirect_stdout(io.StringIO()):
        try:
            code = main.main([str(a) for a in argv])
        except SystemExit as exc:
            code = exc.code
    return code, err.getvalue()


def _strict(text: str):
    def refuse(token):
        raise AssertionError(f"the export holds {token}, which is not JSON")

    def finite(literal):
        value = float(literal)
        assert value not in (float("inf"), float("-inf")), f"the export holds {literal}, which overflows"
        return value
    return json.loads(text, parse_constant=refuse, parse_float=finite)


def _doc_ids(db: Path) -> list[str]:
    conn = sqlite3.connect(db)
    try:
        return sorted(r[0] for r in conn.execute("SELECT id FROM documents"))
    finally:
        conn.close()


_EMPTY: list[Path] = []


def _fresh_db(path: Path) -> Path:
    """A new database for a re-import, copied from one made once (migrations are the slow part)."""
    import shutil
    import tempfile
    if not _EMPTY:
        from store import Store
        template = Path(tempfile.mkdtemp(prefix="fuzz-empty-")) / "empty.db"
        with Store.open(str(template), "tester") as store:
            store.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        _EMPTY.append(template)
    shutil.copyfile(_EMPTY[0], path)
    return path


def check_after_import(db: Path, folder: Path, context: str) -> str:
    """Assert the properties above for a database an import just wrote; returns the other format checked."""
    code, err = _run(["audit", "--verify", "--db", db])
    assert code == 0, f"{context}: audit --verify fails after an accepted import: {err[-1500:]}"
    code, err = _run(["stats", "--db", db])
    assert code == 0, f"{context}: stats: {err[-1500:]}"
    ids = _doc_ids(db)
    from store import Store
    from store.queries import list_documents
    with Store.open(str(db), "tester") as store:
        listed = list_documents(store.conn, "tester", limit=10_000)
        assert sorted(r.id for r in listed) == ids, f"{context}: the corpus list misses documents"
        assert all(isinstance(r.title, str) for r in listed)
        list_documents(store.conn, "tester", search="Turkey")
        list_documents(store.conn, "tester", search="a")
    native = folder / "after.jsonl"
    code, err = _run(["export", "--db", db, "--out", native])
    assert code == 0, f"{context}: the lossless export fails: {err[-1500:]}"
    # One record per line even for readers that split on Unicode's line breaks (str.splitlines).
    records = [_strict(line) for line in native.read_text(encoding="utf-8").splitlines() if line.strip()]
    assert sorted(r["id"] for r in records) == ids
    again = _fresh_db(folder / "again.db")
    code, err = _run(["import", native, "--db", again])
    assert code == 0, f"{context}: the lossless export does not import again: {err[-1500:]}"
    assert _doc_ids(again) == ids
    fmt = next(OTHER_FORMATS)
    out = folder / f"after-{fmt}{SUFFIX[fmt]}"
    code, err = _run(["export", "--db", db, "--format", fmt, "--out", out])
    assert code == 0, f"{context}: export --format {fmt} fails: {err[-1500:]}"
    if fmt in ("doccano", "labelstudio"):
        text = out.read_text(encoding="utf-8")
        _strict(text) if fmt == "labelstudio" else [_strict(line) for line in text.splitlines() if line.strip()]
        back = _fresh_db(folder / f"back-{fmt}.db")
        code, err = _run(["import", out, "--format", fmt, "--db", back, "--add-labels"])
        assert code == 0, f"{context}: the {fmt} export does not import again: {err[-1500:]}"
        assert _doc_ids(back) == ids, f"{context}: document ids changed through {fmt}"
    return fmt
