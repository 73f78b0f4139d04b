"""The real program on a real (virtual) X server, driven by real key events.

Xvfb is the screen, Qt's own xcb platform draws on it (not the offscreen one the other tests
use), and xdotool types through the XTEST extension, so each key goes the way a user's does:
X server, xcb, Qt's shortcut map, the window. The keys used are a key bound by default, a key the
user rebound in an earlier session (read from the settings file at start), and the quit key.
Xvfb and xdotool are test dependencies (README; .ci/run installs them).
"""
from __future__ import annotations

import json
import os
import shutil
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
TEXT = "Turkey and Russia have continued dialogue to broker a ceasefire in Libya."


def _tool(name: str) -> str:
    path = shutil.which(name)
    assert path, f"{name} is needed for this test: apt-get install xvfb xdotool (see the README)"
    return path


@pytest.fixture
def x_display(tmp_path):
    """A fresh Xvfb; its display number chosen by the server itself (-displayfd), so runs never clash.
    -noreset: by default the server resets when its last client leaves, and each xdotool call below
    is a client that leaves; a connection made during a reset fails ("could not connect to display":
    the program exited before its window was shown, in about one run in several; 14 of 300
    connections beside xdotool calls failed without it, none with it)."""
    read, write = os.pipe()
    server = subprocess.Popen([_tool("Xvfb"), "-displayfd", str(write), "-screen", "0", "1400x900x24", "-nolisten",
                               "tcp", "-noreset"], pass_fds=(write,), stdout=subprocess.DEVNULL,
                              stderr=subprocess.DEVNULL)
    os.close(write)
    with os.fdopen(read) as pipe:
        number = pipe.readline().strip()
    assert number.isdigit(), "Xvfb did not start"
    yield f":{number}"
    server.terminate()
    server.wait(timeout=30)


def _wait(predicate, proc, what: str, timeout: float = 120.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        if proc.poll() is not None:
            raise AssertionError(f"the program exited ({proc.returncode}) before {what}: "
                                 f"{proc.stderr.read().decode(errors='replace')[-2000:]}")
        time.sleep(0.2)
    raise AssertionError(f"timed out waiting for {what}")


def _query(db: Path, sql: str) -> list[tuple]:
    with sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=10) as conn:
        return conn.execute(sql).fetchall()


