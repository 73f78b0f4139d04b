"""Database files in awkward places and states (issue 19): read commands never write, nothing is
left beside a file that was only read, a database appears only whole, a stopped run resumes.

- A zero-byte file, a SQLite file of another program with no tables yet (application_id set, or
  only a view): refused by every command (but import, which may make a database of an empty
  file), byte-for-byte untouched, nothing created beside them.
- A refused newer or foreign database with a leftover -wal gets no -shm created beside it.
- `--db` as a dangling symlink creates the database where it points; a symlink loop is refused
  by name, no traceback.
- A writable database in a folder nobody may write: stats, audit and export read it.
- An import refused into a database that did not exist leaves no file behind.
- `merge` reads its sources leaving no -wal or -shm beside them, even when killed.
- `preannotate` killed and run again goes on from where it stopped.
"""
from __future__ import annotations

import json
import os
import random
import shutil
import signal
import sqlite3
import subprocess
import sys
import time

import pytest

import main
from store import Store
from tests.helpers import bulk, crash_check

MAIN = str(crash_check.ROOT / "main.py")
RUNS = 6


def _beside(path) -> list[str]:
    return sorted(p.name for p in path.parent.iterdir())


def _state(path) -> tuple:
    st = os.stat(path)
    return open(path, "rb").read(), st.st_mtime_ns, _beside(path)  # a test's own file, not a live database


def _commands(db, tmp_path) -> list[list[str]]:
    return [["stats", "--db", str(db)], ["audit", "--verify", "--db", str(db)], ["audit", "--head", "--db", str(db)],
            ["export", "--db", str(db), "--out", str(tmp_path / "out.jsonl")], ["agree", "--db", str(db)],
            ["merge", str(db), "--into", str(tmp_path / "team.db")],
            ["import", str(bulk.write_big_jsonl(tmp_path / "in.jsonl", 2, repeat=1)), "--db", str(db)],
            ["preannotate", "--db", str(db)]]


def _foreign(kind: str, path) -> None:
    if kind == "zero-byte":
        path.write_bytes(b"")
        return
    conn = sqlite3.connect(path)
    if kind == "application-id":
        conn.execute("PRAGMA application_id = 1836213614")
    elif kind == "user-version":
        conn.execute("PRAGMA user_version = 7")
    elif kind == "only-a-view":
        conn.execute("CREATE VIEW answer AS SELECT 42")
    conn.commit()
    conn.close()


@pytest.mark.parametrize("kind", ["zero-byte", "application-id", "user-version", "only-a-view"])
def test_files_that_are_not_ours_are_never_written(kind, tmp_path, capsys):
    folder = tmp_path / "files"
    folder.mkdir()
    path = folder / "theirs.db"
    _foreign(kind, path)
    before = _state(path)
    for argv in _commands(path, tmp_path):
        if kind == "zero-byte" and argv[0] == "import":
            continue  # a command that may create a database makes one of an empty file (as SQLite does)
        capsys.readouterr()
        assert main.main(argv) == 1, argv
        err = capsys.readouterr().err
        assert str(path) in err and "Traceback" not in err, err
        assert _state(path) == before, f"{argv[0]} touched {kind}"
    assert not (tmp_path / "team.db").exists()


@pytest.mark.parametrize("kind", ["newer", "foreign"])
def test_a_refused_database_with_a_leftover_wal_gets_no_shm(kind, tmp_path, capsys):
    path = tmp_path / "left.db"
    with Store.open(str(path), "ana") as store:
        store.import_documents([bulk_document("d0")])
    conn = sqlite3.connect(path, isolation_level=None)
    if kind == "newer":
        conn.execute("INSERT INTO _sqlite_migrations (migration_set, name, applied_at) VALUES "
                     "('marginalia', 'm099_future', '2031-01-01')")
    else:
        conn.execute("DELETE FROM marginalia")
    conn.close()
    # A process killed while it had the file open: its -wal is left (with a frame in it), no -shm.
    writer = subprocess.run([sys.executable, "-c", (
        "import os, sqlite3, sys; c = sqlite3.connect(sys.argv[1], isolation_level=None); "
        "c.execute('PRAGMA journal_mode = WAL'); c.execute('CREATE TABLE x (y)'); os._exit(0)"), str(path)])
    assert writer.returncode == 0
    os.unlink(str(path) + "-shm")
    assert _beside(path) == ["left.db", "left.db-wal"]
    capsys.readouterr()
    assert main.main(["stats", "--db", str(path)]) == 1
    assert "newer version" in capsys.readouterr().err if kind == "newer" else True
    assert _beside(path) == ["left.db", "left.db-wal"]


def bulk_document(doc_id: str):
    from annotate.model import AnnotatedDocument, Document
    return AnnotatedDocument(Document(doc_id, bulk.TEXT, {"title": doc_id}))


def test_a_dangling_symlink_names_the_file_to_create_and_a_loop_is_refused(tmp_path, capsys):
    link = tmp_path / "link.db"
    link.symlink_to(tmp_path / "real" / "annotations.db")
    (tmp_path / "real").mkdir()
    assert main.main(["import", str(bulk.write_big_jsonl(tmp_path / "in.jsonl", 2, repeat=1)), "--db", str(link)]) == 0
    assert link.is_symlink() and (tmp_path / "real" / "annotations.db").is_file()
    assert main.main(["audit", "--verify", "--db", str(link)]) == 0
    loop = tmp_path / "loop.db"
    loop.symlink_to(tmp_path / "loop2.db")
    (tmp_path / "loop2.db").symlink_to(loop)
    for argv in (["stats", "--db", str(loop)], ["import", str(tmp_path / "in.jsonl"), "--db", str(loop)]):
        capsys.readouterr()
        assert main.main(argv) == 1
        err = capsys.readouterr().err
        assert str(loop) in err and "symbolic link" in err and "Traceback" not in err, err


