"""No network connection, proven at the system-call level for whole processes.

tests/test_privacy.py patches Python's socket module, which sees neither Qt's C++ nor the worker
processes of `preannotate --n-process`. Here the real program runs under `strace -f`, which
records the socket calls of the process and its children. None may connect, send or listen on an
internet address (AF_INET, AF_INET6); local sockets (AF_UNIX for D-Bus, AF_NETLINK) are allowed.
One internet socket is expected and allowed: on import, urllib3 (which spaCy loads) probes for
IPv6 by binding a socket to ::1, port 0, and closing it; it is never connected, so a bind is
allowed to a loopback address only. strace is a test dependency (README; `.ci/run` installs it); a control run proves it sees a
connection in this environment before its silence is taken as proof.
"""
from __future__ import annotations

import contextlib
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

from tests.helpers import bulk, crash_check

ROOT = Path(__file__).resolve().parents[2]
INTERNET = re.compile(r"\b(AF_INET6?|PF_INET6?)\b")
OUTWARD = re.compile(r"^\d+\s+(connect|sendto|sendmsg|listen|bind)\(")
FORK = re.compile(r"^\d+\s+(?:clone3?|v?fork)\((?!.*CLONE_THREAD).*=\s+(\d+)$")
LOOPBACK = re.compile(r'inet_addr\("127\.0\.0\.1"\)|inet_pton\(AF_INET6, "::1"')


def traced(argv: list[str], log: Path, env: dict[str, str], *, cwd: Path) -> subprocess.Popen:
    strace = shutil.which("strace")
    assert strace, "strace is needed for this test: apt-get install strace (see the README)"
    return subprocess.Popen([strace, "-f", "-qq", "-e", "trace=socket,bind,listen,connect,sendto,sendmsg,%process", "-o", str(log),
                             *argv], cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)


def outward_calls(log: Path) -> list[str]:
    """Calls that could reach beyond the machine: any connect, send or listen on an internet
    socket, and a bind to anything but loopback."""
    calls = []
    for line in log.read_text(errors="replace").splitlines():
        call = OUTWARD.match(line)
        if not call or not INTERNET.search(line):
            continue
        if call.group(1) == "bind" and LOOPBACK.search(line):
            continue
        calls.append(line)
    return calls


def traced_pids(log: Path) -> set[str]:
    return {line.split(None, 1)[0] for line in log.read_text(errors="replace").splitlines() if line.strip()}


def forked_pids(log: Path) -> set[str]:
    """Child processes (not threads: no CLONE_THREAD) the traced program started."""
    return {fork.group(1) for fork in map(FORK.match, log.read_text(errors="replace").splitlines()) if fork}


def environment(home: Path) -> dict[str, str]:
    env = dict(os.environ, HOME=str(home), MARGINALIA_HOME=str(home / "data"), MARGINALIA_ANNOTATOR="ana",
               QT_QPA_PLATFORM="offscreen", XDG_CONFIG_HOME=str(home / "config"))
    env.pop("http_proxy", None)
    return env


def finish(proc: subprocess.Popen, timeout: float = 600) -> str:
    out, err = proc.communicate(timeout=timeout)
    assert proc.returncode == 0, err.decode(errors="replace")[-3000:]
    return out.decode(errors="replace")


def test_the_tracer_sees_a_connection_here(tmp_path):
    """The control: without it, an empty trace could mean a tracer that sees nothing."""
    log = tmp_path / "control.log"
    code = ("import socket\ns = socket.socket()\ns.settimeout(0.5)\n"
            "try:\n    s.connect(('127.0.0.1', 9))\nexcept OSError:\n    pass\n")
    finish(traced([sys.executable, "-c", code], log, environment(tmp_path), cwd=tmp_path))
    calls = outward_calls(log)
    assert len(calls) == 1 and "connect(" in calls[0] and "127.0.0.1" in calls[0], calls


def test_the_window_on_its_first_run_opens_no_internet_socket(tmp_path):
    """The first run as a user starts it: database created, sample imported and pre-annotated,
    window shown, spaCy loaded in the background; then the process is stopped."""
    log = tmp_path / "gui.log"
    env = environment(tmp_path)
    proc = traced([sys.executable, str(ROOT / "main.py")], log, env, cwd=tmp_path)
    db = tmp_path / "data" / "marginalia.db"
    try:
        crash_check.wait_for(lambda: bulk.count(db, "SELECT count(*) FROM spans WHERE decision = 'suggested'") > 0,
                             proc, "the first run pre-annotates the sample", timeout=180)
        # spaCy is loaded 1.5 s after the first paint; leave time for that and a few idle passes.
        time.sleep(6)
        assert proc.poll() is None, proc.stderr.read().decode(errors="replace")[-3000:]
    finally:
        _stop_tracee(proc, log)
    assert outward_calls(log) == []


def test_every_batch_command_opens_no_internet_socket(tmp_path):
    """import, preannotate with worker processes, train, evaluate, export, merge, agree, stats,
    audit and screenshot, in one traced process."""
    source = bulk.write_big_jsonl(tmp_path / "gold.jsonl", 12, prefix="d", repeat=1, status="done")
    ana, ben, team, model = (tmp_path / n for n in ("ana.db", "ben.db", "team.db", "model"))
    commands = [
        ["import", str(source), "--db", str(ana), "--user", "ana"],
        ["import", str(source), "--db", str(ben), "--user", "ben"],
        ["preannotate", "--db", str(ana), "--n-process", "2", "--batch-size", "4"],
        ["train", "--db", str(ana), "--out", str(model), "--max-steps", "4", "--dev-fraction", "0.25"],
        ["evaluate", "--db", str(ana), "--model", str(model)],
        ["export", "--db", str(ana), "--format", "spacy", "--out", str(tmp_path / "out.spacy")],
        ["merge", str(ana), str(ben), "--into", str(team)],
        ["agree", "--db", str(team)],
        ["stats", "--db", str(team)],
        ["audit", "--verify", "--db", str(team)],
        ["screenshot", "--db", str(ana), "--out", str(tmp_path / "shot.png")],
    ]
    driver = ("import json, sys\nimport main\nfor argv in json.loads(sys.argv[1]):\n"
              "    assert main.main(argv) == 0, argv\nprint('all ran')\n")
    log = tmp_path / "batch.log"
    env = dict(environment(tmp_path), PYTHONPATH=str(ROOT))
    out = finish(traced([sys.executable, "-c", driver, json.dumps(commands)], log, env, cwd=tmp_path))
    assert "all ran" in out
    # The two worker processes of --n-process 2 were started and traced too.
    workers = forked_pids(log)
    assert len(workers) >= 2 and workers <= traced_pids(log), workers
    assert outward_calls(log) == []


def _stop_tracee(proc: subprocess.Popen, log: Path) -> None:
    # The traced program is strace's child; stopping it lets strace write out the log and exit.
    children = Path(f"/proc/{proc.pid}/task/{proc.pid}/children")
    pids = children.read_text().split() if children.exists() else []
    for pid in pids:
        with contextlib.suppress(ProcessLookupError):
            os.kill(int(pid), signal.SIGTERM)
    if not pids:
        proc.terminate()
    proc.communicate(timeout=60)
