"""Writing a list of row changes, with a check that nobody changed the rows in between.

Each change carries the row as the action saw it; if the row in the file differs, another
window or process edited it first, and the whole action is refused (ConflictError) instead of
silently overwriting their work.
"""
from __future__ import annotations

import sqlite3
from itertools import groupby
from operator import itemgetter

from annotate.changes import RowChange
from annotate.errors import ConflictError

from .rows import COLUMNS, KEYS, Insert


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
    case); their conflict check is the primary key itself. Runs of updates or deletes of
    distinct rows are checked with one read per few hundred rows and written with one
    ``executemany`` per set of changed columns (accept-all on 5,000 suggestions).
    """
    for (table, kind), run in groupby(changes, key=lambda c: (c.table, _kind(c))):
        run = list(run)
        if kind == "insert":
            _insert_many(conn, table, run, documents_text)
        elif len(run) == 1 or len({tuple(c.key) for c in run}) < len(run):
            for change in run:  # one row changed twice in a run: each change sees the one before
                _apply_one(conn, change)
        else:
            _check_unchanged(conn, table, run)
            if kind == "delete":
                conn.executemany(f'DELETE FROM "{table}" WHERE {_where(table)}', [tuple(c.key) for c in run])
            else:
                for sql, values in _updates(table, run).items():
                    conn.executemany(sql, values)


_CHUNK = 300  # rows read per query when checking a run (well under SQLite's variable limit)


def _check_unchanged(conn, table: str, run: list[RowChange]) -> None:
    """Refuse the run if any of its rows differs from the row its change was made from; the rows
    are read a few hundred at a time (the key's last column IN a list, the others equal, so
    SQLite seeks each one in the primary key)."""
    key_columns = KEYS[table]
    *prefix_columns, last_column = key_columns
    by_prefix: dict[tuple, list] = {}
    for change in run:
        by_prefix.setdefault(tuple(change.key[:-1]), []).append(change.key[-1])
    where = "".join(f'"{c}" = ? AND ' for c in prefix_columns)
    current: dict[tuple, dict] = {}
    for prefix, lasts in by_prefix.items():
        for at in range(0, len(lasts), _CHUNK):
            chunk = lasts[at:at + _CHUNK]
            cursor = conn.execute(f'SELECT * FROM "{table}" WHERE {where}"{last_column}" IN '
                                  f'({", ".join("?" for _ in chunk)})', [*prefix, *chunk])
            columns = [d[0] for d in cursor.description]
            at_key = [columns.index(c) for c in key_columns]
            for row in cursor.fetchall():
                current[tuple(row[i] for i in at_key)] = row
    for change in run:
        row = current.get(tuple(change.key))
        # Rows read for an action have the table's columns in order: compare the values at once,
        # and build a dict only when they differ (the comparison decides then).
        if row is None or change.before is None or tuple(change.before.values()) != row:
            _refuse_if_changed(table, change, None if row is None else _comparable(table, dict(zip(columns, row))))


def _refuse_if_changed(table: str, change: RowChange, current: dict | None) -> None:
    if current != change.before:
        raise ConflictError(
            f"{table} {'/'.join(map(str, change.key))} was changed elsewhere (another window or process); "
            "reload to see the current state")


def _updates(table: str, run: list[RowChange]) -> dict[str, list[list]]:
    """UPDATE statements and their rows, one statement per set of changed columns. Only the
    columns that change are set: a key column in the SET list makes SQLite look for the rows
    whose foreign keys name this one, even when its value stays the same."""
    statements: dict[str, list[list]] = {}
    where = _where(table)
    for change in run:
        before, after = change.before or {}, change.after
        columns = [c for c, value in after.items() if c not in before or before[c] != value]
        if not columns:
            continue
        sql = f'UPDATE "{table}" SET {", ".join(f"{chr(34)}{c}{chr(34)} = ?" for c in columns)} WHERE {where}'
        statements.setdefault(sql, []).append([*(after[c] for c in columns), *change.key])
    return statements


def _kind(change: RowChange) -> str:
    if change.before is None:
        return "insert"
    return "delete" if change.after is None else "update"


def _insert_many(conn, table: str, run: list, documents_text: dict | None) -> None:
    for is_insert, part in groupby(run, key=lambda c: type(c) is Insert):
        _insert_part(conn, table, list(part), is_insert, documents_text)


def _insert_part(conn, table: str, run: list, values_given: bool, documents_text: dict | None) -> None:
    """Rows given as :class:`Insert` (their values in the table's order) or as changes from no row."""
    columns = list(COLUMNS[table] if values_given else run[0].after)
    if table == "documents":
        columns.append("text")
    placeholders = ", ".join("?" for _ in columns)
    names = ", ".join(f'"{c}"' for c in columns)
    if values_given:
        values = ([(*c.values, documents_text[c.key[0]]) for c in run] if table == "documents"
                  else [c.values for c in run])
    # itemgetter reads a row's columns in one C call (an import writes 100,000 rows and more)
    elif table == "documents":
        get = itemgetter(*columns[:-1])
        values = [(*get(c.after), documents_text[c.key[0]]) for c in run]
    else:
        get = itemgetter(*columns) if len(columns) > 1 else (lambda row: (row[columns[0]],))
        values = [get(c.after) for c in run]
    try:
        conn.executemany(f'INSERT INTO "{table}" ({names}) VALUES ({placeholders})', values)
    except sqlite3.IntegrityError as exc:
        if "UNIQUE" in str(exc) or "PRIMARY KEY" in str(exc):
            raise ConflictError(f"{table}: a row with the same id already exists ({exc})") from None
        raise


def _apply_one(conn, change: RowChange) -> None:
    table = change.table
    _refuse_if_changed(table, change, _comparable(table, fetch_row(conn, table, change.key)))
    if change.after is None:
        conn.execute(f'DELETE FROM "{table}" WHERE {_where(table)}', change.key)
    else:
        for sql, values in _updates(table, [change]).items():
            conn.execute(sql, values[0])
