"""The window's side of a database file, as a process of its own (tests/reliability, tests/stress).

Usage: python3 window_driver.py DB SEED [MAX_STEPS]

Everything the window does to the file, through the same code: the user's actions (the crash
driver's random actions through the Store API), the corpus panel's queries and its search-index
upkeep (store.queries), the pre-annotation worker (ui.preannotation.PreannotationWorker, run on a
thread of its own with a Store of its own, as the window runs it), and the re-opens the window
makes (adjudication and the worker open a second Store on the file and close it; reopening the
main store).

Output, one line each, flushed: "ready N" once open; then, for each action that RETURNED, the
crash driver's JSON line (seq, action, hash, rows, doc); "end" after MAX_STEPS. After every step
the process looks at its own descriptors: a -wal or -shm of the database deleted under a live
connection ("(deleted)" in /proc/self/fd) is printed as {"deleted": [...]} and the process
exits with status 3.
"""
from __future__ import annotations

import json
import os
import random
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent.parent
sys.path.insert(0, str(ROOT))

from annotate.model import AnnotatedDocument, Annotations, Document, Span  # noqa: E402
from annotate.errors import BusyError  # noqa: E402
from store import Store, queries  # noqa: E402
from store.database import BUSY_TIMEOUT_MS  # noqa: E402
from tests.helpers.crash_driver import CLAIMS, LABELS, TEXT, WORDS, emit, random_action  # noqa: E402
from tests.helpers.reopen_driver import deleted_companions  # noqa: E402

SEARCHES = ["Haftar", "Moscow", "truce", "seed", "doc1", "Kalın", ""]


def say(line: str) -> None:
    sys.stdout.write(line + "\n")
    sys.stdout.flush()


def main() -> None:
    db, seed = sys.argv[1], int(sys.argv[2])
    limit = int(sys.argv[3]) if len(sys.argv) > 3 else 10**9
    real = os.path.realpath(db)
    rng = random.Random(seed)
    name = f"window{seed % 3}"
    store = Store.open(db, name)
    say(f"ready {store.conn.execute('SELECT count(*) FROM audit').fetchone()[0]}")
    counter = 0
    worker: threading.Thread | None = None
    jobs: list = []

    def new_document() -> str:
        nonlocal counter
        counter += 1
        doc_id = f"win{seed}-doc{counter}"
        spans = [Span(f"s{n}", a, b, rng.choice(LABELS), decision="suggested", origin="model:window@1",
                      score=round(rng.random(), 3)) for n, (a, b) in enumerate(rng.sample(WORDS, 5))]
        start, end = rng.choice(CLAIMS)
        spans.append(Span("c0", start, end, "CLAIM", "claim", decision="suggested", origin="model:window@1",
                          claimant="s0", claim_type="statement"))
        store.import_documents([AnnotatedDocument(Document(doc_id, TEXT, {"title": doc_id}), Annotations(spans))],
                               as_suggestions=True, source="window driver")
        seq, digest, rows = store.conn.execute(
            "SELECT seq, hash, json_array_length(changes, '$.rows') FROM audit WHERE action = 'import' AND doc_id = ?",
            [doc_id]).fetchone()
        say(json.dumps({"seq": seq, "action": "import", "hash": digest, "rows": rows, "doc": [doc_id]}))
        return doc_id

    def preannotation_job():
        # Made here, on the main thread, and run on another, as the window makes its worker and
        # moves it to a QThread. A QObject made on a plain Python thread belongs to the thread
        # Qt adopts for it, whose data Qt frees when the thread ends: the object freed after it
        # aborted this process ("double free or corruption", in libQt6Core's thread-exit
        # destructor), which no window ever does.
        from ui.preannotation import PreannotationWorker
        job = PreannotationWorker(db, name, "builtin")
        failures: list[str] = []
        job.failed.connect(failures.append)

        def run() -> None:
            job.run()
            if failures:
                say(json.dumps({"worker_failed": failures}))
        return job, run

    docs = [new_document()]
    for _ in range(limit):
        choice = rng.random()
        if choice < 0.80:
            waited_since = None
            while True:
                try:
                    changes = random_action(store, rng, docs, new_document)
                    break
                except BusyError:
                    # As the window does (ui/busy_wait.py): an action that meets another
                    # program's write longer than the busy timeout changed nothing; it waits
                    # and is tried again.
                    waited_since = waited_since or time.monotonic() - BUSY_TIMEOUT_MS / 1000
            if waited_since is not None:
                say(f"waited {time.monotonic() - waited_since:.1f}")
            if changes is not None:
                emit(store, changes)
        elif choice < 0.90:
            # The corpus panel: a page of the list (searched or filtered), the progress, and
            # the search index brought up to date in an idle moment.
            queries.list_documents(store.conn, store.annotator, search=rng.choice(SEARCHES),
                                   status=rng.choice(queries.STATUS_FILTERS), limit=50)
            queries.progress(store.conn, store.annotator)
            queries.sync_search(store.conn, 50, busy_ms=0)
        elif choice < 0.95:
            # Adjudication and the pre-annotation worker open a Store of their own and close it.
            Store.open(db, rng.choice(["gold", name]), create=False).close()
        elif choice < 0.98:
            if worker is None or not worker.is_alive():
                job, run = preannotation_job()
                jobs.append(job)  # kept past its thread: freed by this thread, at exit
                worker = threading.Thread(target=run, name="preannotation", daemon=True)
                worker.start()
        else:
            store.close()
            store = Store.open(db, name)
        deleted = deleted_companions(real)
        if deleted:
            say(json.dumps({"deleted": deleted}))
            os._exit(3)
    if worker is not None:
        worker.join()
    say("end")
    store.close()


if __name__ == "__main__":
    main()
