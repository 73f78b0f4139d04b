"""What ``audit --verify`` checks beyond the hash chain and the audited tables' rows.

* ``schemas``: each version is the one its "set schema" event recorded (version, name, and the
  SHA-256 of its body since events record it), none added, none missing; the labels the
  annotations use are in the latest version.
* ``marginalia``: only the application key Marginalia writes.
* Document order: the documents' rowid order (import order, which the window and exports
  follow) is the order of the events that inserted them.
* The schema objects: every table, index, view and trigger is one Marginalia's migrations make,
  with the same SQL; anything added (a trigger that silently drops inserts), removed or altered
  is named. SQLite's own objects (sqlite_*) are left out.
"""
from __future__ import annotations

import hashlib
import re
import sqlite3
from dataclasses import dataclass, field

from annotate.changes import RowChange

SCHEMA_ACTION = "set schema"


def body_sha256(body: str) -> str:
    return hashlib.sha256(body.encode("utf-8", "surrogatepass")).hexdigest()


@dataclass
class History:
    """What the replay of the log says about the schema versions and the documents' order."""

    schemas: dict = field(default_factory=dict)  # version -> (seq, name, sha256 or None)
    problems: list[str] = field(default_factory=list)
    inserted: dict = field(default_factory=dict)  # document id -> seq of the event that last inserted it

    def event(self, seq: int, action: str, payload: dict, rows: list[RowChange]) -> None:
        if action == SCHEMA_ACTION:
            detail = payload.get("detail") if isinstance(payload, dict) else None
            try:
                version, name, sha = detail["version"], detail["name"], detail.get("sha256")
                hash(version)
            except (TypeError, KeyError, AttributeError):
                self.problems.append(f"event #{seq}: a schema change that does not say which version it wrote")
                return
            if version in self.schemas:
                self.problems.append(f"event #{seq}: schema version {version} was already written by event "
                                     f"#{self.schemas[version][0]}")
            self.schemas[version] = (seq, name, sha)
        for change in rows:
            if change.table == "documents" and change.before is None and change.after is not None:
                self.inserted[change.key[0]] = seq


def check(conn: sqlite3.Connection, history: History) -> list[str]:
    return (history.problems + _schemas(conn, history) + _labels_in_use(conn) + _marginalia_table(conn)
            + _document_order(conn, history) + _schema_objects(conn))


def _schemas(conn, history: History) -> list[str]:
    problems = []
    stored = {}
    for version, name, body in conn.execute("SELECT version, name, body FROM schemas ORDER BY version"):
        stored[version] = (name, body)
        recorded = history.schemas.get(version)
        if recorded is None:
            problems.append(f"schema version {version} ({name!r}): written by no event; it was inserted outside "
                            "Marginalia")
            continue
        seq, recorded_name, sha = recorded
        if recorded_name != name:
            problems.append(f"schema version {version}: named {name!r}, but event #{seq} wrote {recorded_name!r}; "
                            "it was renamed outside Marginalia")
        if sha is not None and (not isinstance(body, str) or body_sha256(body) != sha):
            problems.append(f"schema version {version}: its labels differ from what event #{seq} wrote; it was "
                            "changed outside Marginalia")
    for version, (seq, name, _) in sorted(history.schemas.items(), key=lambda item: item[1][0]):
        if version not in stored:
            problems.append(f"schema version {version} ({name!r}): written by event #{seq} but missing from the "
                            "database; it was deleted outside Marginalia")
    return problems


def _labels_in_use(conn) -> list[str]:
    row = conn.execute("SELECT version, body FROM schemas ORDER BY version DESC LIMIT 1").fetchone()
    if row is None:
        return []
    from annotate.schema import schema_from_json
    try:
        schema = schema_from_json(row[1])
        entities = set(schema.entity_labels)
        relations = {r.label for r in schema.relations}
    except Exception as exc:  # whatever a hand-edited body makes the schema reader raise
        return [f"schema version {row[0]}: not readable ({type(exc).__name__}); it was changed outside Marginalia"]
    problems = []
    for (label,) in conn.execute("SELECT DISTINCT label FROM spans WHERE layer = 'entity' ORDER BY label"):
        if label not in entities:
            problems.append(f"entity label {label!r} is in use but not in schema version {row[0]}")
    for (label,) in conn.execute("SELECT DISTINCT label FROM relations ORDER BY label"):
        if label not in relations:
            problems.append(f"relation label {label!r} is in use but not in schema version {row[0]}")
    return problems


