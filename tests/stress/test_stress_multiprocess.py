"""The long version of tests/reliability/test_multiprocess.py: many rounds of a window and every
command at once on one file, with kills (see tests/helpers/multiprocess.py).

Sizes: MARGINALIA_STRESS_MP_ROUNDS (default 30) rounds of MARGINALIA_STRESS_MP_COMMANDS
(default 12) random commands, three at a time; every fifth round's window is the real
`marginalia gui`, the others window_driver.py. Files are renewed every 10 rounds.
"""
from __future__ import annotations

import os
import random
import time

from tests.helpers import multiprocess

ROUNDS = int(os.environ.get("MARGINALIA_STRESS_MP_ROUNDS", "30"))
COMMANDS = int(os.environ.get("MARGINALIA_STRESS_MP_COMMANDS", "12"))
ROUNDS_PER_FILE = 10


def test_windows_and_commands_at_once_for_many_rounds(tmp_path, capsys):
    seed = int.from_bytes(os.urandom(4), "big")
    rng = random.Random(seed)
    started = time.monotonic()
    total = multiprocess.Figures()
    gui_rounds = 0
    for round_ in range(ROUNDS):
        folder = tmp_path / f"file{round_ // ROUNDS_PER_FILE}"
        home = folder / "home"
        db = home / "marginalia.db"
        if round_ % ROUNDS_PER_FILE == 0:
            home.mkdir(parents=True)
            other = multiprocess.prepare(folder, db)
        kwargs = {}
        if round_ % 5 == 4:
            gui_rounds += 1
            env = {**os.environ, "MARGINALIA_HOME": str(home), "MARGINALIA_ANNOTATOR": "gui-user",
                   "XDG_CONFIG_HOME": str(folder / "config"), "QT_QPA_PLATFORM": "offscreen"}
            kwargs = {"window_env": env, "window_argv": lambda serial: [str(multiprocess.GUI_DRIVER), str(serial)]}
        figures, _, _ = multiprocess.run_round(folder, db, other, rng, commands=COMMANDS, concurrency=3,
                                               window_kills=rng.randint(1, 3), **kwargs)
        total.add(figures)
    with capsys.disabled():
        print(f"\nmulti-process: {total.line()}; {gui_rounds} rounds with the real window; "
              f"{time.monotonic() - started:.0f}s in all (seed {seed})")
    assert set(total.commands) == set(multiprocess.KINDS)
    assert total.window_kills >= ROUNDS


def test_a_window_keeps_working_through_a_large_import(tmp_path, capsys):
    """A 50,000-document import beside a window making actions: the import holds the write lock
    only while it writes (see store/import_batch.py); an action that meets that write waits and
    is kept, as in the window (ui/busy_wait.py); every action is in the file, and the import is
    whole."""
    from tests.helpers import bulk, crash_check
    db = tmp_path / "big.db"
    count = int(os.environ.get("MARGINALIA_STRESS_IMPORT_DOCS", "50000"))
    source = bulk.write_big_jsonl(tmp_path / "big.jsonl", count, prefix="big", repeat=1)
    multiprocess._run_ok(["import", str(bulk.write_big_jsonl(tmp_path / "seed.jsonl", 3, prefix="seed")), "--db",
                          str(db)])
    watcher = multiprocess.Watcher(db)
    window = multiprocess.Window([str(multiprocess.WINDOW_DRIVER), str(db), "77"], tmp_path / "window.out", watcher)
    try:
        started = time.monotonic()
        multiprocess._run_ok(["import", str(source), "--db", str(db)])
        took = time.monotonic() - started
        before = len(window.lines())
        window.wait_actions(before + 5)
    finally:
        window.kill()
        watcher.stop()
    multiprocess.check_round(db, [window], [], multiprocess.Figures(), tmp_path)
    conn = crash_check.check_sound(db, "after the import")
    try:
        assert conn.execute("SELECT count(*) FROM documents WHERE id LIKE 'big%'").fetchone()[0] == count
    finally:
        conn.close()
    waits = [float(line.split()[1]) for line in window.out.read_text().splitlines() if line.startswith("waited ")]
    with capsys.disabled():
        print(f"\nimport of {count} documents in {took:.0f}s beside a window: {len(window.lines())} window actions, "
              f"{len(waits)} of them waited for the import's write (longest {max(waits, default=0):.1f}s), none lost")
