"""Filling a new database with the bundled sample so the first run shows something real."""
from __future__ import annotations

from annotate.formats import plaintext
from annotate.seeds import sample_articles

from .store import Store


def seed_if_empty(store: Store, *, preannotate: bool = True) -> int:
    """Import ``seeds/*.txt`` into an empty database and pre-annotate it with the builtin rules,
    so the first window shows suggestions to review. Returns the number of documents added."""
    if store.document_count():
        return 0
    taken: set[str] = set()
    items = [plaintext.read(path, taken) for path in sample_articles()]
    added = store.import_documents(items, source="seeds").documents
    if added and preannotate:
        preannotate_builtin(store)
    return added


def sample_awaits_preannotation(store: Store) -> bool:
    """True while the database holds only the sample and no model has ever suggested anything in
    it: a first run that was closed (or killed) before its background pre-annotation landed."""
    if store.document_count() != len(sample_articles()):
        return False
    sample_ids = {plaintext.read(path, set()).document.id for path in sample_articles()}
    if set(store.document_ids()) != sample_ids:
        return False
    return store.conn.execute("SELECT 1 FROM spans WHERE origin LIKE 'model:%' LIMIT 1").fetchone() is None


def preannotate_builtin(store: Store) -> None:
    from annotate.preannotate import load_annotator

    from .suggestions import run_preannotation
    run_preannotation(store, load_annotator("builtin", store.schema))
