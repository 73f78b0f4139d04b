"""A tab whose page is made the first time it is shown or asked for.

The window's first paint shows one tab of the inspector; making the others' widgets (and
importing their modules) before it was a measured share of the start-up (bench/README.md). The
tab is there from the start with its title, over an empty placeholder page; the real page takes
the placeholder's place, at the same index, when the tab is first shown or the window first
needs the widget.
"""
from __future__ import annotations

from typing import Callable

from PySide6.QtWidgets import QTabWidget, QWidget


class LazyTab:
    def __init__(self, tabs: QTabWidget, index: int, title: str, make: Callable[[], QWidget]):
        self.tabs = tabs
        self._make = make
        self.page: QWidget | None = None  # the real page, once made
        self.placeholder = QWidget()
        tabs.insertTab(index, self.placeholder, title)
        # Connected before anything the window connects to currentChanged later, so those slots
        # already see the real page as the current widget.
        tabs.currentChanged.connect(self._shown)

    def _shown(self, index: int) -> None:
        if self.page is None and self.tabs.widget(index) is self.placeholder:
            self.widget()

    def widget(self) -> QWidget:
        """The real page, made now if it was not yet."""
        if self.page is not None:
            return self.page
        page = self.page = self._make()
        tabs = self.tabs
        index, current = tabs.indexOf(self.placeholder), tabs.currentIndex()
        title, tip = tabs.tabText(index), tabs.tabToolTip(index)
        # The swap is not a change of tab for anyone listening: the same tab stays current.
        blocked = tabs.blockSignals(True)
        try:
            tabs.removeTab(index)
            tabs.insertTab(index, page, title)
            tabs.setTabToolTip(index, tip)
            tabs.setCurrentIndex(current)
        finally:
            tabs.blockSignals(blocked)
        self.placeholder.deleteLater()
        return page
