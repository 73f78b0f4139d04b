"""The corpus panel's search ignores accents and case, typed as a reader types: "cavusoglu"
finds "Çavuşoğlu", "kalin" finds "Kalın", both before and after the search index is brought up
to date."""
from __future__ import annotations

from store import queries


def test_search_without_accents_finds_the_accented_name(qtbot, make_window, store):
    window = make_window([("tr", "Mevlüt Çavuşoğlu met İbrahim Kalın in Ankara.", []),
                          ("ly", "Khalifa Haftar spoke in Benghazi.", [])])
    panel = window.corpus
    ids = lambda: [r.id for r in panel.model.rows]  # noqa: E731
    for typed, expected in (("cavusoglu", ["tr"]), ("KALIN", ["tr"]), ("benghazi", ["ly"])):
        panel.search.clear()
        qtbot.keyClicks(panel.search, typed)
        qtbot.waitUntil(lambda: ids() == expected, timeout=3000)
    qtbot.waitUntil(lambda: queries.search_pending(store.conn) == 0, timeout=10000)  # the idle sync
    panel.search.clear()
    qtbot.keyClicks(panel.search, "ibrahim kalin")
    qtbot.waitUntil(lambda: ids() == ["tr"], timeout=3000)
