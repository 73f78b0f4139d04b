"""The corpus panel over a generated 20,000-document database: it opens on one page, fetches
more as the table is scrolled, filters and searches. Correctness only (bench/run.py times it)."""
from __future__ import annotations

import json
import shutil

import pytest

from annotate.model import AnnotatedDocument, Document, Span, text_sha256
from store import Store, queries
from store.rows import now, span_row

COUNT = 20_000
PLACES = ["Ankara", "Moscow", "Tripoli", "Cairo", "Sirte"]


def _text(n: int) -> str:
    return (f"Talks in {PLACES[n % 5]} resumed on day {n}. " + ("Çavuşoğlu spoke. " if n % 1000 == 7 else "")
            + "Observers were cautious.")


def _status(n: int) -> str | None:
    return "done" if n % 50 == 0 else "skipped" if n % 333 == 1 else None


@pytest.fixture(scope="module")
def big_db(tmp_path_factory):
    """Rows written with executemany into a database made by the store (no audit events: a
    fixture, as bench/corpus.py)."""
    path = tmp_path_factory.mktemp("big") / "big.db"
    with Store.open(str(path), "ana") as store:
        conn, at = store.conn, now()
        columns = list(span_row("d", Span("x", 0, 1, "GPE"), at))
        conn.execute("BEGIN IMMEDIATE")
        conn.executemany("INSERT INTO documents (id, text, sha256, meta, created_at) VALUES (?, ?, ?, ?, ?)",
                         [(f"n{n:05d}", _text(n), text_sha256(_text(n)), json.dumps({"title": f"Report {n}"}), at)
                          for n in range(COUNT)])
        conn.executemany(f"INSERT INTO spans ({', '.join(chr(34) + c + chr(34) for c in columns)}) "
                         f"VALUES ({', '.join('?' * len(columns))})",
                         [tuple(span_row(f"n{n:05d}", Span("e1", 9, 9 + len(PLACES[n % 5]), "GPE",
                                                            origin="model:test@1", decision="suggested"),
                                         at).values())
                          for n in range(COUNT) if n % 4 == 0])
        conn.executemany("INSERT INTO doc_status (doc_id, annotator, status, reason, updated_at) VALUES (?, ?, ?, ?, ?)",
                         [(f"n{n:05d}", "ana", _status(n), None, at) for n in range(COUNT) if _status(n)])
        conn.execute("COMMIT")
        assert queries.sync_search(conn) == 0
    return path


@pytest.fixture
def panel(qtbot, big_db, tmp_path):
    from ui.corpus_panel import CorpusPanel
    path = tmp_path / "big.db"
    shutil.copy(big_db, path)
    store = Store.open(str(path), "ana", create=False)
    widget = CorpusPanel(store)
    qtbot.addWidget(widget)
    widget.resize(400, 600)
    widget.show()
    qtbot.waitExposed(widget)
    yield widget
    widget.close()
    store.close()


def _ids(panel) -> list[str]:
    return [r.id for r in panel.model.rows]


def test_opens_on_one_page_and_counts_the_corpus(panel):
    from ui.corpus_panel import PAGE
    assert _ids(panel) == [f"n{n:05d}" for n in range(PAGE)]
    assert panel.model.canFetchMore()
    assert panel.progress.text() == f"{COUNT // 50} / {COUNT} done"
    first = panel.model.rows[0]
    assert (first.title, first.status, first.suggestions) == ("Report 0", "done", 1)


def test_scrolling_fetches_the_next_pages_in_order(qtbot, panel):
    from ui.corpus_panel import PAGE
    for pages in range(2, 6):
        panel.table.scrollToBottom()
        qtbot.waitUntil(lambda pages=pages: panel.model.rowCount() >= pages * PAGE, timeout=3000)
    assert _ids(panel) == [f"n{n:05d}" for n in range(panel.model.rowCount())]
    while panel.model.canFetchMore():  # to the end: every document exactly once
        panel.model.fetchMore()
    assert panel.model.rowCount() == COUNT
    assert len(set(_ids(panel))) == COUNT
    assert panel.model.row_of("n19999") == COUNT - 1


def test_filters_and_search(qtbot, panel):
    panel.filter.setCurrentIndex(panel.filter.findData("done"))
    while panel.model.canFetchMore():
        panel.model.fetchMore()
    assert _ids(panel) == [f"n{n:05d}" for n in range(0, COUNT, 50)]

    panel.filter.setCurrentIndex(panel.filter.findData("skipped"))
    assert _ids(panel)[:3] == ["n00001", "n00334", "n00667"]

    panel.filter.setCurrentIndex(panel.filter.findData("unreviewed"))
    assert _ids(panel)[:3] == ["n00000", "n00004", "n00008"]
    assert all(r.suggestions == 1 for r in panel.model.rows)

    panel.filter.setCurrentIndex(panel.filter.findData("new"))
    assert _ids(panel)[:3] == ["n00002", "n00003", "n00004"]

    panel.filter.setCurrentIndex(panel.filter.findData("all"))
    panel.search.setText("çavuşoğlu")  # case-insensitive, non-ASCII, through the index (QTest types ASCII only)
    expected = [f"n{n:05d}" for n in range(7, COUNT, 1000)]
    qtbot.waitUntil(lambda: _ids(panel) == expected, timeout=3000)

    panel.filter.setCurrentIndex(panel.filter.findData("unreviewed"))  # search and filter together
    assert _ids(panel) == [i for i in expected if int(i[1:]) % 4 == 0]

    panel.search.clear()
    panel.filter.setCurrentIndex(panel.filter.findData("all"))
    qtbot.keyClicks(panel.search, "day 1234.")
    qtbot.waitUntil(lambda: _ids(panel) == ["n01234"], timeout=3000)


def test_a_new_import_is_folded_into_the_index_while_idle(qtbot, panel):
    store = panel.store
    store.import_documents([AnnotatedDocument(Document(f"late{n}", f"A pangolin report {n}."))
                            for n in range(300)])
    assert queries.search_pending(store.conn) == 300
    panel.reload()
    qtbot.waitUntil(lambda: queries.search_pending(store.conn) == 0, timeout=10_000)
    panel.search.setText("pangolin")
    panel._apply_filter()
    while panel.model.canFetchMore():
        panel.model.fetchMore()
    assert _ids(panel) == [f"late{n}" for n in range(300)]
    assert panel.progress.text() == f"{COUNT // 50} / {COUNT + 300} done"
