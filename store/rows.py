"""Conversion between domain objects and table rows, and the tables' keys."""
from __future__ import annotations

import json
import secrets
from datetime import datetime, timezone
from typing import NamedTuple

from annotate.model import Cluster, Relation, Span, Stance

#: Each audited table and the columns that identify one of its rows.
KEYS: dict[str, tuple[str, ...]] = {
    "documents": ("id",),
    "spans": ("doc_id", "id"),
    "stances": ("doc_id", "id"),
    "relations": ("doc_id", "id"),
    "doc_labels": ("doc_id", "label", "annotator"),
    "doc_status": ("doc_id", "annotator"),
    "comments": ("doc_id", "id"),
    "work_time": ("doc_id", "annotator"),
    "assignments": ("doc_id", "annotator"),
    "clusters": ("doc_id", "id"),
}

#: Columns that a later migration added to a table: events written before it hold rows without
#: them, which stand for the column's default (NULL).
ADDED_COLUMNS: dict[str, tuple[str, ...]] = {"spans": ("cluster",)}

SPAN_COLUMNS = ("doc_id", "id", "layer", "start", "end", "label", "origin", "decision", "annotator", "score",
                "claimant", "claimant_text", "claim_type", "checkworthy", "replaces", "attrs",
                "created_at", "updated_at", "cluster")
STANCE_COLUMNS = ("doc_id", "id", "holder", "target", "polarity", "evidence", "origin", "decision", "annotator",
                  "created_at", "updated_at")
RELATION_COLUMNS = ("doc_id", "id", "head", "tail", "label", "origin", "decision", "annotator", "score",
                    "created_at", "updated_at")
CLUSTER_COLUMNS = ("doc_id", "id", "origin", "decision", "annotator", "score", "created_at", "updated_at")
#: A document as the audit log records it (its text is represented by its hash).
DOCUMENT_COLUMNS = ("id", "sha256", "meta", "created_at")
DOC_LABEL_COLUMNS = ("doc_id", "label", "annotator", "created_at")
DOC_STATUS_COLUMNS = ("doc_id", "annotator", "status", "reason", "updated_at")
#: The columns of the tables a bulk write adds rows to as :class:`Insert`, in the tables' order.
COLUMNS: dict[str, tuple[str, ...]] = {
    "documents": DOCUMENT_COLUMNS, "spans": SPAN_COLUMNS, "stances": STANCE_COLUMNS,
    "relations": RELATION_COLUMNS, "clusters": CLUSTER_COLUMNS, "doc_labels": DOC_LABEL_COLUMNS,
    "doc_status": DOC_STATUS_COLUMNS,
}


class Insert(NamedTuple):
    """A row added, as the values of its table's :data:`COLUMNS` in order: what a bulk write
    (an import, a pre-annotation batch) makes of each of its tens of thousands of new rows,
    written and audited without a dict per row. Read as a change, it is one from no row."""

    table: str
    key: tuple
    values: tuple

    before = None

    @property
    def after(self) -> dict:
        return dict(zip(COLUMNS[self.table], self.values))

    def to_json(self) -> list:
        return [self.table, list(self.key), None, self.after]


def now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="microseconds")


def key_of(table: str, row: dict) -> tuple:
    return tuple(row[c] for c in KEYS[table])


_ENCODER = json.JSONEncoder(ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def dumps(value) -> str:
    """Canonical JSON (what the audit hashes): sorted keys, no spaces, text as is."""
    # One encoder for every call: json.dumps with options builds a new one each time, which
    # is a good part of the cost of a bulk import.
    return _ENCODER.encode(value)


def span_values(doc_id: str, span: Span, at: str) -> tuple:
    """A span's row as the values of :data:`SPAN_COLUMNS`."""
    return (doc_id, span.id, span.layer, span.start, span.end, span.label, span.origin, span.decision,
            span.annotator, None if span.score is None else float(span.score), span.claimant,
            span.claimant_text, span.claim_type, None if span.checkworthy is None else int(bool(span.checkworthy)),
            span.replaces, dumps(span.attrs) if span.attrs else "{}", at, at, span.cluster)


def span_row(doc_id: str, span: Span, at: str) -> dict:
    return dict(zip(SPAN_COLUMNS, span_values(doc_id, span, at)))


def span_from_row(row: dict) -> Span:
    return Span(id=row["id"], start=row["start"], end=row["end"], label=row["label"], layer=row["layer"],
                origin=row["origin"], decision=row["decision"], annotator=row["annotator"], score=row["score"],
                claimant=row["claimant"], claimant_text=row["claimant_text"], claim_type=row["claim_type"],
                checkworthy=None if row["checkworthy"] is None else bool(row["checkworthy"]),
                replaces=row["replaces"], attrs=_attrs(row["attrs"]), cluster=row.get("cluster"))


def _attrs(text: str | None) -> dict:
    # Nearly every span has none: no JSON decoder run for "{}" (10,000 spans refreshed at once).
    return json.loads(text) if text and text != "{}" else {}


def stance_values(doc_id: str, stance: Stance, at: str) -> tuple:
    return (doc_id, stance.id, stance.holder, stance.target, stance.polarity, stance.evidence, stance.origin,
            stance.decision, stance.annotator, at, at)


def stance_row(doc_id: str, stance: Stance, at: str) -> dict:
    return dict(zip(STANCE_COLUMNS, stance_values(doc_id, stance, at)))


def stance_from_row(row: dict) -> Stance:
    return Stance(id=row["id"], holder=row["holder"], target=row["target"], polarity=row["polarity"],
                  evidence=row["evidence"], origin=row["origin"], decision=row["decision"],
                  annotator=row["annotator"])


def relation_values(doc_id: str, relation: Relation, at: str) -> tuple:
    return (doc_id, relation.id, relation.head, relation.tail, relation.label, relation.origin, relation.decision,
            relation.annotator, None if relation.score is None else float(relation.score), at, at)


def relation_row(doc_id: str, relation: Relation, at: str) -> dict:
    return dict(zip(RELATION_COLUMNS, relation_values(doc_id, relation, at)))


def relation_from_row(row: dict) -> Relation:
    return Relation(id=row["id"], head=row["head"], tail=row["tail"], label=row["label"], origin=row["origin"],
                    decision=row["decision"], annotator=row["annotator"], score=row["score"])


def cluster_values(doc_id: str, cluster: Cluster, at: str) -> tuple:
    return (doc_id, cluster.id, cluster.origin, cluster.decision, cluster.annotator,
            None if cluster.score is None else float(cluster.score), at, at)


def cluster_row(doc_id: str, cluster: Cluster, at: str) -> dict:
    return dict(zip(CLUSTER_COLUMNS, cluster_values(doc_id, cluster, at)))


def cluster_from_row(row: dict) -> Cluster:
    return Cluster(id=row["id"], origin=row["origin"], decision=row["decision"], annotator=row["annotator"],
                   score=row["score"])


def audited_document_row(row: dict) -> dict:
    """A document as the audit log records it: the text is represented by its hash."""
    return {k: v for k, v in row.items() if k != "text"}


def dict_rows(conn, sql: str, args=()) -> list[dict]:
    """Every row of a query as a dict of column name -> value."""
    cursor = conn.execute(sql, args)
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, r)) for r in cursor.fetchall()]


def new_id(prefix: str) -> str:
    """A fresh annotation id: random, so two windows or processes never pick the same one."""
    return prefix + secrets.token_hex(5)
