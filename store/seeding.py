"""Filling a new database with the bundled sample so the first run shows something real."""
from __future__ import annotations

from annotate.formats import plaintext
from annotate.seeds import sample_articles

from .store import Store


def seed_if_empty(store: Store) -> int:
    if store.document_count():
        return 0
    taken: set[str] = set()
    items = [plaintext.read(path, taken) for path in sample_articles()]
    return store.import_documents(items, source="seeds").documents
