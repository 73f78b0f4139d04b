"""Schema versions: the labels, claim types and polarities a database accepts.

A new schema is a new version (the old ones stay, so the log can say what was allowed when);
reached through ``Store`` (``store.schema``, ``store.set_schema``...).
"""
from __future__ import annotations

from typing import TYPE_CHECKING

from annotate.errors import StoreError, ValidationError
from annotate.schema import Schema, schema_from_json

from . import audit
from .integrity import body_sha256
from .rows import now

if TYPE_CHECKING:
    from .store import Store


class Schemas:
    def __init__(self, store: "Store"):
        self.store = store
        self._current: Schema | None = None

    def forget(self) -> None:
        """Read the schema from the file next time (a new version was written)."""
        self._current = None

    def version(self) -> int | None:
        return self.store.conn.execute("SELECT max(version) FROM schemas").fetchone()[0]

    def current(self) -> Schema:
        if self._current is None:
            row = self.store.conn.execute("SELECT body FROM schemas ORDER BY version DESC LIMIT 1").fetchone()
            if row is None:
                raise StoreError("the database has no schema")
            self._current = schema_from_json(row[0])
        return self._current

    def set_schema(self, schema: Schema) -> int:
        """Store a new version of the schema; refuses to drop a label that annotations still use."""
        with self.store._write() as conn:
            current = conn.execute("SELECT max(version) FROM schemas").fetchone()[0]
            if current is not None:
                in_use = {r[0] for r in conn.execute("SELECT DISTINCT label FROM spans WHERE layer = 'entity'")}
                missing = sorted(in_use - set(schema.entity_labels))
                if missing:
                    raise ValidationError(f"the new schema drops entity label {missing[0]!r}, which annotations "
                                          "still use; relabel or delete them first")
                in_use = {r[0] for r in conn.execute("SELECT DISTINCT label FROM relations")}
                missing = sorted(in_use - {r.label for r in schema.relations})
                if missing:
                    raise ValidationError(f"the new schema drops relation label {missing[0]!r}, which "
                                          "annotations still use")
                for what, sql, kept in (
                        ("document label", "SELECT DISTINCT label FROM doc_labels", schema.document_labels),
                        ("claim type", "SELECT DISTINCT claim_type FROM spans WHERE layer = 'claim' "
                                       "AND claim_type IS NOT NULL", schema.claim_types),
                        ("stance polarity", "SELECT DISTINCT polarity FROM stances", schema.polarities)):
                    missing = sorted({r[0] for r in conn.execute(sql)} - set(kept))
                    if missing:
                        raise ValidationError(f"the new schema drops {what} {missing[0]!r}, which annotations "
                                              "still use")
            version = self.insert(conn, schema, current)
        self.forget()
        return version

    def insert(self, conn, schema: Schema, current: int | None, reason: str | None = None) -> int:
        """Write ``schema`` as the version after ``current``, with its audit event, inside the caller's
        transaction (an import or a merge that adds labels lands whole or not at all)."""
        version = (current or 0) + 1
        body = schema.to_json()
        conn.execute("INSERT INTO schemas (version, name, body, created_at) VALUES (?, ?, ?, ?)",
                     [version, schema.name, body, now()])
        # The body's hash lets `audit --verify` tell a schema edited outside Marginalia (a label
        # dropped that annotations still use).
        detail = {"version": version, "name": schema.name, "sha256": body_sha256(body)}
        if reason:
            detail["reason"] = reason
        audit.append_event(conn, at=now(), actor=self.store.annotator, action="set schema", doc_id=None, changes=[],
                           detail=detail)
        self.forget()
        return version
