"""Rounds of real processes on one database file at once (tests/reliability, tests/stress).

A round: a window-side process (window_driver.py, or the real `marginalia gui` through
gui_driver.py) makes random actions while other processes run every command (stats, export,
import, merge both ways, agree, audit --verify, preannotate, train) in random order, two at a
time; some commands and the window are SIGKILLed at random moments (a killed window is
followed by a new one). Meanwhile a watcher reads /proc/PID/fd of the window-side processes:
a -wal or -shm of the database deleted under a live connection is a failure.

After the round (check_round): PRAGMA integrity_check and foreign_key_check pass; every action
a window reported as returned is in the file exactly (same event, same hash); every command
that exited did so with status 0; an import or merge that exited 0 is in the file, one that was
killed is there whole or not at all; every JSONL export that exited 0 imports again into a new
database (so it is one consistent state, not a torn one); `audit --verify` passes.
"""
from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from . import bulk, crash_check

HELPERS = Path(__file__).resolve().parent
WINDOW_DRIVER = HELPERS / "window_driver.py"
GUI_DRIVER = HELPERS / "gui_driver.py"
MAIN = crash_check.ROOT / "main.py"
KINDS = ("stats", "export", "export-other", "import", "merge-into", "merge-from", "agree", "verify",
         "preannotate", "train")
TRAINER = "trainer"


@dataclass
class Command:
    kind: str
    argv: list[str]
    out: Path
    proc: subprocess.Popen | None = None
    kill_at: float | None = None
    killed: bool = False
    returncode: int | None = None
    stderr: str = ""
    meta: dict = field(default_factory=dict)


@dataclass
class Figures:
    rounds: int = 0
    commands: Counter = field(default_factory=Counter)
    command_kills: int = 0
    window_kills: int = 0
    windows: int = 0
    actions_checked: int = 0
    exports_reimported: int = 0
    imports_checked: int = 0
    wal_samples: int = 0

    def add(self, other: "Figures") -> None:
        for name in self.__dataclass_fields__:
            mine = getattr(self, name)
            setattr(self, name, mine + getattr(other, name) if not isinstance(mine, Counter)
                    else mine + getattr(other, name))

    def line(self) -> str:
        kinds = ", ".join(f"{k} {v}" for k, v in sorted(self.commands.items()))
        return (f"{self.rounds} rounds, {sum(self.commands.values())} commands ({kinds}), "
                f"{self.command_kills} commands and {self.window_kills} windows killed, {self.windows} windows, "
                f"{self.actions_checked} returned actions checked, {self.imports_checked} imports/merges checked, "
                f"{self.exports_reimported} exports re-imported, {self.wal_samples} /proc samples")


def prepare(workdir: Path, db: Path) -> Path:
    """A database with some gold to train on, and a second annotator's file to merge in."""
    gold = bulk.write_big_jsonl(workdir / "gold.jsonl", 12, prefix="gold", repeat=1, status="done")
    _run_ok(["import", str(gold), "--db", str(db), "--annotator", TRAINER])
    other = workdir / "other.db"
    _run_ok(["import", str(bulk.write_big_jsonl(workdir / "other.jsonl", 4, prefix="other", repeat=2)),
             "--db", str(other), "--annotator", "ben"])
    return other


def _run_ok(argv: list[str]) -> None:
    done = subprocess.run([sys.executable, str(MAIN), *argv], capture_output=True, cwd=crash_check.ROOT, timeout=600)
    assert done.returncode == 0, f"{argv}: {done.stderr.decode(errors='replace')[-2000:]}"


class Watcher:
    """Samples /proc/PID/fd of the window-side processes for a deleted -wal or -shm."""

    def __init__(self, db: Path):
        self.prefix = os.path.realpath(db) + "-"
        self.pids: set[int] = set()
        self.violations: list[str] = []
        self.samples = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _deleted(self, pid: int) -> set[str]:
        found = set()
        folder = f"/proc/{pid}/fd"
        try:
            names = os.listdir(folder)
        except OSError:
            return found
        for fd in names:
            try:
                target = os.readlink(f"{folder}/{fd}")
            except OSError:
                continue
            if target.startswith(self.prefix) and target.endswith("(deleted)"):
                found.add(f"{fd} -> {target}")
        return found

    def _run(self) -> None:
        while not self._stop.is_set():
            for pid in list(self.pids):
                self.samples += 1
                first = self._deleted(pid)
                if first:
                    # A process closing its last connection deletes the -wal a moment before it
                    # closes the descriptor; a descriptor still there 0.3 s later is in use.
                    time.sleep(0.3)
                    still = first & self._deleted(pid)
                    if still and pid in self.pids:
                        self.violations.append(f"pid {pid}: {sorted(still)}")
            time.sleep(0.02)

    def stop(self) -> None:
        self._stop.set()
        self._thread.join()


