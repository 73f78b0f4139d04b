"""doccano itself takes our export and gives it back.

doccano 1.8.4 is started as its own CLI does (gunicorn serving config.wsgi, a celery worker for
imports and exports, SQLite), but on 127.0.0.1, with its data in a temporary folder. A
relation-extraction project that allows overlapping spans is made through its API, our export
is uploaded and imported (its import task must report no error), every example is read back
(spans at their offsets, relations), and doccano's own JSONL export comes back in; the same for
a project that counts grapheme clusters (``--doccano-offsets grapheme``).

doccano keeps the record's other columns as the example's meta and writes them back, so our
document ids, meta and the ``marginalia`` column (claim details, stance evidence, labels,
status) survive. What is lost: our annotation ids (doccano numbers spans and relations itself)
and undecided suggestions (the export writes gold). A project that does not allow overlapping
spans drops overlapping ones silently: the test's project allows them, as the README says.
"""
from __future__ import annotations

import io
import json
import os
import subprocess
import time
import zipfile
from pathlib import Path

import pytest

from tests.clients import compare
from tests.clients.clients import Api, Server, ensure_env, free_port


@pytest.fixture(scope="module")
def doccano(tmp_path_factory):
    venv = ensure_env("doccano")
    home = tmp_path_factory.mktemp("doccano")
    backend = next(venv.glob("lib/python3*/site-packages")) / "backend"
    # What doccano's CLI (backend/cli.py) sets before it starts anything.
    env = {"DOCCANO_HOME": str(home), "STANDALONE": "True", "DEBUG": "False",
           "DJANGO_SETTINGS_MODULE": "config.settings.production",
           "DATABASE_URL": f"sqlite:///{home}/db.sqlite3", "MEDIA_ROOT": str(home / "media"), "HOME": str(home)}
    bin_ = venv / "bin"
    run_env = {**os.environ, **env}
    subprocess.run([str(bin_ / "doccano"), "init"], env=run_env, cwd=home, check=True, capture_output=True)
    subprocess.run([str(bin_ / "doccano"), "createuser", "--username", "admin", "--password", "marginalia-test"],
                   env=run_env, cwd=home, check=True, capture_output=True)
    port = free_port()
    # doccano's health check asks the worker for a result, so the worker starts first, and the web
    # server only once the worker says it is ready: on a loaded CI machine the web server's health
    # check once failed for 600 s on a worker that never took a task, and said nothing of the worker.
    worker = _ready_worker([str(bin_ / "celery"), "--app=config", f"--workdir={backend}", "worker",
                            "--loglevel=info", "--concurrency=1", "--pool=solo"], env, backend, home / "worker.log")
    web = None
    try:
        try:
            web = Server([str(bin_ / "gunicorn"), "--bind", f"127.0.0.1:{port}", "--workers", "2", "--chdir",
                          str(backend), "config.wsgi"], env=env, cwd=home, log=home / "web.log",
                         health=f"http://127.0.0.1:{port}/v1/health/", timeout=600)
        except RuntimeError as exc:
            state = "running" if worker.process.poll() is None else f"exited {worker.process.returncode}"
            raise RuntimeError(f"{exc}\n\nthe celery worker ({state}); its log:\n"
                               + worker.log.read_text(errors="replace")[-4000:]) from None
        login = Api(f"http://127.0.0.1:{port}", None).call("POST", "/v1/auth/login/",
                                                         {"username": "admin", "password": "marginalia-test"})
        yield Api(f"http://127.0.0.1:{port}", login["key"])
    finally:
        if web is not None:
            web.stop()
        worker.stop()


def _ready_worker(argv: list[str], env: dict, cwd: Path, log: Path, *, attempts: int = 3,
                  timeout: float = 300) -> Server:
    """The celery worker, started again if it exits before it says it is ready (its broker is a
    SQLite file that the web server's start-up may hold locked)."""
    for _ in range(attempts):
        worker = Server(argv, env=env, cwd=cwd, log=log, health=None)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline and worker.process.poll() is None:
            if " ready." in log.read_text(errors="replace"):
                return worker
            time.sleep(0.5)
        worker.stop()
    raise RuntimeError(f"the celery worker was not ready after {attempts} starts; its log:\n"
                       + log.read_text(errors="replace")[-4000:])