def test_the_real_window_under_xvfb_obeys_real_key_events(tmp_path, x_display):
    import main
    source = tmp_path / "doc.jsonl"
    source.write_text(json.dumps({"id": "d1", "text": TEXT, "entities": [
        {"id": "turkey", "start": 0, "end": 6, "label": "GPE", "decision": "suggested", "origin": "model:test@1"},
        {"id": "russia", "start": 11, "end": 17, "label": "GPE", "decision": "suggested", "origin": "model:test@1"},
        {"id": "libya", "start": 67, "end": 72, "label": "GPE", "decision": "suggested", "origin": "model:test@1"}]})
        + "\n", encoding="utf-8")
    db = tmp_path / "real.db"
    assert main.main(["import", str(source), "--db", str(db), "--as", "suggestions", "--user", "ana"]) == 0
    config = tmp_path / "config"
    (config / "Marginalia").mkdir(parents=True)
    # An earlier session rebound "Reject suggestion" to R (Qt's INI settings file, as Preferences writes it).
    (config / "Marginalia" / "Marginalia.conf").write_text("[shortcuts]\nreview.reject=R\n", encoding="utf-8")

    env = {k: v for k, v in os.environ.items() if k not in ("QT_QPA_PLATFORM", "WAYLAND_DISPLAY")}
    env.update(DISPLAY=x_display, XDG_CONFIG_HOME=str(config), MARGINALIA_HOME=str(tmp_path / "home"),
               MARGINALIA_ANNOTATOR="ana", HOME=str(tmp_path))
    proc = subprocess.Popen([sys.executable, str(ROOT / "main.py"), "gui", "--db", str(db), "--doc", "d1"], env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    xdotool = _tool("xdotool")

    def xdo(*args: str) -> str:
        return subprocess.run([xdotool, *args], env=env, capture_output=True, text=True, timeout=60).stdout.strip()

    try:
        window = _wait(lambda: xdo("search", "--onlyvisible", "--name", "d1 — Marginalia").split("\n")[0], proc,
                       "the window is shown")
        xdo("windowfocus", "--sync", window)
        time.sleep(1)  # let Qt take the focus in before the first key
        decisions = "SELECT id, decision FROM spans ORDER BY id"
        xdo("key", "j")                    # select the first suggestion (Turkey)
        xdo("key", "a")                    # accept it
        _wait(lambda: ("turkey", "accepted") in _query(db, decisions), proc, "A accepts the selected suggestion")
        # Russia is selected now. X no longer rejects (the user rebound it): the A after it accepts
        # Russia; had X rejected Russia, that A would have accepted Libya.
        xdo("key", "x")
        xdo("key", "a")
        _wait(lambda: ("russia", "accepted") in _query(db, decisions), proc, "X does nothing, A accepts Russia")
        xdo("key", "r")                    # the rebound key rejects Libya
        _wait(lambda: ("libya", "rejected") in _query(db, decisions), proc, "the rebound R rejects")
        assert _query(db, decisions) == [("libya", "rejected"), ("russia", "accepted"), ("turkey", "accepted")]
        xdo("key", "ctrl+Return")          # done, next
        _wait(lambda: _query(db, "SELECT status, annotator FROM doc_status") == [("done", "ana")], proc,
              "Ctrl+Enter marks the document done")
        xdo("key", "ctrl+q")
        assert proc.wait(timeout=60) == 0
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    err = proc.stderr.read().decode(errors="replace")
    assert "Traceback" not in err, err


def test_a_first_run_asks_the_name_shows_the_window_at_once_and_the_typed_name_acts(tmp_path, x_display):
    """A new user with a screen: the name dialog takes the typed keys (none reach the window behind
    it, where 'a' accepts), the window shows and the sample is pre-annotated in the background (that
    the window comes first is checked in test_startup), and what the user then does is recorded
    under the typed name."""
    env = {k: v for k, v in os.environ.items() if k not in ("QT_QPA_PLATFORM", "WAYLAND_DISPLAY",
                                                             "MARGINALIA_ANNOTATOR")}
    home = tmp_path / "home"
    env.update(DISPLAY=x_display, XDG_CONFIG_HOME=str(tmp_path / "config"), MARGINALIA_HOME=str(home),
               HOME=str(tmp_path))
    proc = subprocess.Popen([sys.executable, str(ROOT / "main.py")], env=env, stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE)
    xdotool = _tool("xdotool")

    def xdo(*args: str) -> str:
        return subprocess.run([xdotool, *args], env=env, capture_output=True, text=True, timeout=60).stdout.strip()

    db = home / "marginalia.db"
    try:
        dialog = _wait(lambda: xdo("search", "--onlyvisible", "--name", "Welcome to Marginalia"), proc,
                       "the name dialog is shown")
        xdo("windowfocus", "--sync", dialog.split("\n")[0])
        time.sleep(1)
        xdo("key", "ctrl+a")
        xdo("type", "--delay", "80", "jaxax")  # letters that are window keys (j selects, a accepts, x rejects)
        xdo("key", "BackSpace", "Return")
        window = _wait(lambda: xdo("search", "--onlyvisible", "--name", " — Marginalia").split("\n")[0], proc,
                       "the window is shown")
        suggested = "SELECT count(*) FROM spans WHERE decision = 'suggested'"
        _wait(lambda: db.exists() and _query(db, suggested)[0][0] > 0, proc, "the sample is pre-annotated", 180)
        assert _query(db, "SELECT count(*) FROM spans WHERE decision != 'suggested'") == [(0,)]  # no key leaked
        _wait(lambda: not xdo("search", "--onlyvisible", "--name", "^Pre-annotat"), proc, "the progress closes")
        xdo("windowfocus", "--sync", window)
        time.sleep(1)
        xdo("key", "j")
        xdo("key", "a")
        _wait(lambda: _query(db, "SELECT count(*) FROM spans WHERE decision = 'accepted'") == [(1,)], proc,
              "A accepts the first suggestion")
        last = _query(db, "SELECT actor FROM audit ORDER BY seq DESC LIMIT 1")
        assert last == [("jaxa",)], last  # the typed name, not the login name proposed
        xdo("key", "ctrl+q")
        assert proc.wait(timeout=60) == 0
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    err = proc.stderr.read().decode(errors="replace")
    assert "Traceback" not in err, err


def test_gui_on_a_mistyped_database_asks_before_creating_it(tmp_path, x_display):
    """`marginalia gui --db typo.db` with a screen: a dialog says there is no such database; Esc
    quits with nothing made, Enter (Create it) makes an empty one and shows the window on it."""
    env = {k: v for k, v in os.environ.items() if k not in ("QT_QPA_PLATFORM", "WAYLAND_DISPLAY")}
    env.update(DISPLAY=x_display, XDG_CONFIG_HOME=str(tmp_path / "config"), MARGINALIA_HOME=str(tmp_path / "home"),
               MARGINALIA_ANNOTATOR="ana", HOME=str(tmp_path))
    typo = tmp_path / "typo.db"
    xdotool = _tool("xdotool")

    def xdo(*args: str) -> str:
        return subprocess.run([xdotool, *args], env=env, capture_output=True, text=True, timeout=60).stdout.strip()

    for key in ("Escape", "Return"):
        proc = subprocess.Popen([sys.executable, str(ROOT / "main.py"), "gui", "--db", str(typo)], env=env,
                                stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        try:
            box = _wait(lambda: xdo("search", "--onlyvisible", "--name", "^No such database$"), proc,
                        "the dialog is shown")
            xdo("windowfocus", "--sync", box.split("\n")[0])
            time.sleep(1)
            xdo("key", key)
            if key == "Escape":
                assert proc.wait(timeout=60) == 0
                assert not typo.exists()
                continue
            window = _wait(lambda: xdo("search", "--onlyvisible", "--name", "Marginalia$"), proc,
                           "the window is shown")
            assert _query(typo, "SELECT count(*) FROM documents") == [(0,)]
            xdo("windowfocus", "--sync", window.split("\n")[0])
            time.sleep(1)
            xdo("key", "ctrl+q")
            assert proc.wait(timeout=60) == 0
        finally:
            if proc.poll() is None:
                proc.kill()
                proc.wait()
        err = proc.stderr.read().decode(errors="replace")
        assert "Traceback" not in err, err
