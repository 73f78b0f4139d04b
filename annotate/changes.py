"""What an action changed, as data: the unit of saving, auditing and undo.

Every user action becomes a list of :class:`RowChange` (a row's state before and after).
Applying it saves the action, storing it in the audit log records exactly what happened, and
applying its inverse undoes it. One mechanism for every kind of action means that undo of a
bulk "accept all" is as exact as undo of a single relabel.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

Row = dict[str, Any]


@dataclass(frozen=True)
class RowChange:
    table: str
    key: tuple
    before: Row | None
    after: Row | None

    def inverse(self) -> "RowChange":
        return RowChange(self.table, self.key, self.after, self.before)

    def to_json(self) -> list:
        return [self.table, list(self.key), self.before, self.after]

    @classmethod
    def from_json(cls, data: list) -> "RowChange":
        table, key, before, after = data
        return cls(table, tuple(key), before, after)


def invert(changes: list[RowChange]) -> list[RowChange]:
    """The changes that take the rows back, in the order that keeps references valid."""
    return [c.inverse() for c in reversed(changes)]


@dataclass
class Changes:
    """The outcome of an action, for the views: what to refresh, and who asked for it.

    ``initiator`` lets the widget that made an edit skip its own redundant refresh.
    """

    action: str
    doc_ids: set[str] = field(default_factory=set)
    span_ids: set[str] = field(default_factory=set)
    stance_ids: set[str] = field(default_factory=set)
    relation_ids: set[str] = field(default_factory=set)
    comment_ids: set[str] = field(default_factory=set)
    cluster_ids: set[str] = field(default_factory=set)
    created: list[str] = field(default_factory=list)
    event: int | None = None
    initiator: object | None = None

    @classmethod
    def from_rows(cls, action: str, rows: list[RowChange], event: int | None = None) -> "Changes":
        changes = cls(action, event=event)
        for row in rows:
            doc_id = row.key[0]
            changes.doc_ids.add(doc_id)
            if row.table == "spans":
                changes.span_ids.add(row.key[1])
            elif row.table == "stances":
                changes.stance_ids.add(row.key[1])
            elif row.table == "relations":
                changes.relation_ids.add(row.key[1])
            elif row.table == "comments":
                changes.comment_ids.add(row.key[1])
            elif row.table == "clusters":
                changes.cluster_ids.add(row.key[1])
            if row.before is None and row.after is not None and row.table in ("spans", "stances", "relations",
                                                                              "comments"):
                changes.created.append(row.key[1])
        return changes


@dataclass(frozen=True)
class Step:
    """One undoable step: a user action and the rows it changed."""

    action: str
    rows: tuple[RowChange, ...]


@dataclass(frozen=True)
class UndoStatus:
    can_undo: bool
    can_redo: bool
    undo_label: str | None
    redo_label: str | None


class UndoStack:
    """Undo and redo of steps; the views only mirror :meth:`status`.

    A new step clears the redo side, as in every editor users know.
    """

    def __init__(self, limit: int = 1000):
        self._done: list[Step] = []
        self._undone: list[Step] = []
        self._limit = limit

    def push(self, step: Step) -> None:
        self._done.append(step)
        if len(self._done) > self._limit:
            del self._done[0]
        self._undone.clear()

    def peek_undo(self) -> Step | None:
        return self._done[-1] if self._done else None

    def peek_redo(self) -> Step | None:
        return self._undone[-1] if self._undone else None

    def mark_undone(self) -> None:
        self._undone.append(self._done.pop())

    def mark_redone(self) -> None:
        self._done.append(self._undone.pop())

    def clear(self) -> None:
        self._done.clear()
        self._undone.clear()

    def status(self) -> UndoStatus:
        undo, redo = self.peek_undo(), self.peek_redo()
        return UndoStatus(undo is not None, redo is not None,
                          undo.action if undo else None, redo.action if redo else None)
