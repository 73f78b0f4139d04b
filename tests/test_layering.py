"""The domain (annotate/) and the store (store/) work without Qt, and the import contracts hold."""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

NO_QT_SCRIPT = textwrap.dedent(r"""
    import importlib, json, sys
    sys.path.insert(0, ROOT)

    class NoQt:
        # Any attempt to import Qt fails, as on a machine without PySide6.
        def find_spec(self, name, path=None, target=None):
            if name.split(".")[0] in ("PySide6", "shiboken6", "ui"):
                raise ImportError(f"{name} is not available in this test")
            return None

    sys.meta_path.insert(0, NoQt())

    # Every .py file under the two packages, found on disk (so a folder without __init__.py is
    # not skipped), imported by its module name.
    from pathlib import Path
    imported = []
    for package in ("annotate", "store"):
        for path in sorted((Path(ROOT) / package).rglob("*.py")):
            if "__pycache__" in path.parts:
                continue
            name = ".".join(path.relative_to(ROOT).with_suffix("").parts).removesuffix(".__init__")
            importlib.import_module(name)
            imported.append(name)

    from annotate.model import AnnotatedDocument, Document
    from store import Store
    with Store.open(DB, "layering") as store:
        store.import_documents([AnnotatedDocument(Document("d", "Turkey is against Haftar."))])
        entity = store.add_entity("d", 0, 6, "GPE").created[0]
        store.relabel("d", entity, "LOC")
        store.undo()
        assert store.annotations("d").spans[0].label == "GPE"
        assert store.verify().ok

    qt = sorted(m for m in sys.modules if m.split(".")[0] in ("PySide6", "shiboken6", "ui"))
    print(json.dumps({"imported": imported, "qt": qt}))
""")


def test_annotate_and_store_work_without_qt(tmp_path):
    script = f"ROOT = {str(ROOT)!r}\nDB = {str(tmp_path / 'noqt.db')!r}\n" + NO_QT_SCRIPT
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    proc = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120, env=env,
                          cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    result = json.loads(proc.stdout.strip().splitlines()[-1])
    assert result["qt"] == []
    expected = {str(p.relative_to(ROOT).with_suffix("")).replace(os.sep, ".").removesuffix(".__init__")
                for package in ("annotate", "store") for p in (ROOT / package).rglob("*.py")
                if "__pycache__" not in p.parts}
    assert expected <= set(result["imported"]), expected - set(result["imported"])
    assert {"store.store", "store.audit", "annotate.validate", "annotate.formats.native_jsonl"} <= set(result["imported"])


def test_the_qt_blocker_really_blocks(tmp_path):
    # The check above means something only if PySide6 is otherwise importable here.
    script = f"ROOT = {str(ROOT)!r}\n" + NO_QT_SCRIPT.split("imported = []")[0] + "import PySide6.QtCore\n"
    proc = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60, cwd=tmp_path)
    assert proc.returncode != 0 and "not available in this test" in proc.stderr
    proc = subprocess.run([sys.executable, "-c", "import PySide6.QtCore"], capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr


def _lint_imports_command() -> list[str]:
    exe = shutil.which("lint-imports")
    if exe:
        return [exe]
    candidate = Path(sys.executable).with_name("lint-imports")
    if candidate.exists():
        return [str(candidate)]
    # import-linter is a test dependency (pyproject [test]); without it this fails, as it should.
    return [sys.executable, "-c", "from importlinter.cli import lint_imports_command; lint_imports_command()"]


def test_import_contracts_hold():
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    proc = subprocess.run([*_lint_imports_command(), "--no-cache", "--no-logo"], cwd=ROOT, capture_output=True,
                          text=True, timeout=300, env=env)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "0 broken" in proc.stdout
    assert "The domain and the store never import Qt KEPT" in proc.stdout
    assert "Layers: ui above store above annotate KEPT" in proc.stdout