class Window:
    """One window-side process: window_driver.py (or another argv printing the same lines)."""

    def __init__(self, argv: list[str], out: Path, watcher: Watcher, env: dict | None = None):
        self.out = out
        self.watcher = watcher
        with open(out, "wb") as stdout:
            self.proc = subprocess.Popen([sys.executable, *argv], stdout=stdout, stderr=subprocess.PIPE,
                                         cwd=crash_check.ROOT, env=env)
        crash_check.wait_for(lambda: out.exists() and out.read_bytes().startswith(b"ready"), self.proc,
                             "the window is ready", timeout=120)
        watcher.pids.add(self.proc.pid)

    def wait_actions(self, count: int, timeout: float = 60.0) -> None:
        """Until the window has reported ``count`` actions (so each window killed did something
        first, however slow the machine), or has ended on its own."""
        crash_check.wait_for(lambda: self.proc.poll() is not None or self.out.read_bytes().count(b'{"seq"') >= count,
                             self.proc, f"the window's first {count} actions", timeout=timeout)

    def kill(self) -> bool:
        self.watcher.pids.discard(self.proc.pid)
        running = self.proc.poll() is None
        if running:
            os.kill(self.proc.pid, signal.SIGKILL)
        self.proc.wait(timeout=60)
        err = self.proc.stderr.read().decode(errors="replace")
        self.proc.stderr.close()
        assert self.proc.returncode in (0, -signal.SIGKILL), (
            f"the window failed ({self.proc.returncode}): {err[-3000:]}\n"
            + "\n".join(self.out.read_bytes().decode(errors="replace").splitlines()[-3:]))
        return running

    def lines(self) -> list[dict]:
        data = self.out.read_bytes().decode("utf-8")
        return [json.loads(line) for line in data.split("\n")[:-1] if line.startswith("{")]


def _command(kind: str, n: int, db: Path, other: Path, workdir: Path) -> Command:
    out = workdir / f"cmd{n}.{kind}.out"
    base = ["--db", str(db)]
    if kind == "stats":
        return Command(kind, ["stats", "--json", *base], out)
    if kind == "export":
        target = workdir / f"export{n}.jsonl"
        return Command(kind, ["export", *base, "--out", str(target)], out, meta={"target": target})
    if kind == "export-other":
        fmt = random.Random(n).choice(["spacy", "conll", "doccano", "labelstudio", "csv", "prodigy"])
        return Command(kind, ["export", *base, "--format", fmt, "--out", str(workdir / f"export{n}.{fmt}")], out)
    if kind == "import":
        prefix = f"imp{n}-"
        source = bulk.write_big_jsonl(workdir / f"import{n}.jsonl", 6, prefix=prefix, repeat=1)
        return Command(kind, ["import", str(source), *base], out, meta={"prefix": prefix, "count": 6})
    if kind == "merge-into":
        return Command(kind, ["merge", str(other), "--into", str(db)], out)
    if kind == "merge-from":
        team = workdir / f"team{n}.db"
        return Command(kind, ["merge", str(db), "--into", str(team)], out, meta={"team": team})
    if kind == "agree":
        return Command(kind, ["agree", *base], out)
    if kind == "verify":
        return Command(kind, ["audit", "--verify", *base], out)
    if kind == "preannotate":
        return Command(kind, ["preannotate", *base, "--batch-size", "8"], out)
    if kind == "train":
        return Command(kind, ["train", *base, "--annotator", TRAINER, "--out", str(workdir / f"model{n}"),
                              "--max-steps", "4"], out)
    raise AssertionError(kind)


def _start(command: Command, rng: random.Random, kill_share: float) -> None:
    with open(command.out, "wb") as stdout:
        command.proc = subprocess.Popen([sys.executable, str(MAIN), *command.argv], stdout=stdout,
                                        stderr=subprocess.PIPE, cwd=crash_check.ROOT)
    if rng.random() < kill_share:
        command.kill_at = time.monotonic() + rng.uniform(0.05, 2.0)


def _finish(command: Command) -> None:
    command.returncode = command.proc.wait(timeout=600)
    command.stderr = command.proc.stderr.read().decode(errors="replace")
    command.proc.stderr.close()