def _word(text: str, start: int, end: int, offsets: str) -> str:
    """The text at doccano's offsets, counted as doccano counts them."""
    if offsets == "grapheme":
        import regex
        return "".join(regex.findall(r"\X", text)[start:end])
    return text.encode("utf-16-le")[2 * start:2 * end].decode("utf-16-le")


def _wait(api: Api, task_id: str) -> dict:
    for _ in range(300):
        status = api.call("GET", f"/v1/tasks/status/{task_id}")
        if status["ready"]:
            return status
        time.sleep(1)
    raise AssertionError(f"doccano's task {task_id} did not finish")


@pytest.mark.parametrize("offsets", ["utf16", "grapheme"])
def test_doccano_takes_our_export_and_gives_it_back(offsets, doccano, corpus_db, before, tmp_path):
    """Both ways doccano counts: its default (UTF-16 units) and a grapheme_mode project."""
    api = doccano
    out = tmp_path / "doccano.jsonl"
    compare.marginalia("export", "--db", str(corpus_db), "--format", "doccano", "--doccano-offsets", offsets,
                       "--out", str(out))
    project = api.call("POST", "/v1/projects", {
        "name": f"marginalia {offsets}", "description": "conformance", "guideline": "",
        "project_type": "SequenceLabeling", "resourcetype": "SequenceLabelingProject", "use_relation": True,
        "allow_overlapping": True, "grapheme_mode": offsets == "grapheme", "random_order": False,
        "collaborative_annotation": True})
    pid = project["id"]
    upload = api.call("POST", "/v1/fp/process/", files={"filepond": ("doccano.jsonl", out.read_bytes())}, raw=True)
    task = api.call("POST", f"/v1/projects/{pid}/upload", {
        "format": "JSONL", "task": "RelationExtraction", "uploadIds": [upload.decode()], "column_data": "text",
        "column_label": "label", "delimiter": "", "encoding": "utf_8"})
    status = _wait(api, task["task_id"])
    assert status["result"] == {"error": []}, status

    records = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    examples = api.call("GET", f"/v1/projects/{pid}/examples?limit=1000")["results"]
    assert len(examples) == len(records) == len(before)
    spans = relations = 0
    for example in examples:
        record = next(r for r in records if r["id"] == example["meta"]["id"])
        served = api.call("GET", f"/v1/projects/{pid}/examples/{example['id']}/spans")
        assert len(served) == len(record["entities"])
        words = {_word(example["text"], e["start_offset"], e["end_offset"], offsets) for e in record["entities"]}
        assert {_word(example["text"], s["start_offset"], s["end_offset"], offsets) for s in served} == words
        text = before[record["id"]]["text"]
        assert words == {text[e[1]:e[2]] for e in before[record["id"]]["entities"] if e[4] != "suggested"} | \
            {text[c[1]:c[2]] for c in before[record["id"]]["claims"]}
        spans += len(served)
        relations += len(api.call("GET", f"/v1/projects/{pid}/examples/{example['id']}/relations"))
    assert spans == sum(len(r["entities"]) for r in records)
    assert relations == sum(len(r["relations"]) for r in records)

    task = api.call("POST", f"/v1/projects/{pid}/download", {"format": "JSONL", "exportApproved": False})
    _wait(api, task["task_id"])
    archive = zipfile.ZipFile(io.BytesIO(api.call("GET", f"/v1/projects/{pid}/download?taskId={task['task_id']}",
                                                  raw=True)))
    (name,) = archive.namelist()
    exported = tmp_path / "from-doccano.jsonl"
    exported.write_bytes(archive.read(name))
    back = tmp_path / "from-doccano.db"
    compare.marginalia("import", str(exported), "--db", str(back), "--format", "doccano", "--doccano-offsets", offsets)
    after = compare.content(back)
    compare.report(f"doccano ({offsets} offsets)", before, after)
    assert compare.by_offsets(after) == compare.by_offsets(compare.gold_only(before))
