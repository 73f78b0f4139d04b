"""A writer that deletes and undoes entities as fast as it can, until killed (tests/reliability).

Usage: python3 churn_driver.py DB

Each deletion takes the entity's dependants with it (the claim's claimant becomes free text,
stances and relations on it go), and its undo puts everything back: between the two, a reader
without one snapshot of the file sees claims, stances and relations pointing at an entity that
is gone (or the entity back without them). Prints "ready" once open, then the number of
delete+undo pairs every 50 pairs.
"""
from __future__ import annotations

import random
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent.parent
sys.path.insert(0, str(ROOT))

from store import Store  # noqa: E402


def main() -> None:
    store = Store.open(sys.argv[1], "churn")
    rng = random.Random(7)
    targets = [(doc_id, span_id) for doc_id, span_id in store.conn.execute(
        "SELECT doc_id, claimant FROM spans WHERE layer = 'claim' AND claimant IS NOT NULL")]
    print("ready", flush=True)
    pairs = 0
    while True:
        doc_id, span_id = rng.choice(targets)
        store.delete(doc_id, span_id)
        store.undo()
        pairs += 1
        if pairs % 50 == 0:
            print(pairs, flush=True)


if __name__ == "__main__":
    main()
