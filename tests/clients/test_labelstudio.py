"""Label Studio itself takes our export and gives it back.

A project is made with the labeling config our export writes beside the tasks, the tasks are
imported through Label Studio's REST API, every task is read back (counts and text[start:end]
of every region), the config is validated against the imported annotations by Label Studio, and
both of its exports (the default JSON, which lists predictions by id, and a snapshot with full
predictions) are imported into a fresh database: documents, ids, entities, claims with their
details, stances with evidence, relations, entity groups (``COREF`` links, with each group's
id and who decided it), labels and status come back identical.

What Label Studio cannot hold: a rejected suggestion (it has no "rejected" state; our export
leaves them out) and an entity's attributes. The corpus has neither, so nothing is lost.
"""
from __future__ import annotations

import json
import time
import zipfile  # noqa: F401  (Label Studio answers JSON exports as plain JSON)

import pytest

from tests.clients import compare
from tests.clients.clients import Api, Server, ensure_env, free_port

TOKEN = "0123456789abcdef0123456789abcdef01234567"


@pytest.fixture(scope="module")
def label_studio(tmp_path_factory):
    venv = ensure_env("labelstudio")
    data = tmp_path_factory.mktemp("label-studio")
    port = free_port()
    env = {"LABEL_STUDIO_BASE_DATA_DIR": str(data), "LATEST_VERSION_CHECK": "false", "COLLECT_ANALYTICS": "false",
           "SENTRY_DSN": "", "FRONTEND_SENTRY_DSN": "", "HOME": str(data)}
    server = Server([str(venv / "bin" / "label-studio"), "start", "--no-browser", "--internal-host", "127.0.0.1",
                     "-p", str(port), "--data-dir", str(data), "--username", "admin@example.com",
                     "--password", "marginalia-test", "--user-token", TOKEN, "--enable-legacy-api-token"],
                    env=env, cwd=data, log=data / "server.log", health=f"http://127.0.0.1:{port}/health",
                    timeout=900)  # its first start migrates a new database: minutes on a busy machine
    try:
        yield Api(f"http://127.0.0.1:{port}", TOKEN)
    finally:
        server.stop()


def _regions(task: dict):
    for annotation in task["annotations"]:
        for result in annotation["result"]:
            if result["type"] != "textarea" and "start" in result.get("value", {}):
                yield result


def test_label_studio_takes_our_export_and_gives_it_back(label_studio, corpus_db, before, tmp_path):
    api = label_studio
    out = tmp_path / "tasks.json"
    compare.marginalia("export", "--db", str(corpus_db), "--format", "labelstudio", "--out", str(out))
    config = (tmp_path / "tasks.label_config.xml").read_text(encoding="utf-8")
    project = api.call("POST", "/api/projects", {"title": "marginalia", "label_config": config})
    pid = project["id"]
    imported = api.call("POST", f"/api/projects/{pid}/import", files={"file": ("tasks.json", out.read_bytes())})
    ours = json.loads(out.read_text(encoding="utf-8"))
    assert imported["task_count"] == len(ours) == len(before)
    assert imported["annotation_count"] == sum(len(t["annotations"]) for t in ours)
    assert imported["prediction_count"] == sum(len(t["predictions"]) for t in ours)
    # Label Studio checks the config against every imported annotation (labels, from/to names).
    api.call("POST", f"/api/projects/{pid}/validate", {"label_config": config})

    served = api.call("GET", f"/api/tasks?project={pid}&page_size=1000&fields=all")["tasks"]
    assert len(served) == len(before)
    regions = links = 0
    for task in served:
        text = task["data"]["text"]
        assert text == before[task["data"]["marginalia_id"]]["text"]
        for region in _regions(task):
            assert text[region["value"]["start"]:region["value"]["end"]] == region["value"]["text"]
            regions += 1
        links += sum(1 for kind in ("annotations", "predictions") for a in task.get(kind) or []
                     if isinstance(a, dict) for r in a["result"] if r.get("labels") == ["COREF"])
    assert regions == sum(1 for t in ours for r in _regions(t))
    # Entity groups are COREF links, each mention to the next: a group of n mentions, n - 1 links.
    groups = [g for d in before.values() for g in d["groups"]]
    assert links == sum(len(g[1]) - 1 for g in groups) > 0

    default = tmp_path / "default-export.json"
    default.write_bytes(api.call("GET", f"/api/projects/{pid}/export?exportType=JSON&download_all_tasks=true",
                                 raw=True))
    assert all(isinstance(p, int) for t in json.loads(default.read_bytes()) for p in t["predictions"])
    first = tmp_path / "from-default.db"
    result = compare.marginalia("import", str(default), "--db", str(first), "--format", "labelstudio")
    predicted = sum(len(t["predictions"]) for t in ours)
    assert predicted == 2 and f"{predicted} predictions were given as ids only" in result.stderr
    assert "only_id" in result.stderr
    after = compare.content(first)
    compare.report("Label Studio (default JSON export)", before, after)
    assert after == compare.gold_only(before)  # the suggestions are in Label Studio, listed by id only

    export = api.call("POST", f"/api/projects/{pid}/exports",
                      {"title": "full", "serialization_options": {"predictions": {"only_id": False}}})
    for _ in range(120):
        if api.call("GET", f"/api/projects/{pid}/exports/{export['id']}")["status"] == "completed":
            break
        time.sleep(1)
    snapshot = tmp_path / "snapshot.json"
    snapshot.write_bytes(api.call("GET", f"/api/projects/{pid}/exports/{export['id']}/download?exportType=JSON",
                                  raw=True))
    second = tmp_path / "from-snapshot.db"
    compare.marginalia("import", str(snapshot), "--db", str(second), "--format", "labelstudio")
    after = compare.content(second)
    compare.report("Label Studio (snapshot with full predictions)", before, after)
    assert after == before
