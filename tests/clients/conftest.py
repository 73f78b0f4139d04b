"""The real clients' tests run only when asked (``MARGINALIA_CLIENTS=1``, as ``.ci/run`` does):
they install the clients and start their servers, minutes of work. Otherwise they are
deselected (reported as such), never skipped."""
from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.clients import compare, corpus

HERE = Path(__file__).resolve().parent


def pytest_collection_modifyitems(config, items):
    if os.environ.get("MARGINALIA_CLIENTS") == "1":
        return
    ours = [item for item in items if HERE in Path(str(item.fspath)).parents]
    if ours:
        config.hook.pytest_deselected(items=ours)
        items[:] = [item for item in items if item not in ours]


@pytest.fixture(scope="session")
def corpus_db(tmp_path_factory) -> Path:
    """A database with the trap corpus, imported by the real command."""
    folder = tmp_path_factory.mktemp("corpus")
    source = corpus.write_jsonl(folder / "corpus.jsonl")
    db = folder / "corpus.db"
    compare.marginalia("import", str(source), "--db", str(db))
    return db


@pytest.fixture(scope="session")
def before(corpus_db) -> dict:
    return compare.content(corpus_db)
