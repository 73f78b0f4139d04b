"""Real separate processes on one database file at once (issue 13 §2); see tests/helpers/multiprocess.py.

One round with the real `marginalia gui` (offscreen) as the window, on a new user's first run
(it seeds the sample and pre-annotates it; its keys are pressed from inside its process by
gui_driver.py), and one with window_driver.py (the window's code paths without Qt: actions,
corpus queries, the pre-annotation worker, re-opens); every command runs once over the two
rounds, in a random order, two at a time, with SIGKILLs of commands and windows at random
moments. Small sizes here; tests/stress runs many more rounds and quotes its figures in the
README.
"""
from __future__ import annotations

import os
import random

from tests.helpers import multiprocess

#: The commands of the issue's steps run beside the real window; the rest beside the driver.
BESIDE_THE_GUI = ["stats", "preannotate", "import", "verify", "export"]
BESIDE_THE_DRIVER = [kind for kind in multiprocess.KINDS if kind not in BESIDE_THE_GUI]


def test_the_window_and_every_command_at_once_with_kills(tmp_path):
    seed = int.from_bytes(os.urandom(4), "big")
    rng = random.Random(seed)
    home = tmp_path / "home"
    home.mkdir()
    db = home / "marginalia.db"
    env = {**os.environ, "MARGINALIA_HOME": str(home), "MARGINALIA_ANNOTATOR": "gui-user",
           "XDG_CONFIG_HOME": str(tmp_path / "config"), "QT_QPA_PLATFORM": "offscreen"}
    watcher = multiprocess.Watcher(db)
    gui = multiprocess.Window([str(multiprocess.GUI_DRIVER), str(seed)], tmp_path / "gui0.out", watcher, env=env)
    # The gold to train on and a second annotator's file come in from the terminal while the
    # window works.
    try:
        other = multiprocess.prepare(tmp_path, db)
    except BaseException:
        # The window is not the round's yet: it would run on after the test (one did for an
        # hour when an import here failed).
        gui.proc.kill()
        watcher.stop()
        raise
    total = multiprocess.Figures()
    beside_gui = rng.sample(BESIDE_THE_GUI, len(BESIDE_THE_GUI))
    figures, _, _ = multiprocess.run_round(
        tmp_path, db, other, rng, commands=beside_gui, concurrency=3, window_env=env, watcher=watcher, first_window=gui,
        window_argv=lambda serial: [str(multiprocess.GUI_DRIVER), str(serial)])
    assert figures.actions_checked >= 3, f"seed {seed}: the real window did little: {figures.line()}"
    total.add(figures)
    beside_driver = rng.sample(BESIDE_THE_DRIVER, len(BESIDE_THE_DRIVER))
    figures, _, _ = multiprocess.run_round(tmp_path, db, other, rng, commands=beside_driver, concurrency=3)
    total.add(figures)
    print(f"\nmulti-process (seed {seed}): {total.line()}")
    assert sorted(total.commands) == sorted(multiprocess.KINDS)
    assert total.actions_checked >= 20 and total.window_kills >= 2, f"seed {seed}: {total.line()}"
