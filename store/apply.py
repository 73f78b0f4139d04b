"""Writing a list of row changes, with a check that nobody changed the rows in between.

Each change carries the row as the action saw it; if the row in the file differs, another
window or process edited it first, and the whole action is refused (ConflictError) instead of
silently overwriting their work.
"""
from __future__ import annotations

import sqlite3
from itertools import groupby

from annotate.changes import RowChange
from annotate.errors import ConflictError

from .rows import KEYS


def _where(table: str) -> str:
    return " AND ".join(f'"{c}" = ?' for c in KEYS[table])


def fetch_row(conn: sqlite3.Connection, table: str, key: tuple) -> dict | None:
    cursor = conn.execute(f'SELECT * FROM "{table}" WHERE {_where(table)}', key)
    row = cursor.fetchone()
    if row is None:
        return None
    return dict(zip((d[0] for d in cursor.description), row))


def _comparable(table: str, row: dict | None) -> dict | None:
    if row is None or table != "documents":
        return row
    return {k: v for k, v in row.items() if k != "text"}


def apply_changes(conn: sqlite3.Connection, changes: list[RowChange], *, documents_text: dict | None = None) -> None:
    """Write ``changes`` inside the caller's transaction.

    Runs of inserts into one table go through one ``executemany`` (bulk imports are the common
    case); their conflict check is the primary key itself.
    """
    for (table, kind), run in groupby(changes, key=lambda c: (c.table, _kind(c))):
        run = list(run)
        if kind == "insert":
            _insert_many(conn, table, run, documents_text)
        else:
            for change in run:
                _apply_one(conn, change)


def _kind(change: RowChange) -> str:
    if change.before is None:
        return "insert"
    return "delete" if change.after is None else "update"


def _insert_many(conn, table: str, run: list[RowChange], documents_text: dict | None) -> None:
    columns = list(run[0].after)
    if table == "documents":
        columns.append("text")
    placeholders = ", ".join("?" for _ in columns)
    names = ", ".join(f'"{c}"' for c in columns)
    if table == "documents":
        values = [[c.after[k] for k in columns[:-1]] + [documents_text[c.key[0]]] for c in run]
    else:
        values = [[c.after[k] for k in columns] for c in run]
    try:
        conn.executemany(f'INSERT INTO "{table}" ({names}) VALUES ({placeholders})', values)
    except sqlite3.IntegrityError as exc:
        if "UNIQUE" in str(exc) or "PRIMARY KEY" in str(exc):
            raise ConflictError(f"{table}: a row with the same id already exists ({exc})") from None
        raise


def _apply_one(conn, change: RowChange) -> None:
    table = change.table
    current = _comparable(table, fetch_row(conn, table, change.key))
    if current != change.before:
        raise ConflictError(
            f"{table} {'/'.join(map(str, change.key))} was changed elsewhere (another window or process); "
            "reload to see the current state")
    if change.after is None:
        conn.execute(f'DELETE FROM "{table}" WHERE {_where(table)}', change.key)
    else:
        assignments = ", ".join(f'"{c}" = ?' for c in change.after)
        conn.execute(f'UPDATE "{table}" SET {assignments} WHERE {_where(table)}',
                     [*change.after.values(), *change.key])