def run_round(workdir: Path, db: Path, other: Path, rng: random.Random, *, commands: int | list[str], kinds=KINDS,
              kill_share: float = 0.25, window_kills: int = 1, concurrency: int = 2, window_argv=None,
              window_env: dict | None = None, watcher: "Watcher | None" = None,
              first_window: "Window | None" = None) -> tuple[Figures, list[Window], list[Command]]:
    """One round (see the module's doc); returns its figures, the windows and the commands, checked.

    ``commands``: how many, of random ``kinds``, or the list of kinds to run (in that order);
    ``window_argv(serial)``: the window-side process to start (default: window_driver.py);
    ``first_window``: one already started (with ``watcher``), which the round takes over."""
    figures = Figures(rounds=1)
    watcher = watcher or Watcher(db)
    windows: list[Window] = [first_window] if first_window else []
    serial = rng.randrange(10**9)

    def new_window() -> Window:
        nonlocal serial
        serial += 1
        argv = window_argv(serial) if window_argv else [str(WINDOW_DRIVER), str(db), str(serial)]
        window = Window(argv, workdir / f"window{serial}.out", watcher, env=window_env)
        windows.append(window)
        return window

    window = first_window or new_window()
    plan = commands if isinstance(commands, list) else [rng.choice(kinds) for _ in range(commands)]
    pending = [_command(kind, rng.randrange(10**9), db, other, workdir) for kind in reversed(plan)]
    kill_window_after = sorted(rng.sample(range(1, len(plan) + 1), min(window_kills, len(plan))))
    running: list[Command] = []
    started = 0
    finished: list[Command] = []
    try:
        while pending or running:
            while pending and len(running) < concurrency:
                command = pending.pop()
                _start(command, rng, kill_share)
                running.append(command)
                started += 1
                figures.commands[command.kind] += 1
                if kill_window_after and started == kill_window_after[0]:
                    kill_window_after.pop(0)
                    window.wait_actions(2)
                    time.sleep(rng.uniform(0.0, 0.5))
                    figures.window_kills += window.kill()
                    window = new_window()
            time.sleep(0.01)
            for command in list(running):
                if command.kill_at is not None and time.monotonic() >= command.kill_at and command.proc.poll() is None:
                    os.kill(command.proc.pid, signal.SIGKILL)
                    command.killed = True
                if command.proc.poll() is not None:
                    _finish(command)
                    running.remove(command)
                    finished.append(command)
                    figures.command_kills += command.killed and command.returncode == -signal.SIGKILL
        window.wait_actions(2)
        time.sleep(rng.uniform(0.0, 0.5))
        figures.window_kills += window.kill()
    finally:
        for command in running:
            if command.proc.poll() is None:
                command.proc.kill()
        for w in windows:
            if w.proc.poll() is None:
                w.proc.kill()
        watcher.stop()
    figures.windows = len(windows)
    figures.wal_samples = watcher.samples
    assert not watcher.violations, f"a -wal was deleted under a live window: {watcher.violations}"
    check_round(db, windows, finished, figures, workdir)
    return figures, windows, finished


def check_round(db: Path, windows: list[Window], commands: list[Command], figures: Figures, workdir: Path) -> None:
    context = f"{len(windows)} windows, {len(commands)} commands"
    for command in commands:
        if not (command.killed and command.returncode == -signal.SIGKILL):
            assert command.returncode == 0, f"{command.argv} exited {command.returncode}: {command.stderr[-3000:]}"
    conn = crash_check.check_sound(db, context)
    try:
        events = {seq: (action, digest, rows) for seq, action, digest, rows in conn.execute(
            "SELECT seq, action, hash, json_array_length(changes, '$.rows') FROM audit")}
        for window in windows:
            for line in window.lines():
                assert "deleted" not in line, f"{context}: the window saw its -wal deleted: {line}"
                assert "worker_failed" not in line, f"{context}: the pre-annotation worker failed: {line}"
                assert events.get(line["seq"]) == (line["action"], line["hash"], line["rows"]), (
                    f"{context}: returned action {line} is missing or different in the file")
                figures.actions_checked += 1
        documents = {r[0] for r in conn.execute("SELECT id FROM documents")}
        other_ids = {f"other{i}" for i in range(4)}
        for command in commands:
            clean = command.returncode == 0
            if command.kind == "import":
                prefix, count = command.meta["prefix"], command.meta["count"]
                present = {d for d in documents if d.startswith(prefix)}
                spans = conn.execute("SELECT count(*) FROM spans WHERE doc_id LIKE ? AND origin NOT LIKE 'model:%'",
                                     [prefix + "%"]).fetchone()[0]
                assert (len(present), spans) in (((count, 3 * count),) if clean else ((0, 0), (count, 3 * count))), (
                    f"{context}: import {prefix} ({'exited 0' if clean else 'killed'}): {len(present)} documents, "
                    f"{spans} spans")
                figures.imports_checked += 1
            elif command.kind == "merge-into" and clean:
                assert other_ids <= documents, f"{context}: a merge that exited 0 is not in the file"
                figures.imports_checked += 1
    finally:
        conn.close()
    for command in commands:
        if command.returncode != 0:
            continue
        if command.kind == "export":
            _reimport(command.meta["target"], workdir)
            figures.exports_reimported += 1
        elif command.kind == "merge-from":
            crash_check.verify_with_cli(command.meta["team"], f"{context}: the merged team file")
    crash_check.verify_with_cli(db, context)


def _reimport(export: Path, workdir: Path) -> None:
    """A JSONL export is the lossless backup: it must import into a new database as it is."""
    fresh = workdir / f"reimport-{export.stem}.db"
    done = subprocess.run([sys.executable, str(MAIN), "import", str(export), "--db", str(fresh)],
                          capture_output=True, cwd=crash_check.ROOT, timeout=600)
    assert done.returncode == 0, f"{export} does not import again: {done.stderr.decode(errors='replace')[-2000:]}"
