"""Starting the program: no display, a mistyped --db, the offscreen platform's name, the first run,
--version, and messages that say what to do."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

import main

ROOT = Path(__file__).resolve().parent.parent


def _run(args: list[str], env_changes: dict, drop: tuple[str, ...] = (), timeout: float = 120):
    env = dict(os.environ, **env_changes)
    for name in drop:
        env.pop(name, None)
    return subprocess.run([sys.executable, str(ROOT / "main.py"), *args], env=env, capture_output=True, text=True,
                          timeout=timeout)


@pytest.mark.parametrize("display", [None, ":93"])
def test_without_a_usable_display_one_clear_line_and_exit_1(tmp_path, display):
    changes = {"MARGINALIA_HOME": str(tmp_path)}
    if display:
        changes["DISPLAY"] = display
    done = _run([], changes, drop=("QT_QPA_PLATFORM", "WAYLAND_DISPLAY") + (() if display else ("DISPLAY",)))
    assert done.returncode == 1
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("marginalia: no display:"), done.stderr
    assert "xcb-cursor0" not in done.stderr
    assert not (tmp_path / "marginalia.db").exists()


def test_gui_on_a_mistyped_database_creates_nothing_and_says_how(tmp_path, capsys):
    typo = tmp_path / "typo.db"
    assert main.main(["gui", "--db", str(typo)]) == 1
    err = capsys.readouterr().err
    assert f"there is no database at {typo}" in err and "marginalia import" in err
    assert not typo.exists()
    for command in ("stats", "screenshot", "export"):  # the batch commands say how too
        args = {"screenshot": ["--out", str(tmp_path / "s.png")], "export": ["--out", str(tmp_path / "e.jsonl")]}
        assert main.main([command, "--db", str(typo), *args.get(command, [])]) == 1
        err = capsys.readouterr().err
        assert f"{typo}: no such database; check the name, or make one with `marginalia import" in err, err
    assert sorted(p.name for p in tmp_path.iterdir()) == []


def test_offscreen_takes_the_login_name_and_says_so(tmp_path):
    """The real program on the offscreen platform, first run: no dialog waits; it says whose name it
    uses, shows the window, and pre-annotates the sample in the background."""
    from annotate.people import login_name
    from tests.helpers import bulk, crash_check
    env = dict(os.environ, MARGINALIA_HOME=str(tmp_path), QT_QPA_PLATFORM="offscreen",
               XDG_CONFIG_HOME=str(tmp_path / "config"))
    env.pop("MARGINALIA_ANNOTATOR")
    proc = subprocess.Popen([sys.executable, str(ROOT / "main.py")], env=env, stderr=subprocess.PIPE,
                            stdout=subprocess.DEVNULL)
    db = tmp_path / "marginalia.db"
    try:
        crash_check.wait_for(lambda: db.exists() and bulk.count(
            db, "SELECT count(*) FROM spans WHERE decision = 'suggested'") > 0, proc, "pre-annotated", timeout=180)
    finally:
        proc.terminate()
        err = proc.communicate(timeout=60)[1].decode()
    assert f"annotating as {login_name()!r}, the login name" in err, err


def test_the_first_run_shows_the_window_before_the_sample_is_pre_annotated(qtbot, tmp_path):
    from store.queries import progress  # noqa: F401  (the store is importable without Qt)
    from ui.session import Session
    session = Session()
    assert session.open(tmp_path / "first.db", create=True, seed=True)
    window = session.window
    qtbot.addWidget(window)
    store = window.store
    assert window.isVisible() and window.state is not None
    assert store.document_count() >= 1
    suggested = "SELECT count(*) FROM spans WHERE decision = 'suggested'"
    assert store.conn.execute(suggested).fetchone()[0] == 0  # not yet: it runs after the window shows
    qtbot.waitUntil(lambda: store.conn.execute(suggested).fetchone()[0] > 0, timeout=120_000)
    qtbot.waitUntil(lambda: "pre-annotation done" in window.message_label.text(), timeout=30_000)
    assert window.state.spans  # the open document shows the suggestions
    session.close()


def test_a_first_run_closed_before_the_sample_was_pre_annotated_finishes_it_next_time(qtbot, tmp_path):
    from store import Store
    from store.seeding import seed_if_empty
    from ui.session import Session
    with Store.open(str(tmp_path / "first.db"), "tester") as store:
        seed_if_empty(store, preannotate=False)  # as a first run killed before its background run landed
    session = Session()
    assert session.open(tmp_path / "first.db", seed=True)
    window = session.window
    qtbot.addWidget(window)
    suggested = "SELECT count(*) FROM spans WHERE decision = 'suggested'"
    qtbot.waitUntil(lambda: window.store.conn.execute(suggested).fetchone()[0] > 0, timeout=120_000)
    qtbot.waitUntil(lambda: "pre-annotation done" in window.message_label.text(), timeout=30_000)
    session.close()

    session = Session()  # the next start finds the sample pre-annotated: nothing runs again
    assert session.open(tmp_path / "first.db", seed=True)
    qtbot.addWidget(session.window)
    qtbot.wait(300)
    assert session.window.preannotation is None
    session.close()


def test_version(capsys):
    with pytest.raises(SystemExit) as exit_:
        main.main(["--version"])
    assert exit_.value.code == 0
    assert capsys.readouterr().out.strip() == f"marginalia {main.version()}" and main.version()[0].isdigit()


def test_a_missing_named_pipeline_says_how_to_get_it(db_path, capsys):
    assert main.main(["preannotate", "--db", str(db_path), "--model", "en_core_web_zz"]) == 1
    err = capsys.readouterr().err
    assert "python -m spacy download en_core_web_zz" in err


def test_a_missing_system_library_of_qt_is_one_line_naming_the_packages(tmp_path):
    """As on a bare Debian without libglib2.0-0: QtWidgets cannot load its shared libraries."""
    code = (
        "import sys\n"
        "class Missing:\n"
        "    def find_spec(self, name, path=None, target=None):\n"
        "        if name == 'PySide6.QtWidgets':\n"
        "            raise ImportError('libglib-2.0.so.0: cannot open shared object file: No such file or directory')\n"
        "sys.meta_path.insert(0, Missing())\n"
        f"sys.path.insert(0, {str(ROOT)!r})\n"
        "import main\n"
        f"sys.exit(main.main(['gui', '--db', {str(tmp_path / 'x.db')!r}]))\n")
    done = subprocess.run([sys.executable, "-c", code], env=dict(os.environ, QT_QPA_PLATFORM="offscreen"),
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 1
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and "libglib-2.0.so.0" in lines[0] and "apt-get install" in lines[0] \
        and "libglib2.0-0" in lines[0], done.stderr


def test_the_first_window_fits_a_small_screen_and_another_database_keeps_its_place(qtbot, tmp_path, monkeypatch):
    """As on a 1366x768 laptop: the default 1400x860 would leave the window's right side and status
    bar off the screen (the offscreen platform's 800x600 screen stands for it)."""
    from PySide6.QtCore import QRect
    from PySide6.QtGui import QGuiApplication
    from ui.session import Session
    monkeypatch.setattr(QGuiApplication, "platformName", staticmethod(lambda: "xcb"))
    session = Session()
    assert session.open(tmp_path / "first.db", create=True)
    window = session.window
    qtbot.addWidget(window)
    area, frame = window.screen().availableGeometry(), window.geometry()
    assert area.height() < 860 and area.top() <= frame.top() and frame.bottom() <= area.bottom(), (area, frame)
    assert frame.left() >= area.left() and frame.width() < 1400  # as narrow as its panels allow
    window.setGeometry(QRect(30, 20, 1000, 600))  # where the person put it
    assert session.open(tmp_path / "second.db", create=True)
    qtbot.addWidget(session.window)
    assert session.window is not window and session.window.geometry() == QRect(30, 20, 1000, 600)
    session.close()
