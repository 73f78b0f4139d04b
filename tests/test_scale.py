"""The corpus queries that must not grow with the corpus: search through the FTS5 trigram index
(migration m004), keyset paging, status filters; and that the index stays in step with the
documents (imports, undo, databases made before m004)."""
from __future__ import annotations

import random
import sqlite3

import pytest

from annotate.folding import fold
from annotate.model import AnnotatedDocument, Annotations, Document, Span
from store import Store, open_database, queries
from store.migrations import MIGRATION_SET

WORDS = "ceasefire talks ministry Ankara Moscow Tripoli envoy summit pipeline harbour".split()


def _docs(count: int, seed: int = 3) -> list[AnnotatedDocument]:
    rng = random.Random(seed)
    items = []
    for n in range(count):
        words = [rng.choice(WORDS) for _ in range(12)]
        if n % 7 == 0:
            words.append("Çavuşoğlu")
        text = " ".join(words) + "."
        spans = [Span("e1", 0, len(words[0]), "GPE")] if n % 3 == 0 else []
        items.append(AnnotatedDocument(Document(f"doc-{n:03d}", text, {"title": f"Title {n} {'Zebra' if n % 10 == 0 else ''}"}),
                                       Annotations(spans)))
    return items


@pytest.fixture
def corpus(tmp_path):
    store = Store.open(str(tmp_path / "scale.db"), "ana")
    items = _docs(60)
    store.import_documents(items, as_suggestions=True, origin="model:test@1")
    rng = random.Random(5)
    for item in items:
        status = rng.choice(["new", "new", "in_progress", "done", "skipped"])
        if status == "skipped":
            store.set_status(item.document.id, status, "off topic")
        elif status != "new":
            store.set_status(item.document.id, status)
    yield store, items
    store.close()


def _expected(store, items, *, search="", status="all") -> list[str]:
    out = []
    for item in items:
        doc = item.document
        st = store.status(doc.id)[0]
        suggested = store.conn.execute("SELECT count(*) FROM spans WHERE doc_id = ? AND decision = 'suggested'",
                                       [doc.id]).fetchone()[0]
        if status == "unreviewed" and not suggested:
            continue
        if status not in ("all", "unreviewed") and st != status:
            continue
        haystacks = [doc.text, doc.meta.get("title", ""), doc.id]
        if search and not any(fold(search) in fold(h) for h in haystacks):
            continue
        out.append(doc.id)
    return out


def _all_pages(conn, annotator, limit, **kw) -> list[str]:
    ids, after = [], 0
    while True:
        page = queries.list_documents(conn, annotator, after=after, limit=limit, **kw)
        ids += [r.id for r in page]
        if len(page) < limit:
            return ids
        after = page[-1].rowid


@pytest.mark.parametrize("status", queries.STATUS_FILTERS)
@pytest.mark.parametrize("search", ["", "Ankara", "ankara", "çavuşoğlu", "cavusoglu", "ÇAVUŞ", "title 1", "doc-05",
                                    "zebra", "ha", "Z", "no such thing", 'say "x"', "50%", "a_b"])
def test_paging_returns_every_matching_document_once_in_import_order(corpus, status, search):
    store, items = corpus
    expected = _expected(store, items, search=search, status=status)
    for limit in (1, 7, 200):
        assert _all_pages(store.conn, "ana", limit, search=search, status=status) == expected


@pytest.mark.parametrize("search", ["çavuşoğlu", "Cavusoglu", "CAVUŞOĞLU", "çavus", "zebra", "ZEBRA", "doc-05"])
def test_the_index_answers_as_the_direct_match_does_ignoring_case_and_accents(corpus, search):
    store, items = corpus
    assert queries.sync_search(store.conn) == 0
    expected = _expected(store, items, search=search)
    assert expected, "every search here finds something"
    assert _all_pages(store.conn, "ana", 7, search=search) == expected


