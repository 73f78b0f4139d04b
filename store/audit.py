"""The append-only, hash-chained audit log.

Each event records who did what, when, and the rows it changed (before and after). Its hash
covers its content and the previous event's hash, so changing, deleting or inserting an event
breaks the chain. :func:`verify` also replays every event's "after" rows and compares them with
the tables, so a row edited behind the program's back is found too, named by the event that
last wrote it.
"""
from __future__ import annotations

import hashlib
import sqlite3
from dataclasses import dataclass

from annotate.changes import RowChange
from annotate.model import text_sha256

from . import audit_body
from .rows import ADDED_COLUMNS, KEYS, dumps

GENESIS = "0" * 64


def event_hash(prev_hash: str, seq: int, at: str, actor: str, action: str, doc_id: str | None, changes: str) -> str:
    body = dumps([seq, at, actor, action, doc_id, changes])
    return hashlib.sha256((prev_hash + "\n" + body).encode("utf-8", "surrogatepass")).hexdigest()


def event_body(changes: list[RowChange], detail: dict | None = None) -> str:
    """What an event records of its rows (and detail), as the chain hashes it (see audit_body)."""
    return audit_body.encode(changes, detail)


def append_event(conn: sqlite3.Connection, *, at: str, actor: str, action: str, doc_id: str | None,
                 changes: list[RowChange], detail: dict | None = None) -> int:
    """Add one event inside the caller's transaction; returns its sequence number."""
    return append_events(conn, [(at, actor, action, doc_id, changes, detail)])[-1]


def append_events(conn: sqlite3.Connection,
                  events: list[tuple[str, str, str, str | None, list[RowChange] | str, dict | None]]) -> list[int]:
    """Add events ``(at, actor, action, doc_id, changes, detail)`` in order, inside the caller's
    transaction, each chained to the one before as ``append_event`` would: the last hash is read
    once and the rows written with one statement (an import or a pre-annotation batch writes one
    event per document). ``changes`` may be the event's ``event_body`` made beforehand (a large
    import serialises outside its transaction). Returns their sequence numbers."""
    last = conn.execute("SELECT seq, hash FROM audit ORDER BY seq DESC LIMIT 1").fetchone()
    seq, prev_hash = (last[0], last[1]) if last else (0, GENESIS)
    rows, numbers = [], []
    for at, actor, action, doc_id, changes, detail in events:
        seq += 1
        body = changes if isinstance(changes, str) else event_body(changes, detail)
        digest = event_hash(prev_hash, seq, at, actor, action, doc_id, body)
        rows.append((seq, at, actor, action, doc_id, body, prev_hash, digest))
        numbers.append(seq)
        prev_hash = digest
    conn.executemany("INSERT INTO audit (seq, at, actor, action, doc_id, changes, prev_hash, hash) "
                     "VALUES (?, ?, ?, ?, ?, ?, ?, ?)", rows)
    return numbers




@dataclass
class Event:
    seq: int
    at: str
    actor: str
    action: str
    doc_id: str | None
    rows: list[RowChange]
    detail: dict

    def summary(self) -> str:
        return f"#{self.seq} {self.at} {self.actor} {self.action}" + (f" doc={self.doc_id}" if self.doc_id else "")


def events(conn: sqlite3.Connection, doc_id: str | None = None):
    sql = "SELECT seq, at, actor, action, doc_id, changes FROM audit"
    args: list = []
    if doc_id is not None:
        sql += " WHERE doc_id = ?"
        args.append(doc_id)
    for seq, at, actor, action, row_doc, body in conn.execute(sql + " ORDER BY seq", args):
        payload, rows = audit_body.decode(body)
        yield Event(seq, at, actor, action, row_doc, rows, payload.get("detail", {}))


@dataclass
class VerifyResult:
    ok: bool
    events: int
    problems: list[str]


def verify(conn: sqlite3.Connection, *, max_problems: int = 20) -> VerifyResult:
    """The chain, and every table row against the history, read in one snapshot (an action
    committed by another process while it reads is either wholly seen or not at all)."""
    from .database import read_snapshot
    with read_snapshot(conn):
        return _verify(conn, max_problems)


