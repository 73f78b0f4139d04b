"""The installable program, tested as a user gets it, away from the source tree.

Run by .ci/run after packaging/build.sh (not by the README's test command, which needs no build):
  QT_QPA_PLATFORM=offscreen python3 -m pytest -q packaging/test_bundle.py

* the standalone bundle, copied to a folder of its own and installed with its install.sh into a
  fresh HOME: its menu entry passes desktop-file-validate and points at the program, which starts
  (first run, offscreen, on the sample: pre-annotated in the background), and whose commands
  import, train, pre-annotate with the trained pipeline and render a screenshot;
* `pipx install .`: the command it installs runs on the sample too.
Everything runs with a minimal environment (no PYTHONPATH, no virtual environment on PATH) in a
temporary folder, so nothing can come from the checkout.
"""
from __future__ import annotations

import configparser
import json
import os
import shutil
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BUNDLE = ROOT / "dist" / "marginalia"


def _env(home: Path, **extra) -> dict[str, str]:
    return {"HOME": str(home), "PATH": "/usr/bin:/bin", "LANG": "C.UTF-8", "QT_QPA_PLATFORM": "offscreen",
            "MARGINALIA_HOME": str(home / "data"), "XDG_CONFIG_HOME": str(home / "config"),
            "XDG_DATA_HOME": str(home / "share"), **extra}


def _run(program: Path, args: list[str], env: dict, cwd: Path, timeout: float = 600) -> str:
    done = subprocess.run([str(program), *args], env=env, cwd=cwd, capture_output=True, text=True, timeout=timeout)
    assert done.returncode == 0, f"{program.name} {' '.join(args)}: {done.stderr[-3000:]}"
    return done.stdout + done.stderr


def _suggestions(db: Path) -> int:
    if not db.exists():
        return 0
    try:
        with sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=5) as conn:
            return conn.execute("SELECT count(*) FROM spans WHERE decision = 'suggested'").fetchone()[0]
    except sqlite3.OperationalError:  # created but not yet migrated
        return 0


def _first_run(program: Path, env: dict, cwd: Path) -> str:
    """Start the window on the offscreen platform; wait for the sample's suggestions; stop it."""
    db = Path(env["MARGINALIA_HOME"]) / "marginalia.db"
    proc = subprocess.Popen([str(program)], env=env, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 300
    try:
        while _suggestions(db) == 0:
            assert proc.poll() is None, proc.stderr.read().decode(errors="replace")[-3000:]
            assert time.monotonic() < deadline, "the first run did not pre-annotate the sample"
            time.sleep(0.5)
    finally:
        proc.terminate()
        err = proc.communicate(timeout=60)[1].decode(errors="replace")
    assert "Traceback" not in err, err
    return err


def _gold(path: Path) -> Path:
    people, places = ["Anna Berg", "Omar Haddad", "Lena Vogt", "Kemal Aydin", "Sara Lind"], ["Paris", "Cairo", "Oslo"]
    with open(path, "w", encoding="utf-8") as out:
        for i in range(10):
            p, q, g = people[i % 5], people[(i + 2) % 5], places[i % 3]
            text = f"{p} met {q} in {g} on day {i}. {q} said the talks in {g} would fail."
            entities = []
            for surface, label in ((p, "PERSON"), (q, "PERSON"), (g, "GPE")):
                start = text.find(surface)
                while start >= 0:
                    entities.append({"id": f"e{len(entities)}", "start": start, "end": start + len(surface),
                                     "label": label, "decision": "manual", "annotator": "ana"})
                    start = text.find(surface, start + 1)
            out.write(json.dumps({"id": f"d{i}", "text": text, "entities": entities, "status": "done"}) + "\n")
    return path


def test_the_bundle_installs_with_its_menu_entry_and_runs_without_the_source_tree(tmp_path):
    assert (BUNDLE / "marginalia").is_file(), "build the bundle first: packaging/build.sh"
    unpacked = tmp_path / "unpacked" / "marginalia"
    shutil.copytree(BUNDLE, unpacked, symlinks=True)
    home = tmp_path / "home"
    home.mkdir()
    env = _env(home)
    done = subprocess.run(["sh", str(unpacked / "install.sh")], env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    shutil.rmtree(unpacked.parent)  # the installed copy must stand alone
    program = home / ".local" / "bin" / "marginalia"
    entry = home / "share" / "applications" / "marginalia.desktop"
    assert program.is_symlink() and (home / "share" / "icons" / "hicolor" / "256x256" / "apps" / "marginalia.png").is_file()
    validate = shutil.which("desktop-file-validate")
    assert validate, "desktop-file-validate is needed: apt-get install desktop-file-utils"
    check = subprocess.run([validate, str(entry)], capture_output=True, text=True)
    assert check.returncode == 0 and not check.stdout.strip(), check.stdout + check.stderr
    desktop = configparser.ConfigParser(interpolation=None)
    desktop.read(entry)
    executable = Path(desktop["Desktop Entry"]["Exec"].split()[0])
    assert executable.is_file() and os.access(executable, os.X_OK) and executable.resolve() == program.resolve()

    work = tmp_path / "work"
    work.mkdir()
    version = _run(program, ["--version"], env, work).strip()
    assert version.startswith("marginalia ") and version.split()[1][0].isdigit()
    err = _first_run(program, _env(home, MARGINALIA_ANNOTATOR="ana"), work)
    assert "annotating as 'ana'" in err
    sample = home / "data" / "marginalia.db"
    _run(program, ["screenshot", "--db", str(sample), "--out", str(work / "shot.png")], env, work)
    assert (work / "shot.png").stat().st_size > 20_000

    # The model loop in the bundle: spaCy's training registry, the saved pipeline loaded back.
    db = work / "gold.db"
    _run(program, ["import", str(_gold(work / "gold.jsonl")), "--db", str(db)], env, work)
    _run(program, ["train", "--db", str(db), "--out", str(work / "model"), "--max-steps", "10"], env, work)
    out = _run(program, ["preannotate", "--db", str(db), "--model", str(work / "model"), "--json"], env, work)
    assert json.loads(out.strip().splitlines()[-1])["model"].startswith("model:marginalia@")
    out = _run(program, ["evaluate", "--db", str(db), "--model", str(work / "model"), "--held-out", "--json"], env,
               work)
    report = json.loads(out.strip().splitlines()[-1])
    assert report["excluded_trained"] > 0 and report["documents"] == 10 - report["excluded_trained"]


def test_pipx_install_gives_a_working_command(tmp_path):
    home = tmp_path / "home"
    home.mkdir()
    env = _env(home, PIPX_HOME=str(home / "pipx"), PIPX_BIN_DIR=str(home / "bin"), PIPX_MAN_DIR=str(home / "man"))
    # pipx from this Python; it builds the wheel from the checkout (as `pipx install .` in a clone).
    done = subprocess.run([sys.executable, "-m", "pipx", "install", str(ROOT)], env={**env, "PATH": os.environ["PATH"]},
                          capture_output=True, text=True, timeout=1200)
    assert done.returncode == 0, done.stdout + done.stderr
    program = home / "bin" / "marginalia"
    work = tmp_path / "work"
    work.mkdir()
    assert _run(program, ["--version"], env, work).startswith("marginalia ")
    _first_run(program, _env(home, MARGINALIA_ANNOTATOR="ana"), work)
    out = _run(program, ["stats", "--db", str(home / "data" / "marginalia.db")], env, work)
    assert "documents: 1" in out and "by origin: model:builtin@" in out
