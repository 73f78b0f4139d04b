"""Pre-annotation on a Dask cluster (a LocalCluster of 2 worker processes, as `marginalia
preannotate --workers 2` makes): the same suggestions as the single-process run, written by the
one process that holds the database, with the same audit trail."""
from __future__ import annotations

import shutil
import sys
from pathlib import Path

import pytest

import main
from annotate.model import AnnotatedDocument, Document
from store import Store

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))

distributed = pytest.importorskip("distributed")


def _suggestions(path: Path) -> dict:
    with Store.open(str(path), "tester", read_only=True) as store:
        conn = store.conn
        tables = {}
        for table in ("spans", "clusters", "stances", "relations"):
            rows = conn.execute(f"SELECT * FROM {table}").fetchall()
            names = [d[0] for d in conn.execute(f"SELECT * FROM {table} LIMIT 0").description]
            keep = [i for i, n in enumerate(names) if n not in ("created_at", "updated_at")]
            tables[table] = sorted(tuple(r[i] for i in keep) for r in rows)
        events = conn.execute("SELECT count(*) FROM audit WHERE action = 'preannotate'").fetchone()[0]
        assert store.verify().ok
    return {"tables": tables, "events": events}


@pytest.fixture
def corpus(tmp_path) -> Path:
    import run_preannotate
    path = tmp_path / "corpus.db"
    texts = run_preannotate.make_texts(40, seed=5)
    sample = (ROOT / "seeds" / "libya-truce-talks.txt").read_text(encoding="utf-8")
    with Store.open(str(path), "tester") as store:
        store.import_documents([AnnotatedDocument(Document("sample", sample))]
                               + [AnnotatedDocument(Document(f"news-{i}", t)) for i, t in enumerate(texts)])
    return path


def test_two_workers_give_the_suggestions_of_one_process(corpus, tmp_path, capsys):
    local, cluster = tmp_path / "local.db", tmp_path / "cluster.db"
    shutil.copyfile(corpus, local)
    shutil.copyfile(corpus, cluster)
    assert main.main(["preannotate", "--db", str(local), "--batch-size", "8", "--json"]) == 0
    capsys.readouterr()
    assert main.main(["preannotate", "--db", str(cluster), "--workers", "2", "--batch-size", "8", "--json"]) == 0
    out = capsys.readouterr().out
    assert '"documents": 41' in out
    one, two = _suggestions(local), _suggestions(cluster)
    assert one["tables"]["spans"] and (one["tables"]["relations"] or one["tables"]["stances"])
    assert two == one  # the same rows, ids and all, and one audit event per document
    assert two["events"] == 41


def test_a_second_run_on_the_cluster_resumes_and_changes_nothing(corpus, capsys):
    from store.cluster import connect, run_on_cluster
    with Store.open(str(corpus), "tester") as store, connect(workers=2) as client:
        first = run_on_cluster(store, "builtin", client, batch_size=16)
        assert first.stats.documents == 41 and first.stats.added > 0
        workers = client.run(lambda: __import__("annotate.preannotate.shards", fromlist=["x"])._LOADED.__len__())
        assert sorted(workers.values()) == [1, 1]  # each worker process loaded the pipeline once
        again = run_on_cluster(store, "builtin", client, batch_size=16)
    assert again.resumed == 41 and again.stats.documents == 0


def test_a_model_the_workers_cannot_load_is_one_clear_error(corpus, capsys):
    assert main.main(["preannotate", "--db", str(corpus), "--workers", "1", "--model", "/no/such/pipeline"]) == 1
    err = capsys.readouterr().err
    assert "cannot load the spaCy pipeline" in err and "Traceback" not in err