def _verify(conn: sqlite3.Connection, max_problems: int) -> VerifyResult:
    from . import integrity
    problems = _Problems(max_problems)
    history = integrity.History()
    state: dict[tuple[str, tuple], tuple[dict, int]] = {}
    count = 0
    expected_prev, expected_seq = GENESIS, 1
    cursor = conn.execute("SELECT seq, at, actor, action, doc_id, changes, prev_hash, hash FROM audit ORDER BY seq")
    for seq, at, actor, action, doc_id, body, prev_hash, digest in cursor:
        count += 1
        # A row may hold anything (a hand-edited file): each check names the event and goes on.
        if seq != expected_seq:
            problems.add(f"event #{seq}: expected event #{expected_seq} here; events were deleted or inserted")
        if prev_hash != expected_prev:
            problems.add(f"event #{seq}: does not follow the event before it (the chain is broken: "
                         "an event was changed, deleted or inserted)")
        try:
            intact = event_hash(prev_hash, seq, at, actor, action, doc_id, body) == digest
        except (TypeError, ValueError) as exc:
            intact = False
            problems.add(f"event #{seq}: malformed ({_why(exc)}); it was altered")
        else:
            if not intact:
                problems.add(f"event #{seq} ({action} by {actor} at {at}): its content does not match its hash; "
                             "it was altered")
        expected_prev = digest
        expected_seq = seq + 1 if isinstance(seq, int) else expected_seq + 1
        try:
            payload, rows = audit_body.decode(body)
            keys = [(change.table, tuple(change.key)) for change in rows]
            hash(tuple(keys))
            if not all(change.table in KEYS for change in rows):
                raise ValueError("a change names a table the log does not keep")
            if not all(change.after is None or isinstance(change.after, dict) for change in rows):
                raise ValueError("a row is not a set of columns")
        except (ValueError, KeyError, TypeError, AttributeError) as exc:
            problems.add(f"event #{seq}: its content is not readable ({_why(exc)})")
            continue
        history.event(seq, action, payload, rows)
        for change, state_key in zip(rows, keys):
            if change.after is None:
                state.pop(state_key, None)
            else:
                state[state_key] = (change.after, seq)
        if problems.full:
            return VerifyResult(False, count, problems.items)

    for table, key_columns in KEYS.items():
        cursor = conn.execute(f'SELECT * FROM "{table}"')
        names = [d[0] for d in cursor.description]
        for values in cursor:
            row = dict(zip(names, values))
            key = tuple(row[c] for c in key_columns)
            name = f"{table} {'/'.join(map(str, key))}"
            if table == "documents":
                text = row.pop("text")
                if not isinstance(text, str) or text_sha256(text) != row["sha256"]:
                    problems.add(f"document {key[0]!r}: its text does not match its recorded SHA-256; "
                                 "the text was altered")
            recorded = state.pop((table, key), None)
            if recorded is not None and ADDED_COLUMNS.get(table):
                # A row last written before a migration added columns holds their default.
                recorded = ({**{c: None for c in ADDED_COLUMNS[table] if c not in recorded[0]}, **recorded[0]},
                            recorded[1])
            if recorded is None:
                problems.add(f"{name}: present in the database but written by no event; it was inserted outside "
                             "Marginalia")
            elif recorded[0] != row:
                problems.add(f"{name}: differs from what event #{recorded[1]} wrote; it was changed outside Marginalia")
            if problems.full:
                return VerifyResult(False, count, problems.items)
    for (table, key), (_, seq) in sorted(state.items(), key=lambda item: item[1][1]):
        problems.add(f"{table} {'/'.join(map(str, key))}: written by event #{seq} but missing from the "
                     "database; it was deleted outside Marginalia")
        if problems.full:
            return VerifyResult(False, count, problems.items)
    for problem in integrity.check(conn, history):
        problems.add(problem)
        if problems.full:
            break
    return VerifyResult(not problems.items, count, problems.items)


class _Problems:
    def __init__(self, limit: int):
        self.items: list[str] = []
        self.limit = limit

    def add(self, problem: str) -> None:
        if len(self.items) < self.limit:
            self.items.append(problem)

    @property
    def full(self) -> bool:
        return len(self.items) >= self.limit


def _why(exc: BaseException) -> str:
    return f"{type(exc).__name__}: {str(exc)[:120]}"
