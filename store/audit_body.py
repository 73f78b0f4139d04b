"""What an audit event records of its rows: the text its hash covers, written and read back.

Two versions, both read (a file keeps the events written before an upgrade, and its chain
hashes them as they were written):

* version 1: ``{"detail": ..., "rows": [[table, key, before, after], ...]}`` in canonical JSON
  (sorted keys), each row state an object of column -> value;
* version 2 (written since): ``{"v":2,"columns":{table: [column, ...]},"rows":[[table, key,
  before, after], ...],"detail":...}``, each row state the list of its values in the order of its
  table's ``columns`` (an object as in version 1 when its columns differ from them). A bulk write
  records tens of thousands of rows: the column names once per event instead of once per row,
  and lists instead of sorted objects, make the text half as long and its JSON a third of the
  work, for the same information.

The hash covers the text as stored, so nothing here has to be canonical to be verified; a
version is only ever read with its own rules.
"""
from __future__ import annotations

import json

from annotate.changes import RowChange

from .rows import dumps

VERSION = 2

# The rows hold only text, numbers and NULL: no key order to fix, no cycle to look for.
_LISTS = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"), check_circular=False)


def encode(changes: list[RowChange], detail: dict | None = None) -> str:
    """The version-2 body of ``changes`` (and ``detail``)."""
    columns: dict[str, tuple] = {}
    rows = []
    for change in changes:
        table, before, after = change.table, change.before, change.after
        header = columns.get(table)
        if header is None:
            header = columns[table] = tuple(after if after is not None else before or ())
        rows.append((table, change.key, _state(before, header), _state(after, header)))
    return (f'{{"v":{VERSION},"columns":{_LISTS.encode(columns)},"rows":{_LISTS.encode(rows)}'
            + (f',"detail":{dumps(detail)}}}' if detail else "}"))


def _state(row: dict | None, header: tuple):
    if row is None:
        return None
    return tuple(row.values()) if tuple(row) == header else row


def decode(body: str) -> tuple[dict, list[RowChange]]:
    """The payload (``detail`` in it) and the rows of an event body of either version. Raises
    ValueError, KeyError, TypeError or AttributeError for a body that is not one (an altered
    log: the caller names the event)."""
    payload = json.loads(body)
    if payload.get("v") == VERSION:
        columns = payload["columns"]
        rows = [RowChange(table, tuple(key), _row(columns, table, before), _row(columns, table, after))
                for table, key, before, after in payload["rows"]]
    elif "v" in payload:
        raise ValueError(f"an event body of unknown version {payload['v']!r}")
    else:
        rows = [RowChange.from_json(raw) for raw in payload["rows"]]
    return payload, rows


def _row(columns: dict, table: str, state):
    if not isinstance(state, list):
        return state  # None, an object, or anything else for the caller's checks to refuse
    header = columns[table]
    if not isinstance(header, list) or len(header) != len(state) or not all(isinstance(c, str) for c in header):
        raise ValueError(f"a row of {str(table)[:40]!r} does not match its table's columns")
    return dict(zip(header, state))


def encode_v1(changes: list[RowChange], detail: dict | None = None) -> str:
    """The version-1 body, as events were written before version 2 (kept to test that they
    still verify)."""
    payload: dict = {"rows": [c.to_json() for c in changes]}
    if detail:
        payload["detail"] = detail
    return dumps(payload)
