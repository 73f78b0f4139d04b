"""What an audit event records of its rows: the text its hash covers, written and read back.

Two versions, both read (a file keeps the events written before an upgrade, and its chain
hashes them as they were written):

* version 1: ``{"detail": ..., "rows": [[table, key, before, after], ...]}`` in canonical JSON
  (sorted keys), each row state an object of column -> value;
* version 2 (written since): ``{"v":2,"columns":{table: [column, ...]},"same":{table: {column:
  value}},"rows":[[table, key, before, after], ...],"detail":...}``: each row state is the list
  of its values in the order of its table's ``columns``, less the columns in ``same``, whose
  value it holds in every state of this event listed so (a document's spans share their
  document, origin, decision, annotator and times); a state whose columns differ from its
  table's is an object as in version 1. A bulk write records tens of thousands of rows: the
  column names and the shared values once per event instead of once per row, and lists instead
  of sorted objects, make the text a third as long and its JSON a fraction of the work, for the
  same information.

The hash covers the text as stored, so nothing here has to be canonical to be verified; a
version is only ever read with its own rules.
"""
from __future__ import annotations

import json
from operator import itemgetter

from annotate.changes import RowChange

from .rows import COLUMNS, Insert, dumps

VERSION = 2

# The rows hold only text, numbers and NULL: no key order to fix, no cycle to look for.
_LISTS = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"), check_circular=False)


def encode(changes: list[RowChange], detail: dict | None = None) -> str:
    """The version-2 body of ``changes`` (and ``detail``)."""
    columns: dict[str, tuple] = {}
    rows = []
    listed: dict[str, list[tuple]] = {}  # per table, the states written as lists
    for change in changes:
        table = change.table
        header = columns.get(table)
        if type(change) is Insert:
            if header is None:
                header = columns[table] = COLUMNS[table]
                listed[table] = []
            if header == COLUMNS[table]:
                listed[table].append(change.values)
                rows.append([table, change.key, None, change.values])
                continue
        before, after = change.before, change.after
        if header is None:
            header = columns[table] = tuple(after if after is not None else before or ())
            listed[table] = []
        rows.append([table, change.key, _state(before, header, listed[table]),
                     _state(after, header, listed[table])])
    same = {}
    for table, states in listed.items():
        constant = _constant_columns(columns[table], states)
        if constant:
            same[table] = constant
            keep = [k for k, name in enumerate(columns[table]) if name not in constant]
            pick = itemgetter(*keep) if len(keep) > 1 else (lambda values, k=keep: tuple(values[i] for i in k))
            for row in rows:
                if row[0] == table:
                    for at in (2, 3):
                        if type(row[at]) is tuple:
                            row[at] = pick(row[at])
    return (f'{{"v":{VERSION},"columns":{_LISTS.encode(columns)},"same":{_LISTS.encode(same)},'
            f'"rows":{_LISTS.encode(rows)}' + (f',"detail":{dumps(detail)}}}' if detail else "}"))


def _state(row: dict | None, header: tuple, listed: list):
    if row is None:
        return None
    if tuple(row) != header:
        return row
    values = tuple(row.values())
    listed.append(values)
    return values


def _constant_columns(header: tuple, states: list[tuple]) -> dict:
    """The columns that hold one value in every listed state of a table (a document's spans
    share their document, origin, decision, times...), but floats: 0.0 and -0.0 are equal."""
    if len(states) < 2:
        return {}
    constant = {}
    for name, values in zip(header, zip(*states)):
        if len(set(values)) == 1:
            kind = type(values[0])
            # Equal text or NULL is the same value; equal numbers may not be (1, 1.0, True).
            if kind is str or values[0] is None or (kind is not float and len(set(map(type, values))) == 1):
                constant[name] = values[0]
    return constant


def decode(body: str) -> tuple[dict, list[RowChange]]:
    """The payload (``detail`` in it) and the rows of an event body of either version. Raises
    ValueError, KeyError, TypeError or AttributeError for a body that is not one (an altered
    log: the caller names the event)."""
    payload = json.loads(body)
    if payload.get("v") == VERSION:
        tables = _Tables(payload["columns"], payload["same"])
        rows = [RowChange(table, tuple(key), tables.row(table, before), tables.row(table, after))
                for table, key, before, after in payload["rows"]]
    elif "v" in payload:
        raise ValueError(f"an event body of unknown version {payload['v']!r}")
    else:
        rows = [RowChange.from_json(raw) for raw in payload["rows"]]
    return payload, rows


class _Tables:
    """Per table of a version-2 body: its columns, the constant ones, the listed ones."""

    def __init__(self, columns: dict, same: dict):
        if not isinstance(columns, dict) or not isinstance(same, dict):
            raise ValueError("the columns of an event body are not a set of tables")
        self.columns, self.same = columns, same
        self.listed: dict = {}

    def row(self, table, state):
        if not isinstance(state, list):
            return state  # None, an object, or anything else for the caller's checks to refuse
        if table not in self.listed:
            header, same = self.columns[table], self.same.get(table, {})
            if (not isinstance(header, list) or not all(isinstance(c, str) for c in header)
                    or not isinstance(same, dict) or not set(same) <= set(header)):
                raise ValueError(f"the columns of {str(table)[:40]!r} are not a list of names")
            self.listed[table] = (header, same, [c for c in header if c not in same])
        header, same, varying = self.listed[table]
        if len(state) != len(varying):
            raise ValueError(f"a row of {str(table)[:40]!r} does not match its table's columns")
        row = dict.fromkeys(header)  # the table's order, as the row was written
        row.update(same)
        row.update(zip(varying, state))
        return row


def encode_v1(changes: list[RowChange], detail: dict | None = None) -> str:
    """The version-1 body, as events were written before version 2 (kept to test that they
    still verify)."""
    payload: dict = {"rows": [c.to_json() for c in changes]}
    if detail:
        payload["detail"] = detail
    return dumps(payload)
