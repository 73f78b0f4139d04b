"""The smallest reproduction of the lost-WAL defect (issue 13 §1), as a process of its own.

Usage: python3 reopen_driver.py DB

Opens the database as the window does, adds an entity, opens and closes a second Store on the
same file (what the window's pre-annotation worker does), runs `marginalia stats` on it as a
child process, adds a second entity, and exits at once with os._exit(0), as a kill would. It
prints one line per entity once its action has returned, and the -wal files its connection
held that were deleted under it ("(deleted)" in /proc/self/fd), if any.
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent.parent
sys.path.insert(0, str(ROOT))

from annotate.model import AnnotatedDocument, Annotations, Document  # noqa: E402
from store import Store  # noqa: E402


def deleted_companions(db: str) -> list[str]:
    """This process's descriptors of the database's -wal and -shm whose file was deleted."""
    found = []
    folder = f"/proc/{os.getpid()}/fd"
    for fd in os.listdir(folder):
        try:
            target = os.readlink(f"{folder}/{fd}")
        except OSError:  # the descriptor listdir itself used
            continue
        if target.startswith(db + "-") and target.endswith("(deleted)"):
            found.append(target)
    return found


def main() -> None:
    db = sys.argv[1]
    store = Store.open(db, "ana")
    store.import_documents([AnnotatedDocument(Document("d1", "Turkey is against Haftar.", {}), Annotations([]))])
    first = store.add_entity("d1", 0, 6, "GPE")
    print(json.dumps({"entity": first.created[0]}), flush=True)
    Store.open(db, "worker", create=False).close()
    subprocess.run([sys.executable, str(ROOT / "main.py"), "stats", "--db", db], check=True,
                   stdout=subprocess.DEVNULL)
    second = store.add_entity("d1", 18, 24, "PERSON")
    print(json.dumps({"entity": second.created[0]}), flush=True)
    print(json.dumps({"deleted": deleted_companions(os.path.realpath(db))}), flush=True)
    os._exit(0)


if __name__ == "__main__":
    main()