def _marginalia_table(conn) -> list[str]:
    from .database import APP_KEY, APP_NAME
    rows = conn.execute("SELECT key, value FROM marginalia ORDER BY key").fetchall()
    if rows == [(APP_KEY, APP_NAME)]:
        return []
    return [f"the marginalia table holds {rows!r}, not only ({APP_KEY!r}, {APP_NAME!r}); it was changed outside "
            "Marginalia"]


def _document_order(conn, history: History) -> list[str]:
    stored = [r[0] for r in conn.execute("SELECT id FROM documents ORDER BY rowid")]
    known = [doc_id for doc_id in stored if doc_id in history.inserted]
    expected = sorted(known, key=lambda doc_id: history.inserted[doc_id])
    for position, (have, want) in enumerate(zip(known, expected)):
        if have != want:
            return [f"documents are not in the order they were imported: {have!r} stands where {want!r} should "
                    f"(place {position + 1}); they were deleted and inserted again outside Marginalia"]
    return []


_REFERENCE: dict[tuple[str, str], str] | None = None


def _objects(conn) -> dict[tuple[str, str], str]:
    return {(kind, name): _normal(sql) for kind, name, sql in conn.execute(
        "SELECT type, name, sql FROM sqlite_master WHERE name NOT LIKE 'sqlite\\_%' ESCAPE '\\'")}


def _normal(sql: str | None) -> str:
    return re.sub(r"\s+", " ", sql or "").strip()


#: sqlite-utils' table of the migrations applied: made by sqlite-utils, not by a step, so it is
#: checked by its columns (the reference is built without sqlite-utils, which imports numpy: the
#: window checks every file it opens, and this is on its start-up path).
_MIGRATIONS_TABLE = ("table", "_sqlite_migrations")
_MIGRATIONS_COLUMNS = {"migration_set", "name", "applied_at"}


def reference_objects() -> dict[tuple[str, str], str]:
    """The schema objects this version's migrations make, from a new database in memory."""
    global _REFERENCE
    if _REFERENCE is None:
        from .migrations import create_schema
        conn = sqlite3.connect(":memory:")
        try:
            create_schema(conn)
            _REFERENCE = _objects(conn)
        finally:
            conn.close()
    return _REFERENCE


def foreign_objects(conn) -> list[str]:
    """The schema objects of the file that Marginalia did not make, or made otherwise."""
    reference = reference_objects()
    present = _objects(conn)
    problems = []
    for (name,) in conn.execute("SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = ?",
                                [_MIGRATIONS_TABLE[1]]).fetchall():
        present.pop(("index", name), None)  # sqlite-utils' own index on its table (a trigger there is not)
    migrations_table = present.pop(_MIGRATIONS_TABLE, None)
    if migrations_table is None:
        problems.append(f"{_MIGRATIONS_TABLE[0]} {_MIGRATIONS_TABLE[1]!r} is missing; it was dropped outside Marginalia")
    else:
        columns = {r[1] for r in conn.execute(f"PRAGMA table_info({_MIGRATIONS_TABLE[1]})")}
        if not _MIGRATIONS_COLUMNS <= columns:
            problems.append(f"{_MIGRATIONS_TABLE[0]} {_MIGRATIONS_TABLE[1]!r} differs from Marginalia's "
                            f"({migrations_table[:160]}); it was altered outside Marginalia")
    for (kind, name), sql in sorted(present.items()):
        if (kind, name) not in reference:
            problems.append(f"{kind} {name!r} is not Marginalia's ({sql[:160]}); it was added outside Marginalia")
        elif reference[kind, name] != sql:
            problems.append(f"{kind} {name!r} differs from Marginalia's ({sql[:160]}); it was altered outside "
                            "Marginalia")
    for (kind, name) in sorted(set(reference) - set(present)):
        problems.append(f"{kind} {name!r} is missing; it was dropped outside Marginalia")
    return problems


def _schema_objects(conn) -> list[str]:
    return foreign_objects(conn)
