"""Conversion between domain objects and table rows, and the tables' keys."""
from __future__ import annotations

import json
import secrets
from datetime import datetime, timezone

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


def span_row(doc_id: str, span: Span, at: str) -> dict:
    return {
        "doc_id": doc_id, "id": span.id, "layer": span.layer, "start": span.start, "end": span.end,
        "label": span.label, "origin": span.origin, "decision": span.decision, "annotator": span.annotator,
        "score": None if span.score is None else float(span.score),
        "claimant": span.claimant, "claimant_text": span.claimant_text, "claim_type": span.claim_type,
        "checkworthy": None if span.checkworthy is None else int(bool(span.checkworthy)),
        "replaces": span.replaces, "attrs": dumps(span.attrs) if span.attrs else "{}", "created_at": at,
        "updated_at": at, "cluster": span.cluster,
    }


def span_from_row(row: dict) -> Span:
    return Span(id=row["id"], start=row["start"], end=row["end"], label=row["label"], layer=row["layer"],
                origin=row["origin"], decision=row["decision"], annotator=row["annotator"], score=row["score"],
                claimant=row["claimant"], claimant_text=row["claimant_text"], claim_type=row["claim_type"],
                checkworthy=None if row["checkworthy"] is None else bool(row["checkworthy"]),
                replaces=row["replaces"], attrs=_attrs(row["attrs"]), cluster=row.get("cluster"))


def _attrs(text: str | None) -> dict:
    # Nearly every span has none: no JSON decoder run for "{}" (10,000 spans refreshed at once).
    return json.loads(text) if text and text != "{}" else {}


def stance_row(doc_id: str, stance: Stance, at: str) -> dict:
    return {"doc_id": doc_id, "id": stance.id, "holder": stance.holder, "target": stance.target,
            "polarity": stance.polarity, "evidence": stance.evidence, "origin": stance.origin,
            "decision": stance.decision, "annotator": stance.annotator, "created_at": at, "updated_at": at}


def stance_from_row(row: dict) -> Stance:
    return Stance(id=row["id"], holder=row["holder"], target=row["target"], polarity=row["polarity"],
                  evidence=row["evidence"], origin=row["origin"], decision=row["decision"],
                  annotator=row["annotator"])


def relation_row(doc_id: str, relation: Relation, at: str) -> dict:
    return {"doc_id": doc_id, "id": relation.id, "head": relation.head, "tail": relation.tail,
            "label": relation.label, "origin": relation.origin, "decision": relation.decision,
            "annotator": relation.annotator, "score": None if relation.score is None else float(relation.score),
            "created_at": at, "updated_at": at}


def relation_from_row(row: dict) -> Relation:
    return Relation(id=row["id"], head=row["head"], tail=row["tail"], label=row["label"], origin=row["origin"],
                    decision=row["decision"], annotator=row["annotator"], score=row["score"])


def cluster_row(doc_id: str, cluster: Cluster, at: str) -> dict:
    return {"doc_id": doc_id, "id": cluster.id, "origin": cluster.origin, "decision": cluster.decision,
            "annotator": cluster.annotator, "score": None if cluster.score is None else float(cluster.score),
            "created_at": at, "updated_at": at}


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
