"""The append-only, hash-chained audit log.

Each event records who did what, when, and the rows it changed (before and after). Its hash
covers its content and the previous event's hash, so changing, deleting or inserting an event
breaks the chain. :func:`verify` also replays every event's "after" rows and compares them with
the tables, so a row edited behind the program's back is found too, named by the event that
last wrote it.
"""
from __future__ import annotations

import hashlib
import json
import sqlite3
from dataclasses import dataclass

from annotate.changes import RowChange
from annotate.model import text_sha256

from .rows import KEYS, dumps

GENESIS = "0" * 64


def event_hash(prev_hash: str, seq: int, at: str, actor: str, action: str, doc_id: str | None, changes: str) -> str:
    body = dumps([seq, at, actor, action, doc_id, changes])
    return hashlib.sha256((prev_hash + "\n" + body).encode("utf-8", "surrogatepass")).hexdigest()


def append_event(conn: sqlite3.Connection, *, at: str, actor: str, action: str, doc_id: str | None,
                 changes: list[RowChange], detail: dict | None = None) -> int:
    """Add one event inside the caller's transaction; returns its sequence number."""
    last = conn.execute("SELECT seq, hash FROM audit ORDER BY seq DESC LIMIT 1").fetchone()
    seq, prev_hash = (last[0] + 1, last[1]) if last else (1, GENESIS)
    payload = {"rows": [c.to_json() for c in changes]}
    if detail:
        payload["detail"] = detail
    body = dumps(payload)
    digest = event_hash(prev_hash, seq, at, actor, action, doc_id, body)
    conn.execute("INSERT INTO audit (seq, at, actor, action, doc_id, changes, prev_hash, hash) "
                 "VALUES (?, ?, ?, ?, ?, ?, ?, ?)", [seq, at, actor, action, doc_id, body, prev_hash, digest])
    return seq


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
        payload = json.loads(body)
        yield Event(seq, at, actor, action, row_doc, [RowChange.from_json(r) for r in payload["rows"]],
                    payload.get("detail", {}))


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
    problems: list[str] = []
    expected_prev = GENESIS
    expected_seq = 1
    state: dict[tuple[str, tuple], tuple[dict, int]] = {}
    count = 0
    cursor = conn.execute("SELECT seq, at, actor, action, doc_id, changes, prev_hash, hash FROM audit ORDER BY seq")
    for seq, at, actor, action, doc_id, body, prev_hash, digest in cursor:
        count += 1
        if seq != expected_seq:
            problems.append(f"event #{seq}: expected event #{expected_seq} here; events were deleted or inserted")
        if prev_hash != expected_prev:
            problems.append(f"event #{seq}: does not follow the event before it (the chain is broken: "
                            "an event was changed, deleted or inserted)")
        if event_hash(prev_hash, seq, at, actor, action, doc_id, body) != digest:
            problems.append(f"event #{seq} ({action} by {actor} at {at}): its content does not match its hash; "
                            "it was altered")
        expected_prev, expected_seq = digest, seq + 1
        try:
            rows = json.loads(body)["rows"]
        except (ValueError, KeyError, TypeError):
            problems.append(f"event #{seq}: its content is not readable")
            continue
        for raw in rows:
            change = RowChange.from_json(raw)
            state_key = (change.table, tuple(change.key))
            if change.after is None:
                state.pop(state_key, None)
            else:
                state[state_key] = (change.after, seq)
        if len(problems) >= max_problems:
            return VerifyResult(False, count, problems)

    for table, key_columns in KEYS.items():
        cursor = conn.execute(f'SELECT * FROM "{table}"')
        names = [d[0] for d in cursor.description]
        for values in cursor:
            row = dict(zip(names, values))
            key = tuple(row[c] for c in key_columns)
            if table == "documents":
                if text_sha256(row.pop("text")) != row["sha256"]:
                    problems.append(f"document {key[0]!r}: its text does not match its recorded SHA-256; "
                                    "the text was altered")
            recorded = state.pop((table, key), None)
            if recorded is None:
                problems.append(f"{table} {'/'.join(map(str, key))}: present in the database but written by no "
                                "event; it was inserted outside Marginalia")
            elif recorded[0] != row:
                problems.append(f"{table} {'/'.join(map(str, key))}: differs from what event #{recorded[1]} wrote; "
                                "it was changed outside Marginalia")
            if len(problems) >= max_problems:
                return VerifyResult(False, count, problems)
    for (table, key), (_, seq) in sorted(state.items(), key=lambda item: item[1][1]):
        problems.append(f"{table} {'/'.join(map(str, key))}: written by event #{seq} but missing from the "
                        "database; it was deleted outside Marginalia")
        if len(problems) >= max_problems:
            break
    return VerifyResult(not problems, count, problems)
