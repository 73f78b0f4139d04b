"""Bulk actions on one document do work in proportion to the rows they change.

Not timing tests: the foreign keys are indexed on their child columns (without, each updated
span made SQLite read every span of its document), and accept-all and its undo read and write
thousands of rows in a few statements, checked against what another process might have changed.
"""
from __future__ import annotations

import sqlite3

import pytest

from annotate.errors import ConflictError, ValidationError
from annotate.model import AnnotatedDocument, Annotations, Document, Relation, Span

WORD = "Libya "


def _document(count: int) -> AnnotatedDocument:
    spans = [Span(f"s{i}", i * len(WORD), i * len(WORD) + 5, "GPE", decision="suggested", origin="model:t@1",
                  score=0.5) for i in range(count)]
    relations = [Relation(f"r{i}", f"s{i}", f"s{i + 1}", "SAME_AS", origin="model:t@1") for i in range(0, count - 1, 10)]
    return AnnotatedDocument(Document("d", WORD * count), Annotations(spans, [], relations))


def test_every_foreign_key_has_an_index_on_its_child_columns(store):
    conn = store.conn
    tables = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
    missing = []
    for table in tables:
        indexed = []
        for (index_name,) in conn.execute(f"SELECT name FROM pragma_index_list('{table}')"):
            indexed.append([r[0] for r in conn.execute(f"SELECT name FROM pragma_index_info('{index_name}')")])
        keys: dict[int, list[str]] = {}
        for fk in conn.execute(f"SELECT id, seq, \"from\" FROM pragma_foreign_key_list('{table}') ORDER BY id, seq"):
            keys.setdefault(fk[0], []).append(fk[2])
        for columns in keys.values():
            # An index whose leading columns are the child key, in any order.
            if not any(set(index[:len(columns)]) == set(columns) for index in indexed):
                missing.append((table, columns))
    assert missing == []


def _statements(store, action) -> list[str]:
    seen: list[str] = []
    store.conn.set_trace_callback(seen.append)
    try:
        action()
    finally:
        store.conn.set_trace_callback(None)
    return [s for s in seen if s.lstrip().upper().startswith(("SELECT", "UPDATE", "DELETE", "INSERT"))]


@pytest.mark.parametrize("count", [1_500])
def test_accept_all_and_its_undo_read_and_write_in_a_few_statements(store, count):
    store.import_documents([_document(count)], as_suggestions=True)
    accept = _statements(store, lambda: store.accept_all("d"))
    assert {s.decision for s in store.annotations("d").spans} == {"accepted"}
    undo = _statements(store, store.undo)
    assert {s.decision for s in store.annotations("d").spans} == {"suggested"}
    # executemany traces each row's UPDATE; the reads are what must not grow one per row.
    for statements in (accept, undo):
        reads = [s for s in statements if s.lstrip().upper().startswith("SELECT")]
        assert len(reads) < 40, len(reads)


def test_a_bulk_undo_is_refused_whole_when_another_process_changed_one_row(store, db_path):
    store.import_documents([_document(400)], as_suggestions=True)
    store.accept_all("d")
    other = sqlite3.connect(str(db_path))
    with other:
        other.execute("UPDATE spans SET label = 'ORG' WHERE doc_id = 'd' AND id = 's250'")
    other.close()
    with pytest.raises(ConflictError, match="s250"):
        store.undo()
    # Nothing of the undo was written: every span is still accepted.
    assert {s.decision for s in store.annotations("d").spans} == {"accepted"}


class _Line(AnnotatedDocument):
    """An item as a reader yields it: with the line it came from."""

    def __init__(self, document, annotations, line):
        super().__init__(document, annotations)
        self.line = line


def test_an_import_written_in_batches_still_sees_its_own_documents_and_names_the_bad_line(store):
    def doc(i: int, text: str | None = None) -> _Line:
        return _Line(Document(f"d{i}", text or f"Libya and Turkey, document {i}."),
                     Annotations([Span("e1", 0, 5, "GPE")]), line=i + 1)

    # The same document twice in one import, far apart (another batch): the second is left as it is.
    result = store.import_documents([doc(i) for i in range(600)] + [doc(3)])
    assert result.documents == 600 and result.skipped == 1
    # The same id with another text, after a batch was written: refused, naming its line; nothing kept.
    with pytest.raises(ValidationError, match="'d700' is already in the database with a different text") as info:
        store.import_documents([doc(700 + i) for i in range(400)] + [doc(700, "Another text.")])
    assert info.value.line == 701
    # A text SQLite cannot hold, in the middle of a batch: refused, naming that document and line.
    with pytest.raises(ValidationError, match="'d1050'.*lone surrogate") as info:
        store.import_documents([doc(1000 + i, "bad \ud800 text" if i == 50 else None) for i in range(300)])
    assert info.value.line == 1051
    assert store.document_count() == 600


def test_documents_another_process_imports_while_an_import_into_an_empty_file_is_read_are_found(tmp_path):
    # Read with no lookups (the file had no documents), then checked again when it is written.
    from store import Store, import_batch
    from store.documents import ImportResult

    for text, expected in (("Libya and Turkey, document 1.", "skipped"), ("Another text.", "refused")):
        path = tmp_path / f"{expected}.db"
        with Store.open(str(path), "ana") as reader, Store.open(str(path), "bo") as other:
            items = [_Line(Document(f"d{i}", f"Libya and Turkey, document {i}."),
                           Annotations([Span("e1", 0, 5, "GPE")]), line=i + 1) for i in range(3)]
            plan = import_batch.prepare(reader, items, reader.schema, as_suggestions=False, origin=None,
                                        source=None, on_progress=None, not_unicode="not unicode")
            other.import_documents([AnnotatedDocument(Document("d1", text))])
            result = ImportResult()
            if expected == "skipped":
                import_batch.commit(reader, plan, result, None, None)
                assert (result.documents, result.skipped) == (2, 1) and reader.document_count() == 3
            else:
                with pytest.raises(ValidationError, match="'d1' is already in the database with a different "
                                                          "text") as info:
                    import_batch.commit(reader, plan, result, None, None)
                assert info.value.line == 2 and reader.document_count() == 1
            assert reader.verify().ok
