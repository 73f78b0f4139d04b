"""Handing out work: one database per annotator holding only their documents (with the model's
suggestions still to review, and none of anyone's decisions), the assignment recorded in the
lead's database and in each annotator's, so ``merge`` brings everyone's work back together and
``stats`` can tell assigned from done.
"""
from __future__ import annotations

import os
from dataclasses import dataclass, replace
from pathlib import Path

from annotate.assignment import plan_assignment
from annotate.changes import RowChange
from annotate.errors import InputError
from annotate.model import SUGGESTED, AnnotatedDocument, Annotations

from .apply import fetch_row
from .rows import now
from .store import Store


@dataclass
class Assignment:
    annotator: str
    path: str
    documents: list[str]


def _suggestions_only(ann: Annotations) -> Annotations:
    spans = [s for s in ann.spans if s.decision == SUGGESTED]
    kept = {s.id for s in spans}
    spans = [s if s.claimant is None or s.claimant in kept else replace(s, claimant=None) for s in spans]
    stances = [s for s in ann.stances if s.decision == SUGGESTED and {s.holder, s.target} <= kept]
    stances = [s if s.evidence is None or s.evidence in kept else replace(s, evidence=None) for s in stances]
    relations = [r for r in ann.relations if r.decision == SUGGESTED and {r.head, r.tail} <= kept]
    # A model's entity group goes with its mentions; a person's group, or one left with no
    # mention, does not, and a kept mention must not point at a group that is not there.
    clusters = [c for c in ann.clusters if c.decision == SUGGESTED and any(s.cluster == c.id for s in spans)]
    grouped = {c.id for c in clusters}
    spans = [s if s.cluster is None or s.cluster in grouped else replace(s, cluster=None) for s in spans]
    return Annotations(spans, stances, relations, clusters=clusters)


def record(store: Store, annotator: str, doc_ids: list[str]) -> None:
    """Record in ``store`` that ``annotator`` was given ``doc_ids`` (one audited action)."""
    def plan(conn):
        at = now()
        rows = []
        for doc_id in doc_ids:
            key = (doc_id, annotator)
            if fetch_row(conn, "assignments", key) is None:
                rows.append(RowChange("assignments", key, None,
                                      {"doc_id": doc_id, "annotator": annotator, "assigned_at": at}))
        return rows

    store._act(f"assign to {annotator}", None, plan, undoable=False, touch_status=False)


def assign(lead: Store, annotators: list[str], out_dir: str | os.PathLike, *, overlap: float, copies: int = 2,
           seed: int = 0) -> list[Assignment]:
    """Plan the assignment over every document of ``lead``, write ``OUT_DIR/<annotator>.db`` for each
    annotator, and record it in ``lead``. Refuses (writing nothing) when a file is already there."""
    out = Path(out_dir)
    plan = plan_assignment(lead.document_ids(), annotators, overlap=overlap, copies=copies, seed=seed)
    targets = {name: out / f"{name}.db" for name in plan}
    for name, path in targets.items():
        if Path(name).name != name or name in (".", ".."):
            raise InputError(f"annotator name {name!r} cannot name a file")
        if path.exists():
            raise InputError(f"{path}: already exists; nothing was written (choose another --out folder)")
    out.mkdir(parents=True, exist_ok=True)
    schema = lead.schema
    written = []
    try:
        for name, doc_ids in plan.items():
            path = str(targets[name])
            written.append(path)
            with Store.open(path, name, schema=schema) as mine:
                mine.import_documents(
                    (AnnotatedDocument(lead.document(d), _suggestions_only(lead.annotations(d))) for d in doc_ids),
                    as_suggestions=True, origin="import", source=f"assigned by {lead.annotator} from {lead.path}")
                record(mine, name, doc_ids)
    except BaseException:
        # All or nothing: no annotator gets half a set of files. Removing them is safe: each was
        # new (an existing one was refused above) and its store is closed, so no connection of
        # this process holds it (see store/database.py on descriptors and locks).
        for path in written:
            for suffix in ("", "-wal", "-shm"):
                if os.path.exists(path + suffix):
                    os.remove(path + suffix)
        raise
    for name, doc_ids in plan.items():
        record(lead, name, doc_ids)
    return [Assignment(name, str(targets[name]), doc_ids) for name, doc_ids in plan.items()]


def progress(conn) -> dict:
    """Per annotator: documents assigned, and of those done and skipped (from a merged database)."""
    out = {}
    for annotator, assigned, done, skipped in conn.execute(
            "SELECT a.annotator, count(*), sum(s.status = 'done'), sum(s.status = 'skipped') FROM assignments a "
            "LEFT JOIN doc_status s ON s.doc_id = a.doc_id AND s.annotator = a.annotator "
            "GROUP BY a.annotator ORDER BY a.annotator"):
        out[annotator] = {"assigned": assigned, "done": done or 0, "skipped": skipped or 0}
    return out