def test_search_uses_the_index_and_the_rows_carry_counts(corpus):
    store, _ = corpus
    assert queries.search_pending(store.conn) > 0  # the import queued its documents
    assert queries.sync_search(store.conn) == 0
    assert queries.search_pending(store.conn) == 0
    plan = " ".join(str(r) for r in store.conn.execute(
        "EXPLAIN QUERY PLAN SELECT rowid FROM documents_search WHERE documents_search MATCH ?", ['"Ankara"']))
    assert "VIRTUAL TABLE INDEX" in plan
    rows = queries.list_documents(store.conn, "ana", search="doc-000")
    assert [r.id for r in rows] == ["doc-000"]
    assert (rows[0].suggestions, rows[0].gold) == (1, 0)
    store.accept("doc-000", "e1")
    row = queries.list_documents(store.conn, "ana", doc_id="doc-000")[0]
    assert (row.suggestions, row.gold) == (0, 1)


def test_the_index_follows_imports_and_undo(corpus):
    store, _ = corpus
    queries.sync_search(store.conn)
    new = AnnotatedDocument(Document("late", "A quokka spoke in Ankara.", {"title": "Marsupial news"}))
    store.import_documents([new])
    # Found before the index is brought up to date (the pending document is matched directly)...
    assert [r.id for r in queries.list_documents(store.conn, "ana", search="quokka")] == ["late"]
    assert [r.id for r in queries.list_documents(store.conn, "ana", search="marsupial")] == ["late"]
    assert queries.sync_search(store.conn, max_documents=1) == 0
    # ... and after.
    assert [r.id for r in queries.list_documents(store.conn, "ana", search="quokka")] == ["late"]
    # Documents are never edited or deleted by the program today; the triggers cover it anyway.
    store.conn.execute("UPDATE documents SET meta = ? WHERE id = 'late'", ['{"title": "Wombat weekly"}'])
    assert queries.list_documents(store.conn, "ana", search="marsupial") == []
    assert [r.id for r in queries.list_documents(store.conn, "ana", search="wombat")] == ["late"]
    assert queries.sync_search(store.conn) == 0
    assert queries.list_documents(store.conn, "ana", search="marsupial") == []
    assert [r.id for r in queries.list_documents(store.conn, "ana", search="wombat")] == ["late"]
    store.conn.execute("DELETE FROM documents WHERE id = 'late'")
    assert queries.list_documents(store.conn, "ana", search="quokka") == []
    assert queries.sync_search(store.conn) == 0
    assert queries.list_documents(store.conn, "ana", search="quokka") == []
    # The contentless index dropped exactly what it held: nothing of the document is left in it.
    for word in ("quokka", "wombat", "marsupial", "late"):
        assert store.conn.execute("SELECT count(*) FROM documents_search WHERE documents_search MATCH ?",
                                  [f'"{word}"']).fetchone()[0] == 0
    # A new document that takes the deleted one's rowid is indexed afresh.
    store.import_documents([AnnotatedDocument(Document("later", "A numbat in Tripoli."))])
    assert queries.sync_search(store.conn) == 0
    assert [r.id for r in queries.list_documents(store.conn, "ana", search="numbat")] == ["later"]


def test_sync_in_slices_and_from_a_read_only_connection(tmp_path):
    path = tmp_path / "slices.db"
    with Store.open(str(path), "ana") as store:
        store.import_documents(_docs(25))
        assert queries.search_pending(store.conn) == 25
    ro = open_database(path, read_only=True).conn
    assert queries.sync_search(ro) is None  # cannot write: searches still answer
    assert [r.id for r in queries.list_documents(ro, "ana", search="Çavuşoğlu")] == \
        [f"doc-{n:03d}" for n in range(0, 25, 7)]
    ro.close()
    with Store.open(str(path), "ana") as store:
        assert queries.sync_search(store.conn, 10) == 15
        assert [r.id for r in queries.list_documents(store.conn, "ana", search="Çavuşoğlu")] == \
            [f"doc-{n:03d}" for n in range(0, 25, 7)]
        assert queries.sync_search(store.conn, 10) == 5
        assert queries.sync_search(store.conn, 10) == 0
        assert queries.sync_search(store.conn, 10) == 0


