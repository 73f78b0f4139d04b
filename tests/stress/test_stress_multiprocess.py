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