def test_a_writable_database_in_a_folder_nobody_may_write_is_read(tmp_path, monkeypatch, capsys):
    folder = tmp_path / "shared"
    folder.mkdir()
    path = folder / "team.db"
    with Store.open(str(path), "ana") as store:
        store.import_documents([bulk_document("d0"), bulk_document("d1")])
    before = open(path, "rb").read()
    if os.geteuid() == 0:
        # root writes anywhere: the folder is made unwritable for the program's own check (the
        # part of the code that decides), and the test proves nothing is created beside the file.
        real_access = os.access
        monkeypatch.setattr(os, "access", lambda p, mode, **kw: False if os.fspath(p) == str(folder) and mode == os.W_OK
                            else real_access(p, mode, **kw))
    else:
        os.chmod(folder, 0o555)
    try:
        for argv in (["stats", "--json", "--db", str(path)], ["audit", "--verify", "--db", str(path)],
                     ["export", "--db", str(path), "--out", str(tmp_path / "out.jsonl")]):
            capsys.readouterr()
            assert main.main(argv) == 0, (argv, capsys.readouterr().err)
        assert _beside(path) == ["team.db"] and open(path, "rb").read() == before
    finally:
        os.chmod(folder, 0o755)


def test_a_refused_import_into_a_new_database_leaves_nothing(tmp_path, capsys):
    source = tmp_path / "bad.jsonl"
    source.write_text(json.dumps({"id": "a", "text": "Turkey", "entities": [
        {"id": "e1", "start": 0, "end": 6, "label": "NO_SUCH_LABEL"}]}) + "\n", encoding="utf-8")
    folder = tmp_path / "new"
    folder.mkdir()
    assert main.main(["import", str(source), "--db", str(folder / "fresh.db")]) == 1
    assert os.listdir(folder) == []
    good = bulk.write_big_jsonl(tmp_path / "good.jsonl", 3, repeat=1)
    assert main.main(["import", str(good), "--db", str(folder / "fresh.db")]) == 0
    assert os.listdir(folder) == ["fresh.db"]
    assert main.main(["audit", "--verify", "--db", str(folder / "fresh.db")]) == 0


def test_merge_killed_at_random_leaves_nothing_beside_its_sources(tmp_path):
    sources = []
    for n in range(3):
        folder = tmp_path / f"annotator{n}"
        folder.mkdir()
        path = folder / "mine.db"
        assert main.main(["import", str(bulk.write_big_jsonl(tmp_path / f"s{n}.jsonl", 400, prefix=f"a{n}-", repeat=2)),
                          "--db", str(path)]) == 0
        sources.append(path)
    argv = [sys.executable, MAIN, "merge", *map(str, sources), "--into"]
    started = time.monotonic()
    subprocess.run([*argv, str(tmp_path / "timing.db")], check=True, capture_output=True, timeout=600)
    whole = time.monotonic() - started
    rng = random.Random(int.from_bytes(os.urandom(4), "big"))
    killed = 0
    for run in range(RUNS):
        proc = subprocess.Popen([*argv, str(tmp_path / f"team{run}.db")], stdout=subprocess.DEVNULL,
                                stderr=subprocess.DEVNULL)
        time.sleep(rng.uniform(0.0, whole))
        if proc.poll() is None:
            proc.send_signal(signal.SIGKILL)
            killed += 1
        proc.wait(timeout=120)
        for path in sources:
            assert _beside(path) == ["mine.db"], f"run {run}, killed after {whole:.2f}s at most: {_beside(path)}"
    assert killed >= 1, "no merge was killed while it ran"


def test_preannotation_killed_goes_on_where_it_stopped(tmp_path):
    db = tmp_path / "pre.db"
    assert main.main(["import", str(bulk.write_news_jsonl(tmp_path / "news.jsonl", 160)), "--db", str(db)]) == 0
    bulk.kill_preannotation(db, tmp_path / "pre.out", 0.3, batch_size=8)
    first = bulk.check_preannotation(db, [f"n{i}" for i in range(160)], 8, "killed")
    done = subprocess.run([sys.executable, MAIN, "preannotate", "--db", str(db), "--batch-size", "8", "--json"],
                          capture_output=True, timeout=600)
    assert done.returncode == 0, done.stderr.decode(errors="replace")
    result = json.loads(done.stdout.decode().strip().splitlines()[-1])
    assert result["resumed"] == first and result["documents"] == 160 - first, (first, result)
    assert bulk.check_preannotation(db, [f"n{i}" for i in range(160)], 8, "resumed") == 160


def test_a_symlinked_database_is_merged_and_read_leaving_nothing_beside(tmp_path):
    real = tmp_path / "store" / "real.db"
    real.parent.mkdir()
    assert main.main(["import", str(bulk.write_big_jsonl(tmp_path / "x.jsonl", 2, repeat=1)), "--db", str(real)]) == 0
    link = tmp_path / "link.db"
    link.symlink_to(real)
    assert main.main(["merge", str(link), "--into", str(tmp_path / "team.db")]) == 0
    assert main.main(["agree", "--db", str(link)]) == 0
    assert _beside(real) == ["real.db"]
    shutil.rmtree(real.parent)