def test_sparse_filters_switch_to_their_index(corpus, monkeypatch):
    store, items = corpus
    monkeypatch.setattr(queries, "SCAN_WINDOW", 2)
    for status in ("unreviewed", "new"):
        assert _all_pages(store.conn, "ana", 3, status=status) == _expected(store, items, status=status)
    # Only a few suggestions left, far apart: the spans_by_decision index answers.
    for item in items[:-1]:
        if item.annotations.spans:
            store.accept(item.document.id, "e1")
    assert queries._few_suggestions(store.conn)  # noqa: SLF001
    assert _all_pages(store.conn, "ana", 2, status="unreviewed") == _expected(store, items, status="unreviewed")


def test_a_database_made_before_m004_is_migrated_and_searchable(tmp_path):
    path = tmp_path / "old.db"
    with Store.open(str(path), "ana") as store:
        store.import_documents(_docs(20))
    conn = sqlite3.connect(path, isolation_level=None)
    conn.executescript("""
        DROP TRIGGER documents_search_insert; DROP TRIGGER documents_search_delete;
        DROP TRIGGER documents_search_update; DROP TABLE documents_search_pending; DROP TABLE documents_search;
    """)
    conn.execute("DELETE FROM _sqlite_migrations WHERE migration_set = ? AND name IN ('m004_document_search', "
                 "'m008_folded_search')", [MIGRATION_SET])
    conn.close()
    with Store.open(str(path), "ana") as store:
        assert queries.search_pending(store.conn) == 20  # m008 queued every document to be folded
        assert queries.sync_search(store.conn) == 0
        assert [r.id for r in queries.list_documents(store.conn, "ana", search="çavuşoğlu")] == \
            [f"doc-{n:03d}" for n in range(0, 20, 7)]
        store.import_documents([AnnotatedDocument(Document("new", "An okapi in Tripoli."))])
        assert [r.id for r in queries.list_documents(store.conn, "ana", search="okapi")] == ["new"]
        assert store.verify().ok


def test_next_unfinished_skips_done_documents(corpus):
    store, items = corpus
    ids = [i.document.id for i in items]
    unfinished = [i for i in ids if store.status(i)[0] not in ("done", "skipped")]
    assert store.next_unfinished() == unfinished[0]
    assert store.next_unfinished(after=unfinished[0]) == unfinished[1]
    assert store.next_unfinished(after=ids[-1]) == unfinished[0]  # wraps round


def test_a_database_indexed_before_m008_finds_text_without_its_accents(tmp_path):
    path = tmp_path / "old.db"
    with Store.open(str(path), "ana") as store:
        store.import_documents(_docs(20))
    # The index as m004 to m007 kept it: unfolded.
    conn = sqlite3.connect(path, isolation_level=None)
    conn.executescript("""
        INSERT INTO documents_search (documents_search) VALUES ('delete-all');
        DELETE FROM documents_search_pending;
        INSERT INTO documents_search (rowid, id, title, text)
            SELECT rowid, id, coalesce(json_extract(meta, '$.title'), ''), text FROM documents;
    """)
    conn.execute("DELETE FROM _sqlite_migrations WHERE migration_set = ? AND name = 'm008_folded_search'",
                 [MIGRATION_SET])
    conn.close()
    with_accents = [f"doc-{n:03d}" for n in range(0, 20, 7)]
    with Store.open(str(path), "ana") as store:
        # Right before the index is rebuilt (the queued documents are matched directly) and after.
        assert [r.id for r in queries.list_documents(store.conn, "ana", search="cavusoglu")] == with_accents
        while queries.sync_search(store.conn, max_documents=6):
            pass
        assert [r.id for r in queries.list_documents(store.conn, "ana", search="cavusoglu")] == with_accents
        assert [r.id for r in queries.list_documents(store.conn, "ana", search="ÇAVUŞOĞLU")] == with_accents
        store.conn.execute("UPDATE documents SET text = 'Tripoli only.' WHERE id = 'doc-007'")
        assert queries.sync_search(store.conn) == 0  # the changed row is deleted with its folded values
        assert [r.id for r in queries.list_documents(store.conn, "ana", search="cavusoglu")] == ["doc-000", "doc-014"]
        assert [r.id for r in queries.list_documents(store.conn, "ana", search="tripoli only")] == ["doc-007"]
