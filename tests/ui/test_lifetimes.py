"""What a widget starts (a timer, a worker thread, a window) ends with it, before its store closes.

Each test closes the widget, then the store, exactly as the window's owner does at exit, and
then lets the event loop run: pytest-qt fails the test on any exception raised in a slot, such
as a timer firing into the closed connection ("Cannot operate on a closed database").
"""
from __future__ import annotations

from annotate.model import AnnotatedDocument, Document
from annotate.seeds import sample_articles
from store import queries

#: Longer than every timer the widgets start (the search debounce is 150 ms).
QUIET = 600


def test_a_search_typed_just_before_the_panel_closes_never_reaches_the_closed_store(qtbot, store):
    from ui.corpus_panel import CorpusPanel
    store.import_documents([AnnotatedDocument(Document(f"d{n}", f"A pangolin report {n}.")) for n in range(300)])
    panel = CorpusPanel(store)  # starts folding the 300 new documents into the search index
    qtbot.addWidget(panel)
    panel.show()
    qtbot.waitExposed(panel)
    assert queries.search_pending(store.conn) > 0
    qtbot.keyClicks(panel.search, "pangolin")  # the search waits for the typing to pause
    panel.close()
    store.close()
    qtbot.wait(QUIET)
    assert panel.search.text() == "pangolin"


def test_closing_the_window_ends_its_panel_clock_and_tool_windows(qtbot, make_window, store):
    window = make_window([("d1", "Turkey and Russia met in Moscow on Monday.", [])])
    store.import_documents([AnnotatedDocument(Document(f"n{n}", f"Report {n} from Sirte.")) for n in range(120)])
    window.corpus.reload()
    qtbot.keyClicks(window.corpus.search, "Sirte")
    window.show_dashboard()
    window.show_shortcuts()
    window.close()
    assert not window.dashboard.isVisible() and not window.shortcuts_dialog.isVisible()
    assert not window._clock.isActive()
    store.close()
    qtbot.wait(QUIET)


def test_closing_the_window_during_a_preannotation_run_stops_it_and_reports_nothing(qtbot, make_window, store):
    text = sample_articles()[0].read_text(encoding="utf-8")
    window = make_window([(f"d{i}", text, []) for i in range(8)])
    reported = []
    window.preannotate_corpus("builtin")
    window.preannotation.done.connect(lambda *args: reported.append(args))
    window.close()  # at once: the worker is still loading or in its first batches
    assert window.preannotation.thread.isFinished()
    store.close()
    qtbot.wait(QUIET)
    assert reported == []


def test_the_adjudication_view_closes_with_the_window_and_releases_its_store(qtbot, make_window, store):
    window = make_window([("d1", "Turkey and Russia met in Moscow on Monday.", [])])
    view = window.adjudicate("tester", "other")
    qtbot.waitExposed(view)
    released = []
    view.destroyed.connect(lambda *_: released.append(True))
    window.close()
    qtbot.waitUntil(lambda: released == [True], timeout=3000)
    store.close()
    qtbot.wait(QUIET)


def test_a_session_closed_at_once_never_starts_the_first_runs_preannotation(qtbot, tmp_path):
    from ui.session import Session
    session = Session()
    assert session.open(tmp_path / "new.db", create=True, seed=True)  # first run: suggestions come after
    window = session.window
    qtbot.addWidget(window)
    session.close()  # before the event loop ran the deferred start
    qtbot.wait(QUIET)
    assert window.preannotation is None
